"""Issue status for any day from memory: the answers of unresolved-on-date.rq and issue-status-on-date.rq,
read once from an opened graph and then computed per day without a query.

The index holds what those two queries read: the issues (label, broader, first evidence), the in-scope
closings, the position windows (the days each covers, its candidates) and the candidates' facts
(issues, sides, dates, kinds, passages, citations). For a day it gives the same rows the queries give
(tests compare them on every day of random negotiations and of the shipped data). A graph it cannot
read that way — a date that is not a plain xsd:date, an issue with two labels or two first-evidence
dates — raises NotIndexable, and the caller runs the named queries instead.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import product

import pyoxigraph as ox

from graph.model.derived import POSITION_KINDS
from graph.namespaces import DCTERMS, OA, PROV, RDF, RDFS, SALT, SEM, SKOS, XSD
from graph.read.dates import DateError, parse_iso_date

POSITION_TYPES = frozenset(SALT + kind for kind in POSITION_KINDS)  # the kinds the windows hold, as the query filters
NO_PASSAGE = SALT + "noPassage"

ISSUES = f"""SELECT ?issue ?p ?o WHERE {{
  ?issue a <{SALT}Issue> .
  OPTIONAL {{ VALUES ?p {{ <{SKOS}prefLabel> <{SKOS}broader> <{SALT}firstEvidenceBegins> <{SALT}firstEvidenceEnds> }}
             ?issue ?p ?o }}
}}"""
CLOSINGS = f"""SELECT ?closing ?issue ?p ?o WHERE {{
  ?closing <{SALT}closesIssueInScope> ?issue .
  OPTIONAL {{ VALUES ?p {{ <{SEM}hasEarliestBeginTimeStamp> <{SEM}hasLatestEndTimeStamp> <{SALT}resolution> <{RDFS}label> }}
             ?closing ?p ?o }}
}}"""
WINDOWS = f"""SELECT ?window ?p ?o WHERE {{
  VALUES ?p {{ <{SALT}coversDay> <{SALT}coversDaysAfter> <{SALT}candidatePosition> }}
  ?window ?p ?o
}}"""
CANDIDATES = f"""SELECT DISTINCT ?position ?p ?o WHERE {{
  ?window <{SALT}candidatePosition> ?position .
  VALUES ?p {{ <{RDF}type> <{SALT}bearsOn> <{SALT}side> <{SEM}hasLatestEndTimeStamp> <{PROV}wasDerivedFrom>
              <{DCTERMS}bibliographicCitation> }}
  ?position ?p ?o
}}"""
PASSAGES = f"""SELECT DISTINCT ?passage ?p ?o WHERE {{
  {{ ?window <{SALT}candidatePosition> ?position . ?position <{PROV}wasDerivedFrom> ?passage }}
  UNION {{ BIND (<{NO_PASSAGE}> AS ?passage) }}
  VALUES ?p {{ <{OA}exact> <{SALT}inDocument> <{OA}start> <{OA}end> }}
  ?passage ?p ?o
}}"""


class NotIndexable(ValueError):
    """The graph holds values the index would not compare as SPARQL does; run the named queries."""


@dataclass
class IssueFacts:
    """What the queries read of an issue (one label and one first-evidence interval, else NotIndexable)."""

    label: str | None = None
    since: str | None = None
    since_latest: str | None = None
    broader: set[str] = field(default_factory=set)


@dataclass
class ClosingFacts:
    """An in-scope closing of one issue: its dates, resolutions and labels."""

    earliest: set[str] = field(default_factory=set)
    latest: set[str] = field(default_factory=set)
    resolutions: set[str] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)


@dataclass
class CandidateFacts:
    """A candidate position of some window: the issues it bears on, its sides, dates, position kinds,
    passages and citations."""

    issues: set[str] = field(default_factory=set)
    sides: set[str] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)
    passages: set[str] = field(default_factory=set)
    citations: set[str] = field(default_factory=set)


@dataclass
class Window:
    """A position window: the days it covers, the day after which it covers every day, its candidates."""

    days: set[str] = field(default_factory=set)
    after: set[str] = field(default_factory=set)  # salt:coversDaysAfter: covers every later day
    candidates: set[str] = field(default_factory=set)


def date_of(term: ox.Term, what: str) -> str:
    """The lexical form of a plain xsd:date of a real day, which compares as the date does; NotIndexable
    otherwise (SPARQL cannot compare 1971-02-30, so every filter on it fails, where text would compare)."""
    if not (isinstance(term, ox.Literal) and term.datatype.value == XSD + "date"):
        raise NotIndexable(f"{what} is not an xsd:date: {term}")
    try:
        parse_iso_date(term.value)
    except DateError:
        raise NotIndexable(f"{what} is not a plain YYYY-MM-DD day of the calendar: {term}") from None
    return term.value


def key_of(term: ox.Term) -> str:
    """A subject's key: blank nodes (the windows) keep their _: form so they never meet an IRI."""
    return str(term) if isinstance(term, ox.BlankNode) else term.value


