"""HTTP throughput and latency under bounded concurrent load on loopback, side by side:

- saltkg: the full endpoint (`saltkg serve`: query threads with time limits, guards, content
  negotiation, CORS, access logging, ETags and the result cache);
- bare: a FastAPI sync handler calling pyoxigraph directly (bench/servers/bare.py) — the baseline, run
  as the issue that set the targets measured it: uvicorn's h11 parser on asyncio's loop;
- bare-uvloop: the same handler on the httptools parser and uvloop, which `saltkg serve` uses (uvicorn
  picks them when installed): what a bare handler gains from them alone;
- raw-asgi: a raw ASGI app over pyoxigraph with no framework and no features (bench/servers/raw.py), on
  httptools and uvloop: the ceiling of a Python server over the same engine on these cores;
- oxigraph-server: Oxigraph's own Rust server (`oxigraph serve-read-only`, PyPI `oxigraph`, which
  `make bench` installs into .venv-bench only), what a user who only wants SPARQL would run instead;
- rdflib-endpoint on the same graph, with --rdflib-endpoint (slow; `make bench` installs it).

Same graph, same queries, 8 clients for a fixed time each. Before the HTTP rows, the engine alone: each cold
row's texts run in-process on pyoxigraph with 1, 2 and 4 threads, no HTTP at all. Three kinds of HTTP rows:
- cold: every request's text is new (another day or person, and the request's number in a comment),
  so no cache can answer it: one row per query;
- repeated mix: the same few texts again and again, as a busy page or a notebook sends them (each
  text is sent to every server once before the clock starts: a repeated text has been asked before);
- conditional: the repeated mix sent with the ETag of the previous answer (If-None-Match), as a
  browser revalidates; plus the server time of a 304 measured in-process on the ASGI app.

    .venv-bench/bin/python bench/http_bench.py [--documents 2000] [--seconds 10]
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import importlib.util
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from query_bench import graph_of  # noqa: E402

from graph.ask import queries

BASE = "https://w3id.org/salt-kg/"
HERE = Path(__file__).resolve().parent
DAYS = [(date(1969, 11, 17) + timedelta(days=n)).isoformat() for n in range(920)]  # the synthetic span


def unresolved(day: str) -> str:
    return queries.bind(queries.load("unresolved-on-date"), {"date": queries.xsd_date(day)})


def neighbourhood(person: int) -> str:
    return queries.bind(queries.load("entity-neighbourhood"), {"entity": queries.iri(f"{BASE}person/synthetic-{person}")})


def connections(person: int) -> str:
    return queries.bind(queries.load("person-neighbourhood"), {"person": queries.iri(f"{BASE}person/synthetic-{person}")})


def pools(documents: int) -> dict[str, list[str]]:
    """Query texts per kind, made before the clock starts (people other than the ten hubs)."""
    people = list(range(10, max(20, documents // 5)))
    return {"unresolved": [unresolved(day) for day in DAYS], "neighbourhood": [neighbourhood(p) for p in people],
            "connections": [connections(p) for p in people], "hub": [neighbourhood(p) for p in range(10)]}


def pick(pool: list, n: int):
    return pool[n * 7919 % len(pool)]  # a prime stride: consecutive requests far apart in the pool


def fresh(text: str, n: int) -> str:
    """The text made new with the request's number in a comment (the same query for every engine)."""
    return f"{text}\n# request {n}"


def cold_cases(documents: int) -> list[tuple[str, str, object]]:
    """(row, path, params for the n-th request): each request a text no server has seen."""
    texts = pools(documents)
    return [
        ("cold unresolved, varied day", "sparql", lambda n: {"query": fresh(pick(texts["unresolved"], n), n)}),
        ("cold neighbourhood, varied", "sparql", lambda n: {"query": fresh(pick(texts["neighbourhood"], n), n)}),
        ("cold hub neighbourhood", "sparql", lambda n: {"query": fresh(pick(texts["hub"], n), n)}),
        ("cold connections, varied", "sparql", lambda n: {"query": fresh(pick(texts["connections"], n), n)}),
        ("cold /issues, varied day", "issues", lambda n: {"unresolved_on": pick(DAYS, n), "n": str(n)}),
    ]


def repeated_mix(documents: int, size: int = 16) -> list[str]:
    """A few texts of every kind (days, people, a hub), sent again and again in turn."""
    texts = pools(documents)
    per = size // 4
    return [pick(texts[kind], k) for k in range(per) for kind in ("unresolved", "neighbourhood", "connections", "hub")]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command: list[str], env: dict, port: int, probe: str = "/docs") -> subprocess.Popen:
    process = subprocess.Popen(command, env={**os.environ, **env, "PYTHONPATH": str(HERE.parent)},
                               cwd=HERE.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server {command} exited with {process.returncode}")
        try:
            httpx.get(f"http://127.0.0.1:{port}{probe}", timeout=2)
            return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"server {command} did not start")


