"""HTTP throughput and latency under bounded concurrent load on loopback, side by side:

- saltkg: the full endpoint (`saltkg serve`: worker processes with time limits, guards, content
  negotiation, CORS, access logging);
- bare: a FastAPI sync handler calling pyoxigraph directly (bench/servers/bare.py) — the baseline;
- rdflib-endpoint serving the same graph (only when `rdflib-endpoint` is installed: `make bench` sets
  up an environment with it).

Same graph, same queries, 8 clients for a fixed time each. Ratios are against bare and rdflib-endpoint.
Each query is sent with the same text every time and with a different parameter per request (another
day, another person): rdflib-endpoint keeps the last 128 prepared queries, so repeating one text
measures its cache, not its parser; real users send many different texts.

    .venv-bench/bin/python bench/http_bench.py [--documents 350 10000] [--seconds 10]
"""

from __future__ import annotations

import argparse
import itertools
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


def cases(documents: int) -> list[tuple[str, str, object]]:
    """(request, path, params for the n-th request): each query once with the same text every time and
    once with a different parameter per request, drawn from pools larger than rdflib-endpoint's
    128-entry prepared-query cache where the graph has that many people or days."""
    people = list(range(10, max(20, documents // 5)))  # not the ten hubs
    days = [unresolved(day) for day in DAYS]  # texts made before the clock starts
    around = [neighbourhood(person) for person in people]
    linked = [connections(person) for person in people]

    def pick(pool: list, n: int):
        return pool[n * 7919 % len(pool)]  # a prime stride: consecutive requests far apart in the pool
    return [
        ("sparql unresolved-on-date", "sparql", lambda n, q=unresolved("1971-06-01"): {"query": q}),
        ("sparql unresolved, varied day", "sparql", lambda n: {"query": pick(days, n)}),
        ("sparql person neighbourhood", "sparql", lambda n, q=neighbourhood(15): {"query": q}),
        ("sparql neighbourhood, varied", "sparql", lambda n: {"query": pick(around, n)}),
        ("sparql hub neighbourhood", "sparql", lambda n, q=neighbourhood(3): {"query": q}),
        ("sparql person connections", "sparql", lambda n, q=connections(15): {"query": q}),
        ("sparql connections, varied", "sparql", lambda n: {"query": pick(linked, n)}),
        ("/issues?unresolved_on=", "issues", lambda n: {"unresolved_on": "1971-06-01"}),
        ("/issues, varied day", "issues", lambda n: {"unresolved_on": pick(DAYS, n)}),
    ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command: list[str], env: dict, port: int) -> subprocess.Popen:
    process = subprocess.Popen(command, env={**os.environ, **env, "PYTHONPATH": str(HERE.parent)},
                               cwd=HERE.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server {command} exited with {process.returncode}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/docs", timeout=2)
            return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"server {command} did not start")


def load(url: str, params_for, seconds: float, clients: int, timeout: float) -> dict:
    """`clients` threads issuing GETs for `seconds`, the n-th request with `params_for(n)`; requests/s,
    p50, p99, errors."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    counter = itertools.count()

    def client() -> None:
        with httpx.Client(timeout=timeout) as http:
            while time.monotonic() < deadline:
                params = params_for(next(counter))
                started = time.perf_counter()
                try:
                    ok = http.get(url, params=params, headers={"Accept": "application/sparql-results+json"}).status_code == 200
                except httpx.HTTPError:
                    ok = False
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    errors[0] += not ok
    began = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    ordered = sorted(latencies)
    return {"requests": len(ordered), "rps": len(ordered) / wall, "errors": errors[0],
            "p50": statistics.median(ordered) * 1000 if ordered else None,
            "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000 if ordered else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, nargs="+", default=[350])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--rdflib-unresolved-max", type=int, default=2000,
                        help="largest graph (documents) on which rdflib-endpoint is asked the unresolved query")
    args = parser.parse_args()
    has_rdflib_endpoint = importlib.util.find_spec("rdflib_endpoint") is not None
    print(f"{args.clients} clients × {args.seconds:g} s per row on loopback; baseline: bare pyoxigraph handler"
          + ("" if has_rdflib_endpoint else "; rdflib-endpoint not installed (run via `make bench`)"))
    print(f"{'docs':>6} {'server':16} {'request':30} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
    with tempfile.TemporaryDirectory() as folder:
        for documents in args.documents:
            kg = graph_of(documents, Path(folder))
            store_path = kg.path
            nquads = Path(folder) / f"export-{documents}.nq"
            with open(nquads, "wb") as handle:
                kg.export("nquads", handle)
            del kg
            servers = {}
            port = free_port()
            servers["saltkg"] = (port, start([sys.executable, "-m", "graph.cli", "serve", "--port", str(port)],
                                             {"SALTKG_BUILD": str(store_path.parent)}, port))
            port = free_port()
            servers["bare"] = (port, start([sys.executable, "-m", "uvicorn", "--app-dir", str(HERE / "servers"), "bare:app",
                                            "--port", str(port), "--log-level", "warning"], {"BENCH_STORE": str(store_path)}, port))
            if has_rdflib_endpoint:
                port = free_port()
                servers["rdflib-endpoint"] = (port, start(
                    [sys.executable, "-m", "uvicorn", "--app-dir", str(HERE / "servers"), "rdflib_endpoint_app:app",
                     "--port", str(port), "--log-level", "warning"], {"BENCH_NQUADS": str(nquads)}, port))
            results: dict[tuple[str, str], dict] = {}
            try:
                for request, kind, params_for in cases(documents):
                    for name, (port, _) in servers.items():
                        if name == "rdflib-endpoint" and kind == "issues":
                            continue
                        if name == "rdflib-endpoint" and "unresolved" in request and documents > args.rdflib_unresolved_max:
                            print(f"{documents:>6} {name:16} {request:30} skipped: above --rdflib-unresolved-max "
                                  f"({args.rdflib_unresolved_max} documents); one answer takes minutes", flush=True)
                            continue
                        path = "/" if name == "rdflib-endpoint" else f"/{kind}"
                        result = load(f"http://127.0.0.1:{port}{path}", params_for, args.seconds, args.clients, args.timeout)
                        results[(name, request)] = result
                        p50 = f"{result['p50']:8.1f}" if result["p50"] is not None else f"{'-':>8}"
                        p99 = f"{result['p99']:8.1f}" if result["p99"] is not None else f"{'-':>8}"
                        print(f"{documents:>6} {name:16} {request:30} {result['rps']:8.1f} {p50} {p99} {result['errors']:>6}",
                              flush=True)
                    ours = results[("saltkg", request)]["rps"]
                    bare = results[("bare", request)]["rps"]
                    line = f"{'':>6} {'ratios':16} {request:30} saltkg/bare {ours / bare:.2f}"
                    other = results.get(("rdflib-endpoint", request))
                    if other:
                        line += f"   saltkg/rdflib-endpoint {ours / other['rps']:.1f}" if other["rps"] else "   rdflib-endpoint answered none"
                    print(line, flush=True)
            finally:
                for _, process in servers.values():
                    process.terminate()
                    process.wait(timeout=30)


if __name__ == "__main__":
    main()
