"""Extraction cost per document, against a named baseline commit of the extractor.

Extracts the same plain-text documents (data/corpus, tests/fixtures/corpus and ../shared/corpus when
present) with this checkout's extractor and with the extractor of a baseline commit (exported with
`git archive` into a temporary folder and run in its own process), several rounds each, and prints
milliseconds per document and the ratio current / baseline. Both read this checkout's data/ (the same
curated registry); the current extractor also reads with the people database attached, as the build
does. Compiling a volume's name index happens once per volume and is left out as warm-up.

    .venv/bin/python bench/extract_bench.py [--baseline 5e1c027] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TIMER = r"""
import json, statistics, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from graph.config import Settings
try:
    from graph.read.reader import read_document
    from graph.read.registry import Registry
except ImportError:  # the layout before graph/ had layers
    from graph.reader import read_document
    from graph.registry import Registry
from graph.extract import extract
try:  # with the people database where the extractor reads with it, as the build does
    registry = Registry.load(Settings(data_dir=Path(sys.argv[2])), people=True)
except TypeError:
    registry = Registry.load(Settings(data_dir=Path(sys.argv[2])))
docs = [read_document(p) for p in json.loads(sys.argv[3])]
for doc in docs:
    extract(doc, registry)  # warm up: regexes compiled (once per volume), caches filled
rounds = []
for _ in range(int(sys.argv[4])):
    start = time.perf_counter()
    for doc in docs:
        extract(doc, registry)
    rounds.append((time.perf_counter() - start) / len(docs) * 1000)
print(json.dumps({"ms_per_doc": statistics.median(rounds), "documents": len(docs)}))
"""


def documents() -> list[str]:
    """The plain-text documents both extractors read."""
    folders = [ROOT / "data" / "corpus", ROOT / "tests" / "fixtures" / "corpus", ROOT.parent / "shared" / "corpus"]
    return [str(p) for folder in folders if folder.is_dir() for p in sorted(folder.glob("*.txt"))]


def export(commit: str, into: Path) -> Path:
    """The tree of `commit` written out under `into`."""
    archive = subprocess.run(["git", "archive", "--format=tar", commit], cwd=ROOT, check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def time_extractor(code_root: Path, paths: list[str], rounds: int) -> dict:
    """Median milliseconds per document for the extractor under `code_root`, reading this checkout's
    data/ (the same curated registry for both, so the ratio is the code's)."""
    out = subprocess.run([sys.executable, "-c", TIMER, str(code_root), str(ROOT / "data"),
                          json.dumps(paths), str(rounds)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="5e1c027", help="commit of the baseline extractor")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    paths = documents()
    with tempfile.TemporaryDirectory() as folder:
        baseline = time_extractor(export(args.baseline, Path(folder)), paths, args.rounds)
    current = time_extractor(ROOT, paths, args.rounds)
    print(f"{len(paths)} documents, median of {args.rounds} rounds")
    print(f"  baseline {args.baseline}: {baseline['ms_per_doc']:.1f} ms/doc")
    print(f"  current:          {current['ms_per_doc']:.1f} ms/doc")
    print(f"  ratio current / baseline: {current['ms_per_doc'] / baseline['ms_per_doc']:.2f}")


if __name__ == "__main__":
    main()