def wrk_binary() -> str | None:
    """Debian's wrk (a C load generator): when present, the load comes from it rather than Python threads,
    whose own CPU on the same two cores capped the servers measured."""
    return shutil.which("wrk")


def load_wrk(url: str, params_for, seconds: float, clients: int, timeout: float, revalidate: bool = False,
             count: int | None = None) -> dict:
    """The same measurement as `load`, by wrk: the paths of requests 0..count-1 written to a file first
    (cold rows: each a new text; a row that runs through them all is reported with repeats)."""
    from urllib.parse import urlencode, urlsplit
    parts = urlsplit(url)
    if count is None:
        sample = len(urlencode(params_for(0)))
        count = max(1000, min(40000, 60_000_000 // max(sample, 1)))
    with tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False) as handle:
        for n in range(count):
            handle.write(f"{parts.path}?{urlencode(params_for(n))}\n")
    try:
        done = subprocess.run([wrk_binary(), f"-t{clients}", f"-c{clients}", f"-d{seconds:g}s", "--timeout",
                               f"{timeout:g}s", "-s", str(HERE / "wrk_load.lua"), f"{parts.scheme}://{parts.netloc}",
                               "--", handle.name, "revalidate" if revalidate else "plain", str(clients)],
                              capture_output=True, text=True, check=True)
    finally:
        os.unlink(handle.name)
    line = next(l for l in done.stdout.splitlines() if l.startswith("WRK "))
    result = json.loads(line[4:])
    result["rps"] = result["requests"] / result["seconds"]
    result["repeated"] = max(0, result["requests"] - count)
    return result


def load(url: str, params_for, seconds: float, clients: int, timeout: float, revalidate: bool = False) -> dict:
    """`clients` threads issuing GETs for `seconds`, the n-th request with `params_for(n)`; requests/s,
    p50, p99, errors. With `revalidate`, each client sends the ETag it last got for a text."""
    latencies: list[float] = []
    errors = [0]
    not_modified = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    counter = itertools.count()

    def client() -> None:
        etags: dict[str, str] = {}
        with httpx.Client(timeout=timeout) as http:
            while time.monotonic() < deadline:
                params = params_for(next(counter))
                headers = {"Accept": "application/sparql-results+json"}
                key = repr(sorted(params.items()))
                if revalidate and key in etags:
                    headers["If-None-Match"] = etags[key]
                started = time.perf_counter()
                try:
                    response = http.get(url, params=params, headers=headers)
                    ok = response.status_code in (200, 304) if revalidate else response.status_code == 200
                    if revalidate and "etag" in response.headers:
                        etags[key] = response.headers["etag"]
                except httpx.HTTPError:
                    ok, response = False, None
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    errors[0] += not ok
                    not_modified[0] += response is not None and response.status_code == 304
    began = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    ordered = sorted(latencies)
    return {"requests": len(ordered), "rps": len(ordered) / wall, "errors": errors[0], "not_modified": not_modified[0],
            "p50": statistics.median(ordered) * 1000 if ordered else None,
            "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000 if ordered else None}


def conditional_server_time(store_path: Path, text: str, rounds: int = 2000) -> dict:
    """Server time of a GET answered 304 and of one answered from the result cache: the ASGI app
    called in-process (no socket, no client), median µs over `rounds` calls each."""
    import asyncio
    from urllib.parse import urlencode

    from api.app import create_app
    from api.settings import ServerSettings
    from graph.config import Settings

    app = create_app(settings=ServerSettings(graph=Settings(build_dir=store_path.parent), query_workers=1))

    async def call(headers: list[tuple[bytes, bytes]]) -> tuple[int, dict, float]:
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
                 "path": "/sparql", "raw_path": b"/sparql", "root_path": "", "query_string": urlencode({"query": text}).encode(),
                 "headers": [(b"host", b"127.0.0.1"), (b"accept", b"application/sparql-results+json"), *headers],
                 "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
        start: dict = {}

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            if message["type"] == "http.response.start":
                start.update(status=message["status"], headers=dict(message["headers"]))
        started = time.perf_counter()
        await app(scope, receive, send)
        return start["status"], start["headers"], time.perf_counter() - started

    async def timed(headers: list[tuple[bytes, bytes]], expected: int) -> float:
        times = []
        for _ in range(rounds):
            status, _, seconds = await call(headers)
            assert status == expected, status
            times.append(seconds)
        return statistics.median(times) * 1e6

    async def measure() -> dict:
        status, headers, first = await call([])
        assert status == 200, status
        return {"first (query run) µs": first * 1e6, "cached 200 µs": await timed([], 200),
                "304 µs": await timed([(b"if-none-match", headers[b"etag"])], 304)}
    try:
        return asyncio.run(measure())
    finally:
        app.state.services.close()


def engine_alone(store_path: Path, documents: int, seconds: float = 3.0) -> None:
    """Each cold SPARQL row's texts evaluated and serialised in-process by pyoxigraph on 1, 2 and 4 threads,
    no HTTP (queries/s): about the most a server over this engine answers on these cores (within the
    ±10 % rows move from run to run)."""
    import pyoxigraph as ox
    from concurrent.futures import ThreadPoolExecutor

    store = ox.Store.read_only(str(store_path))

    def run(text: str) -> int:
        return len(store.query(text, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON))
    for request, kind, params_for in cold_cases(documents):
        if kind != "sparql":
            continue
        line = f"{documents:>6} {'engine alone':16} {request:30}"
        for threads in (1, 2, 4):
            done, n, began = 0, 0, time.perf_counter()
            with ThreadPoolExecutor(threads) as pool:
                while time.perf_counter() - began < seconds:
                    batch = [params_for(n + k)["query"] for k in range(threads * 4)]
                    n += len(batch)
                    done += len(list(pool.map(run, batch)))
            line += f"  {threads} thread{'s' if threads > 1 else ''} {done / (time.perf_counter() - began):7.1f} q/s"
        print(line, flush=True)


def oxigraph_binary() -> str | None:
    """The `oxigraph` server command from PyPI's `oxigraph` (installed in the bench environment)."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else shutil.which("oxigraph")


def start_servers(store_path: Path, nquads: Path, with_rdflib_endpoint: bool) -> dict[str, tuple[int, str, subprocess.Popen]]:
    """Every server over the same store: name → (port, SPARQL path, process)."""
    servers = {}
    port = free_port()
    servers["saltkg"] = (port, "/sparql", start([sys.executable, "-m", "graph.cli", "serve", "--port", str(port)],
                                                {"SALTKG_BUILD": str(store_path.parent)}, port))
    port = free_port()
    servers["bare"] = (port, "/sparql", start([sys.executable, "-m", "uvicorn", "--app-dir", str(HERE / "servers"),
                                               "bare:app", "--port", str(port), "--log-level", "warning",
                                               "--http", "h11", "--loop", "asyncio"],
                                              {"BENCH_STORE": str(store_path)}, port))
    port = free_port()
    servers["raw-asgi"] = (port, "/sparql", start([sys.executable, "-m", "uvicorn", "--app-dir", str(HERE / "servers"),
                                                   "raw:app", "--port", str(port), "--log-level", "warning",
                                                   "--http", "httptools", "--loop", "uvloop"],
                                                  {"BENCH_STORE": str(store_path)}, port, probe="/sparql"))
    port = free_port()
    servers["bare-uvloop"] = (port, "/sparql", start([sys.executable, "-m", "uvicorn", "--app-dir", str(HERE / "servers"),
                                                      "bare:app", "--port", str(port), "--log-level", "warning",
                                                      "--http", "httptools", "--loop", "uvloop"],
                                              {"BENCH_STORE": str(store_path)}, port))
    binary = oxigraph_binary()
    if binary:
        port = free_port()
        servers["oxigraph-server"] = (port, "/query", start([binary, "serve-read-only", "--location", str(store_path),
                                                            "--bind", f"127.0.0.1:{port}", "--union-default-graph"], {}, port,
                                                           probe="/"))
    if with_rdflib_endpoint:
        port = free_port()
        servers["rdflib-endpoint"] = (port, "/", start(
            [sys.executable, "-m", "uvicorn", "--app-dir", str(HERE / "servers"), "rdflib_endpoint_app:app",
             "--port", str(port), "--log-level", "warning"], {"BENCH_NQUADS": str(nquads)}, port))
    return servers


def show(documents: int, name: str, request: str, result: dict) -> None:
    p50 = f"{result['p50']:8.1f}" if result["p50"] is not None else f"{'-':>8}"
    p99 = f"{result['p99']:8.1f}" if result["p99"] is not None else f"{'-':>8}"
    extra = f" ({result['not_modified']} answered 304)" if result.get("not_modified") else ""
    if result.get("repeated") and not request.startswith("repeated"):
        extra += f" ({result['repeated']} requests repeated a text: the row is not all cold)"
    print(f"{documents:>6} {name:16} {request:30} {result['rps']:8.1f} {p50} {p99} {result['errors']:>6}{extra}", flush=True)


def ratios(request: str, results: dict) -> None:
    ours = results[("saltkg", request)]["rps"]
    line = f"{'':>6} {'ratios':16} {request:30} saltkg/bare {ours / results[('bare', request)]['rps']:.2f}"
    for other in ("bare-uvloop", "raw-asgi", "oxigraph-server", "rdflib-endpoint"):
        if (other, request) in results and results[(other, request)]["rps"]:
            line += f"   saltkg/{other} {ours / results[(other, request)]['rps']:.2f}"
    print(line, flush=True)


def measure(url: str, params_for, seconds: float, clients: int, timeout: float, revalidate: bool = False,
            count: int | None = None) -> dict:
    """Requests/s, p50, p99 and errors of one row: by wrk when installed, else by Python threads."""
    if wrk_binary():
        return load_wrk(url, params_for, seconds, clients, timeout, revalidate, count)
    return load(url, params_for, seconds, clients, timeout, revalidate)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, nargs="+", default=[2000])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--rdflib-endpoint", action="store_true", help="also measure rdflib-endpoint (slow)")
    parser.add_argument("--rdflib-unresolved-max", type=int, default=2000,
                        help="largest graph (documents) on which rdflib-endpoint is asked the unresolved query")
    args = parser.parse_args()
    with_rdflib = args.rdflib_endpoint and importlib.util.find_spec("rdflib_endpoint") is not None
    print(f"{args.clients} clients × {args.seconds:g} s per row on loopback ("
          + ("wrk" if wrk_binary() else "Python threads; install wrk for a load generator that costs the servers less")
          + "); baselines: bare pyoxigraph handler, "
          + ("Oxigraph's server" if oxigraph_binary() else "Oxigraph's server not installed (run via `make bench`)"))
    print(f"{'docs':>6} {'server':16} {'request':30} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
    with tempfile.TemporaryDirectory() as folder:
        for documents in args.documents:
            kg = graph_of(documents, Path(folder))
            store_path = kg.path
            nquads = Path(folder) / f"export-{documents}.nq"
            if with_rdflib:
                with open(nquads, "wb") as handle:
                    kg.export("nquads", handle)
            del kg
            mix = repeated_mix(documents)
            timing = conditional_server_time(store_path, mix[0])
            print(f"{documents:>6} server time in-process (median of 2,000): a 304 {timing['304 µs']:.0f} µs, "
                  f"a cached 200 {timing['cached 200 µs']:.0f} µs; the first answer (query run) {timing['first (query run) µs']:.0f} µs",
                  flush=True)
            engine_alone(store_path, documents)
            servers = start_servers(store_path, nquads, with_rdflib)
            for port, sparql_path, _ in servers.values():  # every server answers once before the clock (workers started)
                httpx.get(f"http://127.0.0.1:{port}{sparql_path}", params={"query": "ASK { ?s ?p ?o }"},
                          headers={"Accept": "application/sparql-results+json"}, timeout=args.timeout)
            results: dict[tuple[str, str], dict] = {}
            rows = [(request, kind, params_for, False) for request, kind, params_for in cold_cases(documents)]
            rows.append(("repeated mix (16 texts)", "sparql", lambda n: {"query": mix[n % len(mix)]}, False))
            try:
                for request, kind, params_for, _ in rows:
                    for name, (port, sparql_path, _) in servers.items():
                        if kind == "issues" and name not in ("saltkg", "bare", "bare-uvloop"):
                            continue
                        if name == "rdflib-endpoint" and "unresolved" in request and documents > args.rdflib_unresolved_max:
                            continue
                        path = sparql_path if kind == "sparql" else f"/{kind}"
                        if request.startswith("repeated"):  # repeated texts have been asked before: ask each once first
                            for text in mix:
                                httpx.get(f"http://127.0.0.1:{port}{path}", params={"query": text},
                                          headers={"Accept": "application/sparql-results+json"}, timeout=args.timeout)
                        result = measure(f"http://127.0.0.1:{port}{path}", params_for, args.seconds, args.clients,
                                         args.timeout, count=len(mix) if request.startswith("repeated") else None)
                        results[(name, request)] = result
                        show(documents, name, request, result)
                    ratios(request, results)
                port = servers["saltkg"][0]
                request = "repeated mix, revalidating"
                result = measure(f"http://127.0.0.1:{port}/sparql", lambda n: {"query": mix[n % len(mix)]}, args.seconds,
                                 args.clients, args.timeout, revalidate=True, count=len(mix))
                show(documents, "saltkg", request, result)
                stats = httpx.get(f"http://127.0.0.1:{port}/healthz").json()["cache"]
                print(f"{'':>6} saltkg result cache: {stats['hits']} hits, {stats['misses']} misses, "
                      f"{stats['not_modified']} answered 304, {stats['entries']} entries, {stats['bytes']:,} bytes", flush=True)
            finally:
                for _, _, process in servers.values():
                    process.terminate()
                    process.wait(timeout=30)


if __name__ == "__main__":
    main()
