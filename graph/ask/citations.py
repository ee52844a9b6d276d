"""Citations a historian can paste: "FRUS 1969–1976, vol. XIV, doc. 247, para. 3" or "…, footnote 2".

Built from the document's metadata in the graph (volume, document number, history.state.gov page)
and from where a passage's offsets fall in the document as read back from its stored text: the
heading, a body paragraph (counted as printed, page-break lines left out) or a numbered footnote.
The REST answers, the pages and the tooltips all use `Citer`, so the form is the same everywhere.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from graph.ask.browse import PREFIXES, term
from graph.model.store import KnowledgeGraph
from graph.read.reader import PAGE_MARKER, FrusDocument, ReadError, read_text

VOLUME_LABEL = re.compile(r"(\d{4})\s*[–-]\s*(\d{2,4}),\s*Volume\s+([IVXLC]+(?:,\s*Part\s+\d+)?)", re.IGNORECASE)
VOLUME_ID = re.compile(r"frus(\d{4})-(\d{2,4})v(\d+)([a-z]?)(?:p(\d+))?$")
DOCUMENT_ID = re.compile(r"(frus\d{4}-\d{2,4}v\d+[a-z0-9]*)-d(\d+)$")
ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
         (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


@dataclass(frozen=True)
class Citation:
    """A pasteable citation, where in the document it points, and the document's page online."""

    text: str
    document: str
    place: str | None  # "para. 3", "footnote 2", "heading", or None for the whole document
    url: str | None  # the document on history.state.gov (or wherever the graph says it is published)
    start: int | None = None
    end: int | None = None

    def to_json(self) -> dict:
        return {"text": self.text, "place": self.place, "url": self.url, "document": self.document}


@dataclass
class DocumentInfo:
    """What a citation needs to know about one document."""

    iri: str
    number: int | None
    volume: str | None  # "FRUS 1969–1976, vol. XIV"
    url: str | None
    structure: FrusDocument | None


def roman(number: int) -> str:
    """An integer as a Roman numeral (FRUS volumes are numbered so)."""
    out = []
    for value, letters in ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def full_years(first: str, last: str) -> str:
    """'1969', '76' → '1969–1976'."""
    if len(last) < 4:
        last = first[: 4 - len(last)] + last
    return f"{first}–{last}"


def volume_short(volume_id: str | None, volume_label: str | None) -> str | None:
    """'FRUS 1969–1976, vol. XIV' from the volume's label, or from its id (frus1969-76v14)."""
    found = VOLUME_LABEL.search(volume_label or "")
    if found:
        return f"FRUS {full_years(found.group(1), found.group(2))}, vol. {found.group(3).replace('Part', 'pt.')}"
    found = VOLUME_ID.match(volume_id or "")
    if found:
        first, last, number, letter, part = found.groups()
        text = f"FRUS {full_years(first, last)}, vol. {roman(int(number))}{letter.upper()}"
        return text + (f", pt. {part}" if part else "")
    return None


def paragraph_number(doc: FrusDocument, offset: int) -> int | None:
    """The 1-based number of the body paragraph holding `offset` (lines that are only a page break
    are not paragraphs), or None when the offset is not in a body paragraph."""
    count = 0
    for start, end in doc.paragraphs:
        if PAGE_MARKER.fullmatch(doc.text[start:end].strip()):
            continue
        count += 1
        if start <= offset < end or (offset == end and end > start):
            return count
    return None


def place_in(doc: FrusDocument, start: int) -> str | None:
    """Where an offset falls: 'heading', 'footnote N' or 'para. N'."""
    if start < doc.body_start:
        return "heading"
    for note in doc.footnotes:
        if note.start - 8 <= start <= note.end:
            return f"footnote {note.number}"
    number = paragraph_number(doc, start)
    return f"para. {number}" if number else None


def place_of(doc: FrusDocument, start: int, end: int | None = None) -> str | None:
    """Where a span falls: one place, or a range ('footnotes 1–4', 'paras. 2–3') when it runs over several."""
    first = place_in(doc, start)
    last = place_in(doc, max(start, end - 1)) if end is not None else first
    if first == last or last is None:
        return first
    for single, plural in (("footnote ", "footnotes "), ("para. ", "paras. ")):
        if first and first.startswith(single) and last.startswith(single):
            return f"{plural}{first[len(single):]}–{last[len(single):]}"
    return f"{first} to {last}"


