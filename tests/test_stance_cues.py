"""The one-pass cue regex: tried only where a word begins, it finds what the plain alternation finds."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from graph.extract.stances.cues import ALL_CUES, KIND_CUES

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
PLAIN = re.compile("|".join(f"(?P<{kind}>{pattern.pattern})" for kind, pattern in KIND_CUES), re.I)

# pieces of cues and of the text around them: words cut short, run together, with digits, underscores,
# accents, apostrophes of both kinds, quotes and brackets, in either case
PIECES = ["said", "cannot accept", "can not", "won’t", "refused", "re", "fus", "agreed", "propos", "al",
          "démarche", "demarches", "unilateral statement", "no “give”", "no give", "have not yet", "ed",
          "tabled", "outstanding issues", "point", "ed out", "view", "s", "Soviet", "US", "1971", "2", "_",
          "x", "é", "ß", "İ", "ſ", " ", "  ", "\n", ",", ".", "'", "’", "-", "(", ")", "[", "]", "“", "\""]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def found(pattern: re.Pattern, text: str, *bounds: int) -> list[tuple[int, int, str | None]]:
    return [(m.start(), m.end(), m.lastgroup) for m in pattern.finditer(text, *bounds)]


@settings(max_examples=600, deadline=None)
@given(TEXTS)
def test_the_same_cues_as_the_plain_alternation(text):
    assert found(ALL_CUES, text) == found(PLAIN, text)


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.integers(0, 60), st.integers(0, 60))
def test_the_same_cues_within_a_clause(text, start, end):
    """stance_kind searches a clause's span of the whole text: word boundaries at its ends see the text
    around it, in both patterns alike."""
    assert found(ALL_CUES, text, start, end) == found(PLAIN, text, start, end)


def test_the_same_cues_in_the_shipped_documents():
    texts = [path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.txt"))]
    assert texts
    cues = [found(ALL_CUES, text) for text in texts]
    assert cues == [found(PLAIN, text) for text in texts]
    assert sum(map(len, cues)) > 100
