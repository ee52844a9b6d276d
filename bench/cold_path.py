"""Where a cold SPARQL request's server time goes, one part at a time, serially and in-process:
the guards (update and SERVICE checks), the query through the worker pool (the hop to a worker
process and back), the same job executed in this process, and the bare handler's query + JSON.

Every text is new (another day or person and the request's number in a comment), as in the cold rows
of http_bench.py. Baseline: the bare handler's `Store.query(...).serialize(JSON)` on the same text.

    .venv/bin/python bench/cold_path.py [--documents 2000] [--requests 300]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from http_bench import fresh, pick, pools  # noqa: E402
from query_bench import graph_of  # noqa: E402

from api.executor import QueryJob, QueryPool, execute  # noqa: E402
from api.settings import DEFAULT_SERVICE_HOSTS  # noqa: E402
from api.sparql_guard import check_services, is_update  # noqa: E402

JSON = "application/sparql-results+json"


def parts_of(store_path: Path, texts: list[str], requests: int) -> dict[str, float]:
    """Median milliseconds of each part over `requests` new texts."""
    pool = QueryPool(store_path, 1, 30.0, 30.0)
    store = ox.Store.read_only(str(store_path))
    pool.run(QueryJob(texts[0], JSON))  # the worker started before the clock
    times: dict[str, list[float]] = {"guards": [], "worker pool": [], "in-process execute": [], "bare": []}
    try:
        for n in range(requests):
            text = fresh(pick(texts, n), n)
            started = time.perf_counter()
            is_update(text)
            check_services(text, DEFAULT_SERVICE_HOSTS)
            times["guards"].append(time.perf_counter() - started)
            started = time.perf_counter()
            pool.run(QueryJob(text, JSON))
            times["worker pool"].append(time.perf_counter() - started)
            started = time.perf_counter()
            execute(store, QueryJob(text, JSON))
            times["in-process execute"].append(time.perf_counter() - started)
            started = time.perf_counter()
            store.query(text, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON)
            times["bare"].append(time.perf_counter() - started)
    finally:
        pool.close()
    return {name: statistics.median(values) * 1000 for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        kg = graph_of(args.documents, Path(folder))
        path = kg.path
        del kg
        print(f"{args.documents} documents; medians in ms over {args.requests} new texts; baseline: bare")
        print(f"{'query':14} {'guards':>8} {'worker pool':>12} {'in-process':>11} {'bare':>8} {'pool − bare':>12}")
        for kind, texts in pools(args.documents).items():
            found = parts_of(path, texts, args.requests)
            print(f"{kind:14} {found['guards']:8.3f} {found['worker pool']:12.3f} {found['in-process execute']:11.3f} "
                  f"{found['bare']:8.3f} {found['worker pool'] - found['bare']:12.3f}", flush=True)


if __name__ == "__main__":
    main()
