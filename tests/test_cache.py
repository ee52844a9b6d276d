"""Conditional GETs and the result cache: ETags from the graph's version and the request's variant,
304s, cache headers, and no cached answer outliving a rebuild, an authorised update or a removal."""

from __future__ import annotations

import shutil

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.cache import ResultCache, matches
from api.settings import ServerSettings
from graph.config import Settings
from graph.model.build import build, remove_documents
from graph.model.version import read_version, version_path

from .conftest import FIXTURES

BASE = "https://w3id.org/salt-kg/"
JSON = {"Accept": "application/sparql-results+json"}
DOCUMENTS = "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a <https://w3id.org/salt-kg/ontology#Document> }"
LABEL = f"SELECT ?label WHERE {{ <{BASE}person/cachetest> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
GETS = [("/sparql", {"query": DOCUMENTS}, JSON), ("/issues", {"unresolved_on": "1971-06-01"}, {}),
        ("/person/kissinger", {}, {"Accept": "text/turtle"}), ("/person/kissinger", {}, {"Accept": "text/html"}),
        ("/", {}, {"Accept": "application/json"}), ("/.well-known/void", {}, {"Accept": "text/turtle"}),
        ("/view/timeline.svg", {}, {}), ("/analysis/central", {}, {})]


def copy_of(seed: Settings, tmp_path) -> Settings:
    """A private copy of the built seed (tests here rebuild and update it)."""
    shutil.copytree(seed.build_dir, tmp_path / "build")
    return Settings(data_dir=seed.data_dir, build_dir=tmp_path / "build")


def client_for(graph: Settings, **options) -> TestClient:
    return TestClient(create_app(settings=ServerSettings(graph=graph, query_workers=1, **options)))


def count(response) -> int:
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def client(built_seed):
    with client_for(built_seed) as test_client:
        yield test_client


