"""Negotiation events: stances (graph.extract.stances), deadlines and meetings, messages sent."""

from __future__ import annotations

import re
from datetime import date

from graph.extract.heading import MESSAGE_TYPES
from graph.extract.references import message_iri
from graph.extract.stances import find_stances, side_code
from graph.extract.text import SpanIndex, span, within
from graph.extract.types import DocumentInfo, Event
from graph.read.dates import DateMention
from graph.read.reader import FrusDocument
from graph.read.registry import Registry

DEADLINE = re.compile(r"(?i)\b(not later than|no later than|deadline|target date)\b")
MEETING = re.compile(r"(?i)\bmet with\b|\bmeeting\b|\bluncheon\b|\bdinner\b")


def event_dates(doc_info: DocumentInfo, kind: str, sentence_dates: list[DateMention], trigger_end: int,
                section: str, doc_id: str) -> tuple[date | None, date | None, str]:
    """An event's date: the date set (deadlines), the date written in its sentence, or the document's."""
    dated = [m for m in sentence_dates if m.value]
    if kind == "Deadline":
        chosen = next((m for m in dated if m.start >= trigger_end), None)
        if chosen:
            return chosen.value, chosen.value, f"stated: the date set (“{chosen.text}”)"
    if dated:
        chosen = dated[0]
        return chosen.value, chosen.value, f"stated in the passage (“{chosen.text}”)"
    months = [m for m in sentence_dates if m.month]
    if months:
        chosen = months[0]
        return chosen.earliest, chosen.latest, f"stated to the month in the passage (“{chosen.text}”)"
    if doc_info.not_before:
        when = doc_info.day
        earliest = doc_info.not_before if section.startswith("footnote") or not when else when
        latest = when or doc_info.not_after
        return earliest, latest, f"the date of the reporting document {doc_id}"
    return None, None, "unknown"


def extract_events(doc: FrusDocument, info: DocumentInfo, regions: list[tuple[int, int]], sentences,
                   entity_mentions, issue_mentions, dates, refs, registry: Registry) -> list[Event]:
    """Stance events clause by clause; deadlines, meetings and cited messages sentence by sentence."""
    events: list[Event] = []
    entity_mentions, issue_mentions, dates, refs = (SpanIndex(items) for items in (entity_mentions, issue_mentions,
                                                                                    dates, refs))
    for start, end in sentences:
        sentence = doc.text[start:end]
        names = within(entity_mentions, start, end)
        issues = list(dict.fromkeys(m.target for m in within(issue_mentions, start, end)))
        sentence_dates = within(dates, start, end)
        section = doc.section_of(start)
        evidence = span(doc.text, start, end)
        for ref in within(refs, start, end):
            if ref.kind == "message" and ref.dated_here:
                actors = [a for a in (ref.sender, ref.recipient) if a]
                events.append(Event("MessageSent", ref.date, ref.date, f"stated in the passage "
                                    f"({ref.date.isoformat()})", evidence, section, actors, issues, [],
                                    message=ref.target, side=side_code(registry, ref.sender)))
        for kind, pattern in (("Deadline", DEADLINE), ("Meeting", MEETING)):
            found = pattern.search(sentence)
            if not found or (kind == "Deadline" and not any(m.start - start >= found.end() for m in sentence_dates
                                                            if m.value)):
                continue
            earliest, latest, basis = event_dates(info, kind, sentence_dates, start + found.end(), section, info.id)
            actors = list(dict.fromkeys(m.target for m in names if m.kind in ("person", "organization")))
            events.append(Event(kind, earliest, latest, basis, evidence, section, actors, issues,
                                list(dict.fromkeys(m.target for m in names if m.kind == "place"))))
    for stance in find_stances(doc, info, regions, sentences, entity_mentions, issue_mentions, registry):
        clause_dates = within(dates, *stance_sentence(sentences, stance.evidence.start))
        earliest, latest, basis = event_dates(info, stance.kind, clause_dates, stance.cue_start,
                                              doc.section_of(stance.evidence.start), info.id)
        places = [m.target for m in within(entity_mentions, stance.evidence.start, stance.evidence.end)
                  if m.kind == "place"]
        events.append(Event(stance.kind, earliest, latest, basis, stance.evidence,
                            doc.section_of(stance.evidence.start), [stance.actor] if stance.actor else [],
                            stance.issues, list(dict.fromkeys(places)), side=stance.side))
    events.sort(key=lambda e: (e.evidence.start, e.evidence.end))
    if info.type in MESSAGE_TYPES and info.sender and info.not_before:
        heading = span(doc.text, doc.heading_start, doc.heading_end)
        when = info.day
        events.insert(0, Event("MessageSent", when or info.not_before, when or info.not_after,
                               f"the date of the document ({info.date_basis})", heading, "heading",
                               info.sender + info.recipients,
                               list(dict.fromkeys(m.target for m in issue_mentions)),
                               [info.recipient_location] if info.recipient_location else [],
                               message=(message_iri(registry, info.message_id, info.sender[0])
                                        if info.message_id else None),
                               side=side_code(registry, info.sender[0])))
    return events


def stance_sentence(sentences: list[tuple[int, int]], offset: int) -> tuple[int, int]:
    """The sentence holding an offset (its dates date the clauses within it)."""
    return next(((a, b) for a, b in sentences if a <= offset < b), (offset, offset))
