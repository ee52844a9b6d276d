"""What an outside tester broke (issue 11, items 3–9), kept broken-proof: hostile requests answer 4xx
and leave the query workers alive, killed workers are replaced without a 502, SPARQLWrapper's
defaults work, relative IRIs resolve against the endpoint, wildcards, HEAD, /sparql/, Retry-After and
the OpenAPI document's error answers."""

from __future__ import annotations

import os
import signal

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ServerSettings

BASE = "https://w3id.org/salt-kg/"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
QUERY = f"SELECT ?label WHERE {{ <{BASE}person/smith-gerard> <{LABEL}> ?label }}"
CONSTRUCT = f"CONSTRUCT {{ <{BASE}person/smith-gerard> <{LABEL}> ?l }} WHERE {{ <{BASE}person/smith-gerard> <{LABEL}> ?l }}"


@pytest.fixture(scope="module")
def client(built_seed):
    # the result cache off: these tests send the same query again to prove the workers answer it
    settings = ServerSettings(graph=built_seed, query_workers=2, query_timeout=5, cache_bytes=0)
    with TestClient(create_app(settings=settings)) as test_client:
        yield test_client


def workers_alive(client: TestClient) -> int:
    pool = client.app.state.services.pool
    return sum(w.process.is_alive() for w in list(pool.idle.queue))


def still_answers(client: TestClient) -> bool:
    response = client.get("/sparql", params={"query": QUERY}, headers={"Accept": "application/sparql-results+json"})
    return response.status_code == 200 and response.json()["results"]["bindings"][0]["label"]["value"] == "Gerard C. Smith"


# -- item 3: requests that killed a worker -------------------------------------------------------------

@pytest.mark.parametrize("name, value", [("default-graph-uri", "a b"), ("named-graph-uri", "<x>"),
                                         ("default-graph-uri", "foo"), ("named-graph-uri", "http://[bad")])
def test_bad_dataset_iris_are_400_before_the_worker(client, name, value):
    for send in (lambda: client.get("/sparql", params={"query": QUERY, name: value}),
                 lambda: client.post("/sparql", data={"query": QUERY, name: value})):
        response = send()
        assert response.status_code == 400 and "absolute IRIs" in response.text
    assert still_answers(client)


DEEP = {
    "5,000 nested { }": "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000,
    "20,000 nested parentheses": "SELECT * WHERE { FILTER(" + "(" * 20000 + "1" + ")" * 20000 + ") }",
    "a property path 20,000 deep": "SELECT * WHERE { ?s " + "/".join(["<http://x/p>"] * 20000) + " ?o }",
    "a property path nested 20,000 deep": "SELECT * WHERE { ?s " + "(" * 20000 + "<http://x/p>" + ")" * 20000 + " ?o }",
    "3,000 nested OPTIONALs": "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * 3000 + "}" * 3000 + "}",
}