class StatusIndex:
    """Issues, closings, position windows and their candidates of one opened graph."""

    def __init__(self) -> None:
        self.issues: dict[str, IssueFacts] = {}
        self.closings: dict[str, dict[str, ClosingFacts]] = defaultdict(dict)  # issue → closing event → facts
        self.windows: dict[str, Window] = defaultdict(Window)
        self.by_day: dict[str, list[Window]] = defaultdict(list)
        self.open_ended: list[tuple[str, Window]] = []
        self.candidates: dict[str, CandidateFacts] = defaultdict(CandidateFacts)
        self.passages: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))

    @classmethod
    def read(cls, store: ox.Store) -> "StatusIndex":
        """Read the index from a store (the default graph the union of all graphs, as the queries read it)."""
        index = cls()
        index.read_issues(store)
        index.read_closings(store)
        index.read_windows(store)
        index.read_candidates(store)
        return index

    def read_issues(self, store: ox.Store) -> None:
        for row in select(store, ISSUES):
            facts = self.issues.setdefault(row["issue"].value, IssueFacts())
            predicate, value = row["p"], row["o"]
            if predicate is None:
                continue
            if predicate.value == SKOS + "broader":
                facts.broader.add(value.value)
                continue
            name = {SKOS + "prefLabel": "label", SALT + "firstEvidenceBegins": "since",
                    SALT + "firstEvidenceEnds": "since_latest"}[predicate.value]
            text = value.value if name == "label" else date_of(value, f"{name} of {row['issue'].value}")
            if getattr(facts, name) not in (None, text):
                raise NotIndexable(f"{row['issue'].value} has more than one {name}")
            setattr(facts, name, text)

    def read_closings(self, store: ox.Store) -> None:
        for row in select(store, CLOSINGS):
            facts = self.closings[row["issue"].value].setdefault(row["closing"].value, ClosingFacts())
            predicate, value = row["p"], row["o"]
            if predicate is None:
                continue
            if predicate.value == SEM + "hasEarliestBeginTimeStamp":
                facts.earliest.add(date_of(value, f"the beginning of {row['closing'].value}"))
            elif predicate.value == SEM + "hasLatestEndTimeStamp":
                facts.latest.add(date_of(value, f"the end of {row['closing'].value}"))
            elif predicate.value == SALT + "resolution":
                facts.resolutions.add(value.value)
            else:
                facts.labels.add(value.value)

    def read_windows(self, store: ox.Store) -> None:
        for row in select(store, WINDOWS):
            window, predicate, value = self.windows[key_of(row["window"])], row["p"].value, row["o"]
            if predicate == SALT + "candidatePosition":
                window.candidates.add(value.value)
            elif predicate == SALT + "coversDay":
                window.days.add(date_of(value, "a window's day"))
            else:
                window.after.add(date_of(value, "a window's last day"))
        for window in self.windows.values():
            for day in window.days:
                self.by_day[day].append(window)
            self.open_ended += [(last, window) for last in window.after]

    def read_candidates(self, store: ox.Store) -> None:
        for row in select(store, CANDIDATES):
            facts, predicate, value = self.candidates[row["position"].value], row["p"].value, row["o"]
            if predicate == SALT + "bearsOn":
                facts.issues.add(value.value)
            elif predicate == SALT + "side":
                facts.sides.add(value.value)
            elif predicate == SEM + "hasLatestEndTimeStamp":
                facts.dates.add(date_of(value, f"the end of {row['position'].value}"))
            elif predicate == RDF + "type":
                if value.value in POSITION_TYPES:
                    facts.kinds.add(value.value)
            elif predicate == PROV + "wasDerivedFrom":
                facts.passages.add(value.value)
            else:
                facts.citations.add(value.value)
        for row in select(store, PASSAGES):
            self.passages[row["passage"].value][row["p"].value].add(row["o"].value)

    # -- answers -----------------------------------------------------------------------------------

    def unresolved_rows(self, day: str) -> list[dict]:
        """The rows unresolved-on-date gives for `day` (YYYY-MM-DD), in its order (rows it leaves tied, in the
        order of the positions' IRIs)."""
        positions = self.latest_positions(day)
        rows = []
        for issue, facts in self.issues.items():
            if facts.label is None or facts.since is None or facts.since_latest is None or facts.since > day:
                continue
            if any(latest <= day for closing in self.closings.get(issue, {}).values() for latest in closing.latest):
                continue
            pending_from, pending_to = self.pending_close(issue, day)
            for broader in sorted(facts.broader) or [None]:
                row = {"issue": issue, "label": facts.label, "broader": broader, "since": facts.since,
                       "sinceLatest": facts.since_latest, "pendingCloseFrom": pending_from,
                       "pendingCloseTo": pending_to}
                rows += [{**row, **part} for part in positions.get(issue) or [NO_POSITION]]
        return sorted(rows, key=lambda r: (r["since"], r["label"], r["side"] is not None, r["side"] or ""))

    def pending_close(self, issue: str, day: str) -> tuple[str | None, str | None]:
        """The earliest beginning and latest end of closings whose interval holds the day (after it began)."""
        spans = [(begins, ends) for closing in self.closings.get(issue, {}).values()
                 for begins in closing.earliest for ends in closing.latest if begins <= day < ends]
        if not spans:
            return None, None
        return min(b for b, _ in spans), max(e for _, e in spans)

    def candidates_on(self, day: str) -> set[str]:
        """The candidate positions of the windows covering the day (the last one covers every later day)."""
        windows = list(self.by_day.get(day, ())) + [w for last, w in self.open_ended if last < day]
        return set().union(*(w.candidates for w in windows)) if windows else set()

    def latest_positions(self, day: str) -> dict[str, list[dict]]:
        """Per issue, the row parts of each side's latest positions on or before the day."""
        candidates = [(iri, self.candidates[iri]) for iri in sorted(self.candidates_on(day)) if iri in self.candidates]
        latest: dict[tuple[str, str], str] = {}
        for _, facts in candidates:
            for when in facts.dates:
                if when <= day:
                    for pair in product(facts.issues, facts.sides):
                        if when > latest.get(pair, ""):
                            latest[pair] = when
        parts: dict[str, list[dict]] = defaultdict(list)
        for iri, facts in candidates:
            for (issue, side), when, kind in product(product(facts.issues, facts.sides), facts.dates, facts.kinds):
                if latest.get((issue, side)) == when:
                    parts[issue] += self.position_parts(iri, facts, side, when, kind)
        return parts

    def position_parts(self, iri: str, facts: CandidateFacts, side: str, when: str, kind: str) -> list[dict]:
        """A position's row parts: one per passage value and citation (the query's OPTIONALs)."""
        parts = []
        for passage in sorted(facts.passages) or [NO_PASSAGE]:
            found = self.passages.get(passage, {})
            values = [sorted(found.get(name, ())) or [None]
                      for name in (OA + "exact", SALT + "inDocument", OA + "start", OA + "end")]
            for quote, document, start, end, citation in product(*values, sorted(facts.citations) or [None]):
                parts.append({"side": side, "positionDate": when, "positionType": kind, "position": iri,
                              "quote": quote, "document": document, "start": start, "end": end,
                              "citation": citation, "origin": "extracted" if document is not None else "curated"})
        return parts

    def status_rows(self, day: str) -> list[dict]:
        """The rows issue-status-on-date gives for `day` (YYYY-MM-DD), in its order (ties broken by the
        closing's resolution and label)."""
        rows = []
        for issue, facts in self.issues.items():
            if facts.label is None:
                continue
            since = facts.since if facts.since is not None and facts.since <= day else None
            closed = [(event, ends, resolution, label)
                      for event, closing in self.closings.get(issue, {}).items()
                      for ends, resolution, label in product(closing.latest, closing.resolutions, closing.labels)
                      if ends <= day] or [(None, None, None, None)]
            for event, ends, resolution, label in closed:
                status = resolution.partition("#")[2] if ends is not None else "Open" if since else "NotYetRaised"
                rows.append({"issue": issue, "label": facts.label, "since": since, "status": status,
                             "resolution": resolution, "closedOn": ends, "closingEvent": event, "closingLabel": label})
        return sorted(rows, key=lambda r: (r["status"], r["label"], r["closedOn"] is not None, r["closedOn"] or "",
                                           r["closingEvent"] is not None, r["closingEvent"] or "",
                                           r["resolution"] or "", r["closingLabel"] or ""))


NO_POSITION = {"side": None, "positionDate": None, "positionType": None, "position": None, "quote": None,
               "document": None, "start": None, "end": None, "citation": None, "origin": None}


def select(store: ox.Store, sparql: str) -> list:
    return list(store.query(sparql, use_default_graph_as_union=True))
