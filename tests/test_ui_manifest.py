"""`saltkg build --if-changed` (what `make serve` runs) never throws away a graph the user built."""

from __future__ import annotations

import shutil

from graph.cli import main
from graph.model import manifest
from graph.model.build import build, build_if_changed, remove_documents
from graph.model.store import KnowledgeGraph

from .conftest import FIXTURES


def documents_in(settings) -> int:
    kg = KnowledgeGraph.open(settings.store_path)
    return int(kg.select("SELECT (COUNT(?d) AS ?n) WHERE { ?d a <https://w3id.org/salt-kg/ontology#Document> }")[0]["n"])


def test_builds_only_when_needed_and_keeps_extra_inputs(settings, tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    for path in sorted((FIXTURES / "corpus").iterdir())[:2]:
        shutil.copy(path, extra / path.name)
    report, why = build_if_changed(settings, progress=False, validate=False)
    assert report is not None and why == "there was no graph yet"
    report, why = build_if_changed(settings, progress=False, validate=False)
    assert report is None and why.startswith("the graph is up to date with its ")
    shipped = documents_in(settings)
    build(settings, [extra], progress=False, validate=False)  # the user builds a larger graph
    larger = documents_in(settings)
    assert larger > shipped and manifest.read(settings).paths == [str(extra.resolve())]
    report, why = build_if_changed(settings, progress=False, validate=False)  # what `make serve` runs
    assert report is None and "up to date" in why and documents_in(settings) == larger
    first = sorted(p for p in extra.iterdir() if p.suffix == ".txt")[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    report, why = build_if_changed(settings, progress=False, validate=False)
    assert report is not None and why.startswith("rebuilt from the same inputs") and first.name in why
    assert documents_in(settings) == larger  # rebuilt with the extra documents, not from data/ alone


def test_graph_without_manifest_or_amended_is_kept(seed_copy):
    settings = seed_copy
    manifest.manifest_path(settings).unlink()
    report, why = build_if_changed(settings, progress=False, validate=False)
    assert report is None and "no record of its inputs" in why
    build(settings, progress=False, validate=False)
    remove_documents(["frus1969-76v14-d247"], settings)
    assert manifest.read(settings).amended
    report, why = build_if_changed(settings, progress=False, validate=False)
    assert report is None and "amended" in why


def test_cli_if_changed(settings, monkeypatch, capsys):
    monkeypatch.setenv("SALTKG_BUILD", str(settings.build_dir))
    assert main(["build", "--if-changed", "--jobs", "2", "-q", "--no-validate"]) == 0  # in two worker processes
    out = capsys.readouterr().out
    assert out.startswith("built: there was no graph yet") and "documents" in out
    assert main(["build", "--if-changed", "-q", "--no-validate"]) == 0
    assert capsys.readouterr().out.startswith("not built: the graph is up to date")
