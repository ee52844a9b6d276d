"""Stream a FRUS volume in the Office of the Historian's TEI format.

The volume is read with `iterparse` and every document subtree is dropped once read, so memory
stays bounded whatever the volume's size. Yields the volume's metadata, its persons and terms lists,
then each document flattened to plain text in the layout the plain-text reader produces (heading
line with the source-note call, dateline, lists, paragraphs, numbered footnotes) together with the
editors' markup as gold annotations whose offsets point into that text: person mentions
(`persName/@corresp`), term mentions (`gloss/@target`), cross-references (`ref/@target`), page
breaks (joined without inserting spaces) and the dateline's place and validated date.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Iterator

from graph.read.reader import Footnote, FrusDocument, ReadError, split_paragraphs

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
HSG = "https://history.state.gov/historicaldocuments/"
BLOCKS = {"p", "dateline", "list", "closer", "signed", "opener", "table", "quote", "postscript", "div",
          "head", "ab", "salute", "lg", "byline", "argument", "trailer", "label", "figure"}
CONTAINERS = {"div", "closer", "opener", "postscript", "quote", "lg", "figure"}
WHITESPACE = re.compile(r"\s+")
NUMBERED = re.compile(r"(\d+)\.\s*")
TITLES = {"admiral", "general", "gen.", "ambassador", "dr.", "mr.", "mrs.", "ms.", "senator", "judge",
          "colonel", "col.", "lt.", "lieutenant", "major", "captain", "sir", "lord", "marshal"}
SUFFIXES = {"jr.", "jr", "sr.", "sr", "ii", "iii", "iv"}


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


@dataclass
class VolumeInfo:
    """The volume's teiHeader: id, titles, editors, publication year."""

    id: str
    path: Path
    title: str = ""
    volume_title: str = ""
    volume_number: str = ""
    series: str = ""
    subseries: str = ""
    editors: list[tuple[str, str]] = field(default_factory=list)  # (name, role)
    year: int | None = None

    @property
    def url(self) -> str:
        return HSG + self.id


@dataclass
class TeiPerson:
    """One entry of the volume's persons list, with its name parsed."""

    id: str
    display: str  # as printed: "Kissinger, Henry A."
    surname: str
    given: str
    variants: list[str]
    nickname: str | None
    suffix: str | None
    honorific: str | None
    description: str

    @property
    def name(self) -> str:
        """Given name(s) then surname, with any generational suffix: 'John M. Irwin II'."""
        parts = [self.given, self.surname] + ([self.suffix] if self.suffix else [])
        return " ".join(p for p in parts if p)


@dataclass
class TeiTerm:
    """One entry of the terms list: the abbreviation and what it stands for."""

    id: str | None
    term: str
    expansion: str


@dataclass
class Gold:
    """An editor's annotation over the flattened text."""

    start: int
    end: int
    text: str
    target: str  # person or term id (without '#'), or the raw ref target
    kind: str  # person | term | ref


@dataclass
class Dateline:
    """The dateline: place, the date attributes as given, and the validated reading."""

    start: int
    end: int
    text: str
    place: str | None
    undated: bool
    earliest: date | None = None
    latest: date | None = None
    start_time: str | None = None  # ISO date-time as validated
    end_time: str | None = None
    raw: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


@dataclass
class TeiDocument:
    """A document flattened to text, with the editors' annotations over that text."""

    doc: FrusDocument
    xml_id: str
    persons: list[Gold]
    terms: list[Gold]
    refs: list[Gold]
    dateline: Dateline | None
    head_people: list[tuple[str, str]]  # (person id, sender|recipient|named)
    signers: list[str]
    problems: list[str]


# -- the volume's lists -----------------------------------------------------------------------------

def text_of(elem: ET.Element, skip: set[str] = frozenset()) -> str:
    """All text inside an element (children in `skip` left out but their tails kept), spaces collapsed."""
    parts: list[str] = []

    def walk(node: ET.Element) -> None:
        if local(node.tag) not in skip:
            parts.append(node.text or "")
            for child in node:
                walk(child)
        parts.append(node.tail or "" if node is not elem else "")
    walk(elem)
    return WHITESPACE.sub(" ", "".join(parts)).strip()


