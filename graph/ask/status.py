"""Issue status over time: which issues were unresolved on a date, and each issue's history.

Status is derived from dated events, never stored: an issue is open from its first evidence
until an event closes it (agreed, closed without agreement, deferred, dropped). "On D"
includes D: an issue closed on D is not unresolved on D. The answers come from the named
queries unresolved-on-date.rq, issue-status-on-date.rq and issue-timeline.rq; a server answering many
days reads a StatusIndex once instead (graph.ask.status_index: the same rows from memory).

Every answer is scoped to one negotiation (SALT I unless another is named: graph.ask.negotiations) and
says which parts come from the curated chronology (cited events, `origin: "curated"`) and which from
extracted documents (quoted passages, `origin: "extracted"`). Before the negotiation began there is
nothing unresolved: the answer says the talks had not begun.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from graph.ask import queries
from graph.ask.negotiations import Negotiation, UnknownNegotiation, chronology, context_on, resolve  # noqa: F401
from graph.ask.status_index import NotIndexable, StatusIndex
from graph.read.dates import parse_iso_date
from graph.model.store import KnowledgeGraph

logger = logging.getLogger(__name__)

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
    via: list[str] = field(default_factory=list)  # the narrower issues it names, when listed under a broader one

    @property
    def origin(self) -> str:
        """'extracted' for a position quoted from a document, 'curated' for one from the chronology."""
        return "extracted" if self.document else "curated"

    def to_json(self) -> dict:
        return {**vars(self), "origin": self.origin}


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
    evidence: list[dict] = field(default_factory=list)  # curated chronology events on it, up to the day

    @property
    def since_origin(self) -> str:
        """Where the first evidence comes from: the curated chronology or an extracted document."""
        return "curated" if any(e["earliest"] == self.since for e in self.evidence) else "extracted"

    def to_json(self) -> dict:
        """Plain JSON data (copied field by field: dataclasses.asdict deep-copies every value)."""
        return {**vars(self), "broader": list(self.broader), "since_origin": self.since_origin,
                "positions": [p.to_json() for p in self.positions], "evidence": list(self.evidence)}


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
    negotiation: Negotiation | None = None
    context: dict = field(default_factory=dict)

    @property
    def contested(self) -> list[ClosedIssue]:
        """Closed without the sides agreeing: still contested although no longer negotiated."""
        return [c for c in self.closed if c.status == "ClosedWithoutAgreement"]

    @property
    def sources(self) -> dict:
        """Which parts of the answer come from the curated chronology and which from extracted documents."""
        positions = [p for issue in self.issues for p in issue.positions]
        extracted = [p for p in positions if p.origin == "extracted"]
        curated = {e["event"] for issue in self.issues for e in issue.evidence}
        curated |= {p.event for p in positions if p.origin == "curated"}
        curated |= {e["event"] for part in ("in_session", "on_the_day") for e in self.context.get(part, [])}
        curated |= {self.context[part]["event"] for part in ("previous", "next") if self.context.get(part)}
        curated |= {c.closing_event for c in self.closed if "/event/curated/" in c.closing_event}
        return {"curated_chronology": {"events": len(curated), "parts": [
                    "context (negotiation span, rounds in session, events of the day, before and after)", "evidence of each issue",
                    "positions with a citation instead of a passage", "closings of the agreements and statements"]},
                "extracted_documents": {"positions": len(extracted),
                                        "documents": sorted({p.document for p in extracted})},
                "first_evidence": {origin: sum(1 for i in self.issues if i.since_origin == origin)
                                   for origin in ("curated", "extracted")}}

    def to_json(self) -> dict:
        return {"on": self.on, "includes_the_day": True, "note": self.note,
                "negotiation": self.negotiation.to_json() if self.negotiation else None,
                "context": self.context, "sources": self.sources,
                "issues": [i.to_json() for i in self.issues],
                "closed": [dict(vars(c)) for c in self.closed]}


def local(iri: str | None) -> str:
    return (iri or "").rsplit("#", 1)[-1]


def read_index(kg: KnowledgeGraph) -> StatusIndex | None:
    """The status index of an embedded graph; None for a store server (its content may change under it)
    or for a graph holding values the index cannot compare as the named queries do."""
    if not isinstance(kg, KnowledgeGraph):
        return None
    try:
        return StatusIndex.read(kg.store)
    except NotIndexable as err:
        logger.warning("issue status is answered by the named queries: %s", err)
        return None


def unresolved_on(kg: KnowledgeGraph, on: str | date, negotiation: str | None = None,
                  index: StatusIndex | None = None) -> UnresolvedAnswer:
    """Issues of a negotiation (SALT I by default) unresolved on a date (YYYY-MM-DD), each with its latest
    positions per side and its curated evidence, and what the chronology says of the day. With an
    `index` of the same graph, its rows stand in for the named queries'."""
    day = parse_iso_date(on) if isinstance(on, str) else on
    scope = resolve(kg, negotiation)
    events = chronology(kg, scope) if scope else []
    context = context_on(events, day.isoformat()) if scope else {}
    if scope and day.isoformat() < scope.begins:
        return UnresolvedAnswer(day.isoformat(), [], [], not_begun_note(scope, day), scope, context)
    if index is not None:
        rows = index.unresolved_rows(day.isoformat())
    else:
        rows = queries.run(kg, "unresolved-on-date", date=queries.xsd_date(day.isoformat()))
    issues: dict[str, OpenIssue] = {}
    for row in rows:
        if scope and row["issue"] not in scope.issues:
            continue
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
    mark_narrower(kg, issues.values())
    for issue in issues.values():
        issue.evidence = [e.to_json() for e in events
                          if issue.issue in e.issues and e.earliest_begin <= day.isoformat()]
        issue.broader.sort()
    ordered = sorted(issues.values(), key=lambda i: (i.since, i.label, i.issue))
    closed = [ClosedIssue(r["issue"], r["label"], r["status"], r["closedOn"], r["closingEvent"], r["closingLabel"])
              for r in status_on(kg, day, negotiation, index) if r["closedOn"]]
    note = None if issues else empty_note(kg, day, scope)
    if scope and day.isoformat() > scope.ends:
        note = f"{scope.label} ended on {scope.ends}; the status shown is as it ended" + (f" ({note})" if note else "")
    return UnresolvedAnswer(day.isoformat(), ordered, sorted(closed, key=lambda c: (c.status, c.label, c.issue, c.closed_on, c.closing_event)), note,
                            scope, context)