class Citer:
    """Cites documents and passages of one store; remembers the documents it has read most recently
    (up to `remember`, each with its text read into paragraphs and footnotes), so that a large corpus
    served for long does not end up held in memory whole."""

    def __init__(self, kg: KnowledgeGraph, remember: int = 2048):
        self.kg = kg
        self.remember = remember
        self.documents: OrderedDict[str, DocumentInfo | None] = OrderedDict()
        self.lock = threading.Lock()  # the API cites from several threads

    def document(self, iri: str) -> DocumentInfo | None:
        """The citation data of a document, or None when the graph has no such document."""
        with self.lock:
            if iri in self.documents:
                self.documents.move_to_end(iri)
                return self.documents[iri]
        info = self.read(iri)
        self.keep({iri: info})
        return info

    def keep(self, found: dict[str, DocumentInfo | None]) -> None:
        """Remember documents read, forgetting the least recently used beyond `remember`."""
        with self.lock:
            self.documents.update(found)
            while len(self.documents) > self.remember:
                self.documents.popitem(last=False)

    def read(self, iri: str) -> DocumentInfo | None:
        return self.read_many([iri])[iri]

    def read_ahead(self, iris) -> None:
        """Read the documents not yet remembered in one query (before citing a list of passages)."""
        with self.lock:
            missing = {iri for iri in iris if iri and iri not in self.documents}
        if len(missing) > 1:
            self.keep(self.read_many(sorted(missing)))

    def read_many(self, iris: list[str]) -> dict[str, DocumentInfo | None]:
        """The citation data of documents (None for an IRI that is no document), from one query."""
        first: dict[str, dict] = {}
        for row in self.kg.select(f"""{PREFIXES}SELECT ?doc ?id ?number ?volumeId ?volumeLabel ?url ?text WHERE {{
            VALUES ?doc {{ {" ".join(term(iri, "iri") for iri in iris)} }}
            ?doc a salt:Document .
            OPTIONAL {{ ?doc dcterms:identifier ?id }}
            OPTIONAL {{ ?doc salt:documentNumber ?number }}
            OPTIONAL {{ ?doc salt:inVolume ?volume .
                       OPTIONAL {{ ?volume dcterms:identifier ?volumeId }} OPTIONAL {{ ?volume rdfs:label ?volumeLabel }} }}
            OPTIONAL {{ ?doc schema:url ?url }}
            OPTIONAL {{ ?doc salt:text ?text }}
        }}"""):
            first.setdefault(row["doc"], row)
        return {iri: info_of(iri, first[iri]) if iri in first else None for iri in iris}

    def cite(self, document: str | None, start: int | None = None, end: int | None = None) -> Citation | None:
        """The citation of a document, or of a passage of it when offsets are given."""
        info = self.document(document) if document else None
        if info is None:
            return None
        parts = [info.volume or "FRUS"]
        if info.number is not None:
            parts.append(f"doc. {info.number}")
        place = place_of(info.structure, start, end) if info.structure is not None and start is not None else None
        if place:
            parts.append(place)
        return Citation(", ".join(parts), document, place, info.url, start, end)

    def text_of(self, document: str | None, start: int | None = None, end: int | None = None) -> str | None:
        """Just the citation text (None for an unknown document)."""
        found = self.cite(document, start, end)
        return found.text if found else None


def info_of(iri: str, row: dict) -> DocumentInfo:
    """A document's citation data from its row (identifier, number, volume, URL, text)."""
    volume_id, number = row["volumeId"], row["number"]
    found = DOCUMENT_ID.match(row["id"] or iri.rsplit("/", 1)[-1])
    if found:
        volume_id = volume_id or found.group(1)
        number = number or found.group(2)
    return DocumentInfo(iri, int(number) if number else None, volume_short(volume_id, row["volumeLabel"]),
                        row["url"], structure_of(iri, row["text"]))


def structure_of(iri: str, text: str | None) -> FrusDocument | None:
    """The document's text read back into heading, paragraphs, page breaks and footnotes."""
    if not text:
        return None
    try:
        return read_text(Path(iri.rsplit("/", 1)[-1]), text)
    except ReadError:
        return None
