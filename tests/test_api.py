"""The HTTP API in-process: SPARQL protocol, descriptions, REST, linked data, limits and safety."""

from __future__ import annotations

import json
import shutil
import socket
import threading

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ServerSettings

BASE = "https://w3id.org/salt-kg/"
QUERY = f"SELECT ?label WHERE {{ <{BASE}person/smith-gerard> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def client(built_seed):
    with TestClient(create_app(built_seed.store_path)) as test_client:
        yield test_client


def limited_client(built_seed, **limits) -> TestClient:
    settings = ServerSettings(graph=built_seed, query_workers=1, **limits)
    return TestClient(create_app(settings=settings))


# -- SPARQL 1.1 protocol ------------------------------------------------------------------------

def test_get_select_as_sparql_json(client):
    response = client.get("/sparql", params={"query": QUERY}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert response.json()["results"]["bindings"][0]["label"]["value"] == "Gerard C. Smith"


@pytest.mark.parametrize("accept, marker", [("text/csv", "label\r\nGerard C. Smith"),
                                             ("text/tab-separated-values", '?label\n"Gerard C. Smith"'),
                                             ("application/sparql-results+xml", "<sparql")])
def test_post_form_in_each_results_format(client, accept, marker):
    response = client.post("/sparql", data={"query": QUERY}, headers={"Accept": accept})
    assert response.status_code == 200 and marker in response.text
    assert response.headers["content-type"].startswith(accept)


def test_post_sparql_query_body(client):
    response = client.post("/sparql", content=QUERY, headers={"Content-Type": "application/sparql-query",
                                                                "Accept": "application/sparql-results+json"})
    assert response.json()["results"]["bindings"][0]["label"]["value"] == "Gerard C. Smith"


@pytest.mark.parametrize("accept, marker", [("text/turtle", "Helsinki"), ("application/n-triples", "Helsinki\" ."),
                                             ("application/ld+json", '"@id"'), ("application/rdf+xml", "<rdf:RDF")])
def test_describe_in_each_graph_format(client, accept, marker):
    response = client.get("/sparql", params={"query": f"DESCRIBE <{BASE}place/helsinki>"}, headers={"Accept": accept})
    assert response.status_code == 200 and marker in response.text


def test_ask(client):
    response = client.get("/sparql", params={"query": f"ASK {{ <{BASE}person/kissinger> ?p ?o }}"})
    assert response.json()["boolean"] is True


def test_default_and_named_graph_uris_are_honoured(client):
    curated = f"{BASE}graph/curated"
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    only_curated = client.get("/sparql", params={"query": count, "default-graph-uri": curated}).json()
    everything = client.get("/sparql", params={"query": count}).json()
    assert 0 < int(only_curated["results"]["bindings"][0]["n"]["value"]) < int(everything["results"]["bindings"][0]["n"]["value"])
    named = client.get("/sparql", params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                                          "named-graph-uri": curated}).json()
    assert [b["g"]["value"] for b in named["results"]["bindings"]] == [curated]


def test_not_acceptable_format_is_406(client):
    assert client.get("/sparql", params={"query": QUERY}, headers={"Accept": "image/png"}).status_code == 406


