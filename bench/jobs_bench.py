"""Build throughput against `--jobs`: the TEI sample repeated N× built with 1, 2, … worker processes.

Each run is a fresh `build()` in its own interpreter (extraction, RDF, store, derived graph, SHACL,
search index). The baseline is the `--jobs 1` run of the same session; the quads of every run are
checked to be the same as the baseline's (canonical form), so a speed-up never comes from doing less.
CPU seconds of the main process and of the workers are printed too: on a machine shared with other
work the wall-clock ratio understates what the cores would give; the main process's CPU is the part
that does not parallelise (reading, writing the store, the derived graph, counts, the search index).

    .venv/bin/python bench/jobs_bench.py                       # ×100, jobs 1 2
    .venv/bin/python bench/jobs_bench.py --factor 20 --jobs 1 2 4
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import run_fresh, tei_volume, template_volume  # noqa: E402

RUNNER = """
import hashlib, json, resource, sys, time
from pathlib import Path
import pyoxigraph as ox
from graph.config import Settings
from graph.model.build import build
if __name__ == "__main__":
    volume, folder, jobs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    started = time.perf_counter()
    report = build(Settings(build_dir=folder), [volume], include_corpus=False, progress=False, jobs=jobs)
    seconds = time.perf_counter() - started
    dataset = ox.Dataset(ox.Store.read_only(str(folder / "store")))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    digest = hashlib.sha256("\\n".join(sorted(map(str, dataset))).encode()).hexdigest()
    print(json.dumps({"documents": report.documents, "seconds": seconds, "quads": len(dataset), "digest": digest,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "worker_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                      "main_cpu": sum(resource.getrusage(resource.RUSAGE_SELF)[:2]),
                      "worker_cpu": sum(resource.getrusage(resource.RUSAGE_CHILDREN)[:2])}))
"""


def measure(volume: Path, folder: Path, jobs: int) -> dict:
    return run_fresh(RUNNER, [str(volume), str(folder), str(jobs)], what=f"--jobs {jobs}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factor", type=int, default=100)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    template = template_volume()
    print(f"template: {template.name} ×{args.factor}; CPUs here: {os.cpu_count()}; baseline: --jobs {args.jobs[0]}")
    print(f"{'jobs':>4} {'docs':>6} {'seconds':>8} {'docs/s':>7} {'speed-up':>8} {'main CPU s':>10} "
          f"{'worker CPU s':>12} {'peak MB':>8} {'worker MB':>9}  same quads")
    rows, base = [], None
    with tempfile.TemporaryDirectory() as folder:
        volume = Path(folder) / f"volume-{args.factor}x.xml"
        tei_volume(template, args.factor, volume)
        for jobs in args.jobs:
            run = measure(volume, Path(folder) / f"build-{jobs}", jobs)
            base = base or run
            row = {"jobs": jobs, **run, "documents_per_second": run["documents"] / run["seconds"],
                   "speedup": base["seconds"] / run["seconds"], "same_quads": run["digest"] == base["digest"]}
            rows.append(row)
            print(f"{jobs:>4} {run['documents']:>6} {run['seconds']:8.1f} {row['documents_per_second']:7.1f} "
                  f"{row['speedup']:7.2f}× {run['main_cpu']:10.1f} {run['worker_cpu']:12.1f} {run['peak_mb']:8.0f} "
                  f"{run['worker_peak_mb']:9.0f}  {row['same_quads']}",
                  flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
