"""In-process latency of the named queries, against raw pyoxigraph on the same query text.

Graphs: the shipped data plus a synthetic negotiation (bench/synthetic.py) of the size of the whole SALT I volume (about 350
documents) and of 100× that. For each named query the same text runs these ways, in turn, median of
repeats: raw `pyoxigraph.Store.query` (rows consumed), the project's path (`graph.queries.run`, rows as
dicts), and rdflib's API over the same store (`KnowledgeGraph.as_rdflib()`, query given as a string),
with its term cache warm and emptied before each call ("cold"). Baseline: raw pyoxigraph.

    .venv/bin/python bench/query_bench.py [--sizes 350 35000]
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
from synthetic import negotiation_graph  # noqa: E402

from graph.ask import queries
from graph.model.build import build  # noqa: E402
from graph.config import PROJECT_ROOT, Settings  # noqa: E402
from graph.model.derived import refresh as refresh_derived  # noqa: E402
from graph.read.registry import Registry  # noqa: E402
from graph.ask.status import unresolved_on  # noqa: E402
from graph.model.store import KnowledgeGraph  # noqa: E402
from graph.model.version import bump_version  # noqa: E402

BASE = "https://w3id.org/salt-kg/"
CASES = {
    "unresolved-on-date": {"date": queries.xsd_date("1971-06-01")},
    "issue-timeline": {"issue": queries.iri(BASE + "issue/slbm-limits")},
    "entity-neighbourhood": {"entity": queries.iri(BASE + "person/synthetic-15")},
    "hub-neighbourhood": {"entity": queries.iri(BASE + "person/synthetic-3")},
    "person-neighbourhood": {"person": queries.iri(BASE + "person/synthetic-15")},
    "hub-person-neighbourhood": {"person": queries.iri(BASE + "person/synthetic-3")},
}
NAMED = {"hub-neighbourhood": "entity-neighbourhood",  # the same named queries, on a hub person
         "hub-person-neighbourhood": "person-neighbourhood"}


def timed(functions: list, repeats: int) -> list[float]:
    """Median milliseconds of each function, called in turn (round-robin, so that drift in the machine's
    speed hits all alike) up to `repeats` times after one warm-up each (fewer, at least 3, for slow ones)."""
    started = time.perf_counter()
    for function in functions:
        function()
    first = (time.perf_counter() - started) * 1000
    samples: list[list[float]] = [[] for _ in functions]
    for _ in range(max(3, min(repeats, int(9000 / max(first, 0.01))))):
        for index, function in enumerate(functions):
            started = time.perf_counter()
            function()
            samples[index].append((time.perf_counter() - started) * 1000)
    return [statistics.median(times) for times in samples]


def graph_of(documents: int, folder: Path) -> KnowledgeGraph:
    """The shipped data built, plus a synthetic negotiation of `documents` documents loaded in bulk."""
    settings = Settings(data_dir=PROJECT_ROOT / "data", build_dir=folder / f"build-{documents}")
    build(settings, progress=False, validate=False)
    registry = Registry.load(settings)
    quads = folder / f"synthetic-{documents}.nq"
    negotiation_graph(documents, quads, closure=registry.broader_closure)
    store = ox.Store(str(settings.store_path))
    store.bulk_load(path=str(quads), format=ox.RdfFormat.N_QUADS)
    refresh_derived(store, registry)
    store.flush()
    del store
    bump_version(settings.store_path)  # the store changed after its build
    return KnowledgeGraph.open(settings.store_path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[350, 35000])
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    print("baseline: raw pyoxigraph Store.query on the same text, rows consumed; medians in ms")
    print(f"{'documents':>9} {'triples':>9} {'query':24} {'raw':>8} {'saltkg':>8} {'ratio':>6} {'rdflib':>9} {'ratio':>6} {'cold':>8} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            kg = graph_of(size, Path(folder))
            triples = kg.triple_count()
            rdflib_view = kg.as_rdflib()
            for name, params in CASES.items():
                named = NAMED.get(name, name)
                text = queries.bind(queries.load(named), params)
                raw, ours, via_rdflib, cold = timed([
                    lambda: list(kg.store.query(text, use_default_graph_as_union=True)),
                    lambda: queries.run(kg, named, **params),
                    lambda: list(rdflib_view.query(text)),
                    lambda: (rdflib_view.store.forget_terms(), list(rdflib_view.query(text)))], args.repeats)
                print(f"{size:>9} {triples:>9} {name:24} {raw:8.2f} {ours:8.2f} {ours / raw:6.2f} "
                      f"{via_rdflib:9.2f} {via_rdflib / raw:6.2f} {cold:8.2f} {cold / raw:6.2f}", flush=True)
            answer, = timed([lambda: unresolved_on(kg, "1971-06-01")], args.repeats)
            print(f"{size:>9} {triples:>9} {'full unresolved answer':24} {'':8} {answer:8.2f}   (two queries and "
                  f"the positions per side, as the CLI and /issues give it)", flush=True)


if __name__ == "__main__":
    main()
