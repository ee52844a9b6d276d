"""Build throughput against `--jobs`: the TEI sample repeated N× built with 1, 2, … worker processes.

Each run is a fresh `build()` in its own interpreter (extraction, RDF, store, derived graph, SHACL,
search index). The baseline is the `--jobs 1` run of the same session; the quads of every run are
checked to be the same as the baseline's (canonical form), so a speed-up never comes from doing less.
CPU seconds of the build (all threads of the main process and the workers, up to the end of `build()`)
and the cores it kept busy on average are printed too, with the bound that follows: on C cores a
build needing W CPU seconds takes at least W / C seconds, so a run is at most (baseline seconds) /
(W / C) times faster than the baseline, and a build doing the baseline's work at most C / (the
baseline's cores busy) times. Main-process and worker CPU are taken after the benchmark's own canonicalisation.

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

from graph.model.parallel import default_jobs  # noqa: E402

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
    build_cpu = sum(resource.getrusage(resource.RUSAGE_SELF)[:2]) + sum(resource.getrusage(resource.RUSAGE_CHILDREN)[:2])
    dataset = ox.Dataset(ox.Store.read_only(str(folder / "store")))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    digest = hashlib.sha256("\\n".join(sorted(map(str, dataset))).encode()).hexdigest()
    print(json.dumps({"documents": report.documents, "seconds": seconds, "quads": len(dataset), "digest": digest,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "worker_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                      "build_cpu": build_cpu, "cores_busy": build_cpu / seconds,
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
    print(f"{'jobs':>4} {'docs':>6} {'seconds':>8} {'docs/s':>7} {'speed-up':>8} {'build CPU s':>11} {'cores busy':>10} "
          f"{'main CPU s':>10} {'worker CPU s':>12} {'peak MB':>8} {'worker MB':>9}  same quads")
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
                  f"{row['speedup']:7.2f}× {run['build_cpu']:11.1f} {run['cores_busy']:10.2f} {run['main_cpu']:10.1f} {run['worker_cpu']:12.1f} {run['peak_mb']:8.0f} "
                  f"{run['worker_peak_mb']:9.0f}  {row['same_quads']}",
                  flush=True)
    cpus = default_jobs()  # the cores this process may use
    print(f"the baseline keeps {base['cores_busy']:.2f} cores busy on average: a build doing its CPU work on {cpus} "
          f"cores is at most {cpus / base['cores_busy']:.2f}× faster")
    for row in rows[1:]:
        floor = row["build_cpu"] / cpus
        print(f"--jobs {row['jobs']}: {row['build_cpu']:.1f} CPU s on {cpus} cores take at least {floor:.1f} s, "
              f"at most {base['seconds'] / floor:.2f}× the baseline (measured {row['speedup']:.2f}×)")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
