"""The graph in a real Oxigraph server: built into it, read back identically to the embedded store,
safe when the store dies mid-build, 503 with Retry-After when it is down or slow, two API processes."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ServerSettings
from graph.ask import queries, status
from graph.config import PROJECT_ROOT, Settings
from graph.model.build import BuildFailed, build
from graph.model.remote import RemoteGraph, StoreConfigError, StoreUnavailable, endpoints_for
from graph.model.store import KnowledgeGraph
from tests.conftest import DATA, free_port
from tests.store_servers import OxigraphServer, wait_until

BASE = "https://w3id.org/salt-kg/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
UNRESOLVED = queries.bind(queries.load("unresolved-on-date"), {"date": queries.xsd_date("1972-05-20")})
COMPARED = [  # (path, params, Accept): what a user reads, by REST, linked data, views and /sparql
    ("/issues", {"unresolved_on": "1972-05-20"}, "application/json"),
    ("/issues/mobile-icbms/timeline", {}, "application/json"),
    ("/issue/mobile-icbms", {}, "text/turtle"),
    ("/issue/mobile-icbms", {}, "text/html"),
    ("/person/kissinger", {}, "application/ld+json"),
    ("/document/frus1969-76v14-d247", {}, "text/html"),
    ("/graph/frus1969-76v14-d247", {}, "application/n-triples"),
    ("/sparql", {"query": UNRESOLVED}, "application/sparql-results+json"),
    ("/sparql", {"query": UNRESOLVED}, "text/csv"),
    ("/sparql", {"query": "DESCRIBE <https://w3id.org/salt-kg/person/kissinger>"}, "text/turtle"),
    ("/sparql", {"query": "ASK { ?s a <https://w3id.org/salt-kg/ontology#Issue> }"}, "application/sparql-results+xml"),
    ("/search", {"q": "submarines"}, "application/json"),
    ("/entities", {"q": "smith"}, "application/json"),
    ("/", {}, "application/json"),
]


def server_settings(tmp_path, url: str | None = None, **limits) -> ServerSettings:
    graph = Settings(data_dir=DATA, build_dir=tmp_path / "replica-build", store_url=url)
    return ServerSettings(graph=graph, **limits)


def answers(client, paths=COMPARED) -> dict:
    found = {}
    for path, params, accept in paths:
        response = client.get(path, params=params, headers={"Accept": accept})
        found[(path, str(params), accept)] = (response.status_code, response.content)
    return found


@pytest.fixture
def oxigraph(tmp_path):
    server = OxigraphServer(tmp_path / "oxigraph").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def seed_in_oxigraph(tmp_path_factory) -> Path:
    """The shipped data built once into an Oxigraph server, stopped: its data folder, for tests to copy."""
    folder = tmp_path_factory.mktemp("oxigraph-seed")
    server = OxigraphServer(folder / "oxigraph").start()
    try:
        build(Settings(data_dir=DATA, build_dir=folder / "build", store_url=server.url), progress=False)
    finally:
        server.stop()
    return folder / "oxigraph"


@pytest.fixture
def built_oxigraph(seed_in_oxigraph, tmp_path):
    """An Oxigraph server of this test's own holding the shipped data as built into it (a copy of the
    module's build, which the test may change or kill)."""
    shutil.copytree(seed_in_oxigraph, tmp_path / "oxigraph")
    server = OxigraphServer(tmp_path / "oxigraph").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def embedded_client(built_seed):
    """The API over the shipped data built into the embedded store (the session's build, read only)."""
    with TestClient(create_app(built_seed.store_path)) as client:
        yield client, built_seed


def test_store_urls_name_their_layouts(monkeypatch):
    monkeypatch.delenv("SALTKG_STORE_USER", raising=False)
    ox = endpoints_for("http://db.example:7878")
    assert (ox.kind, ox.query, ox.update, ox.graph_store) == (
        "oxigraph", "http://db.example:7878/query", "http://db.example:7878/update", "http://db.example:7878/store")
    virtuoso = endpoints_for("http://db.example:8890/")
    assert (virtuoso.query, virtuoso.graph_store) == ("http://db.example:8890/sparql",
                                                      "http://db.example:8890/sparql-graph-crud-auth")
    fuseki = endpoints_for("http://db.example:3030/salt")
    assert (fuseki.query, fuseki.update, fuseki.graph_store) == (
        "http://db.example:3030/salt/query", "http://db.example:3030/salt/update", "http://db.example:3030/salt/data")
    assert endpoints_for("virtuoso+https://db.example/").query == "https://db.example/sparql"
    other = endpoints_for("http://db.example/x", query="http://db.example/x/sparql")
    assert (other.kind, other.update) == ("sparql", None)
    with pytest.raises(StoreConfigError, match="cannot tell"):
        endpoints_for("http://db.example:9999")
    with pytest.raises(StoreConfigError, match="SALTKG_STORE_USER"):
        endpoints_for("http://dba:secret@db.example:8890")


