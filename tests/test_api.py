"""The read-only SPARQL endpoint served by `saltkg serve`."""

import pytest
from fastapi.testclient import TestClient

from api.app import create_app

QUERY = "SELECT ?label WHERE { <https://w3id.org/salt-kg/person/smith-gerard> <http://www.w3.org/2000/01/rdf-schema#label> ?label }"


@pytest.fixture(scope="module")
def client(built_seed):
    return TestClient(create_app(built_seed.store_path))


def test_get_select_as_sparql_json(client):
    response = client.get("/sparql", params={"query": QUERY}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert response.json()["results"]["bindings"][0]["label"]["value"] == "Gerard C. Smith"


def test_post_forms_and_csv(client):
    response = client.post("/sparql", data={"query": QUERY}, headers={"Accept": "text/csv"})
    assert response.status_code == 200 and "Gerard C. Smith" in response.text
    response = client.post("/sparql", content=QUERY, headers={"Content-Type": "application/sparql-query",
                                                                "Accept": "application/sparql-results+xml"})
    assert response.status_code == 200 and "<sparql" in response.text


def test_construct_as_turtle(client):
    response = client.get("/sparql", params={"query": "DESCRIBE <https://w3id.org/salt-kg/place/helsinki>"},
                          headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and "Helsinki" in response.text


def test_updates_are_refused(client):
    assert client.post("/sparql", content="CLEAR ALL", headers={"Content-Type": "application/sparql-update"}).status_code == 403
    assert client.post("/sparql", data={"update": "CLEAR ALL"}).status_code == 403


def test_malformed_query_is_400(client):
    response = client.get("/sparql", params={"query": "SELEC ?x"})
    assert response.status_code == 400 and "malformed" in response.text
