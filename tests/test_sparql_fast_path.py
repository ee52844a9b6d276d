"""GET and HEAD of /sparql skip the router (api/app.py, SparqlFastPath): every answer, error, header and
validator must be what the routed endpoint gives."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.app import SparqlFastPath, create_app
from api.settings import ServerSettings

SELECT = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?s LIMIT 5"
CONSTRUCT = "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } ORDER BY ?s LIMIT 3"
IGNORED = {"date", "server"}
BLANK = re.compile(rb"_:[0-9a-f]{16,}")

REQUESTS = [
    ("GET", "/sparql", {"query": SELECT}, {"Accept": "application/sparql-results+json"}),
    ("GET", "/sparql", {"query": SELECT}, {"Accept": "text/csv"}),
    ("GET", "/sparql", {"query": SELECT, "format": "xml"}, {}),
    ("GET", "/sparql/", {"query": SELECT}, {"Accept": "text/tab-separated-values"}),
    ("GET", "/sparql", {"query": CONSTRUCT}, {"Accept": "text/turtle"}),
    ("GET", "/sparql", {"query": CONSTRUCT}, {"Accept": "image/png"}),
    ("GET", "/sparql", {"query": SELECT}, {"Accept": "text/html"}),
    ("GET", "/sparql", {"query": "ASK { ?s ?p ?o }"}, {"Origin": "https://example.org"}),
    ("HEAD", "/sparql", {"query": SELECT}, {"Accept": "application/sparql-results+json"}),
    ("GET", "/sparql", {}, {"Accept": "text/turtle"}),
    ("GET", "/sparql", {}, {"Accept": "text/html"}),
    ("GET", "/sparql", {"query": "SELEC ?x"}, {}),
    ("GET", "/sparql", {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}, {}),
    ("GET", "/sparql", {"update": "CLEAR ALL"}, {}),
    ("GET", "/sparql", {"query": SELECT, "default-graph-uri": "not an iri"}, {}),
    ("GET", "/sparql", {"query": "SELECT * WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }"}, {}),
    ("GET", "/sparql", {"query": "SELECT ?x WHERE { BIND (NOW() AS ?x) }"}, {"Accept": "application/sparql-results+json"}),
]


@pytest.fixture(scope="module")
def clients(built_seed):
    settings = ServerSettings(store_path=built_seed.store_path)
    fast, routed = create_app(settings=settings), create_app(settings=settings, fast_sparql=False)
    assert fast.user_middleware[0].cls is SparqlFastPath
    assert all(m.cls is not SparqlFastPath for m in routed.user_middleware)
    with TestClient(fast) as fast_client, TestClient(routed) as routed_client:
        yield fast_client, routed_client


def answer(client: TestClient, method: str, path: str, params: dict, headers: dict) -> tuple:
    """Status, headers and body; blank node labels (new in every app: the service description) read as one."""
    response = client.request(method, path, params=params, headers=headers)
    body = BLANK.sub(b"_:b", response.content)
    ignored = IGNORED | ({"content-length"} if body != response.content else set())
    return response.status_code, sorted((k, v) for k, v in response.headers.items() if k not in ignored), body


@pytest.mark.parametrize("method,path,params,headers", REQUESTS)
def test_the_fast_path_answers_as_the_routed_endpoint(clients, method, path, params, headers):
    fast, routed = clients
    for _ in range(2):  # the second time from the result cache, where the answer is cacheable
        got, expected = answer(fast, method, path, params, headers), answer(routed, method, path, params, headers)
        if "NOW()" in params.get("query", ""):  # a new value each time: the same answer but for the value
            got, expected = got[:2], expected[:2]
            got = (got[0], [(k, v) for k, v in got[1] if k != "content-length"])
            expected = (expected[0], [(k, v) for k, v in expected[1] if k != "content-length"])
        assert got == expected


def test_validators_and_304_on_the_fast_path(clients):
    fast, routed = clients
    first = fast.get("/sparql", params={"query": SELECT}, headers={"Accept": "text/csv"})
    assert first.headers["etag"] == routed.get("/sparql", params={"query": SELECT}, headers={"Accept": "text/csv"}).headers["etag"]
    again = fast.get("/sparql", params={"query": SELECT}, headers={"Accept": "text/csv", "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_other_methods_and_paths_are_routed(clients):
    fast, _ = clients
    assert fast.put("/sparql", content=b"x").status_code == 405
    assert fast.options("/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"}).status_code == 200
    assert fast.get("/sparqlx").status_code == 404