def parse_person(item: ET.Element) -> TeiPerson | None:
    """A persons-list item: `<hi><persName xml:id>Surname, Given</persName>,</hi> description`."""
    name = item.find(f".//{TEI}persName")
    if name is None or not name.get(XML_ID):
        return None
    display = text_of(name)
    holder = next((child for child in item if name in list(child.iter())), name)
    description = text_after(item, holder)
    surname, given, variants, nickname, suffix, honorific = split_name(display)
    return TeiPerson(name.get(XML_ID), display, surname, given, variants, nickname, suffix, honorific,
                     description.lstrip(" ,;:").strip())


def split_name(display: str) -> tuple[str, str, list[str], str | None, str | None, str | None]:
    """'Kornienko (Korniyenko), Georgi M.' → surname, given, variants, nickname, suffix, title."""
    head, _, rest = display.partition(",")
    variants = re.findall(r"\(([^)]+)\)", head)
    surname = WHITESPACE.sub(" ", re.sub(r"\([^)]*\)", "", head)).strip()
    nickname = None
    found = re.search(r"\(([^)]+)\)", rest)
    if found:
        nickname = found.group(1).strip()
        rest = rest[:found.start()] + rest[found.end():]
    pieces = [p.strip() for p in rest.split(",") if p.strip()]
    suffix = next((p for p in pieces if p.lower() in SUFFIXES), None)
    honorific = next((p for p in pieces if p.lower() in TITLES), None)
    given_words = []
    for piece in pieces:
        if piece in (suffix, honorific):
            continue
        words = piece.split()
        while words and words[0].lower() in TITLES:  # 'Major General Creighton W.': every title goes
            title = words.pop(0)
            honorific = honorific or title
        given_words.extend(words)
    return surname, " ".join(given_words), variants, nickname, suffix, honorific


def parse_term(item: ET.Element) -> TeiTerm | None:
    """A terms-list item: `<hi><term xml:id>ABM</term>,</hi> anti-ballistic missile` (some lack a term)."""
    term = item.find(f".//{TEI}term")
    holder = item.find(f"{TEI}hi")
    if term is not None:
        label, identifier = text_of(term), term.get(XML_ID)
        holder = next((child for child in item if term in list(child.iter())), term)
    elif holder is not None:
        label, identifier = text_of(holder).rstrip(",").strip(), None
    else:
        return None
    return TeiTerm(identifier, label, text_after(item, holder).lstrip(" ,;:").strip())


def text_after(item: ET.Element, holder: ET.Element) -> str:
    """The text of an item after the child that holds its name or term (markup inside kept as text)."""
    children = list(item)
    parts = [holder.tail or ""]
    for sibling in children[children.index(holder) + 1:] if holder in children else []:
        parts.append(text_of(sibling) + " " if sibling.text or len(sibling) else "")
        parts.append(sibling.tail or "")
    return WHITESPACE.sub(" ", "".join(parts)).strip()


# -- flattening a document --------------------------------------------------------------------------

