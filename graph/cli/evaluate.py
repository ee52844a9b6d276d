"""`saltkg evaluate`: the extractor scored against gold folders and the editors' TEI markup."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from graph.cli.common import fail
from graph.config import PROJECT_ROOT, Settings


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Score the extractor against hand-annotated gold folders and the editors' TEI markup; print the
    tables, write JSON."""
    settings = Settings()
    given = [Path(p) for p in args.volumes]
    shared = PROJECT_ROOT.parent / "shared"
    if given:
        gold_dirs = [p for p in given if (p / "positions.json").exists()]
        volumes = [p for p in given if p not in gold_dirs]
    else:
        gold_dirs = [d for d in [shared / "corpus" / "gold"] if (d / "positions.json").exists()]
        volumes = sorted((shared / "tei").glob("*.xml"))
    if not gold_dirs and not volumes:
        fail("nothing to evaluate: give gold folders (with positions.json) or TEI volumes; none found in ../shared/")
    output = Path(args.output or settings.build_dir / "evaluation.json")
    output.parent.mkdir(parents=True, exist_ok=True)
    report: dict = {}
    for gold_dir in gold_dirs:
        report[str(gold_dir)] = evaluate_gold_folder(gold_dir, settings, args.quiet)
    if volumes:
        report["tei"] = evaluate_tei(volumes, settings, args)
    output.write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")
    print(f"details: {output}")
    return 0


def evaluate_gold_folder(gold_dir: Path, settings: Settings, quiet: bool) -> dict:
    """Score plain-text documents against one gold folder; print its table."""
    from tqdm import tqdm

    from graph.evaluate.gold import evaluate_gold, gold_table
    from graph.read.reader import ReadError
    from graph.read.registry import Registry
    with tqdm(desc="gold documents", unit="doc", disable=quiet, leave=False) as bar:
        try:
            result = evaluate_gold(gold_dir, Registry.load(settings, people=True), settings.data_dir / "evaluation",
                                   bar.update)
        except (ReadError, OSError, ValueError, KeyError) as err:
            fail(f"{gold_dir}: {err}")
    print(gold_table(result))
    return result.to_json()


def evaluate_tei(paths: list[Path], settings: Settings, args: argparse.Namespace) -> dict:
    """Score against the editors' TEI markup; print its table."""
    from tqdm import tqdm

    from graph import evaluate as evaluation_module
    from graph.read.reader import ReadError
    from graph.read.registry import Registry
    with tqdm(desc="documents", unit="doc", disable=args.quiet, leave=False) as bar:
        try:
            result = evaluation_module.evaluate(paths, Registry.load(settings), not args.no_volume_lists, bar.update)
        except ReadError as err:
            fail(str(err))
    judgements = {}
    for volume in result.volumes:
        found = Path(args.adjudication) if args.adjudication else evaluation_module.adjudication_for(
            volume, settings.data_dir / "evaluation")
        if found:
            judgements.update(evaluation_module.load_adjudication(found))
    if judgements:
        evaluation_module.adjudicate(result, judgements)
    print(evaluation_module.table(result))
    temporary = settings.build_dir / "evaluation-tei.json"
    evaluation_module.write_json(result, temporary)
    return json.loads(temporary.read_text(encoding="utf-8"))


def register(sub: argparse._SubParsersAction) -> None:
    """The `evaluate` command and its arguments."""
    p = sub.add_parser("evaluate", help="score the extractor against gold annotations of plain-text documents "
                       "and the editors' markup of TEI volumes")
    p.add_argument("volumes", nargs="*", help="gold folders (holding positions.json, annotations.json) and FRUS "
                   "TEI files (default: ../shared/corpus/gold and ../shared/tei/*.xml)")
    p.add_argument("-o", "--output", help="JSON file to write (default: build/evaluation.json)")
    p.add_argument("--no-volume-lists", action="store_true",
                   help="do not give the extractor the volume's persons and terms lists")
    p.add_argument("--adjudication", help="judgements of mentions the gold lacks (default: "
                   "data/evaluation/{volume}.adjudication.json when present)")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_evaluate)
