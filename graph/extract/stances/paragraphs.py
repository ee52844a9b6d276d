"""The stances of a document, paragraph by paragraph: each clause judged in order, its holder carried on."""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.extract.heading import MESSAGE_TYPES
from graph.extract.stances.clauses import PRONOUNS, clauses
from graph.extract.stances.cues import ENUMERATOR, LOGISTICS, stance_kind
from graph.extract.stances.holders import dialogue_speaker, holder, named_in, received_stance, speakers_in
from graph.extract.stances.sides import other, side_iri
from graph.extract.stances.voices import Speaker, Voices
from graph.extract.text import SpanIndex, span, within
from graph.extract.types import DocumentInfo, Mention, Span
from graph.read.reader import FrusDocument
from graph.read.registry import Registry


CITATION_NOTE = re.compile(r"^\s*(?:Source:|Printed from|Drafted|Not found|See Document|Ibid|Document \d+|"
                           r"Tab [A-Z]|Attached|The memorandum|The telegram|No record)", re.I)
ARCHIVAL = re.compile(r"National Archives|Presidential Materials|Library|Box \d+|Files?,", re.I)


@dataclass
class Stance:
    """One stance clause: its kind, span, issues, side and actor."""

    kind: str
    evidence: Span
    cue_start: int
    issues: list[str]
    side: str | None
    actor: str | None


def is_stance_region(doc: FrusDocument, start: int, end: int) -> bool:
    """Body paragraphs and footnotes that report something; not source notes or archival citations."""
    section = doc.section_of(start)
    if section == "heading":
        return False
    if section.startswith("footnote"):
        text = doc.text[start:end]
        return not CITATION_NOTE.match(text) and not (ARCHIVAL.search(text) and len(text) < 400)
    return True


def stances_in_paragraph(doc: FrusDocument, info: DocumentInfo, sentences: list[tuple[int, int]],
                         names: list[Mention], issues: list[Mention], voices: Voices) -> list[Stance]:
    """The stances of one paragraph or footnote, each clause judged in order."""
    text = doc.text
    found: list[Stance] = []
    carried: Speaker | None = None
    default_side = voices.author_side if (doc.section_of(sentences[0][0]) == "body"
                                          and info.type in MESSAGE_TYPES | {"Memorandum", "DecisionMemorandum"}) \
        else None
    topic: list[str] = []  # the issues the paragraph last named: what a clause naming none is about
    for sentence_start, sentence_end in sentences:
        sentence_issues = list(dict.fromkeys(m.target for m in within(issues, sentence_start, sentence_end)))
        for start, end in clauses(text, sentence_start, sentence_end):
            speakers = speakers_in(doc, start, end, within(names, start, end), voices)
            judged = stance_kind(text, start, end, voices.matches)
            clause_issues = list(dict.fromkeys(m.target for m in within(issues, start, end)))
            if judged is None and found and ENUMERATOR.match(text, start):
                judged = (found[-1].kind, start, start)  # "Three, that we would …": the listed item goes on
            elif judged is None and clause_issues and not LOGISTICS.search(text, start, end):
                judged = ("PositionStatement", start, start)  # a telegraphic statement on an issue
            if judged and is_stance(text, start, end, judged[0], speakers, clause_issues):
                kind, cue, cue_end = judged
                chosen = holder(text, speakers, kind, cue, cue_end, voices) or carried
                side = chosen.side if chosen else default_side
                actor = chosen.actor if chosen else (voices.author if default_side else None)
                if received_stance(text, start, cue, speakers):
                    side, actor = other(voices.author_side), side_iri(voices.registry, other(voices.author_side))
                found.append(Stance(kind, span(text, start, end), cue, clause_issues or sentence_issues or topic,
                                    side, actor))
                if chosen is not None and chosen.kind in ("named", "side", "third", "first"):
                    carried = chosen
            topic = clause_issues or topic
            voices.next_clause()
            for speaker in speakers + named_in(doc, start, end, within(names, start, end), voices):
                voices.note(speaker)
    return found


def is_stance(text: str, start: int, end: int, kind: str, speakers: list[Speaker], issues: list[str]) -> bool:
    """A cue makes a stance when the clause is about the negotiation: it names an issue or a speaker,
    and it is not logistics."""
    if LOGISTICS.search(text, start, end) and not issues:
        return False
    if kind in ("Demarche", "UnilateralStatement", "Rejection", "Agreement", "Proposal", "IssueRaised"):
        return bool(issues or speakers)
    return bool(issues) or bool(speakers) or bool(PRONOUNS.search(text, start, end))


def find_stances(doc: FrusDocument, info: DocumentInfo, regions: list[tuple[int, int]],
                 sentences: list[tuple[int, int]], mentions: list[Mention], issues: list[Mention],
                 registry: Registry) -> list[Stance]:
    """Every stance clause of the document, paragraph by paragraph (footnotes after the body)."""
    voices = Voices(info, registry, doc.text)
    names = SpanIndex(m for m in mentions if m.kind in ("person", "organization"))
    issues = SpanIndex(issues)
    found: list[Stance] = []
    for start, end in regions:
        if not is_stance_region(doc, start, end):
            continue
        inside = [s for s in sentences if start <= s[0] and s[1] <= end]
        if not inside:
            continue
        speaker = dialogue_speaker(doc, start, names, registry)
        if speaker is None:
            found.extend(stances_in_paragraph(doc, info, inside, names, issues, voices))
            continue
        saved = (voices.author, voices.author_side, voices.recipient, voices.recipient_side)
        voices.author, voices.author_side = speaker
        voices.recipient, voices.recipient_side = None, other(speaker[1])
        found.extend(stances_in_paragraph(doc, info, inside, names, issues, voices))
        voices.author, voices.author_side, voices.recipient, voices.recipient_side = saved
    return found
