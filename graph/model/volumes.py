"""Import FRUS TEI volumes: people merged with the registry (graph.model.person_match), terms as a
glossary, documents extracted and written as RDF."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from graph.extract import CrossReference, Extraction, KnownDate, Mention, Span, extract
from graph.extract.text import Overlaps
from graph.namespaces import DCTERMS, FOAF, HSG, RDF, RDFS, SALT, SCHEMA, SKOS
from graph.model.person_match import PersonMatch, slug, with_volume_lists
from graph.model.rdf import GraphWriter, document_iri
from graph.read.reader import ReadError
from graph.read.registry import Registry
from graph.read.tei import Dateline, TeiDocument, TeiPerson, TeiTerm, VolumeInfo, iter_volume


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
    covered = Overlaps((m.start, m.end) for m in gold_people)
    kept = [m for m in result.mentions if m.kind != "person" or not covered.overlap(m.start, m.end)]
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


def volume_context(path: Path, registry: Registry) -> tuple[PersonMatch, Registry, dict[str, str], VolumeInfo]:
    """What extracting one of the volume's documents needs, read from its front matter alone (the same
    matching `import_volume` does, so every worker process arrives at the same registry)."""
    persons: list[TeiPerson] = []
    terms: list[TeiTerm] = []
    volume = None
    for kind, item in iter_volume(path):
        if kind == "volume":
            volume = item
        elif kind == "persons":
            persons = item
        elif kind == "terms":
            terms = item
        elif kind == "document":
            break
    match, volume_registry = with_volume_lists(persons, terms, registry, volume)
    return match, volume_registry, term_iri_map(terms, volume, registry.base_iri), volume


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
    error: str | None = None  # why reading stopped early (file and line); what was read is kept


def import_volume(path: Path, registry: Registry, on_quads, on_extraction, progress=None,
                  on_document=None) -> VolumeImport:
    """Stream a volume: `on_quads(quads)` gets the volume's own graph, `on_extraction(extraction,
    registry)` each document in order. Undated documents wait for their next dated neighbour. A volume
    that breaks off is imported up to the error, which is returned in `error`. With
    `on_document(tei, known)` the documents are handed over unextracted (graph.model.parallel)."""
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
        if on_document is not None:
            prepare()
            on_document(tei, known)
            report.documents += 1
            return
        extraction = tei_extraction(tei, prepare(), report.match, term_iris, report.volume, known)
        on_extraction(extraction, volume_registry)
        report.documents += 1
        if progress:
            progress(1)

    try:
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
                    finish(waiting, neighbour_date(waiting, previous, (item.doc.number, known.not_before),
                                                   report.volume))
                pending = []
                finish(item, known)
                previous = (item.doc.number, known.not_after or known.not_before)
    except ReadError as err:  # a broken volume keeps every document read before the error
        report.error = str(err)
    if report.volume is None:
        return report
    for waiting in pending:
        finish(waiting, neighbour_date(waiting, previous, None, report.volume))
    if volume_registry is None:
        prepare()
    return report
