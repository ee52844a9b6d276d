"""The negotiations the graph knows (salt:Negotiation) and their curated chronology: which negotiation a
question is about (SALT I unless another is named), its span and issues, and what was going on on a day.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.ask.queries import bind
from graph.model.store import KnowledgeGraph
from graph.namespaces import iri

DEFAULT = "negotiation/salt-i"
PREFIXES = """PREFIX salt: <https://w3id.org/salt-kg/ontology#>
PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
NEGOTIATIONS = PREFIXES + """SELECT ?negotiation ?label ?begins ?ends ?basis ?issue WHERE {
  ?negotiation a salt:Negotiation ; rdfs:label ?label ;
               sem:hasEarliestBeginTimeStamp ?begins ; sem:hasLatestEndTimeStamp ?ends .
  OPTIONAL { ?negotiation salt:dateBasis ?basis }
  OPTIONAL { ?negotiation salt:hasIssue ?issue }
}"""
CHRONOLOGY = PREFIXES + """SELECT ?event ?label ?type ?earliestBegin ?latestBegin ?earliestEnd ?latestEnd ?basis
       ?citation ?place ?issue WHERE {
  ?event salt:inNegotiation $negotiation ; a salt:NegotiationEvent ; rdfs:label ?label ;
         dcterms:bibliographicCitation ?citation ;
         sem:hasEarliestBeginTimeStamp ?earliestBegin ; sem:hasLatestEndTimeStamp ?latestEnd .
  FILTER NOT EXISTS { ?event prov:wasDerivedFrom ?passage }
  ?event a ?type . FILTER (?type != salt:NegotiationEvent && STRSTARTS(STR(?type), STR(salt:)))
  OPTIONAL { ?event sem:hasLatestBeginTimeStamp ?latestBegin }
  OPTIONAL { ?event sem:hasEarliestEndTimeStamp ?earliestEnd }
  OPTIONAL { ?event salt:dateBasis ?basis }
  OPTIONAL { ?event sem:hasPlace/rdfs:label ?place }
  OPTIONAL { ?event salt:bearsOn ?issue }
}"""
MEETING_KINDS = {"Meeting", "NegotiatingRound"}


class UnknownNegotiation(KeyError):
    """No negotiation of that name."""


@dataclass(frozen=True)
class Negotiation:
    """A negotiation: its span (first and last day), how the span is known, and its issues."""

    iri: str
    label: str
    begins: str
    ends: str
    basis: str | None
    issues: frozenset[str]

    def to_json(self) -> dict:
        return {"iri": self.iri, "label": self.label, "begins": self.begins, "ends": self.ends,
                "date_basis": self.basis, "issues": len(self.issues)}


def negotiations(kg: KnowledgeGraph) -> dict[str, Negotiation]:
    """Every negotiation in the graph, by IRI (read once per opened graph)."""
    if "_negotiations" not in kg.__dict__:
        kg.__dict__["_negotiations"] = read_negotiations(kg)
    return kg.__dict__["_negotiations"]


def read_negotiations(kg: KnowledgeGraph) -> dict[str, Negotiation]:
    found: dict[str, dict] = {}
    for row in kg.select(NEGOTIATIONS):
        entry = found.setdefault(row["negotiation"], {**row, "issues": set()})
        if row["issue"]:
            entry["issues"].add(row["issue"])
    return {key: Negotiation(key, r["label"], r["begins"], r["ends"], r["basis"], frozenset(r["issues"]))
            for key, r in found.items()}


def resolve(kg: KnowledgeGraph, name: str | None = None) -> Negotiation | None:
    """The negotiation named (IRI, 'negotiation/salt-ii', 'salt-ii' or its label); SALT I when none is
    named. None only when the graph holds no negotiation at all (nothing to scope by)."""
    known = negotiations(kg)
    if not known:
        if name:
            raise UnknownNegotiation(f"no negotiation {name!r}: the graph holds none")
        return None
    wanted = (name or DEFAULT).strip()
    for negotiation in known.values():
        tail = negotiation.iri.rsplit("/", 1)[-1]
        if wanted in (negotiation.iri, tail, "negotiation/" + tail) or wanted.casefold() == negotiation.label.casefold():
            return negotiation
    names = ", ".join(sorted(n.iri.rsplit("/", 1)[-1] for n in known.values()))
    raise UnknownNegotiation(f"no negotiation {wanted!r}; known: {names}")


