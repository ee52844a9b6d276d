"""`saltkg build`: the graph from the corpus and the paths given, its problems and its summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from graph.cli.common import add_store_options, fail
from graph.config import Settings


def cmd_build(args: argparse.Namespace) -> int:
    from graph.model.build import BuildFailed, build, build_if_changed
    from graph.model.parallel import default_jobs
    options = {"write_mode": args.store_write, "jobs": args.jobs or default_jobs()}
    try:
        if args.if_changed and not args.update:
            report, why = build_if_changed(Settings(), [Path(p) for p in args.paths], include_corpus=not args.no_corpus,
                                           validate=not args.no_validate, progress=not args.quiet, strict=args.strict,
                                           **options)
            print(("built: " if report else "not built: ") + why)
            if report is None:
                return 0
        else:
            report = build(Settings(), [Path(p) for p in args.paths], include_corpus=not args.no_corpus,
                           validate=not args.no_validate, progress=not args.quiet, update=args.update,
                           strict=args.strict, **options)
    except BuildFailed as err:
        if err.report is not None:
            print_problems(err.report)
        fail(f"build failed; the previous graph is unchanged: {failure_line(err, args.verbose)}")
    print_problems(report)
    print_build_summary(report)
    return 0


def failure_line(err: Exception, verbose: bool) -> str:
    """One line for a failed build. A SHACL failure is summed up (count, first focus nodes and shapes)
    with every violation written to build/shacl-report.txt (printed instead with --verbose); any other
    message of several lines keeps its first line, the rest going to build/build-failure.txt."""
    validation = getattr(err, "validation", None)
    if validation is not None and not validation.conforms:
        return details_line(validation.summary(), validation.text, verbose)
    first, _, rest = str(err).partition("\n")
    return details_line(first.rstrip(":"), rest, verbose, "build-failure.txt") if rest.strip() else first


def details_line(summary: str, details: str, verbose: bool, name: str = "shacl-report.txt") -> str:
    """The summary naming where the details are: printed to stderr with --verbose, else written to
    build/`name`."""
    if verbose:
        print(details, file=sys.stderr)
        return summary
    path = Settings().build_dir / name
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(details + "\n", encoding="utf-8")
    except OSError as err:
        return f"{summary} (details not written to {path}: {err.strerror}; --verbose prints them)"
    return f"{summary}; details in {path} (--verbose prints them)"


def print_problems(report) -> None:
    for line in report.errors:
        print(f"error: {line}", file=sys.stderr)
    for line in report.warnings:
        print(f"warning: {line}", file=sys.stderr)


def print_build_summary(report) -> None:
    print(f"built {report.store} in {report.seconds:.2f} s")
    print(f"  documents  {report.documents} read, {len(report.errors)} failed, {len(report.warnings)} warnings")
    print(f"  triples    {report.triples} ({report.quads} quads in named graphs)")
    print("  entities   " + ", ".join(f"{k} {v}" for k, v in sorted(report.entities.items())))
    print(f"  issues     {report.issues}")
    print(f"  events     {sum(report.events.values())}: " + ", ".join(f"{k} {v}" for k, v in report.events.items()))
    if report.conforms is not None:
        print(f"  SHACL      {'conforms' if report.conforms else f'{report.violations} violations'}")


def register(sub: argparse._SubParsersAction) -> None:
    """The `build` command and its arguments."""
    p = sub.add_parser("build", help="build the graph from data/corpus and any paths given")
    p.add_argument("paths", nargs="*", help="more documents or folders")
    p.add_argument("--no-corpus", action="store_true", help="do not include data/corpus")
    p.add_argument("--update", action="store_true", help="re-extract only the given documents into the "
                   "existing graph")
    p.add_argument("--strict", action="store_true", help="on any error or warning, exit 1 and keep the previous graph")
    p.add_argument("--if-changed", action="store_true",
                   help="build only if there is no graph or the inputs it was built from changed (then rebuild from "
                        "those same inputs); `make serve` uses this")
    p.add_argument("--no-validate", action="store_true", help="skip SHACL validation")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument("-v", "--verbose", action="store_true", help="when the graph fails validation, print every "
                   "SHACL violation with its details (else they go to build/shacl-report.txt)")
    p.add_argument("--jobs", "-j", type=int, metavar="N", help="extract in N worker processes (default: the CPU "
                   "count; 1 extracts in this process); the graph is the same either way")
    p.add_argument("--store-write", choices=["auto", "transaction", "graphs"], default="auto",
                   help="with --store: one update transaction (readers see the old graph until the new one is "
                   "whole) or one Graph Store PUT per named graph (for builds too big for one transaction); "
                   "auto (default): graphs for Virtuoso, transaction otherwise")
    add_store_options(p)
    p.set_defaults(func=cmd_build)
