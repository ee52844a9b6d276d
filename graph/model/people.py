"""The Office of the Historian's people database as shipped data.

``saltkg import-people PATH`` reads the records (graph.read.people), joins them to the curated
registry by the person matching rule of graph.model.person_match, and writes one gzipped Turtle file,
``data/people/hsg-people.ttl.gz``, which is committed; the build loads it into the named graph
``<base>graph/people`` without needing the records. Matched persons keep their curated IRI and gain
the database id, printed variants, descriptions and links; the others get IRIs minted as the TEI
importer mints them (``person/{surname}-{first given name}``, the database id appended on a clash).
"""

from __future__ import annotations

import gzip
import io
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from graph.config import Settings
from graph.model.person_match import PersonMatch, fold, match_persons, slug
from graph.read.people import LIST_URL, PEOPLE_FILE, PeopleRecord, iter_records, parse_printed
from graph.read.registry import Registry
from graph.read.tei import TeiPerson, VolumeInfo

UPSTREAM = "https://github.com/HistoryAtState/people"
DEPARTMENT = "https://history.state.gov/departmenthistory/people/"
LIST_BASE = "https://history.state.gov/historicaldocuments/"
PREFIX_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
LOCAL_NAME = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
BAD_IRI = re.compile(r"[\s<>\"{}|^`\\]")
PREFIXES = {
    "salt": "https://w3id.org/salt-kg/ontology#", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/", "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/", "skos": "http://www.w3.org/2004/02/skos/core#",
    "dh": DEPARTMENT, "viaf": "http://viaf.org/viaf/",
}


def people_graph(base_iri: str) -> ox.NamedNode:
    """The named graph the build loads the shipped people file into."""
    return ox.NamedNode(base_iri + "graph/people")


def people_path(settings: Settings) -> Path:
    return settings.data_dir / PEOPLE_FILE


# -- matching ---------------------------------------------------------------------------------------

def record_person(record: PeopleRecord) -> TeiPerson:
    """The record as a persons-list entry, so the matching rule reads it as it reads a TEI volume's:
    the preferred name parsed, every other printed surname a variant."""
    surname, given, variants, nickname, suffix = parse_printed(record.preferred)
    for raw in [*record.alternates, *(p.text for p in record.printed)]:
        if "," in raw:
            other, _, other_variants, _, _ = parse_printed(raw)
            variants += [other, *other_variants]
    variants = [v for v in dict.fromkeys(variants) if fold(v) and fold(v) != fold(surname)]
    honorific = record.titles[0].text if record.titles else None
    return TeiPerson(record.id, record.preferred, surname, given, variants, nickname, suffix, honorific, "")


@dataclass
class PeopleMatch:
    """Which curated person each record joined, and the IRIs minted for the rest."""

    iris: dict[str, str] = field(default_factory=dict)  # database id → IRI
    merged: dict[str, str] = field(default_factory=dict)  # database id → curated IRI
    notes: list[str] = field(default_factory=list)


def curated_volumes(registry: Registry) -> dict[str, set[str]]:
    """The FRUS volumes each curated person's sources cite (hsg:frus1969-76v14/d247 → frus1969-76v14)."""
    found: dict[str, set[str]] = defaultdict(set)
    source = ox.NamedNode("http://purl.org/dc/terms/source")
    for quad in registry.store.quads_for_pattern(None, source, None):
        hit = re.match(re.escape(LIST_BASE) + r"([^/#]+)", getattr(quad.object, "value", ""))
        if hit and isinstance(quad.subject, ox.NamedNode):
            found[quad.subject.value].add(hit.group(1))
    return found


def match_records(records: list[PeopleRecord], registry: Registry) -> PeopleMatch:
    """Join records to the curated people by the matching rule (graph.model.person_match). When several
    records fit one curated person, the one listed in a volume the curated entry cites keeps the
    merge; the others get IRIs of their own, reported."""
    volume = VolumeInfo("hsg-people", Path("hsg-people"))
    persons = [record_person(r) for r in records]
    match: PersonMatch = match_persons(persons, registry, volume)
    result = PeopleMatch(iris=dict(match.iris), notes=list(match.notes))
    for person_id, candidates in match.ambiguous:
        result.notes.append(f"record {person_id} fits several curated people "
                            f"({', '.join(registry.relative(c) for c in candidates)}); not merged")
    claims: dict[str, list[str]] = defaultdict(list)
    for person_id, iri in match.merged:
        claims[iri].append(person_id)
    cited = curated_volumes(registry)
    by_id = {r.id: r for r in records}
    for iri, ids in claims.items():
        keep = ids if len(ids) == 1 else [i for i in ids if cited.get(iri, set()) & set(by_id[i].volumes)]
        keep = keep if len(keep) == 1 else []
        for person_id in ids:
            if person_id in keep:
                result.merged[person_id] = iri
                continue
            result.iris[person_id] = unique_iri(result.iris, registry, by_id[person_id])
            result.notes.append(f"record {person_id} ({by_id[person_id].preferred}) fits "
                                f"{registry.relative(iri)} as do records {', '.join(i for i in ids if i != person_id)}; "
                                f"{'record ' + keep[0] + ' is listed in a volume it cites' if keep else 'none is listed in a volume it cites'}; "
                                f"not merged, minted {registry.relative(result.iris[person_id])}")
    return result


