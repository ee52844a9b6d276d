"""`saltkg build --jobs N`: documents extracted and validated in worker processes give the very graph,
warnings and validation report of a serial build. (The --jobs option of the command line is tested in
test_ui_manifest.test_cli_if_changed, whose first build runs two workers.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.config import Settings
from graph.model.build import build
from graph.model.store import KnowledgeGraph
from tests.conftest import FIXTURES, SHARED

TEI = FIXTURES / "tei" / "frus1969-76v99-test.xml"


def canonical(store_path: Path) -> ox.Dataset:
    """The dataset with blank nodes relabelled canonically, so two builds compare quad by quad."""
    dataset = ox.Dataset(ox.Store.read_only(str(store_path)))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return dataset


@pytest.fixture(scope="module")
def serial_and_parallel(tmp_path_factory):
    """The test volume and a folder of the fixture documents with a file that is no document (a worker
    must report it and the rest still build), built serially and in two worker processes."""
    folder = tmp_path_factory.mktemp("inputs") / "docs"
    shutil.copytree(FIXTURES / "corpus", folder)
    (folder / "broken.txt").write_bytes(b"\xff\xfe\x00not a document")
    runs = []
    for jobs in (1, 2):
        settings = Settings(build_dir=tmp_path_factory.mktemp(f"jobs{jobs}") / "build")
        runs.append((build(settings, [TEI, folder], progress=False, jobs=jobs), settings))
    return runs


def test_parallel_build_has_the_same_quads(serial_and_parallel):
    (serial, one), (parallel, two) = serial_and_parallel
    assert parallel.documents == serial.documents > 5
    assert canonical(two.store_path) == canonical(one.store_path)
    assert parallel.quads == serial.quads


def test_parallel_build_reports_the_same(serial_and_parallel):
    (serial, _), (parallel, _) = serial_and_parallel
    assert parallel.warnings == serial.warnings
    assert parallel.errors == serial.errors
    assert parallel.volumes == serial.volumes
    assert parallel.conforms is serial.conforms is True
    assert parallel.entities == serial.entities and parallel.events == serial.events


def test_bad_input_in_a_worker_is_reported_and_the_rest_builds(serial_and_parallel):
    (serial, one), (parallel, _) = serial_and_parallel
    assert parallel.errors == serial.errors and len(serial.errors) == 1 and "broken.txt" in serial.errors[0]
    documents = {r["id"] for r in KnowledgeGraph.open(one.store_path).select(
        "SELECT ?id WHERE { ?d a <https://w3id.org/salt-kg/ontology#Document> ; <http://purl.org/dc/terms/identifier> ?id }")}
    assert {p.stem for p in (FIXTURES / "corpus").glob("*.txt")} <= documents  # the rest of the folder is built


def test_parallel_build_of_the_shared_corpus_redates_as_serial(built_shared_corpus, tmp_path):
    """The dev corpus, where documents date each other (a message cited with its date elsewhere), against
    the session's serial build of it (validation, which that build ran, writes nothing into the store)."""
    serial, one = built_shared_corpus  # skipped when ../shared/corpus is absent
    two = Settings(build_dir=tmp_path / "b2")
    parallel = build(two, [SHARED / "corpus"], progress=False, jobs=2, validate=False)
    assert parallel.documents == serial.documents and parallel.warnings == serial.warnings
    assert canonical(two.store_path) == canonical(one.store_path)
