"""Text units the rules work on: trimmed spans, sentences, regions, slugs."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import accumulate

from graph.extract.types import Span
from graph.read.reader import FrusDocument


ABBREVIATIONS = {"U.S", "Dr", "Mr", "Mrs", "Gen", "Lt", "Col", "Adm", "No", "Nos", "p.m", "a.m", "St",
                 "Amb", "Sen", "Rep", "Gov", "Jr", "Sr", "Vol", "Doc", "i.e", "e.g", "cf", "U.S.S.R", "Ibid"}

SENTENCE_END = re.compile(r"[.!?][”’\"')]?\d{0,2}(?=\s+[A-Z“\"(\[])")


def span(text: str, start: int, end: int) -> Span:
    """A Span with its quote, trimmed of surrounding white space."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end, text[start:end])


def slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def text_regions(doc: FrusDocument) -> list[tuple[int, int]]:
    """Body paragraphs and footnote texts: the regions in which sentences are found."""
    return list(doc.paragraphs) + [(note.start, note.end) for note in doc.footnotes]


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans within [start, end), not splitting after common abbreviations."""
    sentences, cursor = [], start
    for found in SENTENCE_END.finditer(text, start, end):
        word = re.search(r"([\w.]+)\.?$", text[max(start, found.start() - 12):found.start() + 1])
        token = word.group(1).rstrip(".") if word else ""
        if token in ABBREVIATIONS or (len(token) == 1 and token.isupper()):
            continue
        sentences.append((cursor, found.end()))
        cursor = found.end()
    if cursor < end:
        sentences.append((cursor, end))
    return [(s.start, s.end) for s in (span(text, a, b) for a, b in sentences) if s.end > s.start]


class SpanIndex(list):
    """A list of items with .start and .end that also answers `within` by bisection on the starts
    (same items, same order as scanning the list)."""

    def __init__(self, items=()):
        super().__init__(items)
        order = sorted(range(len(self)), key=lambda i: self[i].start)
        self.order = order
        self.starts = [self[i].start for i in order]

    def within(self, start: int, end: int) -> list:
        low, high = bisect_left(self.starts, start), bisect_right(self.starts, end)
        if high - low > 1:
            positions = sorted(i for i in self.order[low:high] if self[i].end <= end)
        else:
            positions = [i for i in self.order[low:high] if self[i].end <= end]
        return [self[i] for i in positions]


class Overlaps:
    """Spans (start, end) that answer 'does any of them overlap [start, end)?' by bisection."""

    def __init__(self, spans):
        ordered = sorted(spans)
        self.starts = [start for start, _ in ordered]
        self.reach = list(accumulate((end for _, end in ordered), max))  # the furthest end so far

    def overlap(self, start: int, end: int) -> bool:
        before = bisect_left(self.starts, end)  # the spans starting before `end`
        return before > 0 and self.reach[before - 1] > start


def within(items, start: int, end: int) -> list:
    """The items lying inside [start, end), in the list's order."""
    if isinstance(items, SpanIndex):
        return items.within(start, end)
    return [item for item in items if start <= item.start and item.end <= end]