def test_credentials_come_from_the_environment_and_are_never_shown(monkeypatch):
    monkeypatch.setenv("SALTKG_STORE_USER", "dba")
    monkeypatch.setenv("SALTKG_STORE_PASSWORD", "s3cret")
    virtuoso = endpoints_for("http://db.example:8890")
    assert isinstance(virtuoso.auth(), httpx.DigestAuth)
    assert "s3cret" not in repr(virtuoso) and "s3cret" not in virtuoso.describe()


def test_reading_the_server_equals_reading_the_embedded_store(built_oxigraph, embedded_client):
    _, settings = embedded_client
    remote, local = RemoteGraph.open(built_oxigraph.url), KnowledgeGraph.open(settings.store_path)
    assert remote.named_graphs() == local.named_graphs()
    assert remote.quad_count() == local.quad_count() == remote.triple_count() == local.triple_count()
    assert status.unresolved_on(remote, "1972-05-20") == status.unresolved_on(local, "1972-05-20")
    issue = settings.iri("issue/slbm-base-figure-48")
    assert status.timeline(remote, issue) == status.timeline(local, issue)
    assert sorted(map(str, remote.query(UNRESOLVED))) == sorted(map(str, local.query(UNRESOLVED)))
    assert sorted(remote.select(UNRESOLVED), key=repr) == sorted(local.select(UNRESOLVED), key=repr)


def test_served_answers_are_identical(built_oxigraph, embedded_client, tmp_path):
    client, _ = embedded_client
    with TestClient(create_app(settings=server_settings(tmp_path, built_oxigraph.url))) as remote:
        assert answers(remote) == answers(client)
        health = remote.get("/healthz").json()
    assert health["status"] == "ok" and health["store"] == f"oxigraph server at {built_oxigraph.http}"
    assert health["triples"] == client.get("/healthz").json()["triples"]


def test_a_rerun_converges_and_drops_graphs_the_build_no_longer_has(oxigraph, fixture_data, embedded_client):
    _, settings = embedded_client
    remote = RemoteGraph.open(oxigraph.url)
    bigger = Settings(data_dir=fixture_data.data_dir, build_dir=fixture_data.build_dir, store_url=oxigraph.url)
    build(bigger, progress=False)
    assert any("frus1969-76v32-d901" in g for g in remote.named_graphs())
    shipped = Settings(data_dir=DATA, build_dir=fixture_data.build_dir, store_url=oxigraph.url)
    build(shipped, progress=False)
    build(shipped, progress=False, write_mode="graphs")
    local = KnowledgeGraph.open(settings.store_path)
    assert remote.named_graphs() == local.named_graphs()
    assert remote.quad_count() == local.quad_count()
    assert status.unresolved_on(remote, "1972-05-20") == status.unresolved_on(local, "1972-05-20")


def test_a_build_that_fails_before_writing_leaves_the_server_as_it_was(built_oxigraph, tmp_path):
    remote = RemoteGraph.open(built_oxigraph.url)
    before = (remote.quad_count(), status.unresolved_on(remote, "1972-05-20"))
    broken = Settings(data_dir=DATA, build_dir=tmp_path / "b2", store_url=built_oxigraph.url)
    with pytest.raises(BuildFailed):
        build(broken, [tmp_path / "missing.txt"], include_corpus=False, progress=False)
    assert (remote.quad_count(), status.unresolved_on(remote, "1972-05-20")) == before


