"""A slow query never holds the event loop: cheap requests are answered while slow GET and POST
queries run, and several slow queries run on all the workers at once (issue 11, item 2)."""

from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ServerSettings

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TIME_LIMIT = 3.0


@pytest.fixture(scope="module")
def client(built_seed):
    settings = ServerSettings(graph=built_seed, query_workers=2, query_timeout=TIME_LIMIT, queue_wait=30)
    with TestClient(create_app(settings=settings)) as test_client:
        test_client.get("/sparql", params={"query": "ASK {}"})  # workers started
        yield test_client


def slow_requests(client: TestClient) -> list:
    """Callables sending the slow query by each protocol form."""
    return [lambda: client.post("/sparql", data={"query": SLOW}),
            lambda: client.post("/sparql", content=SLOW, headers={"Content-Type": "application/sparql-query"}),
            lambda: client.get("/sparql", params={"query": SLOW})]


def timed(call) -> tuple[float, int]:
    started = time.perf_counter()
    status = call().status_code
    return time.perf_counter() - started, status


def test_cheap_requests_are_answered_while_slow_queries_run(client):
    with ThreadPoolExecutor(4) as threads:
        slow = [threads.submit(timed, call) for call in slow_requests(client)]
        time.sleep(0.5)  # the slow queries are in the workers (or waiting for one)
        cheap = [timed(lambda: client.get("/favicon.ico")) for _ in range(7)]
        issues_seconds, issues_status = timed(lambda: client.get("/issues"))
        running = sum(not future.done() for future in slow)
        finished = [future.result() for future in slow]
    assert all(status == 204 for _, status in cheap) and issues_status == 200
    assert running == 3, "the cheap requests were answered while all three slow queries still ran"
    assert statistics.median(seconds for seconds, _ in cheap) < 0.2, cheap
    assert all(status == 503 for _, status in finished), "each slow query ends at the time limit"


def test_slow_queries_use_every_worker_at_once(client):
    pool = client.app.state.services.pool
    pool.most_busy = 0
    with ThreadPoolExecutor(2) as threads:
        answers = list(threads.map(lambda call: call(), slow_requests(client)[:2]))
    assert [a.status_code for a in answers] == [503, 503]
    assert pool.most_busy == pool.size == 2, "both POST queries ran in parallel, one per worker"
    assert answers[0].headers["Retry-After"].isdigit()
