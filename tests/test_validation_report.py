"""A graph that fails SHACL validation is reported in one line (count, first focus nodes and shapes) with
the details in a file the line names; the pySHACL fallback reads the graphs under the build's base IRI."""

from __future__ import annotations

import shutil

import pyoxigraph as ox
import pytest

from graph.cli import main
from graph.cli.build import failure_line
from graph.config import Settings
from graph.model.build import BuildFailed
from graph.model.validate import pyshacl_passes, validate_store

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
PERSON = ox.NamedNode("http://xmlns.com/foaf/0.1/Person")
DOCUMENT = ox.NamedNode("https://w3id.org/salt-kg/ontology#Document")


@pytest.fixture
def broken(built_seed, tmp_path, monkeypatch) -> tuple[Settings, list[str]]:
    """A copy of the built graph in which two curated people lost their labels (the shapes require one)."""
    build = tmp_path / "build"
    shutil.copytree(built_seed.store_path, build / "store")
    store = ox.Store(str(build / "store"))
    people = sorted({q.subject.value for q in store.quads_for_pattern(None, RDF_TYPE, PERSON)
                     if q.graph_name.value.endswith("graph/curated")})[:2]
    for iri in people:
        for quad in list(store.quads_for_pattern(ox.NamedNode(iri), LABEL, None)):
            store.remove(quad)
    store.flush()
    del store
    monkeypatch.setenv("SALTKG_BUILD", str(build))
    monkeypatch.setenv("SALTKG_DATA", str(built_seed.data_dir))
    return Settings(data_dir=built_seed.data_dir, build_dir=build), people


def test_validate_prints_one_summary_line_and_writes_the_details(broken, capsys):
    settings, people = broken
    assert main(["validate"]) == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and captured.out == ""
    line = lines[0]
    assert "SHACL violations of " in line and people[0] in line and "PeopleDatabasePerson" in line
    report = settings.build_dir / "shacl-report.txt"
    assert str(report) in line and "--verbose" in line
    details = report.read_text(encoding="utf-8")
    assert details.startswith("Validation Report") and all(iri in details for iri in people)


def test_validate_verbose_prints_the_details(broken, capsys):
    settings, people = broken
    assert main(["validate", "--verbose"]) == 1
    err = capsys.readouterr().err
    assert "Validation Report" in err and "Focus Node: " + people[1] in err
    assert not (settings.build_dir / "shacl-report.txt").exists()


def test_a_build_failing_validation_is_one_line(broken):
    settings, people = broken
    report = validate_store(ox.Store.read_only(str(settings.store_path)), settings.ontology_dir / "shapes.ttl",
                            base_iri=settings.base_iri)
    assert not report.conforms and report.violations >= 2
    multi_line = BuildFailed(f"the graph does not conform ({report.violations} violations):\n{report.text[:4000]}")
    line = failure_line(multi_line, verbose=False)  # a multi-line failure without a report: its first line
    assert "\n" not in line and f"({report.violations} violations)" in line
    assert (settings.build_dir / "build-failure.txt").read_text(encoding="utf-8").startswith("Validation Report")
    err = BuildFailed(f"the graph does not conform to the SHACL shapes: {report.summary()}",
                      validation=report)  # as graph/model/build.py raises it
    line = failure_line(err, verbose=False)
    assert "\n" not in line and line.startswith(f"{report.violations} SHACL violations of ") and people[0] in line
    assert str(settings.build_dir / "shacl-report.txt") in line


def test_pyshacl_fallback_reads_the_graphs_under_the_builds_base(monkeypatch):
    base = "https://example.org/kg/"
    monkeypatch.setenv("SALTKG_BASE_IRI", "https://elsewhere.example/")  # the environment's base is not the build's
    store = ox.Store()
    documents = [ox.NamedNode(f"{base}graph/d{n}") for n in range(3)]
    for n, graph in enumerate(documents):
        store.add(ox.Quad(ox.NamedNode(f"{base}document/d{n}"), RDF_TYPE, DOCUMENT, graph))
    derived, people, curated = (ox.NamedNode(base + "graph/" + name) for name in ("derived", "people", "curated"))
    for graph in (derived, people, curated):
        store.add(ox.Quad(ox.NamedNode(base + "x"), LABEL, ox.Literal("x"), graph))
    passes = pyshacl_passes(store, base, batch=2)
    assert all(people not in graphs for graphs in passes)  # the people database is never batched
    assert sum(derived in graphs for graphs in passes) == 1  # the derived graph once
    assert all(curated in graphs for graphs in passes)
    assert sorted(g.value for graphs in passes for g in graphs if g in documents) == sorted(g.value for g in documents)