def test_killing_the_store_mid_build_leaves_the_served_answers_unchanged(built_oxigraph, fixture_data, tmp_path,
                                                                          monkeypatch):
    """The bigger build's update is sent slowly; the server is SIGKILLed with half of it received."""
    settings = server_settings(tmp_path, built_oxigraph.url)
    with TestClient(create_app(settings=settings)) as client:
        before = answers(client)
    bigger = Settings(data_dir=fixture_data.data_dir, build_dir=fixture_data.build_dir, store_url=built_oxigraph.url)
    failure = kill_during_the_first_write(built_oxigraph, bigger, monkeypatch)
    assert isinstance(failure, StoreUnavailable), failure
    built_oxigraph.start()
    with TestClient(create_app(settings=settings)) as client:
        assert answers(client) == before
    assert not any("frus1969-76v32-d90" in g for g in RemoteGraph.open(built_oxigraph.url).named_graphs())


def kill_during_the_first_write(server, settings: Settings, monkeypatch) -> BaseException | None:
    """Build `settings` into `server` with the build's first write (its one update request, or its first
    Graph Store PUT) sent slowly, SIGKILL the server with half of that write received, and return the
    build's failure (None if it succeeded)."""
    real_send = RemoteGraph.send
    sent, killed = threading.Event(), threading.Event()

    def slow_send(self, method, url, use_auth=True, **options):
        data = options.get("content")
        if method in ("POST", "PUT") and isinstance(data, bytes) and url != self.endpoints.query and not sent.is_set():
            if self.endpoints.kind == "virtuoso":  # digest auth: answer the challenge first (a body is sent once)
                real_send(self, "GET", url, params={"graph-uri": "urn:saltkg-test:none"})
            half = len(data) // 2

            def body():
                yield data[:half]
                sent.set()
                killed.wait(30)  # the server dies meanwhile
                yield data[half:]
            options["content"] = body()
        return real_send(self, method, url, use_auth, **options)

    monkeypatch.setattr(RemoteGraph, "send", slow_send)
    failure: list[BaseException] = []
    worker = threading.Thread(target=lambda: run_catching(lambda: build(settings, progress=False), failure))
    worker.start()
    try:
        assert sent.wait(120), "the build never started writing"
        server.kill()
    finally:
        killed.set()
        worker.join(60)
        monkeypatch.setattr(RemoteGraph, "send", real_send)
    return failure[0] if failure else None


def run_catching(action, failures: list) -> None:
    try:
        action()
    except BaseException as err:  # handed to the test thread
        failures.append(err)


def test_a_stopped_store_answers_503_with_retry_after_at_once(built_oxigraph, tmp_path):
    with TestClient(create_app(settings=server_settings(tmp_path, built_oxigraph.url))) as client:
        assert client.get("/issues", params={"unresolved_on": "1972-05-20"}).status_code == 200
        built_oxigraph.stop()
        assert_503_at_once(client)


def assert_503_at_once(client) -> None:
    """Every kind of request (REST, /sparql, a linked-data page, health) answers 503 with Retry-After within
    3 s of asking a stopped store."""
    for path, params in [("/issues", {"unresolved_on": "1972-05-20"}), ("/sparql", {"query": UNRESOLVED}),
                         ("/issue/mobile-icbms", {}), ("/healthz", {})]:
        started = time.monotonic()
        response = client.get(path, params=params)
        assert response.status_code == 503, (path, response.text)
        assert response.headers["Retry-After"].isdigit()
        assert time.monotonic() - started < 3, f"{path} took too long to give up on a stopped store"


