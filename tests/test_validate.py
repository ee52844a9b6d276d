"""SHACL validation compiled to SPARQL on Oxigraph finds exactly what pySHACL finds, on the built
graph and on graphs broken in every way the shapes forbid."""

from __future__ import annotations

from contextlib import contextmanager

import pyoxigraph as ox
import pytest

from graph.model.shacl_sparql import compile_shapes
from graph.model.validate import graph_as_rdflib, load_shapes, validate_store

BASE = "https://w3id.org/salt-kg/"
SALT = BASE + "ontology#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = "http://www.w3.org/2001/XMLSchema#"
SEM = "http://semanticweb.cs.vu.nl/2009/11/sem/"
OA = "http://www.w3.org/ns/oa#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def first(store: ox.Store, cls: str, n: int = 0):
    """The n-th instance of a class (in IRI order), so that each mutation breaks a different node."""
    return sorted((q.subject for q in store.quads_for_pattern(None, RDF_TYPE, node(cls))), key=str)[n]


def graph_of(store: ox.Store, subject) -> ox.NamedNode:
    return next(iter(store.quads_for_pattern(subject, None, None))).graph_name


def drop(store: ox.Store, subject, predicate: str) -> None:
    for quad in list(store.quads_for_pattern(subject, node(predicate), None)):
        store.remove(quad)


def put(store: ox.Store, subject, predicate: str, obj, replace: bool = True) -> None:
    graph = graph_of(store, subject)
    if replace:
        drop(store, subject, predicate)
    store.add(ox.Quad(subject, node(predicate), obj, graph))




def no_label(s):
    drop(s, first(s, "http://xmlns.com/foaf/0.1/Person"), LABEL)


def two_identifiers(s):
    put(s, first(s, SALT + "Document", 0), DCT + "identifier", ox.Literal("another"), replace=False)


def date_time_as_date(s):
    put(s, first(s, SALT + "Document", 1), DCT + "date", ox.Literal("1971-05-20T10:00:00", datatype=node(XSD + "dateTime")))


def ill_typed_date(s):
    put(s, first(s, SALT + "Rejection"), SEM + "hasEarliestBeginTimeStamp", ox.Literal("1971-13-45", datatype=node(XSD + "date")))


def event_without_specific_type(s):
    event = first(s, SALT + "Proposal")
    s.remove(ox.Quad(event, RDF_TYPE, node(SALT + "Proposal"), graph_of(s, event)))


def negative_offset(s):
    put(s, first(s, SALT + "Passage", 0), OA + "start", ox.Literal("-1", datatype=node(XSD + "integer")))


def literal_candidate(s):
    """On the window covering the fewest days: pySHACL writes the whole blank node (every day it covers)
    into its report, which took half a minute for the window of the first year."""
    windows = sorted((q.subject for q in s.quads_for_pattern(None, RDF_TYPE, node(SALT + "PositionWindow"))), key=str)
    window = min(windows, key=lambda w: sum(1 for _ in s.quads_for_pattern(w, node(SALT + "coversDay"), None)))
    put(s, window, SALT + "candidatePosition", ox.Literal("not a node"), replace=False)


def issue_is_a_person(s):
    put(s, first(s, SALT + "Rejection", 1), SALT + "concernsIssue", first(s, "http://xmlns.com/foaf/0.1/Person"))


def undated_document(s):
    document = first(s, SALT + "Document", 2)
    for predicate in (DCT + "date", SALT + "dateNotBefore", SALT + "dateNotAfter"):
        drop(s, document, predicate)


def closing_without_resolution(s):
    event = next(iter(s.quads_for_pattern(None, node(SALT + "closesIssue"), None))).subject
    drop(s, event, SALT + "resolution")


def earliest_after_latest(s):
    put(s, first(s, SALT + "Agreement"), SEM + "hasEarliestBeginTimeStamp", ox.Literal("1999-01-01", datatype=node(XSD + "date")))


def wrong_quote(s):
    put(s, first(s, SALT + "Passage", 1), OA + "exact", ox.Literal("not the text"))


