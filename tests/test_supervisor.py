"""`saltkg serve` runs queries on threads of its server process and keeps that process replaceable
(api/inline.py, api/supervisor.py): a query past the time limit is answered 503 at once and the process
is replaced without a refused request; a server process that dies is replaced; stopping the supervisor
stops everything. The runner's own rules are tested in-process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from api.executor import QueryJob, QueryTimeout
from api.inline import InlineRunner

from .conftest import PROJECT_ROOT, free_port

JSON = "application/sparql-results+json"
# a query that runs for seconds and cannot be stopped inside the process (a cross product)
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# one that runs a second or two, then ends on its own (for the in-process runner)
BOUNDED = ("SELECT (COUNT(*) AS ?n) WHERE { VALUES ?a { %s } VALUES ?b { %s } VALUES ?c { %s } }"
           % tuple([" ".join(str(i) for i in range(160))] * 3))
CHEAP = "ASK { ?s ?p ?o }"


def start_server(settings, **env: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    environment = {**os.environ, "SALTKG_BUILD": str(settings.build_dir), "SALTKG_DATA": str(settings.data_dir), **env}
    process = subprocess.Popen([sys.executable, "-m", "graph.cli", "serve", "--port", str(port)], env=environment,
                               cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_for(lambda: health(url) is not None, 60, process)
    return process, url


def wait_for(condition, seconds: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the supervisor exited with {process.returncode}")
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s")


def health(url: str) -> dict | None:
    try:
        answer = httpx.get(url + "/healthz", timeout=5)
    except httpx.HTTPError:
        return None
    return answer.json() if answer.status_code == 200 else None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return not Path(f"/proc/{pid}/status").exists() or "zombie" not in Path(f"/proc/{pid}/status").read_text()


@pytest.fixture(scope="module")
def server(built_seed):
    process, url = start_server(built_seed, SALTKG_QUERY_TIMEOUT="1", SALTKG_CACHE_BYTES="0")
    yield process, url
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def test_queries_run_inline_under_the_supervisor(server):
    _, url = server
    queries = health(url)["queries"]
    assert queries["mode"] == "inline" and queries["runaway"] == 0
    assert httpx.get(url + "/sparql", params={"query": CHEAP}, headers={"Accept": JSON}).json()["boolean"] is True


def test_a_runaway_query_is_503_and_its_process_replaced_without_refusals(server):
    _, url = server
    first = health(url)["queries"]["process"]
    answers: list[int] = []

    def keep_asking() -> None:  # requests sent all through the replacement
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (not answers or health(url)["queries"]["process"] == first):
            answers.append(httpx.get(url + "/sparql", params={"query": CHEAP}, timeout=30).status_code)
            time.sleep(0.05)

    started = time.monotonic()
    slow = httpx.post(url + "/sparql", data={"query": SLOW}, timeout=30)
    assert slow.status_code == 503 and "time limit" in slow.text
    assert time.monotonic() - started < 10
    asker = threading.Thread(target=keep_asking)
    asker.start()
    asker.join(timeout=90)
    assert answers and set(answers) == {200}, answers
    successor = health(url)["queries"]
    assert successor["process"] != first and successor["runaway"] == 0
    wait_for(lambda: not alive(first), 30)  # the old process (and its runaway query) is gone


def test_a_killed_server_process_is_replaced(server):
    _, url = server
    victim = health(url)["queries"]["process"]
    os.kill(victim, signal.SIGKILL)
    wait_for(lambda: (health(url) or {}).get("queries", {}).get("process") not in (None, victim), 60)
    assert httpx.get(url + "/sparql", params={"query": CHEAP}, headers={"Accept": JSON}).json()["boolean"] is True


def test_stopping_the_supervisor_stops_its_server_processes(server):
    process, url = server  # the module's server, stopped here (its last test)
    child = health(url)["queries"]["process"]
    process.terminate()
    assert process.wait(timeout=30) == 0
    assert not alive(child)
    with pytest.raises(httpx.HTTPError):
        httpx.get(url + "/healthz", timeout=2)


# -- the runner in-process ---------------------------------------------------------------------------

def test_runner_answers_503_at_the_limit_keeps_capacity_and_refuses_once_spent(built_seed):
    from api.executor import PoolBusy
    asked: list[str] = []
    runner = InlineRunner(built_seed.store_path, 2, 0.3, 5.0, retire=asked.append)
    try:
        with pytest.raises(QueryTimeout):
            runner.run(QueryJob(BOUNDED, JSON))
        assert len(asked) == 1 and "time limit" in asked[0]
        assert runner.summary()["runaway"] == 1
        # the runaway query still runs on its thread; a spare thread answers meanwhile
        assert runner.run(QueryJob(CHEAP, JSON)).body.startswith(b'{"head"')
        with pytest.raises(QueryTimeout):
            runner.run(QueryJob(BOUNDED, JSON))
        # as many runaway queries as threads: this process only answers 503 until it is replaced
        with pytest.raises(PoolBusy, match="being replaced"):
            runner.run(QueryJob(CHEAP, JSON))
    finally:
        runner.close()


def test_runner_answers_errors_as_the_worker_pool_does(built_seed):
    from api.executor import QuerySyntaxError, ResultTooLarge
    runner = InlineRunner(built_seed.store_path, 2, 5.0, 5.0, retire=lambda reason: None)
    try:
        with pytest.raises(QuerySyntaxError):
            runner.run(QueryJob("SELECT WHERE {", JSON))
        with pytest.raises(ResultTooLarge):
            runner.run(QueryJob("SELECT * WHERE { ?s ?p ?o }", JSON, max_bytes=1000))
        answer = runner.run(QueryJob("CONSTRUCT WHERE { ?s a ?t } LIMIT 3", "text/turtle"))
        assert answer.media_type == "text/turtle" and answer.body
    finally:
        runner.close()


def test_connections_on_the_supervisors_socket_send_without_delay():
    """uvicorn's bound socket (protocol 0) is not one asyncio marks TCP_NODELAY on accepting; the
    protocol does it, or each answer's head and body wait for the client's delayed acknowledgement."""
    import socket as sockets

    from api.server import no_delay

    class Transport:
        def __init__(self, sock):
            self.sock = sock

        def get_extra_info(self, name):
            return self.sock if name == "socket" else None

    with sockets.socket() as listener:  # as uvicorn's Config.bind_socket makes it
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        with sockets.create_connection(listener.getsockname()):
            accepted, _ = listener.accept()
            with accepted:
                assert accepted.getsockopt(sockets.IPPROTO_TCP, sockets.TCP_NODELAY) == 0
                no_delay(Transport(accepted))
                assert accepted.getsockopt(sockets.IPPROTO_TCP, sockets.TCP_NODELAY) == 1


def broken_app():
    """An app factory that cannot start (as when the store cannot be opened)."""
    raise RuntimeError("the store cannot be opened")


def test_a_server_that_cannot_start_ends_the_supervisor_with_status_3():
    """Not a loop of restarts: the first process failing before it was ready stops `saltkg serve`."""
    script = ("import sys, uvicorn\nfrom api.supervisor import serve\n"
              "config = uvicorn.Config('tests.test_supervisor:broken_app', factory=True, host='127.0.0.1', "
              f"port={free_port()}, log_level='critical')\nsys.exit(serve(config, 2))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, timeout=120)
    assert done.returncode == 3, done.stderr.decode()[-2000:]
