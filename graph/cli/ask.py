"""`saltkg unresolved` and `saltkg timeline`: issue status on a day and the dated history of an issue."""

from __future__ import annotations

import argparse
import json

from graph.cli.common import add_store_options, fail, open_graph, short_iri
from graph.config import Settings


def cmd_unresolved(args: argparse.Namespace) -> int:
    from graph.read.dates import DateError
    from graph.ask.status import UnknownNegotiation, unresolved_on
    kg = open_graph()
    try:
        answer = unresolved_on(kg, args.on, args.negotiation)
    except (DateError, UnknownNegotiation) as err:
        fail(str(err.args[0]) if isinstance(err, KeyError) else str(err))
    if args.format == "json":
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
        return 0
    scope = answer.negotiation
    if scope:
        print(f"{scope.label} ({scope.begins} – {scope.ends}, {len(scope.issues)} issues in its scheme)")
    print(f"Unresolved on {answer.on}: {len(answer.issues)} issue(s) "
          f"(an issue closed on that very day is not counted as unresolved)")
    if answer.note:
        print(f"  {answer.note}")
    print_context(answer.context)
    for issue in answer.issues:
        broader = f" (narrower of {', '.join(short_iri(b) for b in issue.broader)})" if issue.broader else ""
        print(f"\n* {issue.label}  [{short_iri(issue.issue)}]{broader}")
        origin = "curated chronology" if issue.since_origin == "curated" else "an extracted document"
        if issue.since_latest and issue.since_latest != issue.since:
            print(f"    open since between {issue.since} and {issue.since_latest} (its first evidence, from {origin}, "
                  f"is dated only within these bounds)")
        else:
            print(f"    open since {issue.since} (first evidence, from {origin})")
        if issue.note:
            print(f"    note: {issue.note}")
        for evidence in issue.evidence:
            print(f"    [curated] {evidence['dates']}  {evidence['label']} — source: {evidence['citation']}")
        for position in issue.positions:
            where = (f"{short_iri(position.document)} [{position.start}:{position.end}]" if position.document
                     else f"source: {position.citation}")
            quote = " ".join((position.quote or "").split())
            said = f"“{quote}” — " if quote else ""
            via = (f" (via narrower issue {', '.join(short_iri(i) for i in position.via)})"
                   if position.via else "")
            print(f"    [{position.origin}] latest {short_iri(position.side)} position, {position.date}, "
                  f"{position.type}{via}: {said}{where}")
    if answer.closed:
        print(f"\nClosed on or before {answer.on}:")
        for closed in answer.closed:
            how = "closed WITHOUT agreement" if closed.status == "ClosedWithoutAgreement" else closed.status.lower()
            print(f"  {closed.label}  [{short_iri(closed.issue)}]: {how} on {closed.closed_on} — {closed.closing_label}")
    sources = answer.sources
    extracted = sources["extracted_documents"]
    print(f"\nSources: curated chronology — {sources['curated_chronology']['events']} cited event(s) (context, "
          f"evidence, positions, closings); extracted documents — {extracted['positions']} quoted position(s) from "
          f"{len(extracted['documents'])} document(s)")
    return 0


def print_context(context: dict) -> None:
    """The curated chronology's word on the day: rounds in session, events of the day, before and after."""
    for event in context.get("in_session", []):
        certainty = "" if event["certain"] else " (possibly: its opening or close is known only within bounds)"
        print(f"  in session: {event['label']}, {event['dates']}{certainty} — source: {event['citation']}")
    for event in context.get("on_the_day", []):
        print(f"  that day: {event['label']} ({event['dates']}) — source: {event['citation']}")
    for key, word in (("previous", "before"), ("next", "next")):
        if context.get(key):
            print(f"  {word}: {context[key]['label']} ({context[key]['dates']})")


def cmd_timeline(args: argparse.Namespace) -> int:
    from graph.ask.status import UnknownIssue, negotiation_of, resolve_issue, timeline
    kg = open_graph()
    try:
        issue = resolve_issue(kg, args.issue, Settings().base_iri)
    except UnknownIssue as err:
        fail(str(err.args[0]))
    entries = timeline(kg, issue)
    scope = negotiation_of(kg, issue)
    if args.format == "json":
        print(json.dumps({"issue": issue, "negotiation": scope.to_json() if scope else None, "events": entries},
                         ensure_ascii=False, indent=2))
        return 0
    where = f" in {scope.label}" if scope else ""
    print(f"Timeline of {short_iri(issue)}{where} ({len(entries)} events; [curated] chronology, [extracted] documents)")
    for entry in entries:
        when = entry["earliest"] if entry["earliest"] == entry["latest"] else f"{entry['earliest']}..{entry['latest']}"
        closing = f" → {entry['resolution']}" if entry["resolution"] else ""
        print(f"\n{when}  [{entry['origin']}] {entry['type']}{closing}  ({'; '.join(entry['issues'])})")
        if entry["actors"]:
            print(f"    actors: {entry['actors']}")
        if entry["quote"]:
            print(f"    “{' '.join(entry['quote'].split())}” — {short_iri(entry['document'])} "
                  f"[{entry['start']}:{entry['end']}]")
        elif entry["citation"]:
            print(f"    {entry['label']}\n    source: {entry['citation']}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """The `unresolved`, `timeline` commands and their arguments."""
    p = sub.add_parser("unresolved", help="negotiation issues unresolved on a date, with their evidence")
    add_store_options(p)
    p.add_argument("--on", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--negotiation", help="which negotiation (salt-i, salt-ii); default SALT I")
    p.add_argument("--format", default="text", choices=["text", "json"])
    p.set_defaults(func=cmd_unresolved)

    p = sub.add_parser("timeline", help="the dated history of one issue (and its narrower issues)")
    add_store_options(p)
    p.add_argument("issue", help="issue id, e.g. heavy-missile-definition")
    p.add_argument("--format", default="text", choices=["text", "json"])
    p.set_defaults(func=cmd_timeline)
