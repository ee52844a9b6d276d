"""Data the extractor produces: spans, mentions, references, events, document facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from graph.read.dates import DateMention
from graph.read.reader import FrusDocument


@dataclass(frozen=True)
class Span:
    """A span of the document text; `text` always equals document_text[start:end]."""

    start: int
    end: int
    text: str


@dataclass
class Mention:
    """A name in the text linked to an entity or issue."""

    start: int
    end: int
    text: str
    target: str  # IRI
    kind: str  # person | organization | place | issue
    section: str
    via: str | None = None  # e.g. "anaphora"


@dataclass
class CrossReference:
    """A reference to another message or document."""

    start: int
    end: int
    text: str
    target: str  # IRI
    kind: str  # message | document
    label: str
    date: date | None = None
    sender: str | None = None
    recipient: str | None = None
    dated_here: bool = False  # the date is written beside this reference


@dataclass
class Event:
    """A dated negotiation event with actors, issues and its evidence passage."""

    type: str
    earliest: date | None
    latest: date | None
    date_basis: str
    evidence: Span
    section: str
    actors: list[str] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    message: str | None = None
    closes: list[str] = field(default_factory=list)
    resolution: str | None = None
    side: str | None = None  # "US" | "USSR" | None: whose stance or act it is, never its reporter's

    @property
    def date(self) -> date | None:
        return self.earliest if self.earliest == self.latest else None


@dataclass
class DocumentInfo:
    """What the extractor found about the document itself."""

    id: str
    number: int
    title: str
    type: str
    message_id: str | None
    date: str | None  # ISO date, YYYY-MM or YYYY
    date_basis: str
    not_before: date | None
    not_after: date | None
    date_evidence: list[Span]
    sender: list[str]
    recipients: list[str]
    recipient_location: str | None
    participants: list[str]
    place: str | None
    volume: str | None
    url: str | None
    source_note: str | None
    classification: str | None

    @property
    def day(self) -> date | None:
        """The document's date when it is one day (not a month, a year or a range)."""
        return date.fromisoformat(self.date) if self.date and len(self.date) == 10 else None


@dataclass
class NewEntity:
    """A person or place named in a heading but absent from the registry."""

    iri: str
    kind: str
    label: str
    evidence: Span


@dataclass
class KnownDate:
    """A document date known from outside the text (e.g. a TEI dateline's attributes)."""

    not_before: date | None
    not_after: date | None
    basis: str
    evidence: list[Span] = field(default_factory=list)
    place: str | None = None  # the place as named, resolved through the registry


@dataclass
class Extraction:
    """Everything extracted from one document."""

    doc: FrusDocument
    document: DocumentInfo
    mentions: list[Mention]
    dates: list[DateMention]
    cross_references: list[CrossReference]
    events: list[Event]
    new_entities: list[NewEntity]
    warnings: list[str]