CONCERNS = """PREFIX salt: <https://w3id.org/salt-kg/ontology#>
SELECT ?event ?issue WHERE { VALUES ?event { %s } ?event salt:concernsIssue ?issue }"""


def mark_narrower(kg: KnowledgeGraph, issues) -> None:
    """A position listed under a broader issue than the one its passage names says so ('via narrower
    issue'): each stance is shown once under its own issue, and only through it under broader ones."""
    positions = [(issue, p) for issue in issues for p in issue.positions]
    named = concerned_issues(kg, {p.event for _, p in positions})
    for issue, position in positions:
        concerns = named.get(position.event, set())
        if concerns and issue.issue not in concerns:
            position.via = sorted(concerns)


def concerned_issues(kg: KnowledgeGraph, events: set[str]) -> dict[str, set[str]]:
    """The issues each event concerns, remembered per opened graph (answers on nearby days cite the same
    positions); only events not seen before are looked up."""
    known: dict[str, set[str]] = kg.__dict__.setdefault("_concerns", {})
    missing = sorted(events - known.keys())
    if missing:
        found: dict[str, set[str]] = {event: set() for event in missing}
        for row in kg.select(CONCERNS % " ".join(f"<{e}>" for e in missing)):
            found[row["event"]].add(row["issue"])
        known.update(found)
    return {event: known[event] for event in events}


