"""The derived scope: a document without a volume in a negotiation is placed by its date bounds."""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest

from graph.model.derived import DOCUMENT_BY_DATE, SALT, SEM

EX = "https://example.org/"
XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

# the shape the query had before: the volume test as a FILTER NOT EXISTS over a property path, which
# Oxigraph evaluated once per document against every salt:inNegotiation statement (30 s at 600 documents)
BY_DATE_AS_NOT_EXISTS = f"""SELECT ?document (SAMPLE(?candidate) AS ?negotiation) (COUNT(DISTINCT ?candidate) AS ?n) WHERE {{
  ?document a <{SALT}Document> ; <{SALT}dateNotBefore> ?from ; <{SALT}dateNotAfter> ?to .
  FILTER NOT EXISTS {{ ?document <{SALT}inVolume>/<{SALT}inNegotiation> ?any }}
  ?candidate a <{SALT}Negotiation> ; <{SEM}hasEarliestBeginTimeStamp> ?begins ; <{SEM}hasLatestEndTimeStamp> ?ends .
  FILTER (?from >= ?begins && ?to <= ?ends)
}} GROUP BY ?document HAVING (COUNT(DISTINCT ?candidate) = 1)"""


def day(rng: random.Random) -> ox.Literal:
    return ox.Literal(f"19{rng.randint(69, 79)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", datatype=XSD_DATE)


def random_store(seed: int) -> ox.Store:
    """Negotiations with (possibly overlapping) spans; volumes in none, one or two of them; documents
    with date bounds in several graphs, some in a volume, some in two, some with no bounds."""
    rng = random.Random(seed)
    store = ox.Store()
    quads = []
    negotiations = [ox.NamedNode(f"{EX}negotiation/{n}") for n in range(rng.randint(1, 4))]
    for negotiation in negotiations:
        start, end = sorted([day(rng), day(rng)], key=lambda d: d.value)
        graph = ox.NamedNode(EX + "graph/curated")
        quads += [ox.Quad(negotiation, RDF_TYPE, ox.NamedNode(SALT + "Negotiation"), graph),
                  ox.Quad(negotiation, ox.NamedNode(SEM + "hasEarliestBeginTimeStamp"), start, graph),
                  ox.Quad(negotiation, ox.NamedNode(SEM + "hasLatestEndTimeStamp"), end, graph)]
    volumes = [ox.NamedNode(f"{EX}volume/{n}") for n in range(3)]
    for volume in volumes:
        for negotiation in rng.sample(negotiations, rng.randint(0, min(2, len(negotiations)))):
            quads.append(ox.Quad(volume, ox.NamedNode(SALT + "inNegotiation"), negotiation, ox.NamedNode(EX + "graph/v")))
    for n in range(40):
        document, graph = ox.NamedNode(f"{EX}document/{n}"), ox.NamedNode(f"{EX}graph/d{n % 7}")
        quads.append(ox.Quad(document, RDF_TYPE, ox.NamedNode(SALT + "Document"), graph))
        if rng.random() < 0.9:
            low, high = sorted([day(rng), day(rng)], key=lambda d: d.value)
            quads += [ox.Quad(document, ox.NamedNode(SALT + "dateNotBefore"), low, graph),
                      ox.Quad(document, ox.NamedNode(SALT + "dateNotAfter"), high, graph)]
        for volume in rng.sample(volumes, rng.choice([0, 0, 1, 2])):
            quads.append(ox.Quad(document, ox.NamedNode(SALT + "inVolume"), volume, graph))
    store.extend(quads)
    return store


def rows(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    return sorted(tuple(term.value for term in row) for row in store.query(query, use_default_graph_as_union=True))


@pytest.mark.parametrize("seed", range(60))
def test_document_by_date_answers_as_its_not_exists_form(seed):
    store = random_store(seed)
    assert rows(store, DOCUMENT_BY_DATE) == rows(store, BY_DATE_AS_NOT_EXISTS)


def test_random_stores_place_some_documents_and_leave_others():
    placed = [len(rows(random_store(seed), DOCUMENT_BY_DATE)) for seed in range(60)]
    assert sum(placed) > 20 and placed.count(0) > 5  # both outcomes are exercised
