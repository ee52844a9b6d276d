"""Import FRUS TEI volumes: people merged with the registry, terms as a glossary, documents extracted.

Person matching rule (documented in the README and tested): a volume's person is the same as a
known person (curated, or imported from an earlier volume) when the family names agree — the
printed surname or one of its printed variants, compared without case, accents or punctuation —
and the given names are compatible: the first given names are equal, or one is the initial of the
other, and no middle initial contradicts. One compatible candidate: the same IRI. Several: the match
is ambiguous, reported, and the person gets an IRI of its own. None: a new IRI — except that the
same first name and the same generational suffix (John N. Irwin II / John M. Irwin II) outweigh a
differing middle initial; such a merge is reported in the build's warnings.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from .extract import CrossReference, Extraction, KnownDate, Mention, Span, extract
from .namespaces import DCTERMS, FOAF, HSG, RDF, RDFS, SALT, SCHEMA, SKOS
from .rdf import GraphWriter, document_iri
from .registry import Entity, Registry
from .tei import Dateline, TeiDocument, TeiPerson, TeiTerm, VolumeInfo, iter_volume


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
    Anatoly/Anatoliy) and no middle name or initial contradicts."""
    if not first or not second:
        return True
    for a, b in zip(first, second):
        if not same_name(a, b):
            return False
    return True


def same_name(a: str, b: str) -> bool:
    if a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b)):
        return True
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
    taken = {e.iri for e in people}
    for person in persons:
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
    extended = registry.extended(volume_entities(persons, terms, match, registry), issue_patterns(terms, registry))
    return match, extended


def volume_entities(persons: list[TeiPerson], terms: list[TeiTerm], match: PersonMatch,
                    registry: Registry) -> list[Entity]:
    """Registry entities for the volume's people: merged ones gain the volume's name forms."""
    entities = []
    by_id = {p.id: p for p in persons}
    term_aliases = person_terms(terms, persons)
    for person_id, iri in match.iris.items():
        person = by_id[person_id]
        aliases = person_aliases(person) + term_aliases.get(person_id, [])
        known = registry.entities.get(iri)
        if known:
            entities.append(Entity(**{**known.__dict__, "aliases": sorted(set(known.aliases) | set(aliases))}))
        else:
            entities.append(Entity(iri, "person", person.name, aliases, family_name=person.surname))
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

def dateline_date(tei: TeiDocument) -> KnownDate | None:
    """The document's date from the dateline's (validated) attributes, with the dateline as evidence."""
    line = tei.dateline
    if line is None or line.earliest is None:
        return None
    attributes = ", ".join(f"@{k}={v!r}" for k, v in line.raw.items())
    basis = f"stated in the dateline (TEI {attributes}: “{line.text}”)"
    if line.problems:
        basis += "; " + "; ".join(p.split(": ", 1)[-1] for p in line.problems)
    return KnownDate(line.earliest, line.latest, basis, [dateline_span(tei.doc.text, line)], line.place)


def dateline_span(text: str, line: Dateline) -> Span:
    return Span(line.start, line.end, text[line.start:line.end])


def neighbour_date(tei: TeiDocument, before: tuple[int, date] | None, after: tuple[int, date] | None,
                   volume: VolumeInfo) -> KnownDate:
    """An undated document's interval from its chronological neighbours in the volume."""
    first_year, last_year = volume_span(volume)
    low = before[1] if before else date(first_year, 1, 1)
    high = after[1] if after else date(last_year, 12, 31)
    low_text = f"document {before[0]} ({before[1]})" if before else f"the start of the volume's years ({low})"
    high_text = f"document {after[0]} ({after[1]})" if after else f"the end of the volume's years ({high})"
    said = f"the dateline says undated (“{tei.dateline.text}”); " if tei.dateline else "no dateline; "
    basis = (f"{said}inferred from its place in the volume (FRUS orders documents by date): not before "
             f"{low_text}, not after {high_text}")
    evidence = [dateline_span(tei.doc.text, tei.dateline)] if tei.dateline else []
    return KnownDate(low, max(low, high), basis, evidence, tei.dateline.place if tei.dateline else None)


def volume_span(volume: VolumeInfo) -> tuple[int, int]:
    found = re.search(r"(\d{4})[–-](\d{4})", volume.volume_title or volume.title)
    if found:
        return int(found.group(1)), int(found.group(2))
    years = re.match(r"frus(\d{4})(?:-(\d{2}))?", volume.id)
    if years:
        first = int(years.group(1))
        return first, first // 100 * 100 + int(years.group(2)) if years.group(2) else first
    return 1900, 2100