def two_documents_for_a_passage(s):
    put(s, first(s, SALT + "Passage", 2), SALT + "inDocument", node(BASE + "document/elsewhere"), replace=False)


def unsourced_event(s):
    event = first(s, SALT + "PositionStatement")
    drop(s, event, PROV + "wasDerivedFrom")
    drop(s, event, DCT + "source")


def two_sides(s):
    """An extracted event (it has a passage) said to be both sides' stance."""
    event = sorted({q.subject for q in s.quads_for_pattern(None, node(PROV + "wasDerivedFrom"), None)
                    if any(s.quads_for_pattern(q.subject, RDF_TYPE, node(SALT + "NegotiationEvent")))}, key=str)[-1]
    for side in ("US", "USSR"):
        put(s, event, SALT + "side", ox.Literal(side), replace=False)


def subclass_instance_without_label(s):
    """A Proposal is a NegotiationEvent only through rdfs:subClassOf: targets must follow it."""
    drop(s, first(s, SALT + "MessageSent"), LABEL)


# each breaks a node of its own (three different documents for the three document mutations), so that
# all of them fit in one broken graph and pySHACL, which takes seconds per run, runs once over it
MUTATIONS = [no_label, two_identifiers, date_time_as_date, ill_typed_date, event_without_specific_type,
             negative_offset, literal_candidate, issue_is_a_person, undated_document, closing_without_resolution,
             earliest_after_latest, wrong_quote, two_documents_for_a_passage, unsourced_event, two_sides,
             subclass_instance_without_label]


def term(value) -> str:
    """A node as N-Triples, blank nodes all alike (their labels differ between stores)."""
    text = value.n3() if hasattr(value, "n3") else str(value)
    return "_:blank" if text.startswith("_:") else text