def test_service_description_at_the_endpoint(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert "sd:Service" in response.text and "sd:SPARQL11Query" in response.text
    assert f"<{BASE}graph/curated>" in response.text


def test_browser_gets_a_query_page_with_examples(client):
    page = client.get("/sparql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "<textarea" in page.text and "unresolved-on-date.rq" in page.text
    table = client.get("/sparql", params={"query": QUERY}, headers={"Accept": "text/html"})
    assert "<table>" in table.text and "Gerard C. Smith" in table.text


# -- safety -------------------------------------------------------------------------------------

@pytest.mark.parametrize("update", ["CLEAR ALL", "INSERT DATA { <x:a> <x:b> <x:c> }", "LOAD <http://example.org/x>",
                                    "DROP GRAPH <x:g>", "PREFIX a: <x:> DELETE WHERE { ?s ?p ?o }"])
def test_updates_are_refused_every_way(client, update):
    assert client.post("/sparql", content=update, headers={"Content-Type": "application/sparql-update"}).status_code == 403
    assert client.post("/sparql", data={"update": update}).status_code == 403
    assert client.get("/sparql", params={"query": update}).status_code == 403


def test_malformed_query_is_400_with_the_parser_message(client):
    response = client.get("/sparql", params={"query": "SELEC ?x"})
    assert response.status_code == 400 and "malformed SPARQL query: error at 1:" in response.text


def test_service_outside_the_allowlist_is_refused_before_any_connection(client):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(1.0)
    port = listener.getsockname()[1]
    connections = []
    waiter = threading.Thread(target=lambda: connections.append(safe_accept(listener)))
    waiter.start()
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    response = client.get("/sparql", params={"query": query})
    waiter.join()
    listener.close()
    assert response.status_code == 403 and "refused" in response.text
    assert connections == [None]
    prefixed = "PREFIX x: <http://evil.example/> SELECT * WHERE { SERVICE SILENT x:sparql { ?s ?p ?o } }"
    assert client.get("/sparql", params={"query": prefixed}).status_code == 403
    assert client.get("/sparql", params={"query": "SELECT * WHERE { SERVICE ?where { ?s ?p ?o } }"}).status_code == 403
    assert client.get("/sparql", params={"query": "SELECT * WHERE { sErViCe ?where { ?s ?p ?o } }"}).status_code == 403
    # the guard skips texts without the word; a keyword spelt with an escape is no keyword to Oxigraph either
    escaped = "SELECT * WHERE { SERV\\u0049CE <http://evil.example/> { ?s ?p ?o } }"
    assert client.get("/sparql", params={"query": escaped}).status_code == 400


def safe_accept(listener):
    try:
        return listener.accept()
    except OSError:
        return None


def test_query_time_limit_stops_the_worker_and_a_new_one_answers(built_seed):
    with limited_client(built_seed, query_timeout=1.0) as client:
        pool = client.app.state.services.pool
        response = client.get("/sparql", params={"query": SLOW})
        assert response.status_code == 503 and "time limit of 1 s" in response.text
        assert pool.replaced == 1
        assert client.get("/sparql", params={"query": QUERY}).status_code == 200
        live = [w.process for w in list(pool.idle.queue)]
        assert len(live) == 1 and all(p.is_alive() for p in live)


def test_result_and_request_size_limits(built_seed):
    with limited_client(built_seed, max_result_bytes=2000, max_request_bytes=1000) as client:
        response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert response.status_code == 422 and "exceeds the limit of 2,000 bytes" in response.text
        padded = QUERY + " #" + "x" * 2000
        assert client.post("/sparql", content=padded, headers={"Content-Type": "application/sparql-query"}).status_code == 413
        assert client.get("/sparql", params={"query": padded}).status_code == 413
        assert client.get("/sparql", params={"query": QUERY}).status_code == 200


def test_cors_on_for_get(client):
    response = client.get("/sparql", params={"query": QUERY}, headers={"Origin": "https://yasgui.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = client.options("/sparql", headers={"Origin": "https://yasgui.example",
                                                   "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 200


def test_admin_token_enables_updates_and_labels_are_escaped(built_seed, tmp_path):
    build_dir = tmp_path / "build"
    shutil.copytree(built_seed.build_dir, build_dir)
    from graph.config import Settings
    graph = Settings(data_dir=built_seed.data_dir, build_dir=build_dir)
    settings = ServerSettings(graph=graph, admin_token="s3cret", query_workers=1)
    evil = '<script>alert("x")</script> & "quoted"'
    update = (f'INSERT DATA {{ GRAPH <{BASE}graph/test> {{ <{BASE}person/evil> a <http://xmlns.com/foaf/0.1/Person> ; '
              f'<http://www.w3.org/2000/01/rdf-schema#label> {json.dumps(evil)} ; '
              f'<http://www.w3.org/2000/01/rdf-schema#seeAlso> <javascript:alert(1)> }} }}')
    with TestClient(create_app(settings=settings)) as client:
        assert client.post("/sparql", data={"update": update}).status_code == 403
        assert client.post("/sparql", data={"update": update},
                           headers={"Authorization": "Bearer wrong"}).status_code == 403
        assert client.post("/sparql", data={"update": update},
                           headers={"Authorization": "Bearer s3cret"}).status_code == 204
        page = client.get("/person/evil", headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert "<script>alert" not in page.text
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;quoted&#34;" in page.text
        assert 'href="javascript:' not in page.text, "an IRI of another scheme never becomes a live link"
        found = client.get("/sparql", params={"query": f"SELECT ?l WHERE {{ <{BASE}person/evil> ?p ?l }}"}).json()
        assert found["results"]["bindings"], "the query workers see the update"
        assert client.get("/search", params={"q": "alert"}).json()["total"] >= 1


# -- descriptions and linked data -------------------------------------------------------------------

def test_void_description(client):
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    text = response.text
    assert "void:Dataset" in text and "void:sparqlEndpoint <http://testserver/sparql>" in text
    assert "void:Linkset" in text and "owl:sameAs" in text and "void:classPartition" in text


@pytest.mark.parametrize("path", ["/person/kissinger", "/issue/slbm-base-figure-48", "/document/frus1969-76v14-d247",
                                  "/event/frus1969-76v14-d247-e4", "/org/soviet-union", "/place/helsinki",
                                  "/volume/frus1969-76v14"])
def test_every_kind_of_minted_iri_dereferences(client, path):
    html = client.get(path, headers={"Accept": "text/html"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    turtle = client.get(path, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and f"<{BASE}{path[1:]}>" in turtle.text
    jsonld = client.get(path + ".jsonld")
    assert any(node.get("@id") == BASE + path[1:] for node in jsonld.json())


def test_every_iri_in_the_graph_resolves(client):
    rows = client.get("/sparql", params={"query": f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER STRSTARTS(STR(?s), \"{BASE}\") "
                                                  f"FILTER (!STRSTARTS(STR(?s), \"{BASE}ontology\")) }}"}).json()
    paths = [b["s"]["value"][len(BASE) - 1:] for b in rows["results"]["bindings"]]
    assert len(paths) > 100
    failures = [p for p in paths if client.get(p, headers={"Accept": "text/turtle"}).status_code != 200]
    assert failures == []


def test_person_page_has_sources_and_external_links(client):
    page = client.get("/person/kissinger", headers={"Accept": "text/html"}).text
    assert "http://www.wikidata.org/entity/Q66107" in page and "dbpedia.org/resource/Henry_Kissinger" in page
    assert "history.state.gov/historicaldocuments/frus1969-76v14/d247" in page
    assert "<blockquote>" in page and "FRUS 1969–1976, vol. XIV, doc. 247, heading" in page  # a pasteable citation


def test_passage_iri_resolves_with_its_exact_text(client):
    rows = client.get("/sparql", params={"query": "SELECT ?p ?x WHERE { ?p <http://www.w3.org/ns/oa#exact> ?x } LIMIT 1"}).json()
    passage = rows["results"]["bindings"][0]["p"]["value"]
    turtle = client.get(passage[len(BASE) - 1:] + ".ttl")
    assert turtle.status_code == 200 and rows["results"]["bindings"][0]["x"]["value"] in turtle.text


def test_ontology_at_its_namespace(client):
    html = client.get("/ontology", headers={"Accept": "text/html"})
    assert html.status_code == 200 and 'id="Issue"' in html.text
    assert "owl:Ontology" in client.get("/ontology.ttl").text


def test_unknown_ids_are_404(client):
    assert client.get("/person/nobody", headers={"Accept": "text/turtle"}).status_code == 404
    assert client.get("/person/nobody", headers={"Accept": "text/html"}).status_code == 404
    assert client.get("/nothing/here").status_code == 404
    assert client.get("/issues/no-such-issue").status_code == 404
    assert client.get("/entities/person/nobody").status_code == 404
    assert client.get("/documents/no-such-document").status_code == 404


# -- REST ---------------------------------------------------------------------------------------

def test_issues_unresolved_on_a_date(client):
    body = client.get("/issues", params={"unresolved_on": "1972-05-19"}).json()
    labels = {item["label"] for item in body["items"]}
    assert {"Soviet SLBM base figure of 48 submarines", "Mobile ICBMs", "Definition of heavy missiles"} <= labels
    assert body["on"] == "1972-05-19" and body["total"] == len(body["items"])
    slbm = next(i for i in body["items"] if i["issue"] == BASE + "issue/slbm-base-figure-48")
    assert all(p["quote"] and p["document"] for p in slbm["positions"])
    after = client.get("/issues", params={"unresolved_on": "1972-07-24"}).json()  # the interpretive paper
    assert BASE + "issue/slbm-base-figure-48" not in {i["issue"] for i in after["items"]}
    assert client.get("/issues", params={"unresolved_on": "1972-02-30"}).status_code == 400


def test_unresolved_page_for_browsers(client):
    page = client.get("/issues", params={"unresolved_on": "1972-05-19"}, headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Mobile ICBMs" in page.text and "<blockquote class=" in page.text


def test_issue_and_its_timeline(client):
    issue = client.get("/issues/slbm-base-figure-48", params={"on": "1972-07-24"}).json()
    assert issue["status_on"]["status"] == "Agreed" and issue["broader"] == [BASE + "issue/slbm-limits"]
    timeline = client.get("/issues/slbm-base-figure-48/timeline").json()
    assert timeline["total"] >= 3 and timeline["items"][-1]["resolution"] == "Agreed"


def test_pagination(client):
    first = client.get("/issues", params={"limit": 5}).json()
    assert first["total"] == first["negotiation"]["issues"] >= 30 and len(first["items"]) == 5 and "offset=5" in first["next"]
    second = client.get(first["next"].replace("http://testserver", "")).json()
    assert {i["iri"] for i in second["items"]}.isdisjoint({i["iri"] for i in first["items"]})
    assert client.get("/issues", params={"limit": 0}).status_code == 422
    assert client.get("/issues", params={"limit": 501}).status_code == 422


def test_entities_by_label_or_alias(client):
    body = client.get("/entities", params={"q": "HAK"}).json()
    assert body["items"][0]["iri"] == BASE + "person/kissinger"
    assert all(i["kind"] in ("person", "event") for i in body["items"])
    people = client.get("/entities", params={"type": "person", "limit": 500}).json()
    persons = client.get("/sparql", params={"query": "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> }"}).json()
    assert people["total"] == int(persons["results"]["bindings"][0]["n"]["value"]) >= 31
    assert all(i["kind"] == "person" for i in people["items"])
    assert client.get("/entities", params={"type": "spaceship"}).status_code == 400


def test_entity_with_neighbourhood(client):
    body = client.get("/entities/person/kissinger").json()
    assert body["kind"] == "person" and body["label"] == "Henry A. Kissinger"
    assert any(n["other"] == BASE + "document/frus1969-76v14-d247" for n in body["neighbourhood"])
    assert any(s.get("quote") for s in body["sources"])


def test_documents_with_every_fact_and_its_span(client):
    listing = client.get("/documents").json()
    assert "frus1969-76v14-d247" in {i["id"] for i in listing["items"]} and listing["total"] >= 9
    document = client.get("/documents/frus1969-76v14-d247").json()
    text = document["text"]
    for fact in document["mentions"] + document["events"] + document["date_evidence"]:
        assert text[fact["start"]:fact["end"]] == fact["quote"]
    assert len(document["events"]) >= 10


def test_events_filters(client):
    everything = client.get("/events", params={"limit": 500}).json()
    by_issue = client.get("/events", params={"issue": "slbm-limits", "limit": 500}).json()
    assert 0 < by_issue["total"] < everything["total"]
    by_actor = client.get("/events", params={"actor": "person/kissinger", "type": "Proposal"}).json()
    assert by_actor["total"] >= 1 and all(i["type"] == "Proposal" for i in by_actor["items"])
    window = client.get("/events", params={"from": "1972-05-26", "to": "1972-05-26"}).json()
    assert window["total"] >= 1 and all(i["earliest"] <= "1972-05-26" <= i["latest"] for i in window["items"])
    assert client.get("/events", params={"from": "May 26"}).status_code == 400


def test_search_ranks_passages_from_the_index(client):
    body = client.get("/search", params={"q": "Soviet refusal", "kind": "passage"}).json()
    assert body["total"] >= 1
    hit = body["items"][0]
    document = client.get("/documents/frus1969-76v14-d247").json()
    assert document["text"][hit["start"]:hit["end"]] == hit["text"]
    assert "«" in hit["snippet"]
    assert client.get("/search", params={"q": "\"free ride\" OR xyzzy"}).json()["total"] >= 1
    assert client.get("/search", params={"q": "NEAR( AND"}).status_code == 200


def test_person_connections(client):
    body = client.get("/people/kissinger/connections", params={"limit": 500}).json()
    assert body["person"].endswith("person/kissinger") and body["label"] == "Henry A. Kissinger"
    relations = {(item["relation"], item["otherLabel"]) for item in body["items"]}
    assert ("heard from", "Gerard C. Smith") in relations and ("acted with", "Gerard C. Smith") in relations
    assert any(relation == "took part on issue" for relation, _ in relations)
    assert body["total"] == len(body["items"])
    assert client.get("/people/kissinger/connections", params={"limit": 2}).json()["next"]
    assert client.get("/people/no-such-person/connections").status_code == 404
    assert client.get("/people/issue/mobile-icbms/connections").status_code == 404


def test_openapi_documents_the_rest_api(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/issues", "/issues/{issue_id}", "/issues/{issue_id}/timeline", "/entities", "/documents",
                 "/events", "/search", "/sparql", "/people/{person_id}/connections"):
        assert path in paths
    assert client.get("/docs").status_code == 200


def test_home(client):
    assert client.get("/").json()["triples"] > 1000
    assert "Which issues were unresolved" in client.get("/", headers={"Accept": "text/html"}).text


def test_the_sparql_page_examples_say_what_they_ask_without_developer_notes():
    from api.sparql import examples
    found = examples(BASE)
    assert len(found) > 5
    for example in found:
        assert "Oxigraph" not in example["query"] and "benchmark" not in example["query"].lower()
