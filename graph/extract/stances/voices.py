"""Speaker expressions and who 'I', 'you', 'he' and 'they' are at a point of the document."""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.extract.heading import split_heading
from graph.extract.stances.clauses import FIRST, SECOND, THIRD_PERSON, after_preposition
from graph.extract.stances.cues import TextMatches
from graph.extract.stances.sides import SIDE_NOUNS, other, side_code, side_iri
from graph.extract.types import DocumentInfo
from graph.read.registry import Registry


OTHER_RECENT = 6  # clauses within which an interlocutor named stays the likely 'he'


@dataclass
class Speaker:
    """A speaker expression in a clause: who it names and where."""

    start: int
    end: int
    text: str
    kind: str  # named | side | first | second | third | group
    side: str | None
    actor: str | None


def modifier(word: str, voices: Voices) -> tuple[str, tuple[str | None, str | None]] | None:
    """A possessive or side adjective as (kind, (side, actor)); None for any other word."""
    lowered = word.lower().rstrip(".")
    if lowered in ("our", "my", "us"):
        return "first", (voices.author_side, voices.author)
    if lowered in ("their", "them"):
        return "group", (voices.group_side(), side_iri(voices.registry, voices.group_side()))
    if lowered in ("his", "her"):
        return "third", voices.person()
    for side, pattern in SIDE_NOUNS:
        if pattern.fullmatch(word.rstrip("’'s")) or pattern.fullmatch(word):
            return "side", (side, side_iri(voices.registry, side))
    return None


class Voices:
    """Who 'I', 'you', 'he' and 'they' are at a point of the document, updated as clauses are read."""

    def __init__(self, info: DocumentInfo, registry: Registry, text: str = ""):
        self.registry = registry
        self.matches = TextMatches(text)
        self.author = info.sender[0] if info.sender else None
        self.author_side = side_code(registry, self.author) or heading_side(info.title) or "US"  # the U.S. record
        self.recipient = info.recipients[0] if info.recipients else None
        self.recipient_side = side_code(registry, self.recipient) or (self.author_side if self.recipient else None)
        self.last_person: tuple[str | None, str | None] | None = None
        self.last_other: tuple[str | None, str | None] | None = None  # the last person of the other side
        self.other_age = 0  # clauses read since then
        self.last_group: str | None = None

    def person(self) -> tuple[str | None, str | None]:
        """'He' in a U.S. record is mostly the interlocutor: the other side's person named within the last
        few clauses, else the last person named."""
        if self.last_other is not None and self.other_age <= OTHER_RECENT:
            return self.last_other
        return self.last_person or (None, None)

    def next_clause(self) -> None:
        self.other_age += 1

    def group_side(self) -> str | None:
        """'They' in an author's own words is the other party: the side named last unless that is the
        author's, whose members say 'we'."""
        if self.last_group and self.last_group != self.author_side:
            return self.last_group
        return other(self.author_side) if self.last_group else None

    def note(self, speaker: Speaker) -> None:
        """Remember a named speaker for later 'he' and 'they'."""
        if speaker.kind == "named" and speaker.actor and speaker.actor not in (self.author, self.recipient):
            entity = self.registry.entities.get(speaker.actor)
            if entity is not None and entity.kind == "person":
                self.last_person = (speaker.side, speaker.actor)
                if speaker.side and speaker.side != self.author_side:
                    self.last_other, self.other_age = self.last_person, 0
            elif speaker.side:
                self.last_group = speaker.side
        elif speaker.kind == "side" and speaker.side:
            self.last_group = speaker.side


def heading_side(title: str) -> str | None:
    """The side a heading's sender part names ('Note From the Soviet Leadership to President Nixon')."""
    sender = split_heading(title)[1]
    for side, pattern in SIDE_NOUNS:
        if any(not after_preposition(sender, m.start()) for m in pattern.finditer(sender)):
            return side  # 'the Soviet Union', not 'the Embassy in Moscow'
    return None


def pronoun_speaker(match: re.Match, word: str, voices: Voices) -> Speaker:
    """Resolve a pronoun to the author, the recipient, the last person or the last side named."""
    if word in FIRST:
        return Speaker(match.start(), match.end(), match.group(0), "first", voices.author_side, voices.author)
    if word in SECOND:
        return Speaker(match.start(), match.end(), match.group(0), "second", voices.recipient_side,
                       voices.recipient)
    if word in THIRD_PERSON:
        side, actor = voices.person()
        return Speaker(match.start(), match.end(), match.group(0), "third", side, actor)
    side = voices.group_side()
    return Speaker(match.start(), match.end(), match.group(0), "group", side, side_iri(voices.registry, side))