@contextmanager
def queries_parsed_once():
    """rdflib parses a query text anew on every call, and pySHACL runs each SPARQL constraint's text once
    per focus node (parsing was ~85% of its time here). Within this block each text is parsed and
    translated once and the prepared query is evaluated with each call's bindings, as rdflib's own
    prepareQuery does: the same answers, several times sooner."""
    from rdflib.plugins.sparql import processor
    original, prepared = processor.SPARQLProcessor.query, {}

    def query(self, text, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803 - rdflib's names
        if isinstance(text, str):
            key = (text, base, tuple(sorted((initNs or {}).items())))
            if key not in prepared:
                prepared[key] = processor.translateQuery(processor.parseQuery(text), base, initNs)
            text = prepared[key]
        return original(self, text, initBindings, initNs, base, DEBUG)
    processor.SPARQLProcessor.query = query
    try:
        yield
    finally:
        processor.SPARQLProcessor.query = original


def pyshacl_results(store: ox.Store, shapes_path) -> set[tuple[str, str, str]]:
    """pySHACL over the whole graph: (focus node, component, path) of every result."""
    import pyshacl
    import rdflib
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    data = graph_as_rdflib(store, list(store.named_graphs()))
    with queries_parsed_once():
        _, results, _ = pyshacl.validate(data, shacl_graph=load_shapes(shapes_path), inference="none", advanced=True)
    found = set()
    for result in results.subjects(rdflib.RDF.type, sh.ValidationResult):
        component = str(results.value(result, sh.sourceConstraintComponent)).rsplit("#", 1)[-1]
        found.add((term(results.value(result, sh.focusNode)), component, str(results.value(result, sh.resultPath) or "")))
    return found


@pytest.fixture(scope="module")
def seed_store(built_seed) -> ox.Store:
    return ox.Store.read_only(str(built_seed.store_path))


def copy(store: ox.Store) -> ox.Store:
    fresh = ox.Store()
    fresh.extend(store)
    return fresh


def test_every_shape_of_the_project_is_compiled(built_seed, seed_store):
    checks, left = compile_shapes(load_shapes(built_seed.ontology_dir / "shapes.ttl"), seed_store)
    assert left == [] and len(checks) > 50


def test_the_built_graph_conforms_both_ways(built_seed, seed_store):
    shapes = built_seed.ontology_dir / "shapes.ttl"
    assert validate_store(seed_store, shapes).conforms and pyshacl_results(seed_store, shapes) == set()


def results(store: ox.Store, shapes) -> set[tuple[str, str, str]]:
    """Oxigraph's validation results, or an empty set when the graph conforms."""
    report = validate_store(store, shapes)
    found = {(term(focus), component, path) for focus, component, path in report.results}
    assert report.conforms == (not found)
    return found


@pytest.fixture(scope="module")
def broken_alone(built_seed, seed_store) -> dict[str, set[tuple[str, str, str]]]:
    """The results on the built graph broken by each mutation on its own (Oxigraph only: cheap)."""
    found = {}
    for mutate in MUTATIONS:
        alone = copy(seed_store)
        mutate(alone)
        found[mutate.__name__] = results(alone, built_seed.ontology_dir / "shapes.ttl")
    return found


@pytest.mark.parametrize("mutate", MUTATIONS, ids=[m.__name__ for m in MUTATIONS])
def test_each_break_on_its_own_fails_validation(broken_alone, mutate):
    assert broken_alone[mutate.__name__], f"{mutate.__name__} alone passed validation"


def test_a_graph_broken_every_way_fails_with_the_same_results_as_pyshacl(built_seed, seed_store, broken_alone):
    """All mutations in one graph: its results are exactly the union of each mutation's own (none hides
    another), so comparing them with pySHACL's once compares every mutation's results."""
    shapes = built_seed.ontology_dir / "shapes.ttl"
    store = copy(seed_store)
    for mutate in MUTATIONS:
        mutate(store)
    found = results(store, shapes)
    assert found == set().union(*broken_alone.values())
    assert found == pyshacl_results(store, shapes)


def test_unsupported_shapes_fall_back_to_pyshacl(tmp_path, seed_store):
    """A constraint the compiler does not translate (sh:uniqueLang) is still checked, by pySHACL."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:shape> a sh:NodeShape ; sh:targetClass <http://xmlns.com/foaf/0.1/Person> ;
            sh:property [ sh:path <http://www.w3.org/2000/01/rdf-schema#label> ; sh:uniqueLang true ] .""")
    store = copy(seed_store)
    person = node(BASE + "person/kissinger")  # a curated person (the people database's graph is not batched)
    for text in ("one", "two"):
        store.add(ox.Quad(person, node(LABEL), ox.Literal(text, language="en"), node(BASE + "graph/curated")))
    checks, left = compile_shapes(load_shapes(shapes), store)
    assert checks == [] and len(left) == 1
    report = validate_store(store, shapes)
    assert not report.conforms and person.value in report.text


def test_checks_run_longest_first_but_report_in_their_own_order():
    """SPARQL constraints start first on the threads; the violations come back in the checks' order,
    the same as one thread gives."""
    from graph.model.shacl_sparql import Check, likely_longest_first, run_checks
    store = ox.Store()
    ex = "https://example.org/"
    store.extend([ox.Quad(ox.NamedNode(f"{ex}n{i}"), ox.NamedNode(ex + "p"), ox.Literal(str(i)), ox.NamedNode(ex + "g"))
                  for i in range(6)])
    checks = [Check(f"{ex}Shape{i}", "SPARQLConstraintComponent" if i % 3 == 2 else "MinCountConstraintComponent",
                    "", str(i), f'SELECT ?this WHERE {{ ?this <{ex}p> ?v FILTER (?v != "{i}") }} ORDER BY ?this')
              for i in range(6)]
    assert likely_longest_first(checks) == [2, 5, 0, 1, 3, 4]
    threaded, alone = run_checks(store, checks, threads=2), run_checks(store, checks, threads=1)
    assert threaded == alone
    assert [check.message for check, _, _ in threaded] == [str(i) for i in range(6) for _ in range(5)]
