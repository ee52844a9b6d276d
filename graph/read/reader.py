"""Read a FRUS document in plain text (as copied from history.state.gov).

The layout: a heading line ``N. Title`` with the first footnote call glued to its end, body
paragraphs with ``[Page N]`` markers and footnote calls glued to the word or number before them
(``your 408.2``), then numbered footnotes (``  1. Source: …``). Offsets are indices into the
text as read (line endings normalised to ``\\n``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

HEADING = re.compile(r"^(\d{1,4})\.\s+(\S.*?)\s*$")
FOOTNOTE_LINE = re.compile(r"^[ \t]*(\d{1,3})\.[ \t]+(\S.*)$")
PAGE_MARKER = re.compile(r"\[Page (\d+|[IVXLC]+)\]")
CLASSIFICATION = re.compile(
    r"\b(Top Secret|Secret|Confidential|Limited Official Use|Unclassified|No classification marking)"
    r"[^.]*\.")
# A footnote call is a number glued to the end of a word, a closing quote/paren or punctuation.
CALL_BEFORE = set(".,;:”’\")]") | {chr(c) for c in range(ord("a"), ord("z") + 1)} | {
    chr(c) for c in range(ord("A"), ord("Z") + 1)}
DOC_ID = re.compile(r"(frus\d{4}-\d{2,4}v\d+[a-z0-9]*)-d(\d+)")


class ReadError(Exception):
    """A document that cannot be read; names the file and, where it applies, the line."""

    def __init__(self, path: Path | str, message: str, line: int | None = None):
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Footnote:
    """A numbered footnote: its number, the span of its text, its line, and where it is called."""

    number: int
    start: int
    end: int
    line: int
    call: int | None = None  # offset of the call's first digit in the text


@dataclass
class FrusDocument:
    """A FRUS document as read: the text and the structure found in it."""

    path: Path
    doc_id: str
    text: str
    number: int
    title: str
    heading_start: int
    heading_end: int  # end of the title, before any footnote call
    body_start: int
    body_end: int
    footnotes: list[Footnote] = field(default_factory=list)
    pages: list[tuple[str, int]] = field(default_factory=list)
    paragraphs: list[tuple[int, int]] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def volume(self) -> str | None:
        return self.metadata.get("volume")

    @property
    def url(self) -> str | None:
        if self.metadata.get("url"):
            return self.metadata["url"]
        if self.volume:
            return f"https://history.state.gov/historicaldocuments/{self.volume}/d{self.number}"
        return None

    @property
    def source_note(self) -> Footnote | None:
        first = self.footnotes[0] if self.footnotes else None
        if first and first.number == 1 and self.text[first.start:first.end].startswith("Source:"):
            return first
        return None

    @property
    def classification(self) -> str | None:
        note = self.source_note
        if not note:
            return None
        found = CLASSIFICATION.search(self.text, note.start, note.end)
        return found.group(0).rstrip(".") if found else None

    def footnote(self, number: int) -> Footnote | None:
        return next((f for f in self.footnotes if f.number == number), None)

    def section_of(self, offset: int) -> str:
        """Name the part of the document an offset falls in: heading, body or footnote N."""
        if offset < self.body_start:
            return "heading"
        for note in self.footnotes:
            if note.start - 8 <= offset <= note.end:
                return f"footnote {note.number}"
        return "body"

    def line_of(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1


def decode_text(path: Path, raw: bytes) -> str:
    """Decode UTF-8 bytes, rejecting empty, binary and non-UTF-8 input with a precise message."""
    if not raw.strip():
        raise ReadError(path, "empty file: no text to read")
    if b"\x00" in raw[:8192]:
        raise ReadError(path, "binary file (NUL bytes): expected UTF-8 plain text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise ReadError(path, f"not UTF-8: byte 0x{raw[err.start]:02x} at offset {err.start} "
                              f"cannot be decoded", line) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_metadata(path: Path) -> dict:
    """Read the JSON sidecar (same name, .json) if there is one."""
    sidecar = path.with_suffix(".json")
    if not sidecar.exists():
        return {}
    try:
        return json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ReadError(sidecar, f"bad metadata sidecar: {err}") from None


def document_id(path: Path, metadata: dict, number: int) -> str:
    """The document's id: volume + number from the sidecar or file name, else the file name."""
    if metadata.get("volume"):
        return f"{metadata['volume']}-d{metadata.get('document_number', number)}"
    found = DOC_ID.search(path.stem)
    if found:
        metadata.setdefault("volume", found.group(1))
        return f"{found.group(1)}-d{found.group(2)}"
    return re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")


def line_spans(text: str) -> list[tuple[int, int]]:
    """Start and end offsets of every line (without its newline)."""
    spans, start = [], 0
    for line in text.split("\n"):
        spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def find_heading(path: Path, text: str, lines: list[tuple[int, int]]) -> tuple[int, re.Match]:
    """Return the index of the heading line and its match, or raise naming the first line."""
    for index, (start, end) in enumerate(lines):
        line = text[start:end]
        if not line.strip():
            continue
        found = HEADING.match(line)
        if not found:
            raise ReadError(path, f"no heading: expected 'N. Title' as the first line, found "
                                  f"{line.strip()[:60]!r}", index + 1)
        return index, found
    raise ReadError(path, "empty file: no text to read")


