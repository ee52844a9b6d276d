"""Joining a volume's persons list and glossary to the known people (the registry).

Person matching rule (documented in the README and tested): a volume's person is the same as a
known person (curated, or imported from an earlier volume) when the family names agree — the
printed surname or one of its printed variants, compared without case, accents or punctuation —
and the given names are compatible: the first given names are equal, or one is the initial of the
other, and no middle initial contradicts. One compatible candidate: the same IRI. Several: the match
is ambiguous, reported, and the person gets an IRI of its own. None: a new IRI — except that the
same first name and the same generational suffix (John N. Irwin II / John M. Irwin II) outweigh a
differing middle initial; such a merge is reported in the build's warnings.

Before the rule, one exact step: when the registry carries the Office of the Historian's people
database (``registry.people_db``), an entry that a database record cites as its own (the same volume,
the same persons-list id) is that record's person. IRIs the database holds are never minted again.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from graph.read.registry import Entity, Registry
from graph.read.tei import TeiPerson, TeiTerm, VolumeInfo


@dataclass
class PersonMatch:
    """How a volume's persons list was joined to the known people."""

    iris: dict[str, str] = field(default_factory=dict)  # FRUS id → IRI
    merged: list[tuple[str, str]] = field(default_factory=list)  # (FRUS id, existing IRI)
    minted: list[tuple[str, str]] = field(default_factory=list)
    ambiguous: list[tuple[str, list[str]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def fold(value: str) -> str:
    """Lower case, accents and punctuation removed: 'Kornienko' and 'Kornienko,' compare equal."""
    decomposed = unicodedata.normalize("NFKD", value)
    return re.sub(r"[^a-z0-9 ]+", "", "".join(c for c in decomposed if not unicodedata.combining(c)).lower()).strip()


def given_tokens(given: str) -> list[str]:
    return [fold(t) for t in re.split(r"[\s.]+", given) if fold(t)]


def compatible_given(first: list[str], second: list[str]) -> bool:
    """First given names agree (equal, an initial of the other, or a transliteration variant such as
    Anatoly/Anatoliy, Alexei/Aleksei) and no middle name or initial contradicts."""
    if not first or not second:
        return True
    for a, b in zip(first, second):
        if not same_name(a, b):
            return False
    return True


def same_name(a: str, b: str) -> bool:
    if a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b)):
        return True
    a, b = a.replace("x", "ks"), b.replace("x", "ks")  # Alexei/Aleksei: one Cyrillic letter, two spellings
    return min(len(a), len(b)) >= 4 and a[0] == b[0] and SequenceMatcher(None, a, b).ratio() >= 0.8


def same_first_and_suffix(person: TeiPerson, entity: Entity) -> bool:
    """First names equal and the same generational suffix (II, Jr.): tolerated middle-initial clash."""
    if not person.suffix:
        return False
    words = entity.label.split()
    first = given_tokens(person.given)[:1]
    return bool(first) and given_of(entity)[:1] == first and fold(words[-1]) == fold(person.suffix)


def family_of(entity: Entity) -> str:
    return fold(entity.family_name or entity.label.split()[-1])


def given_of(entity: Entity) -> list[str]:
    words = entity.label.split()
    family = entity.family_name or words[-1]
    if family in words:
        words = words[:words.index(family)]
    return given_tokens(" ".join(w for w in words if w.lower().rstrip(".") not in ("mr", "dr", "gen", "adm")))


def person_aliases(person: TeiPerson) -> list[str]:
    """The names FRUS text uses for a person of the list: full, short, surname, bracketed forms."""
    given = person.given.split()
    first = given[0] if given else ""
    names = {person.name, f"{first} {person.surname}".strip(), person.surname,
             f"{person.surname[0]}[{person.surname[1:]}]" if len(person.surname) > 1 else person.surname}
    if first:
        names.add(f"{first} [{person.surname}]")
    for variant in person.variants:
        names |= {variant, f"{first} {variant}".strip()}
    if person.nickname:
        names |= {f"{person.nickname} {person.surname}", f"{person.nickname} [{person.surname}]"}
    return sorted(n for n in names if n)


def slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(value)).strip("-")


