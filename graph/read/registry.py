"""The curated registry: people, organisations, places and issues, with the names FRUS uses.

The registry is the Turtle in ``data/curated/``; the extractor reads it to recognise and link
names, and the builder loads the same files into the graph.

On request (``Registry.load(settings, people=True)``) it also carries the Office of the Historian's
people database as shipped in ``data/people/hsg-people.ttl.gz`` (``saltkg import-people``), in
``registry.people_db``, apart from ``registry.entities``; the extractor reads each document with
``registry.for_volume(volume)``, a copy whose names also include the database's (as below). Each of its persons is an `Entity` with ``origin`` (``curated`` when
the database record joined a curated person, ``people-db`` otherwise; persons-list entities built by
the TEI importer say ``tei-list``), ``volumes`` (the FRUS volumes whose persons lists name them) and
``hsg_id`` (the database id). How extraction can use them without flooding precision:

- full printed names ("Gerard C. Smith", "Anatoly Dobrynin") as aliases anywhere:
  ``registry.extended(registry.people_db.text_entities())``;
- a bare surname only with a title, given name or role before it ("Ambassador Beam", "Mr. Brown"),
  or when the volume's persons list names the person: ``registry.people_db.text_entities(volume)``
  adds the bare surname for the persons listed in that volume (``people_db.listed_in(volume)``);
- a persons-list id from a TEI volume resolves exactly: ``people_db.entry(volume, "p_SGC_1")``;
- a name found some other way (a participant list, "Ambassador X") can be looked up before minting a
  new person: ``people_db.named("Jacob D. Beam")``, ``people_db.named("Beam", volume)``.
"""

from __future__ import annotations

import copy
import gzip
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path

import pyoxigraph as ox

from graph.config import Settings
from graph.namespaces import FOAF, OWL, RDF, RDFS, SALT, SCHEMA, SKOS
from graph.read.people import LIST_URL, PEOPLE_FILE


PEOPLE_FACTS = {SALT + "hsgPersonId", RDFS + "label", SKOS + "altLabel", FOAF + "familyName", RDFS + "seeAlso"}


class RegistryError(Exception):
    """A curated file that cannot be parsed; names the file and line."""


@dataclass
class Role:
    """A position held for a span, and the phrases FRUS uses for its holder."""

    title: str
    aliases: list[str]
    start: date | None
    end: date | None

    def overlaps(self, first: date | None, last: date | None) -> bool:
        """True when the role was held at some time from `first` to `last` (any time when unknown)."""
        if first is None or last is None:
            return True
        return (self.start is None or self.start <= last) and (self.end is None or first <= self.end)

    def covers(self, day: date | None) -> bool:
        if day is None:
            return True
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass
class Entity:
    """A curated person, organisation or place."""

    iri: str
    kind: str  # person | organization | place
    label: str
    aliases: list[str] = field(default_factory=list)
    same_as: list[str] = field(default_factory=list)
    see_also: list[str] = field(default_factory=list)
    side: str | None = None
    roles: list[Role] = field(default_factory=list)
    is_government: bool = False
    family_name: str | None = None
    origin: str = "curated"  # curated | people-db (the Office of the Historian's database) | tei-list
    volumes: list[str] = field(default_factory=list)  # FRUS volumes whose persons lists name the person
    hsg_id: str | None = None  # the person's id in the Office of the Historian's people database


@dataclass
class Issue:
    """A negotiation issue of the SKOS scheme, with its recognition patterns."""

    iri: str
    label: str
    patterns: list[str]
    broader: list[str] = field(default_factory=list)
    narrower: list[str] = field(default_factory=list)

    @cached_property
    def regex(self) -> re.Pattern | None:
        if not self.patterns:
            return None
        body = "|".join(f"(?:{spaced(p)})" for p in self.patterns)
        return re.compile(rf"(?<![\w])(?:{body})(?![^\W\d_])", re.IGNORECASE)


def spaced(pattern: str) -> str:
    """Let a literal space in a pattern match any run of white space."""
    return pattern.replace(" ", r"\s+")