def find_footnote_block(text: str, lines: list[tuple[int, int]], first: int) -> int | None:
    """Index of the line that opens the closing run of numbered footnotes 1, 2, 3, …"""
    for index in range(len(lines) - 1, first, -1):
        start, end = lines[index]
        found = FOOTNOTE_LINE.match(text[start:end])
        if not found or found.group(1) != "1":
            continue
        expected, consecutive = 2, True
        for later in range(index + 1, len(lines)):
            more = FOOTNOTE_LINE.match(text[lines[later][0]:lines[later][1]])
            if more and text[lines[later][0]].isspace():
                if int(more.group(1)) != expected:
                    consecutive = False
                    break
                expected += 1
        indented = text[start].isspace() or text[start:end].lstrip().startswith("1. Source:")
        if consecutive and indented:
            return index
    return None


def parse_footnotes(text: str, lines: list[tuple[int, int]], block: int) -> list[Footnote]:
    """Split the footnote block into numbered footnotes; continuation lines extend the last one."""
    notes: list[Footnote] = []
    for index in range(block, len(lines)):
        start, end = lines[index]
        found = FOOTNOTE_LINE.match(text[start:end])
        if found and int(found.group(1)) == len(notes) + 1:
            notes.append(Footnote(int(found.group(1)), start + found.start(2), end, index + 1))
        elif notes and text[start:end].strip():
            last = notes[-1]
            notes[-1] = Footnote(last.number, last.start, end, last.line)
    return notes


def is_call_at(text: str, pos: int, number: int, allow_digit: bool) -> bool:
    """Whether the footnote number stands at pos as a call (glued, not part of a longer number)."""
    digits = str(number)
    if text[pos:pos + len(digits)] != digits or pos == 0:
        return False
    after = text[pos + len(digits):pos + len(digits) + 1]
    if after.isdigit() or after.isalpha():
        return False
    before = text[pos - 1]
    if before in CALL_BEFORE:
        return True
    return allow_digit and before.isdigit()


def find_call(text: str, number: int, start: int, end: int) -> int | None:
    """First offset in [start, end) where footnote `number` is called, preferring calls after words."""
    digits = str(number)
    for allow_digit in (False, True):
        pos = text.find(digits, start, end)
        while pos != -1:
            if is_call_at(text, pos, number, allow_digit):
                return pos
            pos = text.find(digits, pos + 1, end)
    return None


def locate_calls(doc: FrusDocument) -> None:
    """Attach to each footnote the offset of its call, in order; warn about missing calls."""
    cursor = doc.heading_start
    located: list[Footnote] = []
    for note in doc.footnotes:
        call = find_call(doc.text, note.number, cursor, doc.body_end)
        if call is None:
            doc.warnings.append(f"{doc.path}:{note.line}: footnote {note.number} has no call in the text")
        else:
            cursor = call + len(str(note.number))
        located.append(Footnote(note.number, note.start, note.end, note.line, call))
    doc.footnotes = located


ORPHAN_CALL = re.compile(r"(?<=[a-z.,;:”’)])(\d{1,2})(?=\s|$)")


def warn_orphan_calls(doc: FrusDocument) -> None:
    """Warn about footnote calls in the body whose footnote is missing (e.g. a cut-off text)."""
    highest = max((note.number for note in doc.footnotes), default=0)
    if highest == 0 and doc.heading_end < doc.heading_start + len(doc.text[doc.heading_start:].split("\n")[0]):
        doc.warnings.append(f"{doc.path}:{doc.line_of(doc.heading_start)}: footnote call 1 (the source "
                            f"note) has no footnote")
        highest = 1
    for found in ORPHAN_CALL.finditer(doc.text, doc.body_start, doc.body_end):
        number = int(found.group(1))
        if number == highest + 1:
            doc.warnings.append(f"{doc.path}:{doc.line_of(found.start())}: footnote call {number} "
                                f"has no footnote")
            highest = number


def split_paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the paragraphs (runs of non-blank lines) between start and end."""
    spans = []
    for found in re.finditer(r"[^\n]+(?:\n[ \t]*[^\s\n][^\n]*)*", text[start:end]):
        chunk = found.group(0)
        lead = len(chunk) - len(chunk.lstrip())
        if chunk.strip():
            spans.append((start + found.start() + lead, start + found.start() + len(chunk.rstrip())))
    return spans


def strip_heading_call(title: str) -> str:
    """Remove the source note's call ('1') glued to the end of a FRUS title, if there is one."""
    if len(title) > 1 and title.endswith("1") and (title[-2] in CALL_BEFORE or title[-2].isdigit()):
        return title[:-1]
    return title


def read_text(path: Path, text: str, metadata: dict | None = None) -> FrusDocument:
    """Parse FRUS plain text into a FrusDocument; raise ReadError if it has no heading."""
    metadata = dict(metadata or {})
    lines = line_spans(text)
    head_index, heading = find_heading(path, text, lines)
    head_start = lines[head_index][0]
    number = int(heading.group(1))
    block = find_footnote_block(text, lines, head_index)
    footnotes = parse_footnotes(text, lines, block) if block is not None else []
    body_end = lines[block][0] if block is not None else len(text)
    raw_title = heading.group(2)
    title = strip_heading_call(raw_title)
    title_start = head_start + heading.start(2)
    doc = FrusDocument(
        path=path, doc_id=document_id(path, metadata, number), text=text, number=number,
        title=title, heading_start=title_start, heading_end=title_start + len(title),
        body_start=lines[head_index][1] + 1, body_end=body_end, footnotes=footnotes,
        metadata=metadata)
    doc.pages = [(m.group(1), m.start()) for m in PAGE_MARKER.finditer(text)]
    doc.paragraphs = split_paragraphs(text, doc.body_start, body_end)
    locate_calls(doc)
    warn_orphan_calls(doc)
    return doc


def read_document(path: Path | str) -> FrusDocument:
    """Read one FRUS plain-text file (and its JSON sidecar) from disk."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise ReadError(path, f"cannot read: {err.strerror}") from None
    return read_text(path, decode_text(path, raw), read_metadata(path))
