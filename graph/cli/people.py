"""`saltkg import-people`: the Office of the Historian's people records into the shipped people database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from graph.cli.common import fail
from graph.config import Settings


def cmd_import_people(args: argparse.Namespace) -> int:
    from graph.model.people import import_people
    from graph.read.people import PeopleReadError
    try:
        report = import_people(Path(args.path), Settings(), commit=args.commit,
                               out=Path(args.output) if args.output else None)
    except PeopleReadError as err:
        fail(str(err))
    for line in report.errors:
        print(f"error: {line}", file=sys.stderr)
    for line in report.notes:
        print(f"note: {line}", file=sys.stderr)
    if not report.bytes:
        fail(f"nothing written; {report.path} is unchanged")
    print(f"wrote {report.path} ({report.bytes / 1024:.0f} KiB): {report.records} records read, "
          f"{len(report.errors)} failed")
    print(f"  joined to curated people  {len(report.merged)}: "
          + ", ".join(sorted(iri.rsplit("/", 1)[-1] for iri in report.merged.values())))
    print(f"  new persons               {report.minted}")
    return 1 if args.strict and report.errors else 0


def register(sub: argparse._SubParsersAction) -> None:
    """The `import-people` command and its arguments."""
    p = sub.add_parser("import-people", help="convert the Office of the Historian's people records "
                       "(HistoryAtState/people) into data/people/hsg-people.ttl.gz")
    p.add_argument("path", help="the records: the repository, its data/ folder, or any part of it")
    p.add_argument("--commit", help="the upstream commit they were copied from (default: as the "
                   "folder's README states it)")
    p.add_argument("-o", "--output", help="file to write (default: data/people/hsg-people.ttl.gz)")
    p.add_argument("--strict", action="store_true", help="exit non-zero when a record could not be read")
    p.set_defaults(func=cmd_import_people)