def alias_atoms(alias: str) -> list[str]:
    """An alias as a sequence of regex atoms, one per character (as alias_regex reads it), so that many
    aliases can share their prefixes in one trie."""
    words = alias.replace("’", "'").split(" ")
    atoms: list[str] = []
    for index, word in enumerate(words):
        bracketed = index > 0 and word[:1].isupper() and "[" not in word
        if index:
            atoms.append(r"\s+")
        if bracketed:
            atoms.append(r"\[?")
        for position, char in enumerate(word):
            if index == 0 and position == 0 and word == "the":
                atoms.append("[Tt]")
            else:
                atoms.append("['’]" if char == "'" else re.escape(char))
        if bracketed:
            atoms.append(r"\]?")
    return atoms


def trie_regex(aliases: list[str]) -> str:
    """One regex for many aliases, their common prefixes factored out (a trie): matching tries only the
    branches the text follows, and a longer alias is preferred to its prefix."""
    root: dict = {}
    for alias in aliases:
        node = root
        for atom in alias_atoms(alias):
            node = node.setdefault(atom, {})
        node[""] = {}  # an alias ends here

    def emit(node: dict) -> str:
        branches = [atom + emit(child) for atom, child in sorted(node.items()) if atom]
        if "" in node:
            branches.append("")
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return emit(root)


@lru_cache(maxsize=8)
def alias_matcher(aliases: tuple[str, ...]) -> re.Pattern:
    """The compiled trie of these aliases, kept: every build of the same registry and volume reuses it."""
    return re.compile(rf"(?<![\w])(?:{trie_regex(list(aliases))})(?![^\W\d_])")


def alias_regex(alias: str) -> str:
    """A regex for an alias: apostrophes of either kind, flexible spaces, 'The' capitalised too, and
    later words of a name optionally in editorial brackets ('Gerry [Smith]' for 'Gerry Smith')."""
    words = alias.replace("’", "'").split(" ")
    parts = [re.escape(words[0])]
    for word in words[1:]:
        escaped = re.escape(word)
        if word[:1].isupper() and "[" not in word:
            escaped = rf"\[?{escaped}\]?"
        parts.append(escaped)
    pattern = r"\s+".join(parts).replace("'", "['’]")
    if alias.startswith("the "):
        pattern = "[Tt]he" + pattern[3:]
    return pattern


def literal_date(term) -> date | None:
    try:
        return date.fromisoformat(term.value)
    except (AttributeError, ValueError):
        return None


