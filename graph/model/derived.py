"""Facts derived at build time so that date queries stay cheap: kept in their own graph, recomputed.

- `salt:bearsOn`: an event bears on each issue it concerns and on every broader issue (document events
  get it as they are written; curated events here).
- `salt:firstEvidenceBegins` / `salt:firstEvidenceEnds`: per issue, the earliest begin and end of the
  events bearing on it — the "open since" of the status queries, which no longer scan every event.
- Scope: `salt:hasIssue` (a negotiation's issues, from its issue scheme) and `salt:inNegotiation` for
  documents (from their volume, or else from a date inside one negotiation's span) and extracted events
  (from their document). An event of another negotiation is not evidence on an issue: it is left out of
  the first evidence, the position windows and the closings (`salt:closesIssueInScope`: the closings the
  status queries read), so a SALT II volume never speaks for SALT I.
- `skos:broaderTransitive`: every issue's broader issues at any depth (the closure of skos:broader, as
  SKOS defines it; an issue is not its own), so that "an issue and its narrower issues" is one look-up
  plus the issue itself instead of a `skos:broader*` path, which not every store evaluates alike.
- `salt:PositionWindow`: consecutive days and the position events that can be a side's latest on an
  open issue on one of them (each side's latest before the window, and those within it), so "the latest
  position on D" reads one window's candidates, looked up by the day, instead of every position up to D.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import pyoxigraph as ox

from graph.namespaces import DCTERMS, PROV, RDF, RDFS, SALT, SEM, SKOS
from graph.namespaces import xsd_date
from graph.read.registry import Registry

# An event that belongs to a negotiation not holding the issue says nothing about it.
IN_SCOPE = f"""FILTER NOT EXISTS {{ ?event <{SALT}inNegotiation> ?elsewhere .
    FILTER NOT EXISTS {{ ?elsewhere <{SALT}hasIssue> ?issue }} }}"""

FIRST_EVIDENCE = f"""SELECT ?issue (MIN(?begins) AS ?first) (MIN(?ends) AS ?firstEnds) WHERE {{
  ?event <{SALT}bearsOn> ?issue ; <{SEM}hasEarliestBeginTimeStamp> ?begins ; <{SEM}hasLatestEndTimeStamp> ?ends .
  {IN_SCOPE}
}} GROUP BY ?issue"""

NEGOTIATION_ISSUES = f"""SELECT DISTINCT ?negotiation ?issue WHERE {{
  ?negotiation <{SALT}issueScheme> ?scheme . ?issue <{SKOS}inScheme> ?scheme ; a <{SALT}Issue> }}"""

DOCUMENT_BY_VOLUME = f"""SELECT DISTINCT ?document ?negotiation WHERE {{
  ?document <{SALT}inVolume> ?volume . ?volume <{SALT}inNegotiation> ?negotiation }}"""

# documents in no volume of a negotiation (an OPTIONAL left unbound: Oxigraph evaluated the same test
# as FILTER NOT EXISTS over a path once per document, against every salt:inNegotiation statement)
DOCUMENT_BY_DATE = f"""SELECT ?document (SAMPLE(?candidate) AS ?negotiation) (COUNT(DISTINCT ?candidate) AS ?n) WHERE {{
  ?document a <{SALT}Document> ; <{SALT}dateNotBefore> ?from ; <{SALT}dateNotAfter> ?to .
  OPTIONAL {{ ?document <{SALT}inVolume> ?volume . ?volume <{SALT}inNegotiation> ?any }}
  FILTER (!BOUND(?any))
  ?candidate a <{SALT}Negotiation> ; <{SEM}hasEarliestBeginTimeStamp> ?begins ; <{SEM}hasLatestEndTimeStamp> ?ends .
  FILTER (?from >= ?begins && ?to <= ?ends)
}} GROUP BY ?document HAVING (COUNT(DISTINCT ?candidate) = 1)"""

SCOPED_CLOSINGS = f"""SELECT DISTINCT ?event ?issue WHERE {{
  ?event <{SALT}closesIssue> ?issue .
  {IN_SCOPE}
}}"""

EVENT_BY_DOCUMENT = f"""SELECT DISTINCT ?event ?negotiation WHERE {{
  ?document <{SALT}inNegotiation> ?negotiation .
  ?passage <{SALT}inDocument> ?document . ?event <{PROV}wasDerivedFrom> ?passage ; a <{SALT}NegotiationEvent> }}"""

WINDOW_FLOOR = 64  # positions a window may take within it, at least

POSITION_KINDS = ("PositionStatement", "Proposal", "Rejection", "IssueRaised", "Agreement",
                  "UnilateralStatement", "Demarche")

POSITIONS = f"""SELECT ?event ?issue ?side ?when WHERE {{
  VALUES ?kind {{ {' '.join(f'<{SALT}{kind}>' for kind in POSITION_KINDS)} }}
  ?event a ?kind ; <{SALT}bearsOn> ?issue ; <{SALT}side> ?side ; <{SEM}hasLatestEndTimeStamp> ?when .
  {IN_SCOPE}
}}"""

FIRST_CLOSING = f"""SELECT ?issue (MIN(?closed) AS ?first) WHERE {{
  ?event <{SALT}closesIssue> ?issue ; <{SEM}hasLatestEndTimeStamp> ?closed .
  {IN_SCOPE}
}} GROUP BY ?issue"""

Pair = tuple[str, str]  # (issue, side)


def derived_graph(base_iri: str) -> ox.NamedNode:
    return ox.NamedNode(base_iri + "graph/derived")


def refresh(store: ox.Store, registry: Registry, window_floor: int = WINDOW_FLOOR) -> int:
    """Recompute the derived graph from the store as it now is; return its number of quads."""
    graph = derived_graph(registry.base_iri)
    if store.contains_named_graph(graph):
        store.remove_graph(graph)
    quads = [ox.Quad(graph, ox.NamedNode(RDFS + "comment"), ox.Literal(
        "Derived at build time from salt:concernsIssue, skos:broader and the events' dates."), graph),
        ox.Quad(graph, ox.NamedNode(PROV + "wasGeneratedBy"), ox.Literal("saltkg build"), graph)]
    curated = f"<{registry.base_iri}graph/curated>"
    for row in store.query(f"SELECT ?event ?issue WHERE {{ GRAPH {curated} {{ ?event <{SALT}concernsIssue> ?issue }} }}"):
        for issue in registry.broader_closure(row["issue"].value):
            quads.append(ox.Quad(row["event"], ox.NamedNode(SALT + "bearsOn"), ox.NamedNode(issue), graph))
    store.extend(quads)
    scope = add_scope(store, graph)
    closings = [ox.Quad(row["event"], ox.NamedNode(SALT + "closesIssueInScope"), row["issue"], graph)
                for row in store.query(SCOPED_CLOSINGS, use_default_graph_as_union=True)]
    store.extend(closings)
    scope += len(closings)
    first = [row for row in store.query(FIRST_EVIDENCE, use_default_graph_as_union=True)]
    store.extend([q for row in first for q in (
        ox.Quad(row["issue"], ox.NamedNode(SALT + "firstEvidenceBegins"), row["first"], graph),
        ox.Quad(row["issue"], ox.NamedNode(SALT + "firstEvidenceEnds"), row["firstEnds"], graph))])
    store.add(ox.Quad(graph, ox.NamedNode(DCTERMS + "description"), ox.Literal(
        f"{len(first)} issues with first evidence"), graph))
    windows = position_window_quads(store, graph, window_floor)
    store.extend(windows)
    hierarchy = broader_transitive_quads(store, graph)
    store.extend(hierarchy)
    return len(quads) + scope + 2 * len(first) + 1 + len(windows) + len(hierarchy)


def broader_transitive_quads(store: ox.Store, graph: ox.NamedNode) -> list[ox.Quad]:
    """skos:broaderTransitive from each concept to every concept above it through skos:broader (in any
    graph), at any depth; a cycle gives no concept itself as its own broader."""
    above: dict[ox.NamedNode, set[ox.NamedNode]] = {}
    for row in store.query(f"SELECT DISTINCT ?narrower ?broader WHERE {{ ?narrower <{SKOS}broader> ?broader }}",
                           use_default_graph_as_union=True):
        if isinstance(row["narrower"], ox.NamedNode) and isinstance(row["broader"], ox.NamedNode):
            above.setdefault(row["narrower"], set()).add(row["broader"])
    transitive = ox.NamedNode(SKOS + "broaderTransitive")
    quads = []
    for concept in sorted(above, key=lambda c: c.value):
        seen: set[ox.NamedNode] = set()
        queue = list(above[concept])
        while queue:
            current = queue.pop()
            if current not in seen and current != concept:
                seen.add(current)
                queue.extend(above.get(current, ()))
        quads.extend(ox.Quad(concept, transitive, ancestor, graph) for ancestor in sorted(seen, key=lambda c: c.value))
    return quads


def add_scope(store: ox.Store, graph: ox.NamedNode) -> int:
    """Write each negotiation's issues and each document's and extracted event's negotiation, step by
    step (a document's date rule sees the volume rule's answers; events follow their documents)."""
    has_issue, in_negotiation = ox.NamedNode(SALT + "hasIssue"), ox.NamedNode(SALT + "inNegotiation")
    written = 0
    for query, subject, predicate, obj in ((NEGOTIATION_ISSUES, "negotiation", has_issue, "issue"),
                                           (DOCUMENT_BY_VOLUME, "document", in_negotiation, "negotiation"),
                                           (DOCUMENT_BY_DATE, "document", in_negotiation, "negotiation"),
                                           (EVENT_BY_DOCUMENT, "event", in_negotiation, "negotiation")):
        step = [ox.Quad(row[subject], predicate, row[obj], graph)
                for row in store.query(query, use_default_graph_as_union=True)]
        store.extend(step)
        written += len(step)
    return written


def position_window_quads(store: ox.Store, graph: ox.NamedNode, floor: int = WINDOW_FLOOR) -> list[ox.Quad]:
    """The salt:PositionWindow index of the store's positions: the days each window covers, its candidates."""
    positions: list[tuple[str, Pair, ox.NamedNode]] = []
    for row in store.query(POSITIONS, use_default_graph_as_union=True):
        positions.append((row["when"].value[:10], (row["issue"].value, row["side"].value), row["event"]))
    if not positions:
        return []
    closings = {row["issue"].value: row["first"].value[:10]
                for row in store.query(FIRST_CLOSING, use_default_graph_as_union=True)}
    windows = position_windows(positions, closings, floor)
    quads = []
    for index, window in enumerate(windows):
        node = ox.BlankNode(f"window-{window.start}")  # named so that rebuilding gives the same graph
        after = windows[index + 1].start if index + 1 < len(windows) else None
        last = day_before(after) if after else window.last_day
        quads.append(ox.Quad(node, ox.NamedNode(RDF + "type"), ox.NamedNode(SALT + "PositionWindow"), graph))
        quads.append(ox.Quad(node, ox.NamedNode(SALT + "windowStart"), xsd_date(window.start), graph))
        quads.append(ox.Quad(node, ox.NamedNode(SALT + "windowEnd"), xsd_date(last), graph))
        quads.extend(ox.Quad(node, ox.NamedNode(SALT + "coversDay"), xsd_date(day), graph)
                     for day in days_between(window.start, last))
        if after is None:
            quads.append(ox.Quad(node, ox.NamedNode(SALT + "coversDaysAfter"), xsd_date(last), graph))
        quads.extend(ox.Quad(node, ox.NamedNode(SALT + "candidatePosition"), event, graph)
                     for event in sorted(window.candidates, key=lambda e: e.value))
    return quads


