"""Issue status over time: which issues were unresolved on a date, and each issue's history.

Status is derived from dated events, never stored: an issue is open from its first evidence
until an event closes it (agreed, closed without agreement, deferred, dropped). "On D"
includes D: an issue closed on D is not unresolved on D. The answers come from the named
queries unresolved-on-date.rq, issue-status-on-date.rq and issue-timeline.rq.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from graph.ask import queries
from graph.read.dates import parse_iso_date
from graph.model.store import KnowledgeGraph

POSITION_PRIORITY = ["Rejection", "UnilateralStatement", "Agreement", "Proposal", "PositionStatement",
                     "IssueRaised", "Demarche"]


class UnknownIssue(KeyError):
    """No issue with that id."""


@dataclass
class Position:
    """The latest recorded position of one side on an issue, with its passage."""

    side: str
    date: str
    type: str
    event: str
    quote: str | None
    document: str | None
    start: int | None
    end: int | None
    citation: str | None = None  # for curated events, which cite a text instead of a passage


@dataclass
class OpenIssue:
    """An issue unresolved on the date asked, with its evidence."""

    issue: str
    label: str
    broader: list[str]
    since: str
    since_latest: str
    note: str | None
    positions: list[Position] = field(default_factory=list)

    def to_json(self) -> dict:
        """Plain JSON data (copied field by field: dataclasses.asdict deep-copies every value)."""
        return {**vars(self), "broader": list(self.broader), "positions": [dict(vars(p)) for p in self.positions]}


@dataclass
class ClosedIssue:
    """An issue raised and closed on or before the date asked, and how it was closed."""

    issue: str
    label: str
    status: str  # Agreed | ClosedWithoutAgreement | Deferred | Dropped
    closed_on: str
    closing_event: str
    closing_label: str


@dataclass
class UnresolvedAnswer:
    """The answer to 'which issues were unresolved on D?', with those already closed and how."""

    on: str
    issues: list[OpenIssue]
    closed: list[ClosedIssue]
    note: str | None

    @property
    def contested(self) -> list[ClosedIssue]:
        """Closed without the sides agreeing: still contested although no longer negotiated."""
        return [c for c in self.closed if c.status == "ClosedWithoutAgreement"]

    def to_json(self) -> dict:
        return {"on": self.on, "includes_the_day": True, "note": self.note,
                "issues": [i.to_json() for i in self.issues],
                "closed": [dict(vars(c)) for c in self.closed]}


def local(iri: str | None) -> str:
    return (iri or "").rsplit("#", 1)[-1]


def unresolved_on(kg: KnowledgeGraph, on: str | date) -> UnresolvedAnswer:
    """Issues unresolved on a date (YYYY-MM-DD), each with its latest positions per side."""
    day = parse_iso_date(on) if isinstance(on, str) else on
    rows = queries.run(kg, "unresolved-on-date", date=queries.xsd_date(day.isoformat()))
    issues: dict[str, OpenIssue] = {}
    for row in rows:
        issue = issues.get(row["issue"])
        if issue is None:
            issue = issues[row["issue"]] = OpenIssue(
                row["issue"], row["label"], [], row["since"], row["sinceLatest"], open_note(row, day))
        if row["broader"] and row["broader"] not in issue.broader:
            issue.broader.append(row["broader"])
        if row["side"] and row["position"]:
            position = Position(row["side"], row["positionDate"], local(row["positionType"]), row["position"],
                                row["quote"], row["document"], to_int(row["start"]), to_int(row["end"]),
                                row["citation"])
            if position not in issue.positions:
                issue.positions.append(position)
    for issue in issues.values():
        issue.positions = latest_per_side(issue.positions)
    note = None if issues else empty_note(kg, day)
    ordered = sorted(issues.values(), key=lambda i: (i.since, i.label))
    closed = [ClosedIssue(r["issue"], r["label"], r["status"], r["closedOn"], r["closingEvent"], r["closingLabel"])
              for r in status_on(kg, day) if r["closedOn"]]
    return UnresolvedAnswer(day.isoformat(), ordered, sorted(closed, key=lambda c: (c.status, c.label)), note)


def to_int(value) -> int | None:
    return int(value) if value is not None else None


def open_note(row: dict, day: date) -> str | None:
    """Say when the answer depends on an interval-dated event."""
    notes = []
    if row["pendingCloseFrom"]:
        notes.append(f"open on {day.isoformat()} unless resolved between {row['pendingCloseFrom']} "
                     f"and {row['pendingCloseTo']}")
    if row["sinceLatest"] and row["sinceLatest"] > day.isoformat():
        notes.append(f"its first evidence is dated only between {row['since']} and {row['sinceLatest']}, "
                     f"so it may not yet have been raised")
    return "; ".join(notes) or None


def latest_per_side(positions: list[Position]) -> list[Position]:
    """One position per side: the latest; on a tie the most decisive kind, then the passage order."""
    best: dict[str, Position] = {}
    for position in positions:
        current = best.get(position.side)
        if current is None or rank(position) < rank(current):
            best[position.side] = position
    return sorted(best.values(), key=lambda p: p.side)


def rank(position: Position) -> tuple:
    kind = POSITION_PRIORITY.index(position.type) if position.type in POSITION_PRIORITY else 99
    return (-int(position.date.replace("-", "")), kind, position.start or 0)


def empty_note(kg: KnowledgeGraph, day: date) -> str:
    """Explain an empty answer: before any evidence, or after every issue closed."""
    rows = kg.select("""PREFIX salt: <https://w3id.org/salt-kg/ontology#>
        SELECT (MIN(?d) AS ?first) WHERE { ?issue salt:firstEvidenceBegins ?d }""")
    first = rows[0]["first"] if rows else None
    if first is None:
        return "the graph holds no dated evidence about any issue"
    if day.isoformat() < first:
        return f"no issue was yet raised on {day.isoformat()}: the earliest evidence in the graph is dated {first}"
    return f"every issue raised by {day.isoformat()} had been closed on or before that day"


def status_on(kg: KnowledgeGraph, on: str | date) -> list[dict]:
    """Every issue's status on a date: NotYetRaised, Open, Agreed, ClosedWithoutAgreement, …"""
    day = parse_iso_date(on) if isinstance(on, str) else on
    rows = queries.run(kg, "issue-status-on-date", date=queries.xsd_date(day.isoformat()))
    seen: dict[str, dict] = {}
    for row in rows:
        seen.setdefault(row["issue"], row)
    return list(seen.values())


