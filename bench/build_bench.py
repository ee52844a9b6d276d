"""Build throughput and peak memory on TEI volumes at 1×, 10×, 100× (and, if asked, 1000×) the sample.

Each size is built by `saltkg build` (extraction, RDF, Oxigraph store, SHACL validation, search index)
in a fresh process; streaming the volume alone (`iter_volume`) is measured too, to show that reading
does not grow with the volume. Ratios are against the 1× run measured in the same session.

    .venv/bin/python bench/build_bench.py                 # 1 10 100
    .venv/bin/python bench/build_bench.py --factors 1 10 100 1000
    .venv/bin/python bench/build_bench.py --factors 100 --baseline main   # side by side with another commit

With `--baseline REF` the same volumes are also built by the code of that git commit (exported with
`git archive` into a temporary folder, same interpreter and packages), and each row gives both
documents/s, the speed-up, and whether both builds hold the same number of quads.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import PROJECT, run_fresh, tei_volume, template_volume  # noqa: E402

RUNNER = """
import json, resource, sys, time
from pathlib import Path
mode, path = sys.argv[1], sys.argv[2]
started = time.perf_counter()
if mode == "read":
    from graph.read.tei import iter_volume
    documents = sum(1 for kind, _ in iter_volume(path) if kind == "document")
else:
    from graph.model.build import build
    from graph.config import Settings
    report = build(Settings(build_dir=Path(sys.argv[3])), [Path(path)], include_corpus=False, progress=False,
                   validate=mode == "build")
    documents = report.documents
    assert report.conforms in (True, None), report.validation_text[:2000]
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"documents": documents, "seconds": time.perf_counter() - started,
                  "cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024,
                  "quads": report.quads if mode == "build" else None}))
"""


def measure(mode: str, volume: Path, build_dir: Path, code: Path = PROJECT) -> dict:
    """Run one measurement in a fresh interpreter (so peak memory is its own), with the code in `code`."""
    return run_fresh(RUNNER, [mode, str(volume), str(build_dir)], code, f"{mode} of {volume}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--baseline", help="a git commit (e.g. main) whose build to measure side by side")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    template = template_volume()
    print(f"template: {template.name}; baseline: the 1× run of this session"
          + (f" and the build of {args.baseline}" if args.baseline else ""))
    print(f"{'size':>6} {'docs':>6} | {'read s':>7} {'read MB':>8} | {'build s':>8} {'cpu s':>7} {'docs/s':>7} "
          f"{'s/doc vs 1×':>11} {'peak MB':>8}" + (f" | {'base s':>8} {'cpu s':>7} {'docs/s':>7} {'speed-up':>8} "
                                                   f"{'same quads':>10}" if args.baseline else ""))
    results, base = [], None
    with tempfile.TemporaryDirectory() as folder:
        baseline_code = export(args.baseline, Path(folder) / "baseline") if args.baseline else None
        for factor in args.factors:
            volume = Path(folder) / f"volume-{factor}x.xml"
            count = tei_volume(template, factor, volume)
            read = measure("read", volume, Path(folder))
            built = measure("build", volume, Path(folder) / f"build-{factor}")
            per_doc = built["seconds"] / built["documents"]
            base = base or per_doc
            row = {"factor": factor, "documents": count, "read_seconds": read["seconds"], "read_peak_mb": read["peak_mb"],
                   "build_seconds": built["seconds"], "build_cpu_seconds": built["cpu_seconds"],
                   "documents_per_second": built["documents"] / built["seconds"], "quads": built["quads"],
                   "seconds_per_document_ratio": per_doc / base, "build_peak_mb": built["peak_mb"]}
            line = (f"{factor:>5}× {count:>6} | {read['seconds']:7.2f} {read['peak_mb']:8.0f} | {built['seconds']:8.1f} "
                    f"{built['cpu_seconds']:7.1f} {row['documents_per_second']:7.1f} {row['seconds_per_document_ratio']:11.2f} "
                    f"{built['peak_mb']:8.0f}")
            if baseline_code:
                old = measure("build", volume, Path(folder) / f"baseline-build-{factor}", baseline_code)
                row["baseline"] = old
                old_rate = old["documents"] / old["seconds"]
                line += (f" | {old['seconds']:8.1f} {old['cpu_seconds']:7.1f} {old_rate:7.2f} "
                         f"{row['documents_per_second'] / old_rate:7.2f}× {str(old['quads'] == built['quads']):>10}")
            results.append(row)
            print(line, flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


def export(ref: str, folder: Path) -> Path:
    """The tree of a git commit, exported into `folder` (its own ontology, data and code)."""
    folder.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", ref], cwd=PROJECT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


if __name__ == "__main__":
    main()
