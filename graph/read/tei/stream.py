"""Streaming a volume with `iterparse`: header, lists and documents yielded as they end, each subtree
dropped once read so memory stays bounded."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterator

from graph.read.reader import ReadError
from graph.read.tei.documents import flatten_document
from graph.read.tei.elements import TEI, XML_ID, local, text_of
from graph.read.tei.lists import parse_person, parse_term
from graph.read.tei.types import VolumeInfo


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