def unique_iri(iris: dict[str, str], registry: Registry, record: PeopleRecord) -> str:
    """The TEI importer's clash rule: the surname-given IRI with the record's id appended."""
    taken = set(iris.values()) | set(registry.entities)
    person = record_person(record)
    base = registry.base_iri + "person/" + slug(f"{person.surname} {person.given.split()[0] if person.given else ''}")
    return base if base not in taken else f"{base}-{record.id}"


# -- writing Turtle ---------------------------------------------------------------------------------

def literal(value: str, lang: str | None = None, datatype: str | None = None) -> str:
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
               .replace("\t", "\\t"))
    return f'"{escaped}"' + (f"@{lang}" if lang else f"^^{datatype}" if datatype else "")


class Links:
    """Writes history.state.gov pages compactly: a prefix per volume's persons list, one for the
    Department's pages; any other IRI written whole."""

    def __init__(self) -> None:
        self.prefixes: dict[str, str] = {}

    def term(self, url: str) -> str | None:
        if BAD_IRI.search(url):
            return None
        hit = LIST_URL.match(url)
        if hit and PREFIX_NAME.fullmatch(hit.group("volume")) and LOCAL_NAME.fullmatch(hit.group("entry")):
            self.prefixes[hit.group("volume")] = f"{LIST_BASE}{hit.group('volume')}/persons#"
            return f"{hit.group('volume')}:{hit.group('entry')}"
        if url.startswith(DEPARTMENT) and LOCAL_NAME.fullmatch(url[len(DEPARTMENT):]):
            return "dh:" + url[len(DEPARTMENT):]
        return f"<{url}>"


def record_url(record: PeopleRecord, commit: str | None) -> str:
    """The record in the upstream repository (path from its data/ folder), at the commit it was copied
    from when known."""
    parts = record.path.resolve().parts
    at = len(parts) - 1 - parts[::-1].index("data") if "data" in parts else len(parts) - 1
    return f"{UPSTREAM}/blob/{commit or 'HEAD'}/{'/'.join(parts[at:])}"


def person_block(record: PeopleRecord, iri: str, merged: bool, registry: Registry, links: Links,
                 source: str) -> str:
    """The Turtle for one person: all of it for a new person, the database's additions for a merged one."""
    lines: list[str] = []
    known = registry.entities.get(iri)
    if not merged:
        person = record_person(record)
        lines += ["a foaf:Person", f"rdfs:label {literal(record.label)}", f"foaf:name {literal(record.label)}"]
        if "," in record.preferred:  # 'Family, Given'; without a comma the order is not known
            lines.append(f"foaf:familyName {literal(person.surname)}")
        if person.given:
            lines.append(f"foaf:givenName {literal(person.given)}")
    lines.append(f"salt:hsgPersonId {literal(record.id)}")
    have = set(known.aliases) | {known.label} if known else {record.label}
    variants = [v for v in record.variants() if v not in have]
    if variants:
        lines.append("skos:altLabel " + ", ".join(literal(v) for v in variants))
    titles = [t.text for t in record.titles]
    if titles:
        lines.append("schema:honorificPrefix " + ", ".join(literal(t) for t in titles))
    if record.birth_year:
        lines.append(f"schema:birthDate {literal(f'{record.birth_year:04d}', datatype='xsd:gYear')}")
    if record.death_year:
        lines.append(f"schema:deathDate {literal(f'{record.death_year:04d}', datatype='xsd:gYear')}")
    pages = [t for t in (links.term(u) for u in record.urls) if t]
    if record.viaf:
        pages.append(f"viaf:{record.viaf}")
    if pages:
        lines.append("rdfs:seeAlso " + ", ".join(pages))
    subject = registry.relative(iri)
    descriptions = []
    for number, remark in enumerate(record.remarks, 1):
        cited = [t for t in (links.term(u) for u in remark.urls) if t]
        descriptions.append(f"<{subject}/description/{number}> rdf:value {literal(remark.text, 'en')}"
                            + (f" ; dcterms:source {', '.join(cited)}" if cited else "") + " .\n")
    if descriptions:
        lines.append("salt:printedDescription " + ", ".join(f"<{subject}/description/{n}>"
                                                            for n in range(1, len(descriptions) + 1)))
    lines.append(f"dcterms:source <{source}>")
    return f"<{subject}> " + " ;\n    ".join(lines) + " .\n" + "".join(descriptions)


