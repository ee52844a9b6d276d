"""The served endpoint as real clients use it: SPARQLWrapper, rdflib's SPARQLStore, concurrent load."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

from graph.ask import queries

BASE = "https://w3id.org/salt-kg/"


def test_sparqlwrapper_select_construct_ask(live_server):
    client = SPARQLWrapper(live_server + "/sparql")
    client.setQuery(queries.bind(queries.load("unresolved-on-date"), {"date": queries.xsd_date("1972-05-19")}))
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert BASE + "issue/mobile-icbms" in {row["issue"]["value"] for row in rows}

    client.setQuery(f"CONSTRUCT {{ <{BASE}person/kissinger> ?p ?o }} WHERE {{ <{BASE}person/kissinger> ?p ?o }}")
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.query().convert(), format="turtle")
    assert (URIRef(BASE + "person/kissinger"), RDFS.label, Literal("Henry A. Kissinger")) in graph

    client.setQuery(f"ASK {{ <{BASE}issue/slbm-base-figure-48> ?p ?o }}")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True

    client.setMethod("POST")
    client.setQuery("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(client.query().convert()["results"]["bindings"][0]["n"]["value"]) > 1000


def test_rdflib_sparqlstore(live_server):
    graph = Graph(store=SPARQLStore(live_server + "/sparql"))
    labels = list(graph.objects(URIRef(BASE + "person/smith-gerard"), RDFS.label))
    assert labels == [Literal("Gerard C. Smith")]
    rows = list(graph.query(f"SELECT ?issue WHERE {{ ?issue <http://www.w3.org/2004/02/skos/core#broader> "
                            f"<{BASE}issue/slbm-limits> }}"))
    assert URIRef(BASE + "issue/slbm-base-figure-48") in {row[0] for row in rows}


def test_served_pages_and_linked_data(live_server):
    page = httpx.get(live_server + "/issue/mobile-icbms", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Mobile ICBMs" in page.text
    assert "void:Dataset" in httpx.get(live_server + "/.well-known/void").text


def test_bounded_concurrent_load_has_no_errors(live_server):
    """8 clients, 320 requests mixing SPARQL, REST and linked data; every answer must be 200."""
    unresolved = queries.bind(queries.load("unresolved-on-date"), {"date": queries.xsd_date("1972-05-20")})
    requests = [("/sparql", {"query": unresolved}), ("/issues", {"unresolved_on": "1972-05-20"}),
                ("/person/kissinger", {}), ("/entities", {"q": "smith"}), ("/search", {"q": "submarines"}),
                ("/sparql", {"query": f"DESCRIBE <{BASE}person/kissinger>"})]

    def client_run(index: int) -> list[int]:
        statuses = []
        with httpx.Client(base_url=live_server, timeout=30) as http:
            for step in range(40):
                path, params = requests[(index + step) % len(requests)]
                statuses.append(http.get(path, params=params, headers={"Accept": "application/json"}).status_code)
        return statuses

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = [s for result in pool.map(client_run, range(8)) for s in result]
    assert len(statuses) == 320
    assert set(statuses) == {200}
