"""The volume's persons and terms lists: each item's name (parsed: surname, given, variants, suffix,
title) or term, and its description."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from graph.read.tei.elements import TEI, WHITESPACE, XML_ID, text_of
from graph.read.tei.types import TeiPerson, TeiTerm


TITLES = {"admiral", "general", "gen.", "ambassador", "dr.", "mr.", "mrs.", "ms.", "senator", "judge",
          "colonel", "col.", "lt.", "lieutenant", "major", "captain", "sir", "lord", "marshal"}
SUFFIXES = {"jr.", "jr", "sr.", "sr", "ii", "iii", "iv"}


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
