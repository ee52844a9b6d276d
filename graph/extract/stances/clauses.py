"""Clauses of a sentence, pronoun classes, and the grammar words around a speaker (prepositions, 'by')."""

from __future__ import annotations

import re

from graph.extract.text import span


PREPOSITIONS = {"for", "to", "with", "from", "on", "in", "of", "about", "against", "toward", "towards", "at",
                "into", "than", "between", "among", "upon", "over", "under", "regarding", "concerning", "re",
                "like", "within", "without", "through", "via", "onto", "vis-à-vis", "before", "after"}
DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "any", "anyone", "all", "both", "each"}

PRONOUNS = re.compile(r"\b(?:I|[Ww]e|[Oo]ur|[Uu]s|[Mm]y|[Mm]e|[Yy]ou|[Yy]our|[Hh]e|[Hh]is|[Hh]im|[Ss]he|[Hh]er|"
                      r"[Tt]hey|[Tt]heir|[Tt]hem)\b")
FIRST = {"i", "we", "our", "us", "my", "me"}
SECOND = {"you", "your"}
THIRD_PERSON = {"he", "his", "him", "she", "her"}
GROUP = {"they", "their", "them"}
CLAUSE_BREAK = re.compile(r";\s+|\s+[—–]\s+|—(?=\w)|,\s+(?:and|but|while|whereas)\s+(?=(?:[Hh]e|[Ss]he|[Tt]hey|[Ww]e|"
                          r"I|[Tt]he|[A-Z][a-z]+)\b)|,?\s+but\s+(?=\w)|:\s+(?=[A-Z“\"])")


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


def after_preposition(text: str, start: int) -> bool:
    """True when the words before `start` are a preposition (and determiners): not a speaker."""
    words = re.findall(r"[\w’'-]+", text[max(0, start - 40):start])
    while words and words[-1].lower() in DETERMINERS:
        words.pop()
    return bool(words) and words[-1].lower() in PREPOSITIONS


def passive_agent(text: str, start: int) -> bool:
    """'rejected by (the) Soviets': the speaker after 'by' (determiners skipped) is the passive's agent."""
    words = re.findall(r"[\w’'-]+", text[max(0, start - 30):start])
    while words and words[-1].lower() in DETERMINERS:
        words.pop()
    return bool(words) and words[-1].lower() == "by"