@pytest.mark.parametrize("label", DEEP)
def test_deeply_nested_queries_are_400_and_workers_survive(client, label):
    response = client.post("/sparql", content=DEEP[label], headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400, response.text
    assert "query refused" in response.text and ("deep" in response.text or "steps" in response.text)
    assert still_answers(client) and workers_alive(client) == 2


def test_nesting_within_the_limit_is_evaluated(client):
    """A hundred nested groups is legal and deeper than the engine manages on a default 8 MB stack."""
    query = "SELECT (COUNT(*) AS ?n) WHERE " + "{" * 100 + f" <{BASE}person/smith-gerard> <{LABEL}> ?l " + "}" * 100
    response = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200 and response.json()["results"]["bindings"][0]["n"]["value"] == "1"


def test_worker_stack_survives_recursion_past_the_main_thread_limit(built_seed):
    """The worker's engine runs on a large stack: a query that overflows a default 8 MB stack is
    answered there (it is refused before reaching a worker when sent over HTTP)."""
    from api.executor import QueryJob, QueryPool
    pool = QueryPool(built_seed.store_path, size=1, timeout=30)
    try:
        answer = pool.run(QueryJob("SELECT * WHERE { FILTER(" + "(" * 20000 + "1" + ")" * 20000 + ") }"))
        assert answer.media_type == "application/sparql-results+json"
        assert pool.replaced == 0, "no worker died"
    finally:
        pool.close()


# -- item 6: a worker killed while idle -----------------------------------------------------------------

def test_workers_killed_while_idle_are_replaced_without_502(client):
    pool = client.app.state.services.pool
    assert still_answers(client)
    for worker in list(pool.idle.queue):
        os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.join(timeout=5)
    answers = [client.get("/sparql", params={"query": QUERY}).status_code for _ in range(4)]
    assert answers == [200] * 4
    assert workers_alive(client) == 2


# -- item 4: ids that are not IRIs ----------------------------------------------------------------------

@pytest.mark.parametrize("path, status", [
    ("/person/a%20b", 404), ("/person/%FF", 404), ("/person/kissinger%00", 404), ("/person/%ZZ", 404),
    ("/entities/a%22b", 404), ("/documents/a%3Eb", 404), ("/people/%14/connections", 404),
    ("/events?actor=a%20b", 400), ("/events?issue=a%3Eb", 400), ("/issues/a%22b", 404),
    ("/view/entity/a%20b", 404), ("/person/a%20b.ttl", 404)])
def test_ids_that_are_not_iris_are_404_or_400(client, path, status):
    response = client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == status, response.text


# -- item 5: SPARQLWrapper's defaults -------------------------------------------------------------------

@pytest.mark.parametrize("query", [CONSTRUCT, f"DESCRIBE <{BASE}person/smith-gerard>"])
def test_format_xml_with_rdf_xml_accept_gives_rdf_xml(client, query):
    response = client.get("/sparql", params={"query": query, "format": "xml"},
                          headers={"Accept": "application/rdf+xml"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/rdf+xml")
    assert "Gerard C. Smith" in response.text


def test_format_parameter_still_chooses_for_select(client):
    response = client.get("/sparql", params={"query": QUERY, "format": "xml"})
    assert response.headers["content-type"].startswith("application/sparql-results+xml")
    turtle_for_select = client.get("/sparql", params={"query": QUERY, "format": "turtle"},
                                   headers={"Accept": "text/csv"})
    assert turtle_for_select.headers["content-type"].startswith("text/csv"), "the fitting Accept is used"


def test_sparqlwrapper_defaults_on_construct_and_describe(live_server):
    from SPARQLWrapper import SPARQLWrapper
    for query in (CONSTRUCT, f"DESCRIBE <{BASE}person/smith-gerard>"):
        endpoint = SPARQLWrapper(live_server + "/sparql")
        endpoint.setQuery(query)
        graph = endpoint.queryAndConvert()
        assert "Gerard C. Smith" in {str(o) for o in graph.objects()}


# -- item 7: base IRI and repeated parameters -------------------------------------------------------------

def test_relative_iris_resolve_against_the_endpoint(client):
    response = client.get("/sparql", params={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"},
                          headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    assert response.text.strip() == ('<http://testserver/s> <http://testserver/p> '
                                      '"1"^^<http://www.w3.org/2001/XMLSchema#integer> .')


def test_relative_service_target_resolves_against_the_endpoint_and_is_refused(client):
    response = client.get("/sparql", params={"query": "SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }"})
    assert response.status_code == 403 and "http://testserver/sparql" in response.text


def test_two_query_parameters_are_400(client):
    assert client.get("/sparql", params=[("query", QUERY), ("query", "ASK {}")]).status_code == 400
    assert client.post("/sparql", data={"query": [QUERY, "ASK {}"]}).status_code == 400
    both = client.post("/sparql?query=ASK%20%7B%7D", content=QUERY, headers={"Content-Type": "application/sparql-query"})
    assert both.status_code == 400


# -- item 8: wildcards, HEAD, /sparql/ ------------------------------------------------------------------------

def test_text_wildcard_on_select_gives_csv(client):
    response = client.get("/sparql", params={"query": QUERY}, headers={"Accept": "text/*"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "Gerard C. Smith" in response.text


def test_application_wildcard_on_construct_gives_an_rdf_type(client):
    response = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": "application/*"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/n-triples")


@pytest.mark.parametrize("path", ["/", "/sparql", "/issues", f"/person/smith-gerard", "/.well-known/void"])
def test_head_answers_where_get_does(client, path):
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b"" and head.headers["content-type"] == get.headers["content-type"]


def test_sparql_with_a_trailing_slash(client):
    assert client.get("/sparql/", params={"query": QUERY}).json()["results"]["bindings"][0]["label"]["value"] \
        == "Gerard C. Smith"
    assert client.post("/sparql/", data={"query": QUERY}).status_code == 200


# -- item 9: Retry-After and the OpenAPI document ---------------------------------------------------------

def test_a_timeout_503_carries_retry_after(built_seed):
    settings = ServerSettings(graph=built_seed, query_workers=1, query_timeout=0.5)
    with TestClient(create_app(settings=settings)) as slow:
        response = slow.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
    assert response.status_code == 503 and response.headers["Retry-After"].isdigit()


def test_openapi_documents_errors_and_media_types(client):
    paths = client.get("/openapi.json").json()["paths"]
    sparql = paths["/sparql"]
    assert {"400", "403", "406", "413", "503"} <= set(sparql["get"]["responses"])
    assert {"400", "415", "503"} <= set(sparql["post"]["responses"])
    assert "Retry-After" in sparql["get"]["responses"]["503"]["headers"]
    assert "application/sparql-query" in sparql["post"]["requestBody"]["content"]
    assert "text/turtle" in paths["/{kind}/{rest}"]["get"]["responses"]["200"]["content"]
    assert "404" in paths["/{kind}/{rest}"]["get"]["responses"]
    assert "image/svg+xml" in paths["/view/timeline.svg"]["get"]["responses"]["200"]["content"]
    assert "404" in paths["/documents/{document_id}"]["get"]["responses"]


def test_a_worker_killed_during_a_query_is_replaced_and_the_query_answered(built_seed):
    """A worker killed mid-query (OOM killer, operator) costs one retry on a fresh worker, not a 502."""
    import multiprocessing
    import threading
    import time
    settings = ServerSettings(graph=built_seed, query_workers=2, query_timeout=60)
    count = ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/salt-kg/graph/curated> { ?a ?b ?c } "
             "GRAPH <https://w3id.org/salt-kg/graph/derived> { ?d ?e ?f } VALUES ?x { 1 2 3 4 5 6 } }")  # a few seconds
    others = {p.pid for p in multiprocessing.active_children()}  # other tests' workers
    with TestClient(create_app(settings=settings)) as killing:
        pool = killing.app.state.services.pool
        assert still_answers(killing)
        answers = []
        running = threading.Thread(target=lambda: answers.append(killing.get("/sparql", params={"query": count})))
        running.start()
        deadline = time.monotonic() + 30
        while pool.busy == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.3)
        idle = {w.process.pid for w in list(pool.idle.queue)}
        busy = [p for p in multiprocessing.active_children()
                if p.name == "saltkg-query-worker" and p.pid not in idle | others]
        assert len(busy) == 1
        os.kill(busy[0].pid, signal.SIGKILL)
        running.join(timeout=120)
        assert answers and answers[0].status_code == 200, answers and answers[0].text
        assert int(answers[0].json()["results"]["bindings"][0]["n"]["value"]) > 1_000_000
        assert pool.replaced >= 1 and still_answers(killing)


def test_a_hostile_host_header_never_becomes_query_text(built_seed):
    from api.sparql import SAFE_IRI
    from fastapi.testclient import TestClient
    with TestClient(create_app(built_seed.store_path)) as client:
        response = client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"},
                              headers={"Host": 'x>SELECT*{BIND("""'})
        assert response.status_code in (200, 400)
    assert not SAFE_IRI.fullmatch('http://x>SELECT*{BIND("""/sparql')


def test_descriptions_are_cached_once_whatever_the_host(client):
    """The service description and VoID name this server's URLs, which come from the Host header: they are
    cached once and placed at each request's URLs, so clients cannot grow the cache by varying Host."""
    services = client.app.state.services
    for n in range(20):
        for path in ("/sparql", "/.well-known/void"):
            response = client.get(path, headers={"Host": f"mirror{n}.example.org", "Accept": "text/turtle"})
            assert response.status_code == 200
            assert f"<http://mirror{n}.example.org/sparql>" in response.text and "urn:x-saltkg" not in response.text
    sd = client.get("/sparql", headers={"Host": "mirror7.example.org", "Accept": "text/turtle"}).text
    assert "<http://mirror7.example.org/.well-known/void>" in sd and "urn:x-saltkg" not in sd
    keys = [key for key in services.cache if "mirror" in key or key in ("void", "service description")]
    assert sorted(keys) == ["service description", "void"]
