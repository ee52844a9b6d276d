"""Stance cues by kind (strongest first), the words that mark reported or received speech, and every cue,
side noun and pronoun of a text found once."""

from __future__ import annotations

import re
from bisect import bisect_left

from graph.extract.stances.clauses import PRONOUNS
from graph.extract.stances.sides import SIDE_NOUNS


STANCE_TYPES = {"Proposal", "Agreement", "Rejection", "PositionStatement", "IssueRaised", "Demarche",
                "UnilateralStatement"}

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

# Every cue begins at a word boundary with a letter, so the whole alternation is tried only there: the
# leading test rejects the other positions at once, where each alternative's own \b was tried in turn
# (2.5× faster on FRUS text, the same matches; tests/test_stance_cues.py).
CUE_START = r"\b(?=[^\W\d_])"
ALL_CUES = re.compile(CUE_START + "(?:" + "|".join(f"(?P<{kind}>{pattern.pattern})" for kind, pattern in KIND_CUES)
                      + ")", re.I)
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

LOGISTICS = re.compile(r"\b(?:lunch|luncheon|dinner|breakfast|p\.m\.|a\.m\.|o[’']clock|telephone|phone call|"
                       r"schedule[ds]?|itinerary|flight|arriv\w+|depart\w+|routing|warm regards|eyes only)\b", re.I)


def stance_kind(text: str, start: int, end: int, matches: TextMatches | None = None) -> tuple[str, int, int] | None:
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