def match_persons(persons: list[TeiPerson], registry: Registry, volume: VolumeInfo) -> PersonMatch:
    """Join the persons list to the registry's people by the module's rule; mint IRIs for the rest."""
    result = PersonMatch()
    people = [e for e in registry.entities.values() if e.kind == "person"]
    by_family: dict[str, list[Entity]] = {}
    for entity in people:
        by_family.setdefault(family_of(entity), []).append(entity)
    listed = registry.people_db.entries if registry.people_db else {}
    taken = {e.iri for e in people} | set(registry.people_db.persons if registry.people_db else ())
    for person in persons:
        known = listed.get((volume.id, person.id))
        if known:  # the people database names this entry: its person, whatever the names say
            result.iris[person.id] = known
            result.merged.append((person.id, known))
            continue
        families = {fold(person.surname)} | {fold(v) for v in person.variants}
        same_family = list({e.iri: e for f in families for e in by_family.get(f, [])}.values())
        candidates = [e for e in same_family if compatible_given(given_tokens(person.given), given_of(e))]
        if not candidates:
            candidates = [e for e in same_family if same_first_and_suffix(person, e)]
            for entity in candidates[:1] if len(candidates) == 1 else []:
                result.notes.append(f"{volume.id}#{person.id} {person.display!r} merged with "
                                    f"{registry.relative(entity.iri)} ({entity.label}): same first name and "
                                    f"suffix, middle names differ")
        if len(candidates) == 1:
            result.iris[person.id] = candidates[0].iri
            result.merged.append((person.id, candidates[0].iri))
            continue
        if len(candidates) > 1:
            result.ambiguous.append((person.id, sorted(e.iri for e in candidates)))
        iri = registry.base_iri + "person/" + slug(f"{person.surname} {person.given.split()[0] if person.given else ''}")
        if iri in taken:
            iri = f"{iri}-{slug(person.id)}"
        taken.add(iri)
        result.iris[person.id] = iri
        result.minted.append((person.id, iri))
    return result


def with_volume_lists(persons: list[TeiPerson], terms: list[TeiTerm], registry: Registry,
                      volume: VolumeInfo) -> tuple[PersonMatch, Registry]:
    """The persons list joined to the registry, and a registry that also knows the volume's people
    and reads its abbreviations (what the importer and the evaluator both extract with)."""
    match = match_persons(persons, registry, volume)
    extended = registry.extended(volume_entities(persons, terms, match, registry, volume), issue_patterns(terms, registry))
    return match, extended


def volume_entities(persons: list[TeiPerson], terms: list[TeiTerm], match: PersonMatch,
                    registry: Registry, volume: VolumeInfo) -> list[Entity]:
    """Registry entities for the volume's people: merged ones gain the volume's name forms."""
    entities = []
    by_id = {p.id: p for p in persons}
    term_aliases = person_terms(terms, persons)
    for person_id, iri in match.iris.items():
        person = by_id[person_id]
        aliases = person_aliases(person) + term_aliases.get(person_id, [])
        known = registry.entities.get(iri)
        listed = registry.people_db.persons.get(iri) if registry.people_db else None
        volumes = sorted(set(known.volumes if known else ()) | {volume.id})
        if known:
            entities.append(Entity(**{**known.__dict__, "volumes": volumes,
                                      "aliases": sorted(set(known.aliases) | set(aliases))}))
        else:
            entities.append(Entity(iri, "person", person.name, aliases, family_name=person.surname,
                                   origin="people-db" if listed else "tei-list", volumes=volumes,
                                   hsg_id=listed.hsg_id if listed else None))
    return entities


def person_terms(terms: list[TeiTerm], persons: list[TeiPerson]) -> dict[str, list[str]]:
    """Abbreviations the terms list expands to a person ('K, Kissinger'): aliases in this volume."""
    surnames: dict[str, list[str]] = {}
    for person in persons:
        surnames.setdefault(fold(person.surname), []).append(person.id)
    found: dict[str, list[str]] = {}
    for term in terms:
        owners = surnames.get(fold(term.expansion), [])
        if len(owners) == 1:
            found.setdefault(owners[0], []).append(term.term)
    return found


def issue_patterns(terms: list[TeiTerm], registry: Registry) -> dict[str, list[str]]:
    """Abbreviations whose expansion names an issue ('FBS, forward-based systems') match that issue."""
    patterns: dict[str, list[str]] = {}
    for term in terms:
        for issue in registry.issues.values():
            if issue.regex is not None and issue.regex.fullmatch(term.expansion.strip()):
                patterns.setdefault(issue.iri, []).append(re.escape(term.term))
    return patterns


# -- documents ------------------------------------------------------------------------------------
