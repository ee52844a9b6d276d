"""The document reader: a FRUS document as text a historian reads, with what was extracted marked in place.

The stored text is read back into heading, paragraphs, page breaks and footnotes (graph.read.reader);
each block is rendered on its own, with footnote calls as superscript links ("(Smith)" + ¹), page
breaks as markers, and every extracted mention and stance as an element over its exact span (its id
`passage-START-END` is what `#passage-…` links scroll to). Text reaches HTML only through `escape`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from markupsafe import Markup

from graph.read.reader import PAGE_MARKER, FrusDocument


@dataclass(eq=False)
class Mark:
    """One extracted span to highlight: a mention (a link to what it names) or a stance/event."""

    start: int
    end: int
    kind: str  # mention | stance | date
    side: str  # us | ussr | unknown
    title: str  # the tooltip: what was extracted and its citation
    href: str | None = None

    @property
    def anchor(self) -> str:
        return f"passage-{self.start}-{self.end}"


@dataclass
class Token:
    """A piece of the text shown differently: a footnote call or a page-break marker."""

    start: int
    end: int
    html: str


@dataclass
class Block:
    """A heading, paragraph, page break or footnote, rendered."""

    kind: str  # heading | paragraph | page | footnote
    html: Markup
    number: int | None = None
    page: str | None = None
    start: int = 0
    end: int = 0


@dataclass
class Rendered:
    heading: Block | None
    body: list[Block] = field(default_factory=list)
    footnotes: list[Block] = field(default_factory=list)


def tokens_of(doc: FrusDocument) -> list[Token]:
    """Footnote calls and page markers, each with the HTML that replaces it."""
    found = []
    for note in doc.footnotes:
        if note.call is not None:
            digits = str(note.number)
            found.append(Token(note.call, note.call + len(digits),
                               f'<sup class="fn-call"><a href="#fn-{note.number}" id="fn-call-{note.number}" '
                               f'aria-label="footnote {note.number}">{digits}</a></sup>'))
    for match in PAGE_MARKER.finditer(doc.text):
        found.append(Token(match.start(), match.end(),
                           f'<span class="page-break" role="note">page {escape(match.group(1))}</span>'))
    return sorted(found, key=lambda t: t.start)


def render_span(text: str, start: int, end: int, marks: list[Mark], tokens: list[Token], anchors: set[str]) -> Markup:
    """The HTML of text[start:end] with marks nested (split where they cross) and tokens replaced."""
    inside = [m for m in marks if m.start < end and m.end > start and m.end > m.start]
    inside.sort(key=lambda m: (max(m.start, start), -min(m.end, end)))
    local_tokens = [t for t in tokens if t.start >= start and t.end <= end]
    points = sorted({start, end} | {max(m.start, start) for m in inside} | {min(m.end, end) for m in inside}
                    | {t.start for t in local_tokens} | {t.end for t in local_tokens})
    out: list[str] = []
    stack: list[Mark] = []
    pending = list(inside)
    for here, following in zip(points, points[1:] + [None]):
        closing = [m for m in stack if min(m.end, end) <= here]
        if closing:
            depth = min(i for i, m in enumerate(stack) if any(m is c for c in closing))
            reopen = [m for m in stack[depth:] if not any(m is c for c in closing)]
            for m in reversed(stack[depth:]):
                out.append(close_tag(m, stack))
                stack.pop()
            for m in reopen:
                out.append(open_tag(m, stack, anchors))
                stack.append(m)
        while pending and max(pending[0].start, start) == here:
            m = pending.pop(0)
            if min(m.end, end) > here:
                out.append(open_tag(m, stack, anchors))
                stack.append(m)
        if following is None:
            break
        token = next((t for t in local_tokens if t.start == here and t.end == following), None)
        out.append(token.html if token else escape(text[here:following]))
    for m in reversed(stack):
        out.append(close_tag(m, stack))
    return Markup("".join(out))


def open_tag(mark: Mark, stack: list[Mark], anchors: set[str]) -> str:
    """The opening tag of a mark: a link for a mention not already inside a link, else a <mark>."""
    ident = ""
    if mark.anchor not in anchors:
        anchors.add(mark.anchor)
        ident = f' id="{mark.anchor}"'
    attrs = (f'{ident} class="x-{mark.kind} side-{mark.side}" data-passage="{mark.anchor}" '
             f'title="{escape(mark.title)}"')
    if is_link(mark, stack):
        return f'<a href="{escape(mark.href)}"{attrs}>'
    return f"<mark{attrs}>"


def close_tag(mark: Mark, stack: list[Mark]) -> str:
    index = next((i for i, m in enumerate(stack) if m is mark), len(stack))
    below = stack[:index]
    return "</a>" if is_link(mark, below) else "</mark>"


def is_link(mark: Mark, enclosing: list[Mark]) -> bool:
    return bool(mark.href) and mark.kind == "mention" and not any(is_link(m, []) for m in enclosing if m is not mark)


def render_document(doc: FrusDocument, marks: list[Mark]) -> Rendered:
    """The document as blocks: its heading, body paragraphs and page breaks, and its footnotes apart."""
    tokens = tokens_of(doc)
    anchors: set[str] = set()
    marks = unique(marks)
    heading = Block("heading", render_span(doc.text, doc.heading_start, heading_end(doc), marks, tokens, anchors),
                    start=doc.heading_start, end=heading_end(doc))
    rendered = Rendered(heading)
    for start, end in doc.paragraphs:
        alone = PAGE_MARKER.fullmatch(doc.text[start:end].strip())
        if alone:
            rendered.body.append(Block("page", Markup(""), page=alone.group(1)))
            continue
        rendered.body.append(Block("paragraph", render_span(doc.text, start, end, marks, tokens, anchors),
                                   start=start, end=end))
    for note in doc.footnotes:
        rendered.footnotes.append(Block("footnote", render_span(doc.text, note.start, note.end, marks, tokens, anchors),
                                        number=note.number, start=note.start, end=note.end))
    return rendered


def unique(marks: list[Mark]) -> list[Mark]:
    """One mark per span, kind and target (the graph may hold the same mention twice)."""
    seen, kept = set(), []
    for mark in marks:
        key = (mark.start, mark.end, mark.kind, mark.href, mark.title)
        if key not in seen:
            seen.add(key)
            kept.append(mark)
    return kept


def heading_end(doc: FrusDocument) -> int:
    """The end of the heading line, so the source note's call is rendered as a call too."""
    line_end = doc.text.find("\n", doc.heading_start)
    return line_end if line_end != -1 else len(doc.text)
