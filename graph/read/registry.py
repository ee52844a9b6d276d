"""The curated registry: people, organisations, places and issues, with the names FRUS uses.

The registry is the Turtle in ``data/curated/``; the extractor reads it to recognise and link
names, and the builder loads the same files into the graph.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox

from graph.config import Settings
from graph.namespaces import FOAF, OWL, RDF, RDFS, SALT, SCHEMA, SKOS


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


class Registry:
    """Curated entities and issues, indexed for recognising their names in text."""

    def __init__(self, store: ox.Store, base_iri: str):
        self.base_iri = base_iri
        self.store = store
        self.entities: dict[str, Entity] = {}
        self.issues: dict[str, Issue] = {}
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
    def load(cls, settings: Settings | None = None) -> "Registry":
        settings = settings or Settings()
        return cls.from_dir(settings.curated_dir, settings.base_iri)

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

    def extended(self, entities: list[Entity], issue_patterns: dict[str, list[str]] | None = None) -> "Registry":
        """A copy that also knows these entities (same IRI: replaced) and extra issue patterns."""
        clone = copy.copy(self)
        for cached in ("alias_index", "alias_pattern", "_normalised_aliases"):
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
        """One regex matching any alias, longest first, on word boundaries."""
        aliases = sorted(self.alias_index, key=lambda a: (-len(a), a))
        groups = "|".join(alias_regex(a) for a in aliases)
        return re.compile(rf"(?<![\w])(?:{groups})(?![^\W\d_])")

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


__all__ = ["Entity", "Issue", "Registry", "RegistryError", "Role"]
