"""Requests/s of the API over one Oxigraph server with one and with two API processes, against the
embedded store served by one process (the baseline).

The shipped data is built into an `oxigraph serve` on a free loopback port and into an embedded
store; `saltkg serve` processes read them. 8 client threads send a mix for a fixed time (REST status
on a varying day, an issue timeline, a linked-data page, a /sparql named query on a varying day, a
search), spread round-robin over the API processes as a load balancer would. Every answer must be 200.

    .venv/bin/python bench/replicas_bench.py [--seconds 15] [--clients 8]
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
from graph.ask import queries  # noqa: E402
from graph.config import Settings  # noqa: E402
from graph.model.build import build  # noqa: E402
from tests.conftest import free_port  # noqa: E402

DAYS = [(date(1972, 5, 1) + timedelta(days=n)).isoformat() for n in range(60)]


def requests(n: int) -> tuple[str, dict, dict]:
    """The n-th request of the mix."""
    day = DAYS[n % len(DAYS)]
    kind = n % 5
    if kind == 0:
        return "/issues", {"unresolved_on": day}, {}
    if kind == 1:
        return "/issues/slbm-limits/timeline", {}, {}
    if kind == 2:
        return "/issue/mobile-icbms", {}, {"Accept": "text/turtle"}
    if kind == 3:
        text = queries.bind(queries.load("unresolved-on-date"), {"date": queries.xsd_date(day)})
        return "/sparql", {"query": text}, {"Accept": "application/sparql-results+json"}
    return "/search", {"q": "submarines"}, {}


def wait(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url}: process exited")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


def serve(build_dir: Path, store: str | None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "graph.cli", "serve", "--port", str(port)] + (["--store", store] if store else [])
    env = {**os.environ, "SALTKG_BUILD": str(build_dir), "SALTKG_QUERY_WORKERS": "2"}
    process = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait(base + "/healthz", process)
    return process, base


def drive(bases: list[str], seconds: float, clients: int) -> float:
    """Requests/s over the API processes; raises if any answer is not 200."""
    counter = itertools.count()
    done, failures = [0] * clients, []
    stop = time.monotonic() + seconds

    def client(slot: int) -> None:
        with httpx.Client(timeout=30) as http:
            while time.monotonic() < stop:
                n = next(counter)
                path, params, headers = requests(n)
                response = http.get(bases[n % len(bases)] + path, params=params, headers=headers)
                if response.status_code != 200:
                    failures.append(f"{path}: {response.status_code}")
                done[slot] += 1
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"{len(failures)} failed requests, e.g. {failures[:3]}")
    return sum(done) / (time.monotonic() - started)


def oxigraph_server(folder: Path) -> tuple[subprocess.Popen, str]:
    binary = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if not binary:
        raise SystemExit("pip install oxigraph (the dev extra) for the Oxigraph server")
    port = free_port()
    (folder / "oxigraph").mkdir(parents=True)
    process = subprocess.Popen([binary, "serve", "--location", str(folder / "oxigraph"), "--bind",
                                f"127.0.0.1:{port}", "--union-default-graph"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", process)
    return process, f"oxigraph+http://127.0.0.1:{port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        build(Settings(build_dir=folder / "embedded"), progress=False)
        store, url = oxigraph_server(folder)
        build(Settings(build_dir=folder / "remote-build", store_url=url), progress=False)
        processes = []
        try:
            rows = []
            for label, store_url, count in (("embedded, 1 API process", None, 1),
                                            ("Oxigraph server, 1 API process", url, 1),
                                            ("Oxigraph server, 2 API processes", url, 2)):
                started = [serve(folder / ("embedded" if store_url is None else f"replica-{i}"), store_url)
                           for i in range(count)]
                processes += [p for p, _ in started]
                drive([b for _, b in started], 2, args.clients)  # warm up: workers, caches, search index
                rate = drive([b for _, b in started], args.seconds, args.clients)
                rows.append((label, rate))
                for process, _ in started:
                    process.terminate()
                    process.wait(timeout=10)
            base = rows[0][1]
            print(f"CPUs here: {os.cpu_count()}; {args.clients} clients, {args.seconds:g} s each; "
                  f"baseline: embedded, 1 API process")
            for label, rate in rows:
                print(f"  {label:<34} {rate:7.1f} req/s  {rate / base:5.2f}× baseline")
        finally:
            for process in processes + [store]:
                if process.poll() is None:
                    process.kill()


if __name__ == "__main__":
    main()