def ref_target(target: str, volume: VolumeInfo, base_iri: str) -> tuple[str, str, str]:
    """(IRI, kind, label) for a TEI ref target: '#d3', '#d3fn7', 'frus1969-76v32#d317', 'frus1969-76v15'."""
    other, _, fragment = target.partition("#")
    volume_id = other or volume.id
    found = re.fullmatch(r"d(\d+)(?:fn(\d+))?", fragment)
    if found:
        label = f"Document {found.group(1)}" + (f", footnote {found.group(2)}" if found.group(2) else "")
        if other:
            label = f"{volume_id}, {label}"
        return document_iri(base_iri, f"{volume_id}-d{found.group(1)}"), "document", label
    if other and not fragment:
        return f"{base_iri}volume/{volume_id}", "volume", volume_id
    return f"{HSG}{volume_id}/{fragment}" if fragment else f"{HSG}{volume_id}", "external", target


def tei_extraction(tei: TeiDocument, registry: Registry, match: PersonMatch, term_iris: dict[str, str],
                   volume: VolumeInfo, known: KnownDate | None) -> Extraction:
    """Extract from the flattened text, then prefer the editors' markup: people named, terms,
    references, heading sender and recipients, dateline date and place."""
    result = extract(tei.doc, registry, known)
    doc, info = tei.doc, result.document
    gold_people = [Mention(g.start, g.end, g.text, match.iris[g.target], "person", doc.section_of(g.start), "tei")
                   for g in tei.persons if g.target in match.iris]
    terms = [Mention(g.start, g.end, g.text, term_iris[g.target], "term", doc.section_of(g.start), "tei")
             for g in tei.terms if g.target in term_iris]
    covered = [(m.start, m.end) for m in gold_people]
    kept = [m for m in result.mentions if m.kind != "person"
            or not any(m.start < end and start < m.end for start, end in covered)]
    result.mentions = sorted(kept + gold_people + terms, key=lambda m: (m.start, m.end))
    refs = []
    for gold in tei.refs:
        iri, kind, label = ref_target(gold.target, volume, registry.base_iri)
        refs.append(CrossReference(gold.start, gold.end, gold.text, iri, kind, label))
    result.cross_references = [r for r in result.cross_references if r.kind == "message"] + refs
    senders = [match.iris[p] for p, role in tei.head_people if role == "sender" and p in match.iris]
    recipients = [match.iris[p] for p, role in tei.head_people if role == "recipient" and p in match.iris]
    if senders:
        info.sender = list(dict.fromkeys(senders + [s for s in info.sender if s not in senders]))
    if recipients:
        info.recipients = list(dict.fromkeys(recipients + [r for r in info.recipients if r not in recipients]))
    signers = [match.iris[s] for s in tei.signers if s in match.iris]
    if signers and not info.sender:
        info.sender = signers
    result.warnings.extend(tei.problems)
    return result


# -- RDF for the volume itself ----------------------------------------------------------------------