def not_begun_note(scope: Negotiation, day: date) -> str:
    """The answer before a negotiation began: nothing was under negotiation yet."""
    return f"the {scope.label} talks had not begun on {day.isoformat()}: they opened on {scope.begins}"


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
    """One position per side: the latest; on a tie the most decisive kind, then a quoted passage before a
    curated citation (the curated event is listed as evidence anyway), then the passage order, then the
    event's IRI."""
    best: dict[str, Position] = {}
    for position in positions:
        current = best.get(position.side)
        if current is None or rank(position) < rank(current):
            best[position.side] = position
    return sorted(best.values(), key=lambda p: p.side)


def rank(position: Position) -> tuple:
    """The order of preference among a side's positions; total, so that the choice never depends on the
    order the rows came in (the engine's, or the index's)."""
    kind = POSITION_PRIORITY.index(position.type) if position.type in POSITION_PRIORITY else 99
    return (-int(position.date.replace("-", "")), kind, 0 if position.document else 1, position.start or 0,
            position.event, position.document or "", position.end or 0, position.quote or "", position.citation or "")


def empty_note(kg: KnowledgeGraph, day: date, scope: Negotiation | None = None) -> str:
    """Explain an empty answer: no issue scheme, before any evidence, or after every issue closed."""
    if scope is not None and not scope.issues:
        return f"no issue scheme is curated for {scope.label}, so no issue can be reported open"
    rows = kg.select("""PREFIX salt: <https://w3id.org/salt-kg/ontology#>
        SELECT ?issue ?d WHERE { ?issue salt:firstEvidenceBegins ?d }""")
    dates = [r["d"] for r in rows if scope is None or r["issue"] in scope.issues]
    if not dates:
        return "the graph holds no dated evidence about any issue"
    if day.isoformat() < min(dates):
        return f"no issue was yet raised on {day.isoformat()}: the earliest evidence in the graph is dated {min(dates)}"
    return f"every issue raised by {day.isoformat()} had been closed on or before that day"


def status_on(kg: KnowledgeGraph, on: str | date, negotiation: str | None = None,
              index: StatusIndex | None = None) -> list[dict]:
    """Every issue's status on a date (issues of one negotiation, SALT I by default): NotYetRaised,
    Open, Agreed, ClosedWithoutAgreement, … With an `index` of the same graph, its rows stand in for the query's."""
    day = parse_iso_date(on) if isinstance(on, str) else on
    scope = resolve(kg, negotiation)
    if index is not None:
        rows = index.status_rows(day.isoformat())
    else:
        rows = queries.run(kg, "issue-status-on-date", date=queries.xsd_date(day.isoformat()))
    seen: dict[str, dict] = {}
    for row in rows:
        if scope is None or row["issue"] in scope.issues:
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


def negotiation_of(kg: KnowledgeGraph, issue_iri: str) -> Negotiation | None:
    """The negotiation an issue belongs to (its timeline is that negotiation's)."""
    from graph.ask.negotiations import negotiations
    return next((n for n in negotiations(kg).values() if issue_iri in n.issues), None)


def timeline(kg: KnowledgeGraph, issue_iri: str) -> list[dict]:
    """The dated history of an issue and its narrower issues, one entry per event."""
    rows = queries.run(kg, "issue-timeline", issue=queries.iri(issue_iri))
    events: dict[str, dict] = {}
    for row in rows:
        entry = events.setdefault(row["event"], {
            "event": row["event"], "type": local(row["type"]), "earliest": row["earliest"],
            "latest": row["latest"], "label": row["label"], "issues": [], "resolution": None,
            "actors": "; ".join(sorted(set(filter(None, (row["actors"] or "").split("; "))))) or None,
            "quote": row["quote"], "document": row["document"],
            "start": to_int(row["start"]), "end": to_int(row["end"]), "citation": row["citation"],
            "origin": row["origin"]})
        if row["issueLabel"] not in entry["issues"]:
            entry["issues"].append(row["issueLabel"])
        if row["resolution"]:
            entry["resolution"] = local(row["resolution"])
    return list(events.values())
