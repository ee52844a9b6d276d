"""`saltkg extract`: what the extractor finds in documents, as text or as the JSON contract."""

from __future__ import annotations

import argparse
import json
import sys

from graph.config import Settings


def cmd_extract(args: argparse.Namespace) -> int:
    from graph.extract import extract, to_json
    from graph.read.reader import ReadError, read_document
    from graph.read.registry import Registry
    registry = Registry.load(Settings(), people=True)
    status = 0
    for path in args.paths:
        try:
            result = extract(read_document(path), registry)
        except ReadError as err:
            print(f"error: {err}", file=sys.stderr)
            status = 1
            continue
        data = to_json(result, registry)
        if args.json:
            print(json.dumps(data, ensure_ascii=False, indent=None if args.compact else 2))
        else:
            print_extraction(data)
    return status


def print_extraction(data: dict) -> None:
    doc = data["document"]
    print(f"{doc['id']}: {doc['title']}")
    print(f"  type {doc['type']}, message {doc['message_id']}, date {doc['date']} ({doc['date_basis']})")
    print(f"  from {doc['sender']} to {', '.join(doc['recipients'])}")
    for key in ("persons", "organizations", "places", "issues"):
        print(f"  {key}: " + ", ".join(f"{e['id']} ×{len(e['mentions'])}" for e in data[key]))
    for event in data["events"]:
        when = event["date"] or f"{event['earliest']}/{event['latest']}"
        print(f"  {when} {event['type']}: {event['evidence']['text'][:100]}")


def register(sub: argparse._SubParsersAction) -> None:
    """The `extract` command and its arguments."""
    p = sub.add_parser("extract", help="print what the extractor finds in documents")
    p.add_argument("paths", nargs="+")
    p.add_argument("--json", action="store_true", help="the JSON contract, one object per document")
    p.add_argument("--compact", action="store_true", help="one line per document with --json")
    p.set_defaults(func=cmd_extract)
