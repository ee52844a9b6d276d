"""Negotiation events: stance triggers per sentence, their actors and dates; messages sent."""

from __future__ import annotations

import re
from datetime import date

from graph.extract.heading import MESSAGE_TYPES
from graph.extract.references import message_iri
from graph.extract.text import span, within
from graph.extract.types import DocumentInfo, Event, Mention
from graph.read.dates import DateMention
from graph.read.reader import FrusDocument
from graph.read.registry import Registry


TRIGGERS: list[tuple[str, re.Pattern]] = [(name, re.compile(pattern)) for name, pattern in [
    ("Demarche", r"(?i)d[ée]marche"),
    ("Deadline", r"(?i)\b(not later than|no later than|deadline|target date)\b"),
    ("UnilateralStatement", r"(?i)\bunilateral statements?\b"),
    ("Rejection", r"(?i)\b(cannot|can not|could not|will not|would not|won[’']t)(,? of course,?)? "
                  r"(yield|accept|agree|budge)|\brefus|\breject|\bunacceptable\b|\bincomprehensible\b|"
                  r"\bno [“\"]?give[”\"]?"),
    ("Agreement", r"(?i)\b(agreed|reached agreement|signed|initialed)\b"),
    ("Proposal", r"(?i)\bpropos|\bcould we say\b|\bwe could (say|reach|offer|agree)\b|\bsuggest|\boffer|"
                 r"\btabled?\b|\bcompromise\b|\bformulation\b"),
    ("IssueRaised", r"(?i)\blisted\b|\bremaining (items|issues|obstacles)\b|\boutstanding issues\b|"
                    r"\bresidual issues\b|\braised\b"),
    ("PositionStatement", r"(?i)\binsist|\bcontend|\bpress(ed)? for\b|\bstated\b|\bsaid\b|\breported\b|"
                          r"\bstressed\b|\bmaintain|\bargued\b|\bposition\b"),
    ("Meeting", r"(?i)\bmet with\b|\bmeeting\b|\bluncheon\b|\bdinner\b"),
]]

NEEDS_NO_ISSUE = {"Demarche", "Deadline", "Meeting"}

FIRST_PERSON = re.compile(r"\b(I|we|We|us|our|Our)\b")

SECOND_PERSON_CUE = re.compile(r"\byou\s+\w*\s*$")


def classify(sentence: str, has_issue: bool, has_date_after) -> tuple[str, re.Match] | None:
    """The first event type whose trigger occurs in the sentence (and whose needs are met)."""
    for name, pattern in TRIGGERS:
        found = pattern.search(sentence)
        if not found:
            continue
        if name == "Deadline" and not has_date_after(found.end()):
            continue
        if name not in NEEDS_NO_ISSUE and not has_issue:
            continue
        return name, found
    return None


def sentence_actors(doc: FrusDocument, sentence: str, start: int, trigger: re.Match,
                    mentions: list[Mention], senders: list[str], recipients: list[str]) -> list[str]:
    """Named people and organisations of the sentence, plus the sender for 'I'/'we' and the
    recipient when the trigger is 'you suggest' / 'you propose'."""
    actors = [m.target for m in mentions if m.kind in ("person", "organization")]
    if SECOND_PERSON_CUE.search(sentence[:trigger.start()]):
        actors = recipients + actors
    elif FIRST_PERSON.search(re.sub(r"“[^”]*”", "", sentence)) and doc.section_of(start) == "body":
        actors = senders + actors
    return list(dict.fromkeys(actors))


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
        when = date.fromisoformat(doc_info.date) if doc_info.date and len(doc_info.date) == 10 else None
        earliest = doc_info.not_before if section.startswith("footnote") or not when else when
        latest = when or doc_info.not_after
        return earliest, latest, f"the date of the reporting document {doc_id}"
    return None, None, "unknown"


def extract_events(doc: FrusDocument, info: DocumentInfo, sentences, entity_mentions, issue_mentions,
                   dates, refs, registry: Registry) -> list[Event]:
    """One event per sentence with a trigger, plus a MessageSent event per dated cited message."""
    events: list[Event] = []
    for start, end in sentences:
        sentence = doc.text[start:end]
        names = within(entity_mentions, start, end)
        issues = list(dict.fromkeys(m.target for m in within(issue_mentions, start, end)))
        places = list(dict.fromkeys(m.target for m in names if m.kind == "place"))
        sentence_dates = within(dates, start, end)
        section = doc.section_of(start)
        evidence = span(doc.text, start, end)
        for ref in within(refs, start, end):
            if ref.kind == "message" and ref.dated_here:
                actors = [a for a in (ref.sender, ref.recipient) if a]
                events.append(Event("MessageSent", ref.date, ref.date, f"stated in the passage "
                                    f"({ref.date.isoformat()})", evidence, section, actors, issues, [],
                                    message=ref.target))
        found = classify(sentence, bool(issues),
                         lambda offset: any(m.start - start >= offset for m in sentence_dates if m.value))
        if not found:
            continue
        kind, trigger = found
        earliest, latest, basis = event_dates(info, kind, sentence_dates, start + trigger.end(), section, info.id)
        actors = sentence_actors(doc, sentence, start, trigger, names, info.sender, info.recipients)
        events.append(Event(kind, earliest, latest, basis, evidence, section, actors, issues, places))
    if info.type in MESSAGE_TYPES and info.sender and info.not_before:
        heading = span(doc.text, doc.heading_start, doc.heading_end)
        when = date.fromisoformat(info.date) if info.date and len(info.date) == 10 else None
        events.insert(0, Event("MessageSent", when or info.not_before, when or info.not_after,
                               f"the date of the document ({info.date_basis})", heading, "heading",
                               info.sender + info.recipients,
                               list(dict.fromkeys(m.target for m in issue_mentions)),
                               [info.recipient_location] if info.recipient_location else [],
                               message=(message_iri(registry, info.message_id, info.sender[0])
                                        if info.message_id else None)))
    return events
