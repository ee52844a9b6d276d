"""Negotiating stances at clause level, and whose stance each one is.

FRUS conventions these rules follow:
- A sentence may hold several stances; it is cut into clauses at semicolons, dashes, and at
  ", and"/", but"/", while" before a new subject. Each clause with a stance cue is its own event.
- The stance belongs to the clause's speaker, not to the document's author or to whoever reports it:
  the holder is the speaker expression nearest before the stance cue ("Smith reported on the
  continuing Soviet refusal": Soviet), except that an "I"/"we" inside speech reported from a named
  third party stays that party's ("Dobrynin said that we had to …": Dobrynin), and a stance stated
  by a reporting verb ("said", "stressed") inside reported speech stays the reporter's.
- A side named after a preposition is not a speaker ("a free ride for Soviets", "in Soviet minds"),
  except the agent of a passive ("was rejected by the Soviets").
- "I"/"we"/"our" are the document's author: its sender, else (FRUS being the U.S. record) the United
  States; "you" is the recipient; "he"/"she" the last person named before; "they"/"their" the side
  named last; a stance received ("we have received … démarche") is the other side's.
- A clause without a speaker continues the last speaker of its paragraph or footnote; with none,
  the author's voice in the body of a message, and unknown in footnotes and editorial notes.
- A stance is about the issues its clause names (or its anaphora resolves to), else its sentence's,
  else the issues its paragraph named last.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from graph.extract.heading import MESSAGE_TYPES, split_heading
from graph.extract.text import span, within
from graph.extract.types import DocumentInfo, Mention, Span
from graph.read.reader import FrusDocument
from graph.read.registry import Registry

SIDES = ("US", "USSR")
STANCE_TYPES = {"Proposal", "Agreement", "Rejection", "PositionStatement", "IssueRaised", "Demarche",
                "UnilateralStatement"}
SIDE_IRIS = {"US": "org/united-states", "USSR": "org/soviet-union"}

# Stance cues, strongest first: the first kind whose cue a clause holds is its kind.
KIND_CUES: list[tuple[str, re.Pattern]] = [(kind, re.compile(pattern, re.I)) for kind, pattern in [
    ("Demarche", r"\bd[ée]marches?\b"),
    ("UnilateralStatement", r"\bunilateral statements?\b"),
    ("Rejection", r"\b(?:cannot|can ?not|could not|couldn[’']t|will not|won[’']t|would not|wouldn[’']t|"
                  r"unable to|not (?:be )?(?:prepared|willing|able) to|refused? to|did not|does not|do not)"
                  r"(?:,? of course,?)?(?: \w+ly)? (?:yield|accept|agree|budge|go along|consider|move|"
                  r"change|give|choose)|\brefus\w*|\breject\w*|\bunacceptable\b|\bincomprehensible\b|"
                  r"\bno [“\"]?give[”\"]?|\bimpossible\b|\bobject(?:ed|ion)\b|\bturned down\b|\bdeclined\b|"
                  r"\bopposed?\b|\bout of the question\b"),
    ("Agreement", r"\b(?:agreed|accept(?:s|ed|ance)?|concur\w*|reached agreement|agreement (?:on|was reached)|"
                  r"(?:tentative|verbal) (?:\w+ )?agreement|could agree|can agree|would agree|go along with|"
                  r"same position|initiall?ed|signed)\b"),
    ("Proposal", r"\b(?:propos\w*|suggest\w*|offer\w*|tabled?|table|could we|couldn[’']t we|can we|we could|"
                 r"might we|is prepared to|are prepared to|was prepared to|were prepared to|possibilit\w+|"
                 r"compromise|formulation|outlined|wondered if|move on|major move|concession\w*|"
                 r"put forward|presented)\b"),
    ("IssueRaised", r"\b(?:listed|remaining (?:items|issues|obstacles)|outstanding (?:items|issues)|"
                    r"residual issues|raised|issues? (?:left|remaining|outstanding))\b"),
    ("PositionStatement", r"\b(?:said|says|say|stated|states|told|tells|asked|wondered|thought|thinks|"
                          r"believed?s?|felt|feels|stressed|emphasi[sz]ed|insist\w*|contend\w*|argu\w*|"
                          r"maintain\w*|claim\w*|recalled|referred|advised|confirmed|noted|noting|pointed out|"
                          r"replied|responded|explained|indicated|urged|press(?:ed|ing)? for|spoke|expressed|"
                          r"assured|alleg\w*|complain\w*|warned|position|view|anxious|favou?r\w*|prefer\w*|"
                          r"hope[sd]?|must|should|ha(?:s|ve|d) to|needs?|problem|adhere\w*|remains? valid|"
                          r"continues? to|detected|considers?|understands?|understanding|thesis|insistence|"
                          r"condition|demand\w*|intend\w*|wants?|wish\w*|ready to|willing to|solvable|"
                          r"clear that|convinced|doubt|concern\w*|no linkage|no-linkage|linked?|"
                          r"(?:has|have|had) not (?:yet )?\w+ed)\b"),
]]
ENUMERATOR = re.compile(r"(?:One|Two|Three|Four|Five|First|Second|Third|Fourth|Fifth|Finally|\(?[a-e1-5]\))[,.:)]\s",
                        re.I)
DIALOGUE = re.compile(r"[ \t]*(?P<who>(?:The |Mr\. |Dr\. |Ambassador |General Secretary |Secretary )?[A-Z][\w.’'-]*"
                      r"(?: [A-Z][\w.’'-]*){0,2}):[ \t]+(?=[A-Z“\"])")
OTHER_RECENT = 6  # clauses within which an interlocutor named stays the likely 'he'
ALL_CUES = re.compile("|".join(f"(?P<{kind}>{pattern.pattern})" for kind, pattern in KIND_CUES), re.I)
REPORTING = re.compile(r"\b(?:said|says|stated|told|asked|wondered|thought|thinks|believed?|felt|stressed|"
                       r"emphasi[sz]ed|insisted|contended|argued|maintained|claimed|recalled|referred|advised|"
                       r"confirmed|noted|noting|pointed out|replied|responded|explained|indicated|reported|"
                       r"informed|assured|alleg\w*|complained|warned|spoke|expressed|outlined|added)\b", re.I)
RECEIVED = re.compile(r"\b(?:received|receiving|got|been handed|been given|been told)\b", re.I)
NOMINAL_CUES = {"refusal", "refusals", "rejection", "give", "objection", "proposal", "proposals", "position",
                "positions", "offer", "offers", "thesis", "demand", "demands", "insistence", "concession",
                "concessions", "move", "view", "views", "formulation", "acquiescence", "condition", "démarche",
                "demarche"}
OWNED_AFTER = re.compile(r"\s+(?:on|to|in|of)\s+(?:the\s+)?(our|their|his|Soviet|U\.S\.|US|American|us|them)\b")
PREPOSITIONS = {"for", "to", "with", "from", "on", "in", "of", "about", "against", "toward", "towards", "at",
                "into", "than", "between", "among", "upon", "over", "under", "regarding", "concerning", "re",
                "like", "within", "without", "through", "via", "onto", "vis-à-vis", "before", "after"}
DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "any", "anyone", "all", "both", "each"}

SIDE_NOUNS = [(side, re.compile(pattern)) for side, pattern in [
    ("USSR", r"\b(?:Soviets?|USSR|U\.S\.S\.R\.?|Russians?|Moscow|Kremlin|Sov(?:s|iet)?[ ]?[Dd]el(?:egation)?|"
             r"SOVDEL|Sovs)\b(?: (?:side|[Dd]elegation|[Gg]overnment|leaders(?:hip)?|negotiators?|"
             r"representatives?|team))?"),
    ("US", r"\b(?:United States|U\.S\.(?! ?S\.R)|US(?!SR)|Americans?|Washington|U\.?S\.? ?Del(?:egation)?|USDEL)"
           r"(?:\b|(?<=\.))(?: (?:side|[Dd]elegation|[Gg]overnment|negotiators?|representatives?|team))?"),
]]
PRONOUNS = re.compile(r"\b(?:I|[Ww]e|[Oo]ur|[Uu]s|[Mm]y|[Mm]e|[Yy]ou|[Yy]our|[Hh]e|[Hh]is|[Hh]im|[Ss]he|[Hh]er|"
                      r"[Tt]hey|[Tt]heir|[Tt]hem)\b")
FIRST = {"i", "we", "our", "us", "my", "me"}
SECOND = {"you", "your"}
THIRD_PERSON = {"he", "his", "him", "she", "her"}
GROUP = {"they", "their", "them"}
CLAUSE_BREAK = re.compile(r";\s+|\s+[—–]\s+|—(?=\w)|,\s+(?:and|but|while|whereas)\s+(?=(?:[Hh]e|[Ss]he|[Tt]hey|[Ww]e|"
                          r"I|[Tt]he|[A-Z][a-z]+)\b)|,?\s+but\s+(?=\w)|:\s+(?=[A-Z“\"])")
LOGISTICS = re.compile(r"\b(?:lunch|luncheon|dinner|breakfast|p\.m\.|a\.m\.|o[’']clock|telephone|phone call|"
                       r"schedule[ds]?|itinerary|flight|arriv\w+|depart\w+|routing|warm regards|eyes only)\b", re.I)
CITATION_NOTE = re.compile(r"^\s*(?:Source:|Printed from|Drafted|Not found|See Document|Ibid|Document \d+|"
                           r"Tab [A-Z]|Attached|The memorandum|The telegram|No record)", re.I)
ARCHIVAL = re.compile(r"National Archives|Presidential Materials|Library|Box \d+|Files?,", re.I)


@dataclass
class Speaker:
    """A speaker expression in a clause: who it names and where."""

    start: int
    end: int
    text: str
    kind: str  # named | side | first | second | third | group
    side: str | None
    actor: str | None


@dataclass
class Stance:
    """One stance clause: its kind, span, issues, side and actor."""

    kind: str
    evidence: Span
    cue_start: int
    issues: list[str]
    side: str | None
    actor: str | None


def side_code(registry: Registry, iri: str | None) -> str | None:
    """'US' / 'USSR' for an entity whose side (or which, as a government, itself) is one of the two."""
    if not iri:
        return None
    entity = registry.entities.get(iri)
    side = iri if entity is not None and entity.is_government else (entity.side if entity else None)
    for code, relative in SIDE_IRIS.items():
        if side == registry.base_iri + relative:
            return code
    return None


def side_iri(registry: Registry, code: str | None) -> str | None:
    return registry.base_iri + SIDE_IRIS[code] if code in SIDE_IRIS else None


def other(side: str | None) -> str | None:
    return {"US": "USSR", "USSR": "US"}.get(side or "")


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A sentence cut into clauses (each at least three words long; shorter pieces join the previous)."""
    cuts = [start] + [m.end() for m in CLAUSE_BREAK.finditer(text, start, end)] + [end]
    pieces: list[tuple[int, int]] = []
    for a, b in zip(cuts, cuts[1:]):
        if pieces and len(text[a:b].split()) < 3:
            pieces[-1] = (pieces[-1][0], b)
        else:
            pieces.append((a, b))
    if len(pieces) > 1 and len(text[pieces[0][0]:pieces[0][1]].split()) < 3:
        pieces[1] = (pieces[0][0], pieces[1][1])
        pieces.pop(0)
    return [(s.start, s.end) for s in (span(text, a, b) for a, b in pieces) if s.end > s.start]