def resolve_issue(kg: KnowledgeGraph, name: str, base_iri: str) -> str:
    """The IRI of an issue given as an IRI, 'issue/x' or 'x'; a clear error otherwise."""
    candidates = [name, base_iri + name, base_iri + "issue/" + name]
    known = {row["issue"] for row in kg.select(
        "SELECT ?issue WHERE { ?issue a <https://w3id.org/salt-kg/ontology#Issue> }")}
    for candidate in candidates:
        if candidate in known:
            return candidate
    close = sorted(i.rsplit("/", 1)[-1] for i in known if name.split("/")[-1][:4] in i)
    hint = f"; did you mean {', '.join(close)}?" if close else f"; known: {', '.join(sorted(i.rsplit('/', 1)[-1] for i in known))}"
    raise UnknownIssue(f"no issue {name!r}{hint}")


def timeline(kg: KnowledgeGraph, issue_iri: str) -> list[dict]:
    """The dated history of an issue and its narrower issues, one entry per event."""
    rows = queries.run(kg, "issue-timeline", issue=queries.iri(issue_iri))
    events: dict[str, dict] = {}
    for row in rows:
        entry = events.setdefault(row["event"], {
            "event": row["event"], "type": local(row["type"]), "earliest": row["earliest"],
            "latest": row["latest"], "label": row["label"], "issues": [], "resolution": None,
            "actors": row["actors"], "quote": row["quote"], "document": row["document"],
            "start": to_int(row["start"]), "end": to_int(row["end"]), "citation": row["citation"]})
        if row["issueLabel"] not in entry["issues"]:
            entry["issues"].append(row["issueLabel"])
        if row["resolution"]:
            entry["resolution"] = local(row["resolution"])
    return list(events.values())