@pytest.mark.parametrize("path, params, headers", GETS)
def test_every_get_has_validators_and_answers_304_when_current(client, path, params, headers):
    first = client.get(path, params=params, headers=headers)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith('W/"') and first.headers["cache-control"] == "public, no-cache"
    assert "accept" in first.headers["vary"].lower()
    again = client.get(path, params=params, headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert client.get(path, params=params, headers={**headers, "If-None-Match": 'W/"other", ' + etag}).status_code == 304
    assert client.get(path, params=params, headers={**headers, "If-None-Match": '"other"'}).status_code == 200


def test_the_etag_names_the_variant(client):
    tags = {client.get("/sparql", params={"query": DOCUMENTS}, headers=JSON).headers["etag"],
            client.get("/sparql", params={"query": DOCUMENTS}, headers={"Accept": "text/csv"}).headers["etag"],
            client.get("/sparql", params={"query": DOCUMENTS, "format": "csv"}, headers=JSON).headers["etag"],
            client.get("/sparql", params={"query": DOCUMENTS + " "}, headers=JSON).headers["etag"]}
    assert len(tags) == 4


def test_a_repeated_get_is_answered_from_the_cache(client):
    query = "SELECT ?s WHERE { ?s a <http://xmlns.com/foaf/0.1/Person> } ORDER BY ?s LIMIT 3"
    before = client.get("/healthz").json()["cache"]
    first = client.get("/sparql", params={"query": query}, headers={"Accept": "text/csv"})
    second = client.get("/sparql", params={"query": query}, headers={"Accept": "text/csv"})
    after = client.get("/healthz").json()["cache"]
    assert first.content == second.content and first.headers["content-type"] == second.headers["content-type"]
    assert second.headers["etag"] == first.headers["etag"]
    assert after["misses"] == before["misses"] + 1 and after["hits"] == before["hits"] + 1
    assert 0 < after["bytes"] <= after["max_bytes"]
    head = client.head("/sparql", params={"query": query}, headers={"Accept": "text/csv"})
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == first.headers["etag"]


def test_errors_are_neither_validated_nor_cached(client):
    for _ in range(2):
        response = client.get("/sparql", params={"query": "SELEC ?x"})
        assert response.status_code == 400 and "etag" not in response.headers
    assert client.get("/healthz").headers.get("cache-control") is None


def test_an_authorised_update_changes_the_etag_and_the_cached_answer(built_seed, tmp_path):
    graph = copy_of(built_seed, tmp_path)
    update = (f'INSERT DATA {{ GRAPH <{BASE}graph/test> {{ <{BASE}person/cachetest> '
              f'<http://www.w3.org/2000/01/rdf-schema#label> "Cache Test" }} }}')
    with client_for(graph, admin_token="s3cret") as client:
        before = client.get("/sparql", params={"query": LABEL}, headers=JSON)
        assert before.json()["results"]["bindings"] == []
        assert client.get("/sparql", params={"query": LABEL}, headers=JSON).content == before.content  # cached
        version = read_version(graph.store_path)
        assert client.post("/sparql", data={"update": update}, headers={"Authorization": "Bearer s3cret"}).status_code == 204
        assert read_version(graph.store_path) != version
        after = client.get("/sparql", params={"query": LABEL}, headers={**JSON, "If-None-Match": before.headers["etag"]})
        assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
        assert [b["label"]["value"] for b in after.json()["results"]["bindings"]] == ["Cache Test"]
        assert client.get("/healthz").json()["cache"]["invalidations"] >= 1


def test_a_rebuild_changes_the_etag_and_the_server_answers_from_the_new_graph(built_seed, tmp_path):
    graph = copy_of(built_seed, tmp_path)
    with client_for(graph) as client:
        old = client.get("/sparql", params={"query": DOCUMENTS}, headers=JSON)
        page = client.get("/", headers={"Accept": "application/json"})
        build(graph, [FIXTURES / "corpus"], progress=False)  # the seed plus three more documents
        new = client.get("/sparql", params={"query": DOCUMENTS}, headers={**JSON, "If-None-Match": old.headers["etag"]})
        assert new.status_code == 200 and new.headers["etag"] != old.headers["etag"]
        assert count(new) == count(old) + 3
        home = client.get("/", headers={"Accept": "application/json", "If-None-Match": page.headers["etag"]})
        assert home.status_code == 200 and home.json()["documents"] == page.json()["documents"] + 3
        removed = remove_documents(["frus1969-76v32-d901"], graph)
        assert removed == ["frus1969-76v32-d901"]
        third = client.get("/sparql", params={"query": DOCUMENTS}, headers={**JSON, "If-None-Match": new.headers["etag"]})
        assert third.status_code == 200 and count(third) == count(new) - 1


def test_every_build_writes_a_new_version(seed_copy):
    first = read_version(seed_copy.store_path)  # written by the session's build
    assert version_path(seed_copy.store_path).exists() and first
    build(seed_copy, progress=False)
    assert read_version(seed_copy.store_path) != first


def test_the_off_switch_keeps_validators_but_stores_nothing(built_seed):
    with client_for(built_seed, cache_bytes=0) as client:
        first = client.get("/sparql", params={"query": DOCUMENTS}, headers=JSON)
        second = client.get("/sparql", params={"query": DOCUMENTS}, headers=JSON)
        assert first.content == second.content
        assert client.get("/sparql", params={"query": DOCUMENTS},
                          headers={**JSON, "If-None-Match": first.headers["etag"]}).status_code == 304
        stats = client.get("/healthz").json()["cache"]
        assert stats["enabled"] is False and stats["hits"] == 0 and stats["entries"] == 0


def test_the_cache_is_bounded_in_bytes_and_evicts_the_least_recent():
    cache = ResultCache(max_bytes=4000, max_entry_bytes=2000)
    cache.for_version("v1")
    for n in range(10):
        cache.put(f"k{n}", [(b"content-type", b"text/plain")], b"x" * 900)
        assert cache.bytes <= cache.max_bytes
    assert cache.get("k0") is None and cache.get("k9") is not None and cache.stats.evictions > 0
    cache.put("big", [], b"x" * 3000)
    assert cache.get("big") is None and cache.stats.too_large == 1
    cache.for_version("v2")
    assert cache.get("k9") is None and cache.bytes == 0


def test_if_none_match_comparison_is_weak():
    etag = b'W/"abc"'
    assert matches(b'"abc"', etag) and matches(b'W/"abc"', etag) and matches(b"*", etag)
    assert matches(b'"x", W/"abc"', etag) and not matches(b'"abcd"', etag)


def test_answers_for_an_authorised_caller_are_not_shared(client):
    response = client.get("/sparql", params={"query": DOCUMENTS}, headers={**JSON, "Authorization": "Bearer x"})
    assert response.status_code == 200 and "etag" not in response.headers


def test_volatile_queries_are_never_cached(built_seed):
    from fastapi.testclient import TestClient
    from api.app import create_app
    query = "SELECT (STRUUID() AS ?id) WHERE {}"
    with TestClient(create_app(built_seed.store_path)) as client:
        first = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
        second = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
        assert first.status_code == second.status_code == 200
        assert "etag" not in first.headers
        assert first.json()["results"]["bindings"] != second.json()["results"]["bindings"]


def test_a_cached_value_is_computed_once_without_a_lock_held(client):
    """Requests wanting a value another computes wait for it; a value may ask for another; a failure reaches
    every waiter and the next request computes again."""
    import threading
    import time
    services = client.app.state.services
    calls, started = [], threading.Event()

    def slow() -> int:
        calls.append(1)
        started.set()
        time.sleep(0.3)
        return services.cached("test inner", lambda: 41) + 1  # another key, asked while computing this one
    results = []
    threads = [threading.Thread(target=lambda: results.append(services.cached("test outer", slow))) for _ in range(4)]
    threads[0].start()
    started.wait(5)
    for thread in threads[1:]:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results == [42, 42, 42, 42] and len(calls) == 1 and not services.pending

    failures = []

    def failing() -> int:
        time.sleep(0.2)
        raise RuntimeError("store down")

    def ask() -> None:
        try:
            services.cached("test failing", failing)
        except RuntimeError as err:
            failures.append(str(err))
    threads = [threading.Thread(target=ask) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert failures == ["store down"] * 3 and "test failing" not in services.cache
    assert services.cached("test failing", lambda: 7) == 7
