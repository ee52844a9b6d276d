"""What the TEI reader yields: the volume's metadata, persons and terms, and each document flattened with
the editors' annotations over its text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from graph.read.reader import FrusDocument


HSG = "https://history.state.gov/historicaldocuments/"


@dataclass
class VolumeInfo:
    """The volume's teiHeader: id, titles, editors, publication year."""

    id: str
    path: Path
    title: str = ""
    volume_title: str = ""
    volume_number: str = ""
    series: str = ""
    subseries: str = ""
    editors: list[tuple[str, str]] = field(default_factory=list)  # (name, role)
    year: int | None = None

    @property
    def url(self) -> str:
        return HSG + self.id


@dataclass
class TeiPerson:
    """One entry of the volume's persons list, with its name parsed."""

    id: str
    display: str  # as printed: "Kissinger, Henry A."
    surname: str
    given: str
    variants: list[str]
    nickname: str | None
    suffix: str | None
    honorific: str | None
    description: str

    @property
    def name(self) -> str:
        """Given name(s) then surname, with any generational suffix: 'John M. Irwin II'."""
        parts = [self.given, self.surname] + ([self.suffix] if self.suffix else [])
        return " ".join(p for p in parts if p)


@dataclass
class TeiTerm:
    """One entry of the terms list: the abbreviation and what it stands for."""

    id: str | None
    term: str
    expansion: str


@dataclass
class Gold:
    """An editor's annotation over the flattened text."""

    start: int
    end: int
    text: str
    target: str  # person or term id (without '#'), or the raw ref target
    kind: str  # person | term | ref


@dataclass
class Dateline:
    """The dateline: place, the date attributes as given, and the validated reading."""

    start: int
    end: int
    text: str
    place: str | None
    undated: bool
    earliest: date | None = None
    latest: date | None = None
    start_time: str | None = None  # ISO date-time as validated
    end_time: str | None = None
    raw: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


@dataclass
class TeiDocument:
    """A document flattened to text, with the editors' annotations over that text."""

    doc: FrusDocument
    xml_id: str
    persons: list[Gold]
    terms: list[Gold]
    refs: list[Gold]
    dateline: Dateline | None
    head_people: list[tuple[str, str]]  # (person id, sender|recipient|named)
    signers: list[str]
    problems: list[str]