class Flattener:
    """Builds the plain text of one document and the offsets of everything annotated in it."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.gold: list[Gold] = []
        self.pages: list[tuple[str, int]] = []
        self.notes: list[tuple[ET.Element, int]] = []  # (note, offset of its call)
        self.at_block_start = True

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def last_char(self) -> str:
        return self.parts[-1][-1] if self.parts and self.parts[-1] else ""

    def write(self, raw: str | None) -> None:
        """Append text with white space collapsed; nothing leading at a block start."""
        if not raw:
            return
        piece = WHITESPACE.sub(" ", raw)
        if self.at_block_start or self.last_char() in (" ", "\n", ""):
            piece = piece.lstrip(" ")
        if piece:
            self.parts.append(piece)
            self.length += len(piece)
            self.at_block_start = False

    def raw(self, piece: str) -> None:
        self.parts.append(piece)
        self.length += len(piece)

    def trim_trailing_space(self) -> None:
        while self.parts and self.parts[-1].endswith(" "):
            self.parts[-1] = self.parts[-1][:-1]
            self.length -= 1
            if not self.parts[-1]:
                self.parts.pop()

    def new_block(self, separator: str = "\n\n") -> None:
        self.trim_trailing_space()
        if self.length:
            self.raw(separator)
        self.at_block_start = True

    def annotate(self, start: int, kind: str, target: str) -> None:
        """Record a gold span from `start` to here, trimmed of white space."""
        text = self.text
        end = self.length
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            self.gold.append(Gold(start, end, text[start:end], target, kind))

    def inline(self, elem: ET.Element) -> None:
        """Write an element's content (not its tail): notes become calls, pb a page offset."""
        tag = local(elem.tag)
        if tag == "note":
            self.trim_trailing_space()
            number = elem.get("n") or str(len(self.notes) + 1)
            self.notes.append((elem, self.length))
            self.raw(number)
            self.at_block_start = False
            return
        if tag == "pb":
            self.pages.append((elem.get("n") or "", self.length))
            return
        if tag == "lb":
            self.write(" ")
            return
        start = self.length
        self.write(elem.text)
        for child in elem:
            self.inline(child)
            self.write(child.tail)
        if tag == "persName" and elem.get("corresp"):
            self.annotate(start, "person", elem.get("corresp").lstrip("#"))
        elif tag == "gloss" and elem.get("target"):
            self.annotate(start, "term", elem.get("target").lstrip("#"))
        elif tag == "ref" and elem.get("target"):
            self.annotate(start, "ref", elem.get("target"))

    def block(self, elem: ET.Element) -> None:
        """Write a block element as its own paragraph (lists: one line per item)."""
        tag = local(elem.tag)
        if tag == "pb":
            self.pages.append((elem.get("n") or "", self.length))
            return
        if tag == "note":
            self.inline(elem)
            return
        if tag == "list":
            self.new_block()
            self.list_lines(elem, depth=0)
            return
        if tag in CONTAINERS and any(local(child.tag) in BLOCKS for child in elem):
            if (elem.text or "").strip():
                self.new_block()
                self.write(elem.text)
            for child in elem:
                if local(child.tag) in BLOCKS or local(child.tag) == "pb":
                    self.block(child)
                else:
                    self.inline(child)
                self.write(child.tail)
            return
        if tag == "table":
            self.new_block()
            for row_index, row in enumerate(elem.iter(f"{TEI}row")):
                if row_index:
                    self.new_block("\n")
                for cell_index, cell in enumerate(row.findall(f"{TEI}cell")):
                    if cell_index:
                        self.write(" | ")
                    self.inline(cell)
            return
        self.new_block()
        self.inline(elem)

    def list_lines(self, elem: ET.Element, depth: int) -> None:
        first = True
        for child in elem:
            tag = local(child.tag)
            if tag == "pb":
                self.pages.append((child.get("n") or "", self.length))
                continue
            if tag not in ("head", "item", "label"):
                continue
            if not first:
                self.new_block("\n")
            first = False
            if tag == "item" and depth:
                self.raw("  " * depth)
            self.write_item(child, depth)

    def write_item(self, item: ET.Element, depth: int) -> None:
        self.write(item.text)
        for child in item:
            if local(child.tag) == "list":
                self.new_block("\n")
                self.list_lines(child, depth + 1)
            else:
                self.inline(child)
            self.write(child.tail)


def validated_time(value: str, text: str, problems: list[str], where: str) -> tuple[date | None, str | None]:
    """Parse an ISO date or date-time from a dateline attribute; mend minutes/seconds swapped when
    the printed time shows it (the source has '16:00:05' for 4:05 p.m.)."""
    try:
        if "T" not in value:
            return date.fromisoformat(value[:10]), None
        stamp = datetime.fromisoformat(value)
    except ValueError:
        problems.append(f"{where}: dateline date {value!r} is not a valid ISO date or date-time; ignored")
        return None, None
    if stamp.second and not stamp.minute:
        shown = f"{(stamp.hour - 1) % 12 + 1}:{stamp.second:02d}"
        if shown in text:
            problems.append(f"{where}: dateline time {value!r} has minutes and seconds swapped (the text "
                            f"says {shown}); read as {stamp.hour:02d}:{stamp.second:02d}:00")
            stamp = stamp.replace(minute=stamp.second, second=0)
        else:
            problems.append(f"{where}: dateline time {value!r} has seconds but no minutes; kept as given")
    return stamp.date(), stamp.isoformat()


