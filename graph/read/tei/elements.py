"""TEI namespaces and the element helpers every part of the reader uses: local names, and text with
spaces collapsed."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET


TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

WHITESPACE = re.compile(r"\s+")


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


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