@dataclass
class Window:
    """Days from `start` on whose latest positions per (issue, side) are all among `candidates`."""

    start: str
    last_day: str
    candidates: set[ox.NamedNode] = field(default_factory=set)
    within: int = 0


def position_windows(positions: list[tuple[str, Pair, ox.NamedNode]], closings: dict[str, str],
                     floor: int = WINDOW_FLOOR) -> list[Window]:
    """Cut time into windows: each holds every open pair's latest positions before it began plus the
    positions within it, and takes at most max(`floor`, open pairs) positions within, so a date's
    candidates stay a small multiple of the open pairs however dense the record. A pair stops being
    indexed once its issue is first closed (it is not unresolved after that)."""
    positions.sort(key=lambda p: (p[0], p[1], p[2].value))
    latest: dict[Pair, tuple[str, list[ox.NamedNode]]] = {}
    windows: list[Window] = []
    for day, todays in group_by_day(positions):
        open_latest = {pair: state for pair, state in latest.items() if day < closings.get(pair[0], "9999")}
        current = windows[-1] if windows else None
        todays = [(pair, event) for pair, event in todays if day < closings.get(pair[0], "9999")]
        if current is None or current.within + len(todays) > max(floor, len(open_latest)):
            current = Window(day, day, {event for _, events in open_latest.values() for event in events})
            windows.append(current)
        current.last_day = day
        current.within += len(todays)
        for pair, event in todays:
            current.candidates.add(event)
            when, events = latest.get(pair, ("", []))
            latest[pair] = (day, events + [event]) if when == day else (day, [event])
    return windows


def group_by_day(positions: list[tuple[str, Pair, ox.NamedNode]]) -> Iterator[tuple[str, list[tuple[Pair, ox.NamedNode]]]]:
    """Sorted positions grouped by day."""
    day, group = None, []
    for when, pair, event in positions:
        if when != day and group:
            yield day, group
            group = []
        day = when
        group.append((pair, event))
    if group:
        yield day, group


def days_between(first: str, last: str) -> Iterator[str]:
    """Every YYYY-MM-DD day from `first` to `last`, both included."""
    day, end = date.fromisoformat(first), date.fromisoformat(last)
    while day <= end:
        yield day.isoformat()
        day += timedelta(days=1)


def day_before(day: str) -> str:
    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()