def read_dateline(elem: ET.Element, flat: Flattener, start: int, where: str) -> Dateline:
    """The dateline just written: its place and the validated @when / @from–@to of its date."""
    text = flat.text[start:flat.length].strip()
    place_elem = elem.find(f".//{TEI}placeName")
    date_elem = elem.find(f".//{TEI}date")
    line = Dateline(start, start + len(text), text, text_of(place_elem) if place_elem is not None else None,
                    undated=date_elem is None and "undated" in text.lower())
    if date_elem is None:
        return line
    line.raw = {k: v for k, v in date_elem.attrib.items() if k in ("when", "from", "to", "notBefore", "notAfter")}
    shown = text_of(date_elem)
    first = line.raw.get("when") or line.raw.get("from") or line.raw.get("notBefore")
    last = line.raw.get("when") or line.raw.get("to") or line.raw.get("notAfter")
    if first:
        line.earliest, line.start_time = validated_time(first, shown, line.problems, where)
    if last:
        line.latest, line.end_time = validated_time(last, shown, line.problems, where)
    if line.earliest and line.latest and line.latest < line.earliest:
        line.problems.append(f"{where}: dateline ends ({line.latest}) before it starts ({line.earliest}); "
                             f"the range is ignored")
        line.latest = line.earliest
    if line.earliest and not line.latest:
        line.latest = line.earliest
    return line


def flatten_document(div: ET.Element, volume: VolumeInfo) -> TeiDocument:
    """Flatten one `div[@type=document]` and collect its gold annotations."""
    number = int(div.get("n") or re.sub(r"\D", "", div.get(XML_ID) or "0") or 0)
    xml_id = div.get(XML_ID) or f"d{number}"
    where = f"{volume.path}#{xml_id}"
    flat = Flattener()
    head = div.find(f"{TEI}head")
    printed = text_of(head, skip={"note"}) if head is not None else "(untitled)"
    numbered = NUMBERED.match(printed)
    numbered = numbered if numbered and int(numbered.group(1)) == number else None
    title = printed[numbered.end():] if numbered else printed
    if not numbered:
        flat.raw(f"{number}. ")
    head_gold_from = len(flat.gold)
    if head is not None:
        flat.inline(head)
        flat.trim_trailing_space()
    else:
        flat.write(title)
    heading_start = flat.text.find(title) if title else flat.length
    heading_start = heading_start if heading_start >= 0 else flat.length
    heading_end = heading_start + len(title)
    head_people = heading_people(flat.gold[head_gold_from:], flat.text, heading_start, heading_end)
    flat.raw("\n")
    body_start = flat.length
    dateline = None
    signers = []
    paragraphs: list[tuple[int, int]] = []
    for child in div:
        tag = local(child.tag)
        if child is head:
            continue
        before = flat.length
        flat.block(child)
        if tag == "dateline" and dateline is None:
            dateline = read_dateline(child, flat, before + (2 if before > body_start else 0), where)
        signers += [s.get("corresp", "").lstrip("#") for s in child.iter(f"{TEI}signed") if s.get("corresp")]
        if flat.length > before:
            paragraphs.extend(split_paragraphs(flat.text, before, flat.length))
    flat.trim_trailing_space()
    body_end = flat.length
    footnotes = write_footnotes(flat)
    text = flat.text
    if dateline is not None:
        dateline = fix_dateline_span(dateline, text)
    metadata = {"volume": volume.id, "volume_title": volume.volume_title or volume.title,
                "document_number": number, "url": f"{HSG}{volume.id}/{xml_id}", "source": "tei"}
    doc = FrusDocument(path=Path(where), doc_id=f"{volume.id}-d{number}", text=text, number=number,
                       title=title, heading_start=heading_start, heading_end=heading_end,
                       body_start=body_start, body_end=body_end, footnotes=footnotes,
                       pages=flat.pages, paragraphs=paragraphs, metadata=metadata)
    gold = flat.gold
    problems = list(dateline.problems) if dateline else []
    return TeiDocument(doc, xml_id, [g for g in gold if g.kind == "person"], [g for g in gold if g.kind == "term"],
                       [g for g in gold if g.kind == "ref"], dateline, head_people, signers, problems)


def fix_dateline_span(dateline: Dateline, text: str) -> Dateline:
    """Point the dateline span at its text exactly (blocks may start after a separator)."""
    found = text.find(dateline.text, max(0, dateline.start - 2))
    if found >= 0:
        dateline.start, dateline.end = found, found + len(dateline.text)
    return dateline