def stance_kind(text: str, start: int, end: int, matches: "TextMatches | None" = None) -> tuple[str, int, int] | None:
    """The strongest kind of stance cue in a clause and the span of the cue that carries it: the last one
    ("Kissinger suggested that the Soviets had made a major move"), or for a stated view the first.
    One pass of all the cues (the stronger kind first where two start at the same word)."""
    first: dict[str, tuple[int, int]] = {}
    last: dict[str, tuple[int, int]] = {}
    found = matches.cues(start, end) if matches else ALL_CUES.finditer(text, start, end)
    for match in found:
        kind = match.lastgroup
        first.setdefault(kind, match.span())
        last[kind] = match.span()
    for kind, _ in KIND_CUES:
        if kind in first:
            cue = first[kind] if kind == "PositionStatement" else last[kind]  # a view is stated by its first verb
            return kind, cue[0], cue[1]
    return None


def modifier_side(text: str, cue_start: int, cue_end: int, voices: "Voices") -> Speaker | None:
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


def modifier(word: str, voices: "Voices") -> tuple[str, tuple[str | None, str | None]] | None:
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


def after_preposition(text: str, start: int) -> bool:
    """True when the words before `start` are a preposition (and determiners): not a speaker."""
    words = re.findall(r"[\w’'-]+", text[max(0, start - 40):start])
    while words and words[-1].lower() in DETERMINERS:
        words.pop()
    return bool(words) and words[-1].lower() in PREPOSITIONS


