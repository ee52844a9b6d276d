"""Building the graph: summary, SHACL, idempotence, named graphs, bad input, safe swap."""

import shutil

import pytest

from graph.model.build import BuildFailed, build, remove_documents
from graph.model.store import KnowledgeGraph
from graph.model.validate import validate_store


def all_quads(settings):
    kg = KnowledgeGraph.open(settings.store_path)
    return set(map(str, kg.store))


def test_build_seed_summary_and_shacl(settings):
    report = build(settings, progress=False)
    shipped = sorted(p.stem for p in (settings.data_dir / "corpus").glob("*.txt"))
    assert report.documents == len(shipped) >= 9 and not report.errors  # the shipped SALT I documents
    assert report.conforms is True
    assert report.triples > 1000
    assert report.entities["Person"] >= 3 and report.entities["Document"] >= 1
    assert report.issues >= 15
    assert {"Demarche", "Deadline", "IssueRaised", "Rejection", "Proposal", "MessageSent"} <= set(report.events)
    assert (settings.build_dir / "build.json").exists()


def test_building_twice_gives_the_same_graph(seed_copy):
    first = all_quads(seed_copy)  # the session's build of the same data
    build(seed_copy, progress=False)
    assert all_quads(seed_copy) == first


def test_each_document_has_its_own_named_graph(fixture_data):
    build(fixture_data, progress=False)
    kg = KnowledgeGraph.open(fixture_data.store_path)
    graphs = kg.named_graphs()
    base = fixture_data.base_iri
    for doc_id in ("frus1969-76v14-d247", "frus1969-76v32-d901", "frus1969-76v32-d902", "frus1969-76v32-d903"):
        assert f"{base}graph/{doc_id}" in graphs
    assert f"{base}graph/curated" in graphs
    del kg
    assert remove_documents(["frus1969-76v32-d902"], fixture_data) == ["frus1969-76v32-d902"]
    kg = KnowledgeGraph.open(fixture_data.store_path)
    assert f"{base}graph/frus1969-76v32-d902" not in kg.named_graphs()
    assert f"{base}graph/frus1969-76v32-d901" in kg.named_graphs()
    assert not kg.select("SELECT ?d WHERE { ?d <http://purl.org/dc/terms/identifier> 'frus1969-76v32-d902' }")


def test_update_re_extracts_one_document(fixture_data):
    build(fixture_data, progress=False)
    before = all_quads(fixture_data)
    report = build(fixture_data, [fixture_data.corpus_dir / "frus1969-76v32-d903.txt"], update=True, progress=False)
    assert report.documents == 1
    assert all_quads(fixture_data) == before


def test_bad_documents_are_reported_and_the_rest_still_builds(fixture_data, tmp_path):
    corpus = fixture_data.corpus_dir
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02")
    (corpus / "latin1.txt").write_bytes("1. Note\n\nd\u00e9marche".encode("latin-1"))
    (corpus / "noheading.txt").write_text("Just prose.\n", encoding="utf-8")
    report = build(fixture_data, progress=False)
    good = len([p for p in corpus.glob("*.txt") if p.stem not in ("empty", "binary", "latin1", "noheading")])
    assert report.documents == good == 12  # the nine shipped documents and three fixtures
    assert len(report.errors) == 4
    assert any("empty.txt" in e and "empty file" in e for e in report.errors)
    assert any("latin1.txt:3" in e for e in report.errors)
    assert any("noheading.txt:1" in e and "no heading" in e for e in report.errors)
    assert report.conforms


def test_failed_build_keeps_the_last_good_graph(seed_copy, tmp_path):
    settings = seed_copy
    before = all_quads(settings)
    broken = tmp_path / "broken"
    shutil.copytree(settings.data_dir / "curated", broken / "curated")
    (broken / "corpus").mkdir()
    (broken / "corpus" / "bad.txt").write_bytes(b"")
    from graph.config import Settings
    failing = Settings(data_dir=broken, build_dir=settings.build_dir)
    with pytest.raises(BuildFailed, match="no document could be read"):
        build(failing, progress=False)
    assert all_quads(settings) == before
    assert not list(settings.build_dir.glob("store.tmp-*"))


def test_shacl_catches_a_quote_that_differs_from_the_text(seed_copy):
    import pyoxigraph as ox
    kg = KnowledgeGraph.open(seed_copy.store_path, read_only=False)
    passage = kg.select("SELECT ?p WHERE { ?p a <https://w3id.org/salt-kg/ontology#Passage> } LIMIT 1")[0]["p"]
    graph = next(q.graph_name for q in kg.store.quads_for_pattern(ox.NamedNode(passage), None, None))
    exact = ox.NamedNode("http://www.w3.org/ns/oa#exact")
    for quad in list(kg.store.quads_for_pattern(ox.NamedNode(passage), exact, None)):
        kg.store.remove(quad)
    kg.store.add(ox.Quad(ox.NamedNode(passage), exact, ox.Literal("not the text"), graph))
    report = validate_store(kg.store)
    assert not report.conforms and "quoted text differs" in report.text


