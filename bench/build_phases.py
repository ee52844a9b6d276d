"""Where a build's time goes: wall seconds and main-thread CPU of each phase of `build()` of the TEI sample ×N.

The build's phase functions (graph.model.build) are wrapped with timers, nothing else changes; the
whole build's CPU (every thread: the store writer's bulk loads and the SHACL threads run outside the
main thread) and the cores it kept busy are printed at the end. The baseline is the whole build.

    .venv/bin/python bench/build_phases.py                  # ×100, one process
    .venv/bin/python bench/build_phases.py --factor 30 --jobs 2
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import tei_volume, template_volume  # noqa: E402

import graph.model.build as build_module  # noqa: E402
from graph.config import Settings  # noqa: E402
from graph.model.store_writer import BatchWriter  # noqa: E402
from graph.read.registry import Registry  # noqa: E402

PHASES = [("people database read", Registry, "attach_people"),
          ("documents: read, extract, RDF, write", build_module, "add_documents"),
          ("documents in the worker pool", build_module, "add_documents_in_pool"),
          ("the last batch's load, after the documents", BatchWriter, "finish"),
          ("people graph", build_module, "load_people"),
          ("derived graph", build_module, "refresh_derived"),
          ("counts", build_module, "summarise"),
          ("SHACL validation", build_module, "run_validation"),
          ("search index", build_module, "build_index"),
          ("swap into place", build_module, "swap_into_place")]


def timed(name: str, function, totals: dict[str, list[float]]):
    """`function`, adding its wall seconds and main-thread CPU seconds to totals[name]."""
    def wrapper(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            total = totals.setdefault(name, [0.0, 0.0])
            total[0] += time.perf_counter() - wall
            total[1] += time.thread_time() - cpu
    return wrapper


def process_cpu() -> float:
    """CPU seconds of this process (all threads) and of its finished children."""
    return sum(resource.getrusage(resource.RUSAGE_SELF)[:2]) + sum(resource.getrusage(resource.RUSAGE_CHILDREN)[:2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factor", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    totals: dict[str, list[float]] = {}
    for name, owner, attribute in PHASES:
        setattr(owner, attribute, timed(name, getattr(owner, attribute), totals))
    with tempfile.TemporaryDirectory() as folder:
        volume = Path(folder) / f"volume-{args.factor}x.xml"
        tei_volume(template_volume(), args.factor, volume)
        started, cpu = time.perf_counter(), process_cpu()
        build_module.build(Settings(build_dir=Path(folder) / "build"), [volume], include_corpus=False,
                           progress=False, jobs=args.jobs)
        wall, cpu = time.perf_counter() - started, process_cpu() - cpu
    print(f"TEI sample ×{args.factor}, --jobs {args.jobs}")
    print(f"{'phase':44} {'wall s':>8} {'share':>6} {'main-thread CPU s':>18}")
    for name, _, _ in PHASES:
        if name in totals:
            seconds, thread_cpu = totals[name]
            print(f"{name:44} {seconds:8.2f} {seconds / wall:6.1%} {thread_cpu:18.2f}")
    print(f"{'whole build (baseline)':44} {wall:8.2f} {1:6.1%}   CPU {cpu:.1f} s, {cpu / wall:.2f} cores busy")


if __name__ == "__main__":
    main()
