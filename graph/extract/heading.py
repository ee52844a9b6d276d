"""The document itself: type, sender and recipients from the heading, message number, participants."""

from __future__ import annotations

import re
from datetime import date

from graph.extract.people import BULLET, opening_block, person_slug
from graph.extract.text import span, within
from graph.extract.types import Mention, NewEntity
from graph.read.reader import FrusDocument
from graph.read.registry import Registry


DOC_TYPES = [  # first match in the title wins
    ("Backchannel Message", "BackchannelMessage"), ("Memorandum of Conversation", "MemorandumOfConversation"),
    ("Decision Memorandum", "DecisionMemorandum"), ("Telegram", "Telegram"), ("Letter", "Letter"),
    ("Minutes", "Minutes"), ("Editorial Note", "EditorialNote"), ("Transcript", "TranscriptOfConversation"),
    ("Memorandum", "Memorandum"), ("Message", "Message"), ("Note", "Memorandum"),
]

MESSAGE_TYPES = {"BackchannelMessage", "Telegram", "Letter", "Message"}

PARTICIPANTS = re.compile(r"(?m)^\s*(PARTICIPANTS|Participants|PRESENT|Present):?\s*$")


def document_type(title: str) -> str:
    return next((cls for key, cls in DOC_TYPES if key.lower() in title.lower()), "Document")


def split_heading(title: str, inside_name=lambda offset: False) -> tuple[str, str, str]:
    """Split 'TYPE From SENDER to RECIPIENT' at the first ' to ' that is not inside a name
    (a ' to ' after a parenthesised name is preferred)."""
    found = re.search(r"\bFrom\b", title)
    if not found:
        return title, "", ""
    rest = title[found.end():]
    splits = list(re.finditer(r"\)\s+to\s+", rest)) or [
        m for m in re.finditer(r"\s+to\s+", rest) if not inside_name(found.end() + m.start())]
    if not splits:
        return title[:found.start()], rest, ""
    split = splits[0]
    cut = split.start() + (1 if rest[split.start()] == ")" else 0)
    return title[:found.start()], rest[:cut], rest[split.end():]


def heading_people(doc: FrusDocument, registry: Registry, segment_start: int, segment_end: int,
                   mentions: list[Mention], on: date | None, new: list[NewEntity]) -> list[str]:
    """People a heading segment names: parenthesised names first, else names or role phrases."""
    text = doc.text
    people: list[str] = []
    for found in re.finditer(r"\(([^()]+)\)", text[segment_start:segment_end]):
        start = segment_start + found.start(1)
        for part in re.split(r",\s*|\s+and\s+", found.group(1)):
            part_start = text.find(part, start, segment_end)
            candidates = [c for c in registry.candidates(part, on) if registry.entities[c].kind == "person"]
            if candidates:
                people.append(candidates[0])
            elif part and part[0].isupper() and not re.match(r"(?:The|the)\b", part):
                known = registry.people_db.named(part, doc.volume) if registry.people_db else []
                if len(known) == 1:  # the people database names them: its IRI
                    people.append(known[0].iri)
                    continue
                iri = registry.base_iri + "person/" + person_slug(part)  # as the body's new people are minted
                people.append(iri)
                new.append(NewEntity(iri, "person", part, span(text, part_start, part_start + len(part))))
    if not people:
        named = [m for m in within(mentions, segment_start, segment_end) if m.kind != "place"]
        persons = [m.target for m in named if m.kind == "person"]
        people = persons or [m.target for m in named]
    return list(dict.fromkeys(people))


def parse_heading(doc: FrusDocument, registry: Registry, mentions: list[Mention], on: date | None,
                  new: list[NewEntity]) -> tuple[str, list[str], list[str], str | None]:
    """Document type, senders, recipients and the recipient's location from the title."""
    base = doc.heading_start
    names = [m for m in within(mentions, base, doc.heading_end)]
    kind, sender_part, recipient_part = split_heading(
        doc.title, lambda offset: any(m.start < base + offset < m.end for m in names))
    sender_start = base + doc.title.find(sender_part) if sender_part else base
    recipient_start = base + doc.title.rfind(recipient_part) if recipient_part else doc.heading_end
    senders = heading_people(doc, registry, sender_start, sender_start + len(sender_part), mentions, on, new) \
        if sender_part else []
    recipients = heading_people(doc, registry, recipient_start, doc.heading_end, mentions, on, new) \
        if recipient_part else []
    location = None
    located = re.search(r"\bin ([A-Z][\w’'-]+(?: [A-Z][\w’'-]+)?)", recipient_part)
    if located:
        places = [m for m in within(mentions, recipient_start, doc.heading_end) if m.kind == "place"]
        location = places[0].target if places else None
    return document_type(kind or doc.title), senders, recipients, location


def find_message_id(doc: FrusDocument) -> str | None:
    """The channel number a message opens with ('WH 21372.', '408.') or carries in its title."""
    titled = re.search(r"\b(?:Telegram|Message|Cable)\s+(\d{1,6})\b", doc.title)
    if titled:
        return titled.group(1)
    for start, end in doc.paragraphs[:2]:
        found = re.match(r"(WH\s?\d{3,6}|[A-Z]{2,8}\s\d{2,6}|\d{1,6})\.\s", doc.text[start:end + 1])
        if found:
            return found.group(1)
    return None


def find_participants(doc: FrusDocument, mentions: list[Mention]) -> list[str]:
    """People listed under PARTICIPANTS (memoranda of conversation, minutes)."""
    found = PARTICIPANTS.search(doc.text, doc.body_start, doc.body_end)
    if not found:
        start, end = opening_block(doc)  # minutes list those present as bullets, without a header
        if len(BULLET.findall(doc.text, start, end)) < 2:
            return []
        return list(dict.fromkeys(m.target for m in within(mentions, start, end) if m.kind == "person"))
    block = re.search(r"(?s)(.*?)(\n\s*\n(?!\s*[•·*-]))", doc.text[found.end():doc.body_end] + "\n\n")
    end = found.end() + (block.end(1) if block else 0)
    return list(dict.fromkeys(m.target for m in within(mentions, found.end(), end) if m.kind == "person"))
