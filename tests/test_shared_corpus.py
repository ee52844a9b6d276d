"""Real FRUS documents from ../shared/corpus (skipped when that folder is absent)."""

import pytest

from graph.model.build import build

from .conftest import SHARED

CORPUS = SHARED / "corpus"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present")
def test_real_documents_build_without_errors(settings, capsys):
    report = build(settings, [CORPUS], progress=False)
    documents = len(list(CORPUS.glob("*.txt")))
    assert report.documents == documents + 1  # plus the shipped seed
    assert report.errors == []
    assert report.conforms
    with capsys.disabled():
        print(f"\nshared corpus: {report.documents} documents, {report.triples} triples, "
              f"{report.entities}, events {report.events}, {len(report.warnings)} warnings")
