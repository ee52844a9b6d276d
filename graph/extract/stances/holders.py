"""Whose stance a clause is: its speakers, the owner of a nominal cue, the reported-speech exceptions,
the agent of a passive, and the speaker of a dialogue paragraph."""

from __future__ import annotations

import re

from graph.extract.stances.clauses import after_preposition, passive_agent
from graph.extract.stances.cues import NOMINAL_CUES, OWNED_AFTER, RECEIVED, REPORTING
from graph.extract.stances.sides import SIDE_NOUNS, side_code, side_iri
from graph.extract.stances.voices import Speaker, Voices, modifier, pronoun_speaker
from graph.extract.types import Mention
from graph.read.reader import FrusDocument
from graph.read.registry import Registry


DIALOGUE = re.compile(r"[ \t]*(?P<who>(?:The |Mr\. |Dr\. |Ambassador |General Secretary |Secretary )?[A-Z][\w.’'-]*"
                      r"(?: [A-Z][\w.’'-]*){0,2}):[ \t]+(?=[A-Z“\"])")


def modifier_side(text: str, cue_start: int, cue_end: int, voices: Voices) -> Speaker | None:
    """The side owning a nominal cue: 'Soviet refusal', 'our proposal', 'their SL position', 'no give on
    their position', or the one it is unacceptable 'to us'."""
    word = text[cue_start:cue_end].lower()
    if word.strip() and word.split()[-1].strip("“”\"") in NOMINAL_CUES:
        before = text[max(0, cue_start - 50):cue_start]
        words = list(re.finditer(r"[\w.’'-]+", before))[-4:]
        for match in reversed(words):
            found = modifier(match.group(0), voices)
            if found:
                return Speaker(cue_start, cue_end, match.group(0), found[0], found[1][0], found[1][1])
    following = OWNED_AFTER.match(text, cue_end)
    if following:
        found = modifier(following.group(1), voices)
        if found:
            return Speaker(cue_start, cue_end, following.group(1), found[0], found[1][0], found[1][1])
    return None


def speakers_in(doc: FrusDocument, start: int, end: int, names: list[Mention], voices: Voices) -> list[Speaker]:
    """Speaker expressions of a clause in text order: named people and bodies, sides, pronouns."""
    text, registry = doc.text, voices.registry
    found: list[Speaker] = []
    taken: list[tuple[int, int]] = []
    for mention in names:
        if mention.kind in ("person", "organization") and not after_preposition(text, mention.start):
            found.append(Speaker(mention.start, mention.end, mention.text, "named",
                                 side_code(registry, mention.target), mention.target))
        taken.append((mention.start, mention.end))
    for side, match in voices.matches.sides(start, end):
        if any(a <= match.start() < b for a, b in taken) or after_preposition(text, match.start()):
            continue
        found.append(Speaker(match.start(), match.end(), match.group(0), "side", side,
                             side_iri(registry, side)))
    for match in voices.matches.pronouns(start, end):
        word = match.group(0).lower()
        if after_preposition(text, match.start()) or word in ("us", "me", "him", "them", "her", "our", "their",
                                                                "his", "your", "my"):
            continue  # object and possessive forms are not speakers (possessives own nominal cues instead)
        found.append(pronoun_speaker(match, word, voices))
    return resolve_in_clause(sorted(found, key=lambda s: s.start))


def resolve_in_clause(speakers: list[Speaker]) -> list[Speaker]:
    """'the Soviets said they …', 'Semenov said he …': a pronoun takes the clause's own earlier antecedent."""
    for index, speaker in enumerate(speakers):
        earlier = speakers[:index]
        if speaker.kind == "group":
            antecedent = next((s for s in reversed(earlier) if s.kind == "side" or (
                s.kind == "named" and s.actor and "/person/" not in s.actor)), None)
        elif speaker.kind == "third":
            antecedent = next((s for s in reversed(earlier) if s.kind == "named" and s.actor and "/person/" in s.actor),
                              None)
        else:
            continue
        if antecedent is not None:
            speaker.side, speaker.actor = antecedent.side, antecedent.actor
    return [s for s in speakers if s.side or s.kind in ("third", "group")]


def named_in(doc: FrusDocument, start: int, end: int, names: list[Mention], voices: Voices) -> list[Speaker]:
    """Every person or body the clause names, speaker or not: antecedents for a later 'he' or 'they'."""
    named = [Speaker(m.start, m.end, m.text, "named", side_code(voices.registry, m.target), m.target) for m in names]
    named.extend(Speaker(m.start(), m.end(), m.group(0), "side", side, side_iri(voices.registry, side))
                 for side, m in voices.matches.sides(start, end))
    return sorted(named, key=lambda s: s.start)


def reporting_speaker(text: str, speakers: list[Speaker], limit: int) -> Speaker | None:
    """The last speaker before `limit` followed within a few words by a reporting verb ('X said')."""
    chosen = None
    for speaker in speakers:
        if speaker.start >= limit:
            break
        verb = REPORTING.search(text, speaker.end, min(limit, speaker.end + 60))
        if verb and len(text[speaker.end:verb.start()].split()) <= 6 and speaker.kind != "group":
            chosen = speaker
    return chosen


def holder(text: str, speakers: list[Speaker], kind: str, cue: int, cue_end: int, voices: Voices) -> Speaker | None:
    """Whose stance the cue at `cue` is: its owner when the cue is a noun ('Soviet refusal'), else the
    nearest speaker before it, with the reported-speech exceptions (None when no speaker precedes it)."""
    owner = modifier_side(text, cue, cue_end, voices)
    if owner is not None and owner.side:
        return owner
    agent = next((s for s in speakers if cue < s.start <= cue_end + 30 and passive_agent(text, s.start)), None)
    if agent is not None:
        return agent  # "was rejected by the Soviets": the agent's stance, whatever precedes it
    before = [s for s in speakers if s.start < cue]
    if not before:
        return None
    nearest = before[-1]
    reporter = reporting_speaker(text, before, nearest.start)
    if reporter is not None and reporter.kind in ("named", "side", "third") and nearest.kind == "first":
        return reporter  # "Dobrynin said that we had to …": still Dobrynin's
    if reporter is not None and kind == "PositionStatement" and nearest.kind in ("named", "side") \
            and reporter.side and reporter.side != nearest.side:
        return reporter  # a reported view of the other side's conduct is the reporter's view
    return nearest


def received_stance(text: str, start: int, cue: int, speakers: list[Speaker]) -> bool:
    """'We have just received strong démarche …': the stance is the sender's, not the receiver's."""
    verb = RECEIVED.search(text, start, cue)
    return bool(verb) and any(s.kind == "first" and s.start < verb.start() for s in speakers)


def dialogue_speaker(doc: FrusDocument, start: int, names: list[Mention],
                     registry: Registry) -> tuple[str | None, str] | None:
    """The speaker of a paragraph written as dialogue ('Brezhnev: We cannot …', 'The President: …'):
    there "I" and "we" are the speaker's, not the record's author's."""
    found = DIALOGUE.match(doc.text, start)
    if not found:
        return None
    named = [m for m in names if start <= m.start and m.end <= found.end("who")]
    if named:
        side = side_code(registry, named[0].target)
        return (named[0].target, side) if side else None
    for side, pattern in SIDE_NOUNS:
        if pattern.search(found.group("who")):
            return side_iri(registry, side), side
    return None