def test_rdflib_view_over_the_same_oxigraph_store(built_seed):
    import rdflib
    kg = KnowledgeGraph.open(built_seed.store_path)
    dataset = kg.as_rdflib()
    rows = list(dataset.query("SELECT ?label WHERE { <https://w3id.org/salt-kg/person/kissinger> "
                              "<http://www.w3.org/2000/01/rdf-schema#label> ?label }"))
    assert [str(r[0]) for r in rows] == ["Henry A. Kissinger"]
    person = rdflib.URIRef("https://w3id.org/salt-kg/person/nixon")
    assert "Richard M. Nixon" in {str(o) for o in dataset.objects(person, rdflib.RDFS.label)}


def test_rdflib_view_gives_the_same_rows_as_oxigraph(built_seed):
    """Terms, datatypes, languages, unbound cells and initBindings survive the hand-off; ASK and
    CONSTRUCT still work."""
    import rdflib
    from graph.ask import queries
    kg = KnowledgeGraph.open(built_seed.store_path)
    dataset = kg.as_rdflib()
    text = queries.bind(queries.load("unresolved-on-date"), {"date": queries.xsd_date("1972-05-20")})
    expected = [[None if term is None else term.value for term in row]
                for row in kg.store.query(text, use_default_graph_as_union=True)]
    result = dataset.query(text)
    got = [[None if term is None else str(term) for term in row] for row in result]
    assert got == expected and any(None in row for row in got)
    since = next(row.since for row in dataset.query(text))
    assert isinstance(since, rdflib.Literal) and since.datatype == rdflib.XSD.date and 1969 <= since.toPython().year <= 1972
    labels = dataset.query("SELECT ?p ?label WHERE { ?p <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }",
                           initBindings={"p": rdflib.URIRef("https://w3id.org/salt-kg/issue/mobile-icbms")})
    assert [str(row.label) for row in labels] == ["Mobile ICBMs"]
    assert dataset.query("ASK { ?s a <https://w3id.org/salt-kg/ontology#Demarche> }").askAnswer is True
    built = dataset.query("CONSTRUCT WHERE { <https://w3id.org/salt-kg/person/nixon> ?p ?o }").graph
    assert (rdflib.URIRef("https://w3id.org/salt-kg/person/nixon"), rdflib.RDFS.label,
            rdflib.Literal("Richard M. Nixon")) in built


def test_rdflib_view_builds_text_literals_as_rdflib_does():
    import rdflib
    from graph.model.rdflib_view import text_literal
    for text, language in [("Henry A. Kissinger", None), ("Mobile ICBMs", "en"), ("“free ride”", "en-gb"), ("", None)]:
        fast, slow = text_literal(text, language), rdflib.Literal(text, lang=language)
        assert fast.eq(slow) and hash(fast) == hash(slow) and fast.n3() == slow.n3()
        assert (fast.language, fast.datatype, fast.value, fast.ill_typed) == (slow.language, slow.datatype, slow.value, slow.ill_typed)


def test_validation_finds_sparql_and_core_violations(built_seed):
    """A wrong quote (SPARQL constraint, run on Oxigraph) and a person without label (core, pyshacl)."""
    import pyoxigraph as ox

    store = ox.Store()
    original = ox.Store.read_only(str(built_seed.store_path))
    store.extend(original)
    base = "https://w3id.org/salt-kg/"
    passage = next(iter(store.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/ns/oa#exact"), None))).subject
    graph = next(iter(store.quads_for_pattern(passage, None, None))).graph_name
    for quad in list(store.quads_for_pattern(passage, ox.NamedNode("http://www.w3.org/ns/oa#exact"), None)):
        store.remove(quad)
    store.add(ox.Quad(passage, ox.NamedNode("http://www.w3.org/ns/oa#exact"), ox.Literal("not the text"), graph))
    store.add(ox.Quad(ox.NamedNode(base + "person/nameless"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      ox.NamedNode("http://xmlns.com/foaf/0.1/Person"), ox.NamedNode(base + "graph/curated")))
    report = validate_store(store, built_seed.ontology_dir / "shapes.ttl")
    assert not report.conforms and report.violations >= 2
    assert any(passage.value in m and "quoted text differs" in m for m in report.messages)
    assert any("person/nameless" in m for m in report.messages)
    assert validate_store(original, built_seed.ontology_dir / "shapes.ttl").conforms