@dataclass
class ChronologyEvent:
    """A curated event of the negotiation: its date bounds, basis, citation, places and issues."""

    event: str
    label: str
    types: list[str]
    earliest_begin: str
    latest_begin: str
    earliest_end: str
    latest_end: str
    basis: str | None
    citation: str
    places: list[str] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)

    @property
    def is_meeting(self) -> bool:
        return bool(MEETING_KINDS & set(self.types))

    def dates(self) -> str:
        """'1970-04-16..1970-08-14', or one day; an uncertain opening or close written as a range."""
        begin = self.earliest_begin if self.earliest_begin == self.latest_begin else f"[{self.earliest_begin}/{self.latest_begin}]"
        end = self.latest_end if self.earliest_end == self.latest_end else f"[{self.earliest_end}/{self.latest_end}]"
        return begin if begin == end else f"{begin}..{end}"

    def to_json(self) -> dict:
        return {"event": self.event, "label": self.label, "type": primary_type(self.types), "dates": self.dates(),
                "earliest": self.earliest_begin, "latest": self.latest_end, "date_basis": self.basis,
                "citation": self.citation, "places": sorted(self.places), "origin": "curated"}  # row order varies by store


def primary_type(types: list[str]) -> str:
    """The most specific type name (a round before a meeting)."""
    for preferred in ("NegotiatingRound",):
        if preferred in types:
            return preferred
    return sorted(types)[0] if types else "NegotiationEvent"


def chronology(kg: KnowledgeGraph, negotiation: Negotiation) -> list[ChronologyEvent]:
    """The negotiation's curated events, in date order (read once per opened graph: they change only
    with a build, which opens a new graph)."""
    cache = kg.__dict__.setdefault("_chronology", {})
    if negotiation.iri not in cache:
        cache[negotiation.iri] = read_chronology(kg, negotiation)
    return cache[negotiation.iri]


def read_ahead(kg: KnowledgeGraph) -> None:
    """Read every negotiation and its chronology now (a server starting), so that the first answers
    scoped by a negotiation do not each read them at once."""
    for negotiation in negotiations(kg).values():
        chronology(kg, negotiation)


def read_chronology(kg: KnowledgeGraph, negotiation: Negotiation) -> list[ChronologyEvent]:
    events: dict[str, ChronologyEvent] = {}
    for row in kg.select(bind(CHRONOLOGY, {"negotiation": iri(negotiation.iri)})):
        event = events.get(row["event"])
        if event is None:
            event = events[row["event"]] = ChronologyEvent(
                row["event"], row["label"], [], row["earliestBegin"], row["latestBegin"] or row["earliestBegin"],
                row["earliestEnd"] or row["latestEnd"], row["latestEnd"], row["basis"], row["citation"])
        kind = row["type"].rsplit("#", 1)[-1]
        for values, value in ((event.types, kind), (event.places, row["place"]), (event.issues, row["issue"])):
            if value and value not in values:
                values.append(value)
    return sorted(events.values(), key=lambda e: (e.earliest_begin, e.latest_end, e.event))


def context_on(events: list[ChronologyEvent], day: str) -> dict:
    """What the chronology says of a day: meetings in session (certainly, or possibly where the opening
    or close is known only within bounds), other events dated to that very day,
    the last curated event before it and the next after it."""
    in_session = []
    for event in events:
        if event.is_meeting and event.earliest_begin <= day <= event.latest_end:
            certain = event.latest_begin <= day <= event.earliest_end
            in_session.append({**event.to_json(), "certain": certain})
    today = [e.to_json() for e in events if not e.is_meeting and e.earliest_begin == e.latest_end == day]
    before = [e for e in events if e.latest_end < day]
    after = [e for e in events if e.earliest_begin > day]
    return {"in_session": in_session, "on_the_day": today,
            "previous": max(before, key=lambda e: (e.latest_end, e.earliest_begin)).to_json() if before else None,
            "next": after[0].to_json() if after else None}


__all__ = ["ChronologyEvent", "Negotiation", "UnknownNegotiation", "chronology", "context_on", "negotiations",
           "resolve"]
