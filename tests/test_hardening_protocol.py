"""The W3C SPARQL 1.1 Protocol query tests, adapted to this graph (issue 11).

Each test follows one case of the protocol test suite, with its data swapped for this graph's named
graphs (the ontology, the curated registry, one document's graph). Negative cases must answer 4xx.
Update cases run against a copy of the graph with the admin token, as the public endpoint is
read-only: there every update is refused with 403, which the negative cases accept. Not applicable:
`update-dataset-*` (using-graph-uri is not supported; such updates are refused).
"""

from __future__ import annotations

import shutil

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ServerSettings
from graph.config import Settings

BASE = "https://w3id.org/salt-kg/"
ONTOLOGY = BASE + "ontology"
CURATED = BASE + "graph/curated"
DOCUMENT = BASE + "graph/frus1969-76v14-d247"
OWL_ONTOLOGY = "<http://www.w3.org/2002/07/owl#Ontology>"
DIRECT = {"Content-Type": "application/sparql-query"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
RESULTS_JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def client(built_seed):
    with TestClient(create_app(settings=ServerSettings(graph=built_seed, query_workers=2))) as test_client:
        yield test_client


def boolean(response) -> bool:
    assert response.status_code == 200, response.text
    return response.json()["boolean"]


# -- positive query tests ------------------------------------------------------------------------------

def test_query_get(client):
    assert boolean(client.get("/sparql", params={"query": "ASK {}"}, headers=RESULTS_JSON)) is True


def test_query_post_form(client):
    response = client.post("/sparql/", content="query=ASK%20%7B%7D", headers={**FORM, **RESULTS_JSON})
    assert boolean(response) is True


def test_query_post_direct(client):
    assert boolean(client.post("/sparql/", content="ASK {}", headers={**DIRECT, **RESULTS_JSON})) is True


def test_query_dataset_default_graph(client):
    ask = f"ASK {{ <{ONTOLOGY}> a {OWL_ONTOLOGY} }}"
    assert boolean(client.post(f"/sparql/?default-graph-uri={ONTOLOGY}", content=ask,
                               headers={**DIRECT, **RESULTS_JSON})) is True
    assert boolean(client.post(f"/sparql/?default-graph-uri={CURATED}", content=ask,
                               headers={**DIRECT, **RESULTS_JSON})) is False


def test_query_dataset_default_graphs(client):
    ask = f"ASK {{ <{ONTOLOGY}> a {OWL_ONTOLOGY} . <{BASE}person/kissinger> ?p ?o }}"
    both = client.post(f"/sparql/?default-graph-uri={ONTOLOGY}&default-graph-uri={CURATED}", content=ask,
                       headers={**DIRECT, **RESULTS_JSON})
    assert boolean(both) is True
    one = client.post(f"/sparql/?default-graph-uri={ONTOLOGY}", content=ask, headers={**DIRECT, **RESULTS_JSON})
    assert boolean(one) is False


def test_query_dataset_named_graphs(client):
    response = client.post(f"/sparql/?named-graph-uri={CURATED}&named-graph-uri={DOCUMENT}",
                           content="SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                           headers={**DIRECT, **RESULTS_JSON})
    assert {b["g"]["value"] for b in response.json()["results"]["bindings"]} == {CURATED, DOCUMENT}


def test_query_dataset_full(client):
    query = f"SELECT DISTINCT ?x ?g WHERE {{ ?x a {OWL_ONTOLOGY} GRAPH ?g {{ ?s ?p ?o }} }}"
    response = client.post(f"/sparql/?default-graph-uri={ONTOLOGY}&named-graph-uri={CURATED}"
                           f"&named-graph-uri={DOCUMENT}", content=query, headers={**DIRECT, **RESULTS_JSON})
    rows = {(b["x"]["value"], b["g"]["value"]) for b in response.json()["results"]["bindings"]}
    assert rows == {(ONTOLOGY, CURATED), (ONTOLOGY, DOCUMENT)}


def test_query_multiple_dataset_uses_the_protocol_dataset(client):
    ask = f"ASK FROM <{CURATED}> {{ <{ONTOLOGY}> a {OWL_ONTOLOGY} }}"
    assert boolean(client.post("/sparql/", content=ask, headers={**DIRECT, **RESULTS_JSON})) is False
    assert boolean(client.post(f"/sparql/?default-graph-uri={ONTOLOGY}", content=ask,
                               headers={**DIRECT, **RESULTS_JSON})) is True


@pytest.mark.parametrize("query, allowed", [
    ("SELECT (1 AS ?value) {}", ("application/sparql-results+xml", "application/sparql-results+json",
                                 "text/csv", "text/tab-separated-values")),
    ("ASK {}", ("application/sparql-results+xml", "application/sparql-results+json")),
    (f"DESCRIBE <{BASE}person/kissinger>", ("application/rdf+xml", "text/turtle", "application/n-triples")),
    ("CONSTRUCT { <s> <p> 1 } WHERE {}", ("application/rdf+xml", "text/turtle", "application/n-triples")),
])
def test_query_content_type(client, query, allowed):
    response = client.post("/sparql/", content=query, headers=DIRECT)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] in allowed


# -- negative tests: each answers 4xx ---------------------------------------------------------------------

NEGATIVE = {
    "bad_query_method": ("PUT", "/sparql?query=ASK%20%7B%7D", {}, b""),
    "bad_multiple_queries": ("GET", "/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", {}, b""),
    "bad_query_wrong_media_type": ("POST", "/sparql/", {"Content-Type": "text/plain"}, b"ASK {}"),
    "bad_query_missing_form_type": ("POST", "/sparql/", {}, b"query=ASK%20%7B%7D"),
    "bad_query_missing_direct_type": ("POST", "/sparql/", {}, b"ASK {}"),
    "bad_query_non_utf8": ("POST", "/sparql/", {"Content-Type": "application/sparql-query; charset=UTF-16"},
                           "ASK {}".encode("utf-16")),
    "bad_query_syntax": ("GET", "/sparql?query=ASK%20%7B", {}, b""),
    "bad_update_get": ("GET", "/sparql?update=CLEAR%20ALL", {}, b""),
    "bad_multiple_updates": ("POST", "/sparql/", FORM, b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT"),
    "bad_update_wrong_media_type": ("POST", "/sparql/", {"Content-Type": "text/plain"}, b"CLEAR NAMED"),
    "bad_update_missing_form_type": ("POST", "/sparql/", {}, b"update=CLEAR%20NAMED"),
    "bad_update_missing_direct_type": ("POST", "/sparql/", {}, b"CLEAR NAMED"),
    "bad_update_non_utf8": ("POST", "/sparql/", {"Content-Type": "application/sparql-update; charset=UTF-16"},
                            "CLEAR NAMED".encode("utf-16")),
    "bad_update_syntax": ("POST", "/sparql/", FORM, b"update=CLEAR%20XYZ"),
    "bad_update_dataset_conflict": ("POST", "/sparql/", FORM,
                                    b"using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople&update=WITH%20%3Chttp"
                                    b"%3A%2F%2Fexample%2Faddresses%3E%20DELETE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D"
                                    b"%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D"),
}


@pytest.mark.parametrize("name", NEGATIVE)
def test_negative_cases_answer_4xx(client, name):
    method, url, headers, body = NEGATIVE[name]
    response = client.request(method, url, headers=headers, content=body)
    assert 400 <= response.status_code < 500, (name, response.status_code, response.text)


def test_bad_requests_with_the_admin_token_are_4xx_too(built_seed, tmp_path):
    with admin_client(built_seed, tmp_path) as admin:
        for name in ("bad_multiple_updates", "bad_update_non_utf8", "bad_update_syntax"):
            method, url, headers, body = NEGATIVE[name]
            response = admin.request(method, url, headers={**headers, **TOKEN}, content=body)
            assert 400 <= response.status_code < 500, (name, response.status_code)


# -- updates (with the admin token, on a copy of the graph) -----------------------------------------------

TOKEN = {"Authorization": "Bearer protocol-test"}
TEST_GRAPH = "http://example.org/protocol-base-test/"


def admin_client(built_seed, tmp_path) -> TestClient:
    build_dir = tmp_path / "build"
    shutil.copytree(built_seed.build_dir, build_dir)
    graph = Settings(data_dir=built_seed.data_dir, build_dir=build_dir)
    return TestClient(create_app(settings=ServerSettings(graph=graph, admin_token="protocol-test", query_workers=1)))


def test_update_post_form_direct_and_base_iri(built_seed, tmp_path):
    with admin_client(built_seed, tmp_path) as admin:
        cleared = admin.post("/sparql/", content=f"update=CLEAR%20SILENT%20GRAPH%20%3C{TEST_GRAPH}%3E",
                             headers={**FORM, **TOKEN})
        assert cleared.status_code == 204
        insert = (f"INSERT DATA {{ GRAPH <{TEST_GRAPH}> {{ <http://example.org/s> <http://example.org/p> <test> }} }}")
        inserted = admin.post("/sparql/", content=insert,
                              headers={"Content-Type": "application/sparql-update", **TOKEN})
        assert inserted.status_code == 204
        select = f"SELECT ?o WHERE {{ GRAPH <{TEST_GRAPH}> {{ <http://example.org/s> <http://example.org/p> ?o }} }}"
        found = admin.post("/sparql/", content=select, headers={**DIRECT, **RESULTS_JSON}).json()
        assert [b["o"]["value"] for b in found["results"]["bindings"]] == ["http://testserver/test"], \
            "a relative IRI in an update resolves against the endpoint"
