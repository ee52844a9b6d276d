"""People the registry does not know, found by FRUS conventions: the participant lists that open
memoranda of conversation and minutes, and names written with a title ("Ambassador X", "Deputy Minister
X", "Mr. X"). Each becomes a new person with the passage that names it; a bare surname never does.
"""

from __future__ import annotations

import re

from graph.extract.text import Overlaps, slug, span
from graph.extract.types import Mention, NewEntity
from graph.read.reader import FrusDocument
from graph.read.registry import Registry

BULLET = re.compile(r"^[ \t]*[•·*–-][ \t]+(?P<entry>.+?)[ \t]*$", re.M)
TITLES = (r"(?:Ambassador|Amb\.|Deputy Foreign Minister|Deputy Minister|First Deputy Minister|Foreign Minister|"
          r"Minister|Mr\.|Mrs\.|Ms\.|Miss|Dr\.|Senator|Sen\.|Congressman|Admiral|Adm\.|Vice Admiral|Colonel General|"
          r"General|Gen\.|Lt\. Gen\.|Lieutenant General|Maj\. Gen\.|Major General|Brig\. Gen\.|Colonel|Col\.|"
          r"Lt\. Col\.|Captain|Capt\.|Marshal|Academician|Professor|Prof\.)")
NAME = r"(?:[A-Z]\.[ \t]?)?[A-Z][a-zà-ÿ’'-]+(?:[ \t]+(?:[A-Z]\.|[A-Z][a-zà-ÿ’'-]+)){0,3}"
TITLED = re.compile(rf"\b{TITLES}[ \t]+(?P<name>{NAME})")
ENTRY_NAME = re.compile(rf"^(?:{TITLES}[ \t]+)*(?P<name>{NAME})$")
NOT_NAMES = {"Assembly", "Staff", "Services", "Counsel", "Secretary", "Delegation", "Government", "Department",
             "State", "Defense", "Union", "Committee", "Council", "Files", "Papers", "Library", "General",
             "Colonel", "Admiral", "Minister", "Ambassador", "Deputy", "Director", "President", "Chairman", "The"}
PROSE = re.compile(r"[a-z]{3,}[ \t]+[a-z]{3,}[ \t]+[a-z]{3,}")


def opening_block(doc: FrusDocument) -> tuple[int, int]:
    """From the body's start to its first line of prose: where participant lists stand."""
    for found in re.finditer(r"[^\n]+", doc.text[doc.body_start:doc.body_end]):
        line = found.group(0)
        if line.strip() and not BULLET.match(line) and PROSE.search(line) and len(line.split()) > 8:
            return doc.body_start, doc.body_start + found.start()
    return doc.body_start, doc.body_end


def entry_name(entry: str) -> tuple[str, int] | None:
    """The person an opening-list entry names ('Chairman—Henry A. Kissinger', 'Col. Jack N. Merritt,
    NSC Staff'), with its offset in the entry; None for headings such as 'State' or 'NSC Staff'."""
    offset = 0
    if "—" in entry:
        offset = entry.index("—") + 1
        entry = entry[offset:]
    entry = entry.split(",")[0].strip()
    found = ENTRY_NAME.match(entry)
    if not found or len(found.group("name").split()) < 2:
        return None
    name = found.group("name")
    if any(word in NOT_NAMES for word in name.split()):
        return None
    return name, offset + found.start("name")


COVERING = ("person", "organization", "place")  # a name inside one of these is no new person


def covering(mentions: list[Mention]) -> Overlaps:
    return Overlaps((m.start, m.end) for m in mentions if m.kind in COVERING)


def new_people(doc: FrusDocument, registry: Registry, mentions: list[Mention]) -> tuple[list[Mention], list[NewEntity]]:
    """Mentions of people in no list, and the new persons they name (one per distinct name)."""
    found: list[tuple[int, int, str]] = []
    start, end = opening_block(doc)
    for line in BULLET.finditer(doc.text, start, end):
        named = entry_name(line.group("entry"))
        if named:
            name, offset = named
            found.append((line.start("entry") + offset, line.start("entry") + offset + len(name), name))
    for titled in TITLED.finditer(doc.text, doc.body_start, doc.body_end):
        name = titled.group("name")
        if not any(word in NOT_NAMES for word in name.split()):
            found.append((titled.start("name"), titled.end("name"), name))
    people: dict[str, NewEntity] = {}
    added: list[Mention] = []
    known_spans = covering(mentions)
    for a, b, name in sorted(found):
        if (known_spans.overlap(a, b) or any(m.start < b and a < m.end for m in added)
                or registry.candidates(name, None)):
            continue
        known = registry.people_db.named(name, doc.volume) if registry.people_db else []
        if len(known) == 1:  # in the people database: its IRI, not a new person
            added.append(Mention(a, b, doc.text[a:b], known[0].iri, "person", doc.section_of(a), None))
            continue
        iri = registry.base_iri + "person/" + person_slug(name)
        people.setdefault(iri, NewEntity(iri, "person", name, span(doc.text, a, b)))
        added.append(Mention(a, b, doc.text[a:b], iri, "person", doc.section_of(a), "new"))
    return added, list(people.values())


def person_slug(name: str) -> str:
    """Family name first, as the TEI and people-database importers mint: 'Jack N. Merritt' → merritt-jack."""
    words = [w for w in re.findall(r"[\w’'-]+", name) if len(w.rstrip(".")) > 1]
    if len(words) < 2:
        return slug(name)
    return slug(f"{words[-1]} {words[0]}")