@pytest.fixture
def silent_store():
    """A TCP server that accepts connections and never answers: a hung store."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"oxigraph+http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(2)
    for connection in held:
        connection.close()
    listener.close()


def test_a_hung_store_is_cut_off_at_the_time_limit(silent_store, tmp_path):
    settings = server_settings(tmp_path, silent_store, query_timeout=1.0, store_check_seconds=3600.0)
    with TestClient(create_app(settings=settings)) as client:
        for path, params in [("/sparql", {"query": UNRESOLVED}), ("/issues", {"unresolved_on": "1972-05-20"})]:
            started = time.monotonic()
            response = client.get(path, params=params)
            assert response.status_code == 503 and "Retry-After" in response.headers, (path, response.text)
            assert time.monotonic() - started < 5, f"{path} waited on a hung store past its time limit"


def serve(url: str, tmp_path, name: str) -> tuple[subprocess.Popen, str]:
    """`saltkg serve --store url` started (not yet answering: see `answering`)."""
    port = free_port()
    env = {**os.environ, "SALTKG_BUILD": str(tmp_path / name), "SALTKG_DATA": str(DATA)}
    process = subprocess.Popen([sys.executable, "-m", "graph.cli", "serve", "--port", str(port), "--store", url],
                               env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, f"http://127.0.0.1:{port}"


def answering(process: subprocess.Popen, base: str) -> None:
    wait_until(lambda: httpx.get(base + "/healthz", timeout=2).status_code == 200, 60, "saltkg serve", process)


def test_two_api_processes_over_one_store_serve_the_same_answers(built_oxigraph, embedded_client, tmp_path):
    client, _ = embedded_client
    processes = [serve(built_oxigraph.url, tmp_path, f"replica{i}") for i in (1, 2)]  # starting side by side
    try:
        for process, base in processes:
            answering(process, base)
        served = []
        for _, base in processes:
            with httpx.Client(base_url=base, timeout=30) as replica:
                served.append(answers(replica))
        assert served[0] == served[1] == answers(client)
    finally:
        for process, _ in processes:
            process.terminate()
            process.wait(timeout=10)


def test_an_authorised_update_through_the_api_reaches_the_store(built_oxigraph, tmp_path):
    settings = server_settings(tmp_path, built_oxigraph.url, admin_token="secret")
    label = "Mobile ICBMs (renamed by an operator)"
    built = RemoteGraph.open(built_oxigraph.url).store_version()
    with TestClient(create_app(settings=settings)) as client:
        assert client.get("/healthz").json()["graph_version"] == built
        update = (f'DELETE {{ GRAPH ?g {{ <{BASE}issue/mobile-icbms> <{RDFS}label> ?old }} }} '
                  f'INSERT {{ GRAPH ?g {{ <{BASE}issue/mobile-icbms> <{RDFS}label> "{label}" }} }} '
                  f'WHERE {{ GRAPH ?g {{ <{BASE}issue/mobile-icbms> <{RDFS}label> ?old }} }}')
        refused = client.post("/sparql", content=update, headers={"Content-Type": "application/sparql-update"})
        assert refused.status_code == 403
        applied = client.post("/sparql", content=update, headers={"Content-Type": "application/sparql-update",
                                                                  "Authorization": "Bearer secret"})
        assert applied.status_code == 204, applied.text
        assert label in client.get("/search", params={"q": "renamed operator"}).text
        updated = RemoteGraph.open(built_oxigraph.url).store_version()  # in the same request as the update
        assert updated not in (None, built) and client.get("/healthz").json()["graph_version"] == updated
    assert RemoteGraph.open(built_oxigraph.url).select(
        f"SELECT ?l WHERE {{ <{BASE}issue/mobile-icbms> <{RDFS}label> ?l }}") == [{"l": label}]


def test_cli_reads_the_store_server(built_oxigraph, embedded_client, capsys, monkeypatch):
    from graph.cli import main
    _, settings = embedded_client
    for name in ("SALTKG_STORE", "SALTKG_BUILD"):  # recorded, so that what main() sets is undone afterwards
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    monkeypatch.setenv("SALTKG_BUILD", str(settings.build_dir))
    assert main(["unresolved", "--on", "1972-05-20", "--format", "json"]) == 0
    local = capsys.readouterr().out
    assert main(["unresolved", "--on", "1972-05-20", "--format", "json", "--store", built_oxigraph.url]) == 0
    assert capsys.readouterr().out == local
    assert main(["validate", "--store", built_oxigraph.url]) == 1
    assert "validated before it is written" in capsys.readouterr().err


def test_an_update_failing_at_its_last_operation_changes_nothing(built_oxigraph, fixture_data, monkeypatch):
    """Atomic while the server applies it, not only while it receives it: the bigger build's update ends
    with an operation that fails (creating a graph that exists), and none of it stays."""
    from graph.model import publish as publishing
    from graph.model.remote import StoreError
    remote = RemoteGraph.open(built_oxigraph.url)
    before = (remote.named_graphs(), remote.quad_count(), status.unresolved_on(remote, "1972-05-20"))
    real = publishing.write_update

    def failing_at_the_end(store, graphs, dropped, sink):
        count = real(store, graphs, dropped, sink)
        sink.write(f" ;\nCREATE GRAPH <{BASE}graph/curated>\n")  # exists: the server fails here
        return count

    monkeypatch.setattr(publishing, "write_update", failing_at_the_end)
    bigger = Settings(data_dir=fixture_data.data_dir, build_dir=fixture_data.build_dir, store_url=built_oxigraph.url)
    version = remote.store_version()
    with pytest.raises(StoreError):
        build(bigger, progress=False)
    assert (remote.named_graphs(), remote.quad_count(), status.unresolved_on(remote, "1972-05-20")) == before
    assert remote.store_version() == version


SKOS = "http://www.w3.org/2004/02/skos/core#"


def test_the_derived_broader_closure_equals_the_path_at_any_depth(embedded_client):
    """What the named queries read instead of skos:broader* (evaluated differently by Virtuoso 7.2): the
    same narrower issues, for the shipped hierarchy and for one deeper than it with a cycle."""
    from graph.model.derived import broader_transitive_quads
    _, settings = embedded_client
    shipped = KnowledgeGraph.open(settings.store_path)
    chain = [ox.NamedNode(f"{BASE}issue/depth-{n}") for n in range(7)]
    cycle = [ox.NamedNode(f"{BASE}issue/cycle-{n}") for n in range(3)]
    made = ox.Store()
    made.extend(ox.Quad(narrow, ox.NamedNode(SKOS + "broader"), broad, ox.NamedNode(BASE + "graph/curated"))
                for narrow, broad in [*zip(chain[1:], chain), *zip(cycle, cycle[1:] + cycle[:1]), (chain[3], cycle[0])])
    made.extend(broader_transitive_quads(made, ox.NamedNode(BASE + "graph/derived")))
    for store in (shipped.store, made):
        concepts = {row["c"] for row in store.query(f"SELECT DISTINCT ?c WHERE {{ {{ ?c <{SKOS}broader> ?b }} "
                                                    f"UNION {{ ?b <{SKOS}broader> ?c }} }}", use_default_graph_as_union=True)}
        assert len(concepts) > 5
        for concept in concepts:
            path = {row["n"] for row in store.query(f"SELECT ?n WHERE {{ ?n <{SKOS}broader>* {concept} }}",
                                                    use_default_graph_as_union=True)}
            closure = {concept} | {quad.subject for quad in store.quads_for_pattern(
                None, ox.NamedNode(SKOS + "broaderTransitive"), concept)}
            assert closure == path, concept
    assert not list(made.quads_for_pattern(cycle[0], ox.NamedNode(SKOS + "broaderTransitive"), cycle[0]))
    assert len(list(made.quads_for_pattern(chain[6], ox.NamedNode(SKOS + "broaderTransitive"), None))) == 6 + 3


def test_replicas_rebuild_their_index_on_the_version_record_or_else_the_digest(built_oxigraph, tmp_path):
    """A rebuild of the same data keeps every quad but writes a new version record: noticed at the next
    check. A write by another tool that keeps the quad count and leaves the record alone: noticed by the
    background digest of the store."""
    from api.forwarding import ReplicaState
    from graph.ask.search import SearchIndex
    remote = RemoteGraph.open(built_oxigraph.url)
    first, quads = remote.store_version(), remote.quad_count()
    assert first and remote.named_graphs() == sorted(g for g in remote.named_graphs() if not g.endswith("/version"))
    replica = ReplicaState(remote, tmp_path / "replica", check_every=0, digest_every=0.01)
    assert replica.refresh()
    replica.digest_thread.join(60)
    assert not replica.refresh()  # the baseline digest: nothing changed
    renamed = "Mobile ICBMs (renamed by another tool)"
    remote.update(f'DELETE {{ GRAPH ?g {{ <{BASE}issue/mobile-icbms> <{RDFS}label> ?old }} }} '
                  f'INSERT {{ GRAPH ?g {{ <{BASE}issue/mobile-icbms> <{RDFS}label> "{renamed}" }} }} '
                  f'WHERE {{ GRAPH ?g {{ <{BASE}issue/mobile-icbms> <{RDFS}label> ?old }} }}')
    assert (remote.store_version(), remote.quad_count()) == (first, quads)
    noticed = False
    for _ in range(3):  # the digest running when the update landed may have read the old content
        replica.digest_thread.join(60)
        if noticed := replica.refresh():
            break
    assert noticed and SearchIndex(replica.index).search("renamed another tool")[0] == 1
    replica.digest_every = None  # from here on, the version record alone
    build(Settings(data_dir=DATA, build_dir=tmp_path / "rebuild", store_url=built_oxigraph.url), progress=False)
    assert remote.quad_count() == quads and remote.store_version() not in (None, first)
    assert replica.refresh() and not replica.refresh()
    assert SearchIndex(replica.index).search("renamed another tool")[0] == 0
