"""One `div[@type=document]` flattened: heading, body, numbered footnotes, the people its heading names."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from graph.read.reader import Footnote, FrusDocument, split_paragraphs
from graph.read.tei.datelines import fix_dateline_span, read_dateline
from graph.read.tei.elements import TEI, XML_ID, local, text_of
from graph.read.tei.flatten import Flattener
from graph.read.tei.types import Gold, HSG, TeiDocument, VolumeInfo


NUMBERED = re.compile(r"(\d+)\.\s*")


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