@dataclass
class PeopleDb:
    """The people database as the registry carries it: persons by IRI, by persons-list entry, by id."""

    persons: dict[str, Entity] = field(default_factory=dict)
    entries: dict[tuple[str, str], str] = field(default_factory=dict)  # (volume, persons-list id) → IRI
    by_id: dict[str, str] = field(default_factory=dict)  # database id → IRI

    def entry(self, volume: str, list_id: str) -> Entity | None:
        """The person a volume's persons list names under this id ('frus1969-76v32', 'p_SGC_1')."""
        iri = self.entries.get((volume, list_id))
        return self.persons[iri] if iri else None

    def listed_in(self, volume: str) -> list[Entity]:
        """The persons the volume's persons list names, by IRI."""
        return list(self._listed.get(volume, ()))

    @cached_property
    def _listed(self) -> dict[str, list[Entity]]:
        """Each volume's listed persons, indexed once: a bare family name is looked up for every mention,
        and scanning every volume's entries cost 3 ms a lookup (the database is filled before it is
        read, as for `_by_name`)."""
        by_volume: dict[str, dict[str, Entity]] = {}
        for (volume, _), iri in self.entries.items():
            by_volume.setdefault(volume, {})[self.persons[iri].iri] = self.persons[iri]
        return {volume: sorted(found.values(), key=lambda e: e.iri) for volume, found in by_volume.items()}

    def named(self, name: str, volume: str | None = None) -> list[Entity]:
        """Persons a name may be: a full printed name anyone has ('Jacob D. Beam'), or a bare family
        name ('Beam', as after 'Ambassador') only among the persons `volume`'s persons list names."""
        key = normalise(name).casefold()
        if " " in key:
            return [self.persons[i] for i in self._by_name.get(key, [])]
        listed = self.listed_in(volume) if volume else []
        return [e for e in listed if e.family_name and e.family_name.casefold() == key]

    @cached_property
    def _by_name(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        for entity in self.persons.values():
            for alias in {normalise(a).casefold() for a in entity.aliases if " " in a.strip()}:
                index.setdefault(alias, []).append(entity.iri)
        return index

    def text_entities(self, volume: str | None = None) -> list[Entity]:
        """Entities to extend a registry with: every full printed name (two words or more) as an alias,
        and the bare family name only for the persons `volume`'s persons list names."""
        listed = {e.iri for e in self.listed_in(volume)} if volume else set()
        found = []
        for entity in self.persons.values():
            aliases = {a for a in entity.aliases if " " in a.strip()}
            if entity.iri in listed and entity.family_name:
                aliases.add(entity.family_name)
            found.append(Entity(**{**entity.__dict__, "aliases": sorted(aliases | {entity.label})}))
        return found


class Registry:
    """Curated entities and issues, indexed for recognising their names in text."""

    def __init__(self, store: ox.Store, base_iri: str):
        self.base_iri = base_iri
        self.store = store
        self.entities: dict[str, Entity] = {}
        self.issues: dict[str, Issue] = {}
        self.people_db: PeopleDb | None = None
        self._load_entities()
        self._load_issues()

    # -- loading -----------------------------------------------------------------------------

    @classmethod
    def from_dir(cls, curated_dir: Path, base_iri: str) -> "Registry":
        """Parse every Turtle file of the curated folder."""
        store = ox.Store()
        for path in sorted(Path(curated_dir).glob("*.ttl")):
            graph = ox.NamedNode(base_iri + "graph/curated")
            try:
                store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base_iri, to_graph=graph)
            except SyntaxError as err:
                raise RegistryError(f"{path}: {err}") from None
        return cls(store, base_iri)

    @classmethod
    def load(cls, settings: Settings | None = None, people: bool = False) -> "Registry":
        """The curated registry; with `people`, also the shipped people database (when present)."""
        settings = settings or Settings()
        registry = cls.from_dir(settings.curated_dir, settings.base_iri)
        if people:
            registry.attach_people(settings.data_dir / PEOPLE_FILE)
        return registry

    def attach_people(self, path: Path) -> None:
        """Read the shipped people file into `people_db` (empty when there is none); curated persons it
        joined gain their database id and volumes, not aliases."""
        self.people_db = PeopleDb()
        if not Path(path).is_file():
            return
        try:
            quads = ox.parse(input=gzip.decompress(Path(path).read_bytes()), format=ox.RdfFormat.TURTLE,
                             base_iri=self.base_iri)
            facts: dict[str, dict[str, list[str]]] = {}
            for quad in quads:
                if isinstance(quad.subject, ox.NamedNode) and quad.predicate.value in PEOPLE_FACTS:
                    facts.setdefault(quad.subject.value, {}).setdefault(quad.predicate.value, []).append(quad.object.value)
        except (OSError, SyntaxError, EOFError, gzip.BadGzipFile) as err:
            raise RegistryError(f"{path}: {err}") from None
        for iri, values in sorted(facts.items()):
            if SALT + "hsgPersonId" in values:
                self._add_person(iri, values)

    def _add_person(self, iri: str, values: dict[str, list[str]]) -> None:
        entries = [m for m in (LIST_URL.match(u) for u in values.get(RDFS + "seeAlso", [])) if m]
        volumes = sorted({m.group("volume") for m in entries})
        hsg_id = values[SALT + "hsgPersonId"][0]
        curated = self.entities.get(iri)
        if curated:
            curated.volumes, curated.hsg_id = volumes, hsg_id
            entity = Entity(**{**curated.__dict__, "volumes": volumes,
                               "aliases": sorted(set(curated.aliases) | set(values.get(SKOS + "altLabel", [])))})
        else:
            label = values.get(RDFS + "label", [iri.rsplit("/", 1)[-1]])[0]
            family = values.get(FOAF + "familyName", [None])[0]
            entity = Entity(iri, "person", label, sorted({label, *values.get(SKOS + "altLabel", [])}),
                            family_name=family, origin="people-db", volumes=volumes, hsg_id=hsg_id)
        self.people_db.persons[iri] = entity
        self.people_db.by_id[hsg_id] = iri
        for found in entries:
            self.people_db.entries.setdefault((found.group("volume"), found.group("entry")), iri)

    def _values(self, subject: ox.NamedNode, predicate: str) -> list:
        return [q.object for q in self.store.quads_for_pattern(subject, ox.NamedNode(predicate), None)]

    def _first(self, subject: ox.NamedNode, predicate: str) -> str | None:
        values = self._values(subject, predicate)
        return values[0].value if values else None

    def _subjects_of_type(self, cls_iri: str) -> list[ox.NamedNode]:
        quads = self.store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(cls_iri))
        return sorted({q.subject for q in quads if isinstance(q.subject, ox.NamedNode)}, key=str)

    def _load_entities(self) -> None:
        for kind, cls_iri in (("person", FOAF + "Person"), ("organization", FOAF + "Organization"),
                              ("place", SCHEMA + "Place")):
            for node in self._subjects_of_type(cls_iri):
                self.entities[node.value] = self._entity(node, kind)

    def _entity(self, node: ox.NamedNode, kind: str) -> Entity:
        label = self._first(node, RDFS + "label") or node.value.rsplit("/", 1)[-1]
        aliases = sorted({t.value for t in self._values(node, SKOS + "altLabel")} | {label})
        roles = [self._role(role) for role in self._values(node, SALT + "holdsRole")]
        return Entity(
            iri=node.value, kind=kind, label=label, aliases=aliases,
            same_as=sorted(t.value for t in self._values(node, OWL + "sameAs")),
            see_also=sorted(t.value for t in self._values(node, RDFS + "seeAlso")),
            side=self._first(node, SALT + "side"), roles=roles,
            is_government=any(t.value == SALT + "Government" for t in self._values(node, RDF + "type")),
            family_name=self._first(node, FOAF + "familyName"))

    def _role(self, node) -> Role:
        aliases = sorted(t.value for t in self._values(node, SALT + "roleAlias"))
        start = self._values(node, SCHEMA + "startDate")
        end = self._values(node, SCHEMA + "endDate")
        return Role(self._first(node, SALT + "roleTitle") or "", aliases,
                    literal_date(start[0]) if start else None, literal_date(end[0]) if end else None)

    def _load_issues(self) -> None:
        for node in self._subjects_of_type(SALT + "Issue"):
            label = self._first(node, SKOS + "prefLabel") or self._first(node, RDFS + "label") or node.value
            self.issues[node.value] = Issue(
                iri=node.value, label=label,
                patterns=sorted(t.value for t in self._values(node, SALT + "textPattern")),
                broader=sorted(t.value for t in self._values(node, SKOS + "broader")),
                narrower=sorted(t.value for t in self._values(node, SKOS + "narrower")))
        for issue in self.issues.values():
            for broader in issue.broader:
                if broader in self.issues and issue.iri not in self.issues[broader].narrower:
                    self.issues[broader].narrower.append(issue.iri)

    @cached_property
    def issue_starts(self) -> re.Pattern:
        """Where some issue's pattern matches (zero-width, at each such word start): the places the issues'
        own patterns are then tried, instead of scanning the text once per issue."""
        bodies = "|".join(f"(?:{spaced(p)})" for issue in self.issues.values() for p in issue.patterns)
        return re.compile(rf"(?<![\w])(?=(?:{bodies or '(?!)'})(?![^\W\d_]))", re.IGNORECASE)

    def for_volume(self, volume: str | None) -> "Registry":
        """The registry a document of `volume` is read with: with the people database attached, it also
        knows every full printed name in it and the bare surnames of the volume's persons list (a bare
        'Brown' names no one else); without it, the registry itself. One copy per volume, kept."""
        if not self.people_db or not self.people_db.persons:
            return self
        cache = self.__dict__.setdefault("_volume_registries", {})
        if volume not in cache:
            known = [e for e in self.people_db.text_entities(volume) if e.iri not in self.entities]
            cache[volume] = self.extended(known)
            cache[volume].__dict__["_volume_registries"] = {volume: cache[volume]}
        return cache[volume]

    def extended(self, entities: list[Entity], issue_patterns: dict[str, list[str]] | None = None) -> "Registry":
        """A copy that also knows these entities (same IRI: replaced) and extra issue patterns."""
        clone = copy.copy(self)
        for cached in ("alias_index", "alias_pattern", "_normalised_aliases", "_volume_registries", "issue_starts"):
            clone.__dict__.pop(cached, None)
        clone.entities = {**self.entities, **{e.iri: e for e in entities}}
        clone.issues = dict(self.issues)
        for iri, patterns in (issue_patterns or {}).items():
            issue = self.issues[iri]
            clone.issues[iri] = Issue(issue.iri, issue.label, sorted(set(issue.patterns) | set(patterns)),
                                      issue.broader, issue.narrower)
        return clone

    # -- lookups -----------------------------------------------------------------------------

    def relative(self, iri: str) -> str:
        """'person/kissinger' for an IRI under the base; the IRI itself otherwise."""
        return iri[len(self.base_iri):] if iri.startswith(self.base_iri) else iri

    @cached_property
    def alias_index(self) -> dict[str, list[str]]:
        """Every alias (names and role phrases) mapped to the entity IRIs it may name."""
        index: dict[str, list[str]] = {}
        for entity in self.entities.values():
            for alias in entity.aliases + [a for r in entity.roles for a in r.aliases]:
                index.setdefault(alias, [])
                if entity.iri not in index[alias]:
                    index[alias].append(entity.iri)
        return index

    @cached_property
    def alias_pattern(self) -> re.Pattern:
        """One regex matching any alias, longest first, on word boundaries (a trie of the aliases)."""
        return alias_matcher(tuple(sorted(self.alias_index)))

    @cached_property
    def _normalised_aliases(self) -> dict[str, str]:
        return {normalise(alias): alias for alias in self.alias_index}

    def alias_for(self, surface: str) -> str | None:
        """The registry alias a matched surface form stands for."""
        return self._normalised_aliases.get(normalise(surface))

    def candidates(self, surface: str, on: date | None, until: date | None = None) -> list[str]:
        """Entities a surface form may name on a date (or at some time from `on` to `until`): role
        phrases pick the holders then."""
        alias = self.alias_for(surface)
        if alias is None:
            return []
        found = []
        for iri in self.alias_index[alias]:
            entity = self.entities[iri]
            if alias in entity.aliases:
                found.append(iri)
            elif any(alias in role.aliases and role.overlaps(on, until or on) for role in entity.roles):
                found.append(iri)
        return found

    def broader_closure(self, issue_iri: str) -> list[str]:
        """The issue and every broader issue above it."""
        seen, queue = [], [issue_iri]
        while queue:
            current = queue.pop()
            if current in seen or current not in self.issues:
                continue
            seen.append(current)
            queue.extend(self.issues[current].broader)
        return seen


def normalise(surface: str) -> str:
    """Fold apostrophes, white space and a leading 'The' so a surface form finds its alias."""
    folded = re.sub(r"\s+", " ", surface.replace("’", "'"))
    if folded.startswith("The "):
        folded = "the " + folded[4:]
    if "[" in folded and not re.search(r"\w\[", folded):  # 'Gerry [Smith]' is the alias 'Gerry Smith'
        folded = folded.replace("[", "").replace("]", "")
    return folded


__all__ = ["Entity", "Issue", "PeopleDb", "Registry", "RegistryError", "Role"]
