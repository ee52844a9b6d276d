"""Extract facts from a FRUS document: metadata, mentions, dates, cross-references and events.

Everything here is a rule about FRUS documents in general (how headings name sender and
recipient, how footnotes cite earlier messages, how negotiators word proposals and refusals);
the curated registry supplies the names. Every fact keeps the span of text it came from.
One module per concern: types, text, mentions, heading, references, dating, events (stances and
their speakers), contract (the JSON form).
"""

from __future__ import annotations

from datetime import date

from graph.extract.contract import entity_json, to_json
from graph.extract.dating import document_date_string, find_dateline, infer_date, iso, volume_years
from graph.extract.events import extract_events
from graph.extract.heading import document_type, find_message_id, find_participants, parse_heading
from graph.extract.mentions import find_entity_mentions, find_issue_mentions, resolve_anaphora
from graph.extract.people import new_people
from graph.extract.references import find_cross_references, message_iri
from graph.extract.text import split_sentences, text_regions
from graph.extract.types import (CrossReference, DocumentInfo, Event, Extraction, KnownDate, Mention,
                                 NewEntity, Span)
from graph.read.dates import context_year, find_dates
from graph.read.reader import FrusDocument
from graph.read.registry import Registry


def extract(doc: FrusDocument, registry: Registry, known: KnownDate | None = None) -> Extraction:
    """Run every extraction step over one document (its date taken from `known` when given)."""
    registry = registry.for_volume(doc.volume)  # with the people database: its names, the volume's surnames
    warnings = list(doc.warnings)
    text = doc.text
    source = text[doc.source_note.start:doc.source_note.end] if doc.source_note else ""
    year = context_year([source, doc.title, text[doc.body_start:doc.body_end]])
    dates = find_dates(text, year, doc.heading_start, years=volume_years(doc.volume or doc.doc_id))
    warnings.extend(f"{doc.path}:{doc.line_of(m.start)}: “{m.text}” names a weekday on which that day did not "
                    f"fall in {m.value.year}" for m in dates if m.weekday_conflict)
    sentences = [s for region in text_regions(doc) for s in split_sentences(text, *region)]

    # names need a date (role phrases); message citations need names: first pass with the year.
    first_guess = date(year, 7, 1) if year else None
    provisional = find_entity_mentions(doc, registry, first_guess, None, [])
    new: list[NewEntity] = []
    kind, senders, recipients, location = parse_heading(doc, registry, provisional, first_guess, new)
    refs = find_cross_references(doc, registry, dates, provisional, sentences, senders, recipients)

    stated, place, dateline = find_dateline(doc, dates)
    if known:
        not_before, not_after, basis, evidence = known.not_before, known.not_after, known.basis, known.evidence
        place = known.place or place
    elif stated:
        not_before = not_after = stated.value or stated.earliest
        basis, evidence = f"stated in the dateline (“{dateline.text}”)", [dateline]
    else:
        not_before, not_after, basis, evidence = infer_date(doc, refs, dates, year, document_type(doc.title))
        if dateline:
            basis = f"the dateline says undated (“{dateline.text}”); " + basis
            evidence = [dateline] + evidence
    mentions = find_entity_mentions(doc, registry, not_before, not_after, warnings)
    new = []
    kind, senders, recipients, location = parse_heading(doc, registry, mentions, not_before, new)
    added, people = new_people(doc, registry, mentions)
    mentions = sorted(mentions + added, key=lambda m: m.start)
    new += [p for p in people if p.iri not in {n.iri for n in new}]
    refs = find_cross_references(doc, registry, dates, mentions, sentences, senders, recipients)
    place_iri = None
    if place:
        candidates = [c for c in registry.candidates(place, not_before) if registry.entities[c].kind == "place"]
        place_iri = candidates[0] if candidates else None

    issue_mentions = find_issue_mentions(doc, registry)
    issue_mentions = sorted(issue_mentions + resolve_anaphora(doc, sentences, issue_mentions),
                            key=lambda m: m.start)
    info = DocumentInfo(
        id=doc.doc_id, number=doc.number, title=doc.title, type=kind, message_id=find_message_id(doc),
        date=(iso(not_before) if not_before == not_after else None) if known else
        document_date_string(not_before, not_after, basis), date_basis=basis,
        not_before=not_before, not_after=not_after, date_evidence=evidence,
        sender=senders, recipients=recipients, recipient_location=location,
        participants=find_participants(doc, mentions), place=place_iri, volume=doc.volume, url=doc.url,
        source_note=source or None, classification=doc.classification)
    events = extract_events(doc, info, text_regions(doc), sentences, mentions, issue_mentions, dates, refs,
                            registry)
    if not not_before:
        warnings.append(f"{doc.path}: no date could be stated or inferred; its undated events are left out")
        events = [e for e in events if e.earliest and e.latest]
    return Extraction(doc, info, mentions + issue_mentions, dates, refs, events, new, warnings)


__all__ = ["CrossReference", "DocumentInfo", "Event", "Extraction", "KnownDate", "Mention", "NewEntity", "Span",
           "entity_json", "extract", "message_iri", "to_json"]