def people_turtle(records: list[PeopleRecord], match: PeopleMatch, registry: Registry, commit: str | None) -> str:
    """The whole shipped file: a header, prefixes (one per volume cited), one block per record by id."""
    links = Links()
    blocks = [person_block(r, match.iris[r.id], r.id in match.merged, registry, links, record_url(r, commit))
              for r in sorted(records, key=lambda r: int(r.id))]
    prefixes = {**PREFIXES, **dict(sorted(links.prefixes.items()))}
    header = [
        "# The Office of the Historian's people database (HistoryAtState/people"
        + (f", commit {commit}" if commit else "") + ") for FRUS 1969-1976 volumes,",
        "# written by `saltkg import-people`; do not edit by hand. Person IRIs are relative to the base IRI.",
        f"# {len(records)} records, {len(match.merged)} joined to curated people by graph.model.person_match.",
    ]
    declared = [f"@prefix {name}: <{iri}> ." for name, iri in prefixes.items()]
    return "\n".join(header + declared) + "\n\n" + "\n".join(blocks)


# -- the command and the build's load step ------------------------------------------------------------

@dataclass
class PeopleImport:
    """What an import did, for the command's summary."""

    path: Path
    records: int = 0
    merged: dict[str, str] = field(default_factory=dict)
    minted: int = 0
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    bytes: int = 0


def upstream_commit(root: Path) -> str | None:
    """The upstream commit the records were copied from, as the folder's README states it."""
    for readme in (root / "README.md", root.parent / "README.md"):
        if readme.is_file():
            found = re.search(r"commit ([0-9a-f]{40})", readme.read_text(encoding="utf-8", errors="replace"))
            if found:
                return found.group(1)
    return None


def import_people(root: Path, settings: Settings | None = None, commit: str | None = None,
                  registry: Registry | None = None, out: Path | None = None) -> PeopleImport:
    """Read every record under `root`, match, and write the shipped file atomically (bad records are
    reported and left out; nothing is written when no record can be read)."""
    settings = settings or Settings()
    registry = registry or Registry.load(settings)
    root = Path(root)
    out = Path(out) if out else people_path(settings)
    report = PeopleImport(out)
    records = list(iter_records(root, report.errors))
    report.records = len(records)
    if not records:
        report.errors.append(f"{root}: no people record could be read; {out} left as it was")
        return report
    match = match_records(records, registry)
    report.merged, report.notes = match.merged, match.notes
    report.minted = len(records) - len(match.merged)
    text = people_turtle(records, match, registry, commit or upstream_commit(root))
    data = gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)
    parse_check(data, settings.base_iri)
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(out.name + f".tmp-{os.getpid()}")
    temporary.write_bytes(data)
    os.replace(temporary, out)
    report.bytes = len(data)
    return report


def parse_check(data: bytes, base_iri: str) -> None:
    """Parse what is about to be written, so a bad file is never shipped."""
    ox.Store().load(input=io.BytesIO(gzip.decompress(data)), format=ox.RdfFormat.TURTLE, base_iri=base_iri)


def load_people(store: ox.Store, settings: Settings) -> int:
    """(Re)load into the people graph the shipped database's persons this graph uses: the curated people
    it joined, the persons listed in the volumes the graph holds (salt:Volume), and any person another
    graph names. The rest of the database stays in the file, so a graph of SALT I documents does not
    list 4,000 people of other volumes. Returns the quads loaded (0 when there is no file)."""
    graph = people_graph(settings.base_iri)
    if store.contains_named_graph(graph):
        store.remove_graph(graph)
    path = people_path(settings)
    if not path.is_file():
        return 0
    persons: dict[str, list[ox.Quad]] = defaultdict(list)
    for quad in ox.parse(input=gzip.decompress(path.read_bytes()), format=ox.RdfFormat.TURTLE,
                         base_iri=settings.base_iri):
        persons[quad.subject.value.split("/description/")[0]].append(quad)
    volumes = {row["id"].value for row in store.query(VOLUMES)}
    used = [quads for iri, quads in persons.items() if is_used(store, iri, quads, volumes)]
    store.extend(ox.Quad(q.subject, q.predicate, q.object, graph) for quads in used for q in quads)
    return sum(len(quads) for quads in used)


VOLUMES = """SELECT DISTINCT ?id WHERE { ?volume a <https://w3id.org/salt-kg/ontology#Volume> ;
    <http://purl.org/dc/terms/identifier> ?id }"""
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"


def is_used(store: ox.Store, iri: str, quads: list[ox.Quad], volumes: set[str]) -> bool:
    """Joined to a curated person (no type of its own in the file), listed in a volume of the graph,
    or named by any graph."""
    if not any(q.predicate == TYPE for q in quads):
        return True
    for quad in quads:
        found = LIST_URL.match(quad.object.value) if quad.predicate.value == SEE_ALSO else None
        if found and found.group("volume") in volumes:
            return True
    node = ox.NamedNode(iri)
    return next(iter(store.quads_for_pattern(node, None, None)), None) is not None or \
        next(iter(store.quads_for_pattern(None, None, node)), None) is not None
