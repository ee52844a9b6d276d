"""Cross-references: cited messages (with date, sender, recipient), FRUS documents and volumes, footnotes."""

from __future__ import annotations

import re

from graph.extract.text import slug, within
from graph.extract.types import CrossReference, Mention
from graph.read.dates import DateMention
from graph.read.reader import FrusDocument
from graph.read.registry import Registry


MESSAGE_REF = re.compile(
    r"(?i)\b(?P<kind>backchannel messages?|messages?|telegrams?|cables?|letters?)\s+(?:No\.\s*)?"
    r"(?P<id>(?-i:WH)\s?\d{3,6}|(?-i:[A-Z]{2,8}(?: [A-Z]{2,8})?) \d{2,6}|\d{2,6})(?!\d)")

YOUR_REF = re.compile(r"\b[Yy]our (?P<id>(?:WH\s?)?\d{2,6})(?=[.,;:)\s]|$)")

DOCUMENT_REF = re.compile(r"\bDocuments? (?P<n>\d{1,4})(?!\d)")

FRUS_VOLUME = (r"Foreign Relations(?: of the United States)?, (?P<first>\d{4})[–-](?P<last>\d{2,4}), "
               r"[Vv]ol(?:\.|ume) (?P<vol>[IVXLC]+)\b")

FRUS_CITATION = re.compile(  # "Foreign Relations, 1969–1976, Vol. XXXII, SALT I, 1969–1972, Documents 317 and 316"
    FRUS_VOLUME + r"(?:(?P<rest>(?:(?!\.\s)[^;()])*?),? Documents? (?P<docs>\d{1,4}(?:(?:, | and |, and )\d{1,4})*))?")

FOOTNOTE_REF = re.compile(r"\b[Ff]ootnote (?P<n>\d{1,3})(?!\d)(?!,? (?:Document|thereto))")

ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def message_iri(registry: Registry, message_id: str, sender: str | None) -> str:
    """Messages with a channel prefix are unique by number; bare numbers are per sender."""
    key = slug(message_id)
    if key.isdigit() and sender:
        key = f"{sender.rstrip('/').rsplit('/', 1)[-1]}-{key}"
    return registry.base_iri + "message/" + key


def find_cross_references(doc: FrusDocument, registry: Registry, dates: list[DateMention],
                          mentions: list[Mention], sentences: list[tuple[int, int]],
                          senders: list[str], recipients: list[str]) -> list[CrossReference]:
    """Cited messages (with their date, sender and recipient where written) and documents."""
    refs: list[CrossReference] = []
    people = [m for m in mentions if m.kind == "person"]
    for start, end in sentences:
        for found in MESSAGE_REF.finditer(doc.text, start, end):
            after = doc.text[found.end():end]
            recipient = None
            to = re.match(r"\s+(?:to|for)\s+", after)
            if to:
                named = [m for m in within(people, found.end(), found.end() + 40)]
                recipient = named[0].target if named else None
            others = [m.target for m in within(people, start, end) if m.target != recipient]
            sender = others[0] if others else None
            when = next((m for m in within(dates, found.end(), min(end, found.end() + 60)) if m.value), None)
            refs.append(CrossReference(found.start(), found.end(), found.group(0),
                                       message_iri(registry, found.group("id"), sender), "message",
                                       found.group("id"), when.value if when else None, sender, recipient,
                                       dated_here=bool(when)))
        for found in YOUR_REF.finditer(doc.text, start, end):
            if any(r.start <= found.start("id") < r.end for r in refs):
                continue
            sender = recipients[0] if recipients else None
            recipient = senders[0] if senders else None
            refs.append(CrossReference(found.start(), found.end(), found.group(0),
                                       message_iri(registry, found.group("id"), sender), "message",
                                       found.group("id"), None, sender, recipient))
        refs.extend(frus_citations(doc, registry, start, end))
        for found in DOCUMENT_REF.finditer(doc.text, start, end):
            if not doc.volume or any(r.start <= found.start() < r.end for r in refs):
                continue
            number = found.group("n")
            refs.append(CrossReference(found.start(), found.end(), found.group(0),
                                       registry.base_iri + f"document/{doc.volume}-d{number}", "document",
                                       f"Document {number}"))
        for found in FOOTNOTE_REF.finditer(doc.text, start, end):
            refs.append(CrossReference(found.start(), found.end(), found.group(0),
                                       registry.base_iri + f"document/{doc.doc_id}", "footnote",
                                       f"footnote {found.group('n')}"))
    return merge_message_dates(refs)


def roman(numeral: str) -> int:
    values = [ROMAN[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def frus_citations(doc: FrusDocument, registry: Registry, start: int, end: int) -> list[CrossReference]:
    """Citations of FRUS volumes ('Foreign Relations, 1969–1976, Vol. XV, …'), with any documents named."""
    refs = []
    for found in FRUS_CITATION.finditer(doc.text, start, end):
        last = found.group("last")
        volume = f"frus{found.group('first')}-{last[-2:]}v{roman(found.group('vol'))}"
        if not found.group("docs"):
            refs.append(CrossReference(found.start(), found.end(), found.group(0),
                                       registry.base_iri + f"volume/{volume}", "volume", volume))
            continue
        for number in re.finditer(r"\d+", found.group("docs")):
            refs.append(CrossReference(found.start(), found.end(), found.group(0),
                                       registry.base_iri + f"document/{volume}-d{number.group(0)}", "document",
                                       f"{volume}, Document {number.group(0)}"))
    return refs


def merge_message_dates(refs: list[CrossReference]) -> list[CrossReference]:
    """A message cited twice ('your 408' and 'message 408 …, May 19') shares what each knows."""
    by_target: dict[str, CrossReference] = {}
    for ref in refs:
        known = by_target.setdefault(ref.target, ref)
        if known is not ref:
            known.date = known.date or ref.date
            ref.date = ref.date or known.date
    return refs
