"""Text units the rules work on: trimmed spans, sentences, regions, slugs."""

from __future__ import annotations

import re

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


def within(items, start: int, end: int):
    return [item for item in items if start <= item.start and item.end <= end]
