"""Writing a document's TEI as plain text in the plain-text reader's layout, recording the offsets of
every annotation, page break and note call."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from graph.read.tei.elements import TEI, WHITESPACE, local
from graph.read.tei.types import Gold


BLOCKS = {"p", "dateline", "list", "closer", "signed", "opener", "table", "quote", "postscript", "div",
          "head", "ab", "salute", "lg", "byline", "argument", "trailer", "label", "figure"}
CONTAINERS = {"div", "closer", "opener", "postscript", "quote", "lg", "figure"}


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