class TextMatches:
    """Side nouns and pronouns found once in the whole text, handed out clause by clause."""

    def __init__(self, text: str):
        self.side_matches = sorted(((m.start(), side, m) for side, pattern in SIDE_NOUNS
                                    for m in pattern.finditer(text)), key=lambda t: t[0])
        self.side_starts = [t[0] for t in self.side_matches]
        self.pronoun_matches = list(PRONOUNS.finditer(text))
        self.pronoun_starts = [m.start() for m in self.pronoun_matches]
        self.cue_matches = list(ALL_CUES.finditer(text))
        self.cue_starts = [m.start() for m in self.cue_matches]

    def cues(self, start: int, end: int) -> list[re.Match]:
        low, high = bisect_left(self.cue_starts, start), bisect_left(self.cue_starts, end)
        return [m for m in self.cue_matches[low:high] if m.end() <= end]

    def sides(self, start: int, end: int) -> list[tuple[str, re.Match]]:
        low, high = bisect_left(self.side_starts, start), bisect_left(self.side_starts, end)
        return [(side, m) for _, side, m in self.side_matches[low:high] if m.end() <= end]

    def pronouns(self, start: int, end: int) -> list[re.Match]:
        low, high = bisect_left(self.pronoun_starts, start), bisect_left(self.pronoun_starts, end)
        return [m for m in self.pronoun_matches[low:high] if m.end() <= end]


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


def passive_agent(text: str, start: int) -> bool:
    """'rejected by (the) Soviets': the speaker after 'by' (determiners skipped) is the passive's agent."""
    words = re.findall(r"[\w’'-]+", text[max(0, start - 30):start])
    while words and words[-1].lower() in DETERMINERS:
        words.pop()
    return bool(words) and words[-1].lower() == "by"


def holder(text: str, speakers: list[Speaker], kind: str, cue: int, cue_end: int, voices: "Voices") -> Speaker | None:
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
    names = [m for m in mentions if m.kind in ("person", "organization")]
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
