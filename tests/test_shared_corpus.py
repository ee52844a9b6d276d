"""Real FRUS documents from ../shared/corpus (skipped when that folder is absent)."""

from graph.model.store import KnowledgeGraph

from .conftest import SHARED

CORPUS = SHARED / "corpus"


def test_real_documents_build_without_errors(built_shared_corpus, capsys):
    report, settings = built_shared_corpus  # skipped when ../shared/corpus is absent
    documents = {p.stem for p in CORPUS.glob("*.txt")}
    shipped = {p.stem for p in (settings.data_dir / "corpus").glob("*.txt")}
    assert report.documents == len(documents) + len(shipped)  # the shipped ones are read again from ../shared
    kg = KnowledgeGraph.open(settings.store_path)
    ids = {r["id"] for r in kg.select("SELECT ?id WHERE { ?d a <https://w3id.org/salt-kg/ontology#Document> ; "
                                      "<http://purl.org/dc/terms/identifier> ?id }")}
    assert ids == documents | shipped
    assert report.errors == []
    assert report.conforms
    with capsys.disabled():
        print(f"\nshared corpus: {report.documents} documents, {report.triples} triples, "
              f"{report.entities}, events {report.events}, {len(report.warnings)} warnings")