def volume_quads(volume: VolumeInfo, persons: list[TeiPerson], terms: list[TeiTerm], match: PersonMatch,
                 term_iris: dict[str, str], registry: Registry) -> list[ox.Quad]:
    """The volume, its people (new ones whole, merged ones their FRUS id and description), its glossary."""
    base = registry.base_iri
    out = GraphWriter(ox.NamedNode(f"{base}graph/{volume.id}"))
    iri = f"{base}volume/{volume.id}"
    out.add(iri, RDF + "type", SALT + "Volume")
    out.text(iri, DCTERMS + "identifier", volume.id)
    out.text(iri, RDFS + "label", volume.title or volume.id)
    out.text(iri, DCTERMS + "title", volume.title or volume.id)
    out.text(iri, SALT + "volumeNumber", volume.volume_number or None)
    if volume.year:
        out.add(iri, DCTERMS + "issued", ox.Literal(str(volume.year), datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#gYear")))
    for name, role in volume.editors:
        out.text(iri, SCHEMA + "editor", f"{name} ({role} editor)" if role else name)
    out.add(iri, RDFS + "seeAlso", volume.url)
    out.add(iri, SCHEMA + "url", volume.url)
    persons_page, terms_page = f"{volume.url}/persons", f"{volume.url}/terms"
    minted = {person_id for person_id, _ in match.minted}
    for person in persons:
        person_iri = match.iris[person.id]
        if person.id in minted:
            out.add(person_iri, RDF + "type", FOAF + "Person")
            out.text(person_iri, RDFS + "label", person.name)
            out.text(person_iri, FOAF + "name", person.name)
            out.text(person_iri, FOAF + "familyName", person.surname)
            for alias in person.variants + ([person.nickname] if person.nickname else []):
                out.text(person_iri, SKOS + "altLabel", alias)
        out.text(person_iri, DCTERMS + "identifier", f"{volume.id}#{person.id}")
        out.text(person_iri, DCTERMS + "description", person.description or None, "en")
        out.add(person_iri, DCTERMS + "source", persons_page)
    scheme = f"{base}glossary/{volume.id}"
    out.add(scheme, RDF + "type", SKOS + "ConceptScheme")
    out.text(scheme, RDFS + "label", f"Abbreviations and terms of {volume.id}")
    out.add(scheme, DCTERMS + "source", terms_page)
    for term in terms:
        term_iri = term_iris[term.id or term.term]
        out.add(term_iri, RDF + "type", SKOS + "Concept")
        out.add(term_iri, SKOS + "inScheme", scheme)
        out.text(term_iri, SKOS + "prefLabel", term.term)
        out.text(term_iri, RDFS + "label", term.term)
        out.text(term_iri, SKOS + "definition", term.expansion, "en")
        out.text(term_iri, DCTERMS + "identifier", f"{volume.id}#{term.id}" if term.id else None)
        out.add(term_iri, DCTERMS + "source", terms_page)
    return out.quads


def term_iri_map(terms: list[TeiTerm], volume: VolumeInfo, base_iri: str) -> dict[str, str]:
    """IRIs for the glossary: by xml:id, or by the term itself for the few entries without one."""
    return {(t.id or t.term): f"{base_iri}term/{volume.id}/{slug(t.id or t.term) or 'term'}" for t in terms}


@dataclass
class VolumeImport:
    """What importing one volume produced, for the build report."""

    volume: VolumeInfo | None = None
    documents: int = 0
    match: PersonMatch | None = None
    warnings: list[str] = field(default_factory=list)


def import_volume(path: Path, registry: Registry, on_quads, on_extraction, progress=None) -> VolumeImport:
    """Stream a volume: `on_quads(quads)` gets the volume's own graph, `on_extraction(extraction,
    registry)` each document in order. Undated documents wait for their next dated neighbour."""
    report = VolumeImport()
    persons: list[TeiPerson] = []
    terms: list[TeiTerm] = []
    volume_registry: Registry | None = None
    term_iris: dict[str, str] = {}
    previous: tuple[int, date] | None = None
    pending: list[TeiDocument] = []

    def prepare() -> Registry:
        nonlocal volume_registry, term_iris
        if volume_registry is None:
            report.match, volume_registry = with_volume_lists(persons, terms, registry, report.volume)
            report.warnings.extend(f"{path}: {note}" for note in report.match.notes)
            for person_id, candidates in report.match.ambiguous:
                report.warnings.append(f"{path}: person {person_id} matches several known people "
                                       f"({', '.join(registry.relative(c) for c in candidates)}); not merged")
            term_iris = term_iri_map(terms, report.volume, registry.base_iri)
            on_quads(volume_quads(report.volume, persons, terms, report.match, term_iris, registry))
        return volume_registry

    def finish(tei: TeiDocument, known: KnownDate | None) -> None:
        extraction = tei_extraction(tei, prepare(), report.match, term_iris, report.volume, known)
        on_extraction(extraction, volume_registry)
        report.documents += 1
        if progress:
            progress(1)

    for kind, item in iter_volume(path):
        if kind == "volume":
            report.volume = item
        elif kind == "persons":
            persons = item
        elif kind == "terms":
            terms = item
        elif kind == "document":
            known = dateline_date(item)
            if known is None:
                pending.append(item)
                continue
            for waiting in pending:
                finish(waiting, neighbour_date(waiting, previous, (item.doc.number, known.not_before), report.volume))
            pending = []
            finish(item, known)
            previous = (item.doc.number, known.not_after or known.not_before)
    for waiting in pending:
        finish(waiting, neighbour_date(waiting, previous, None, report.volume))
    if report.volume is not None and volume_registry is None:
        prepare()
    return report