def write_footnotes(flat: Flattener) -> list[Footnote]:
    """Append the numbered footnotes after the body; their own markup is annotated too."""
    footnotes = []
    index = 0
    while index < len(flat.notes):  # notes inside notes are appended as they are found
        note, call = flat.notes[index]
        index += 1
        flat.new_block("\n\n" if not footnotes else "\n")
        number = note.get("n") or str(index)
        flat.raw(f"  {number}. ")
        start = flat.length
        flat.at_block_start = True
        flat.write(note.text)
        for child in note:
            flat.inline(child)
            flat.write(child.tail)
        flat.trim_trailing_space()
        line = flat.text.count("\n", 0, start) + 1
        if number.isdigit():
            footnotes.append(Footnote(int(number), start, flat.length, line, call))
    return footnotes


def heading_people(gold: list[Gold], text: str, start: int, end: int) -> list[tuple[str, str]]:
    """People named in the heading: before ' to ' they send, after it they receive."""
    heading = text[start:end]
    split = None
    found = re.search(r"\bFrom\b", heading)
    if found:
        to = re.search(r"\s[Tt]o\s", heading[found.end():])
        split = start + found.end() + to.start() if to else None
    people = []
    for mention in gold:
        if mention.kind != "person" or not (start <= mention.start < end):
            continue
        role = "named" if split is None and not found else ("sender" if split is None or mention.start < split else "recipient")
        people.append((mention.target, role))
    return people


# -- the stream -------------------------------------------------------------------------------------

def read_header(header: ET.Element, path: Path) -> VolumeInfo:
    idno = header.find(f".//{TEI}publicationStmt/{TEI}idno")
    volume_id = (idno.text or "").strip() if idno is not None else path.stem
    info = VolumeInfo(volume_id or path.stem, path)
    for title in header.iter(f"{TEI}title"):
        kind, value = title.get("type"), text_of(title)
        if kind == "complete":
            info.title = value
        elif kind == "volume":
            info.volume_title = value
        elif kind == "volumenumber":
            info.volume_number = value
        elif kind == "series":
            info.series = value
        elif kind == "subseries":
            info.subseries = value
    info.editors = [(text_of(e), e.get("role") or "") for e in header.iter(f"{TEI}editor")]
    published = header.find(f".//{TEI}publicationStmt/{TEI}date")
    if published is not None and (published.text or "").strip()[:4].isdigit():
        info.year = int(published.text.strip()[:4])
    return info


def iter_volume(path: Path | str) -> Iterator[tuple[str, object]]:
    """Stream a TEI volume: ('volume', VolumeInfo), ('persons', [...]), ('terms', [...]),
    ('document', TeiDocument) in document order. Raises ReadError naming the file, line and column."""
    path = Path(path)
    stack: list[ET.Element] = []
    kept = 0  # how many open elements are read whole (header, persons, terms, a document)
    volume: VolumeInfo | None = None
    try:
        for event, elem in ET.iterparse(path, events=("start", "end")):
            if event == "start":
                stack.append(elem)
                kept += is_kept(elem)
                continue
            stack.pop()
            parent = stack[-1] if stack else None
            if is_kept(elem):
                kept -= 1
                if local(elem.tag) == "teiHeader":
                    volume = read_header(elem, path)
                    yield "volume", volume
                else:
                    yield from read_kept(elem, volume or VolumeInfo(path.stem, path))
            if kept == 0 and parent is not None:
                release(parent, elem)
    except ET.ParseError as err:
        raise ReadError(path, f"not well-formed XML: {err}", err.position[0]) from None
    if volume is None:
        raise ReadError(path, "no teiHeader: not a FRUS TEI volume")


def is_kept(elem: ET.Element) -> bool:
    """Elements read as a whole once they end; everything else is dropped as soon as it ends."""
    tag = local(elem.tag)
    return tag == "teiHeader" or (tag == "div" and (elem.get("type") == "document"
                                                   or elem.get(XML_ID) in ("persons", "terms")))


def read_kept(elem: ET.Element, volume: VolumeInfo) -> Iterator[tuple[str, object]]:
    """A finished document, persons list or terms list."""
    if elem.get("type") == "document":
        yield "document", flatten_document(elem, volume)
    elif elem.get(XML_ID) == "persons":
        yield "persons", [p for p in map(parse_person, elem.iter(f"{TEI}item")) if p]
    else:
        yield "terms", [t for t in map(parse_term, elem.iter(f"{TEI}item")) if t]


def release(parent: ET.Element, elem: ET.Element) -> None:
    """Drop a finished subtree so memory does not grow with the volume."""
    elem.clear()
    try:
        parent.remove(elem)
    except ValueError:
        pass


def is_tei(path: Path) -> bool:
    return path.suffix.lower() == ".xml"
