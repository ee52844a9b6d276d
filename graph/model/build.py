"""Build the graph: read every document, extract, write RDF into a fresh store, validate, swap.

The new store is written beside the old one and only replaces it when the build succeeds, so
a failed build never loses the last good graph. Each document's facts live in its own named
graph; the curated registry and the ontology have theirs.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox
from tqdm import tqdm

from graph.config import Settings
from graph.model import manifest as manifests
from graph.model.derived import refresh as refresh_derived
from graph.extract import Extraction, extract
from graph.extract.corpus_dates import redate
from graph.namespaces import ONTOLOGY_IRI
from graph.model.people import load_people
from graph.model.rdf import document_quads, graph_iri
from graph.model.search_index import build_index, index_path
from graph.read.reader import ReadError, read_document
from graph.read.people import PEOPLE_FILE
from graph.read.registry import Registry
from graph.model.store import KnowledgeGraph, swap_into_place
from graph.model.store_writer import BatchWriter
from graph.read.tei import is_tei
from graph.model.volumes import import_volume
from graph.model.validate import ValidationReport, validate_store
from graph.model.version import bump_version
from graph.model.workspace import BuildFailed, build_lock, open_working_store, temporary_store_path

DOCUMENT_SUFFIXES = (".txt", ".xml")


@dataclass
class BuildReport:
    """What a build did: counts for the summary, errors and warnings with file and line."""

    documents: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    triples: int = 0
    quads: int = 0
    entities: dict[str, int] = field(default_factory=dict)
    issues: int = 0
    events: dict[str, int] = field(default_factory=dict)
    volumes: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    conforms: bool | None = None
    violations: int = 0
    validation_text: str = ""
    store: str = ""

    def to_json(self) -> dict:
        return asdict(self)


def collect_inputs(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into the documents they hold (sorted), keeping files as given."""
    found: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix in DOCUMENT_SUFFIXES))
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def load_static_graphs(store: ox.Store, settings: Settings) -> None:
    """(Re)load the ontology and the curated registry into their own named graphs."""
    for graph in (ox.NamedNode(ONTOLOGY_IRI), ox.NamedNode(settings.base_iri + "graph/curated")):
        if store.contains_named_graph(graph):
            store.remove_graph(graph)
    store.load(path=str(settings.ontology_dir / "salt.ttl"), format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode(ONTOLOGY_IRI))
    curated = ox.NamedNode(settings.base_iri + "graph/curated")
    for path in sorted(settings.curated_dir.glob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=settings.base_iri, to_graph=curated)


def extract_file(path: Path, registry: Registry) -> Extraction:
    """Read and extract one document (raises ReadError on unreadable input)."""
    return extract(read_document(path), registry)


def add_documents(writer: BatchWriter, paths: list[Path], registry: Registry, report: BuildReport,
                  progress: bool) -> None:
    """Extract each plain-text document and each TEI volume into named graphs; bad input is reported
    and skipped, the rest goes on."""
    texts = [p for p in paths if not is_tei(p)]
    bar = tqdm(texts, desc="documents", unit="doc", disable=not progress or len(texts) < 2,
               leave=False, dynamic_ncols=True)
    results = []
    for path in bar:
        try:
            results.append(extract_file(path, registry))
        except ReadError as err:
            report.errors.append(str(err))
    for result in redate(results, registry):
        store_extraction(writer, result, registry, report)
    for path in (p for p in paths if is_tei(p)):
        add_volume(writer, path, registry, report, progress)


def add_documents_in_pool(writer: BatchWriter, paths: list[Path], registry: Registry, report: BuildReport,
                          progress: bool, executor, jobs: int) -> None:
    """`add_documents` with extraction in `jobs` worker processes; the same quads, written in input order
    (plain-text documents after the corpus-wide re-dating, as in a serial build)."""
    from graph.model.parallel import ExtractionPool, extract_tei, extract_text, redate_in_pool
    bar = tqdm(desc="documents", unit="doc", disable=not progress, leave=False, dynamic_ncols=True)

    def write(outcome: tuple) -> None:
        _, doc_id, data, warnings = outcome
        writer.replace(graph_iri(registry.base_iri, doc_id), data)
        report.documents += 1
        report.warnings.extend(warnings)
        bar.update(1)

    texts: list[tuple] = []
    pool = ExtractionPool(executor, jobs, texts.append)
    try:
        for path in (p for p in paths if not is_tei(p)):
            pool.submit(extract_text, path)
        pool.drain()
        report.errors.extend(outcome[1] for outcome in texts if outcome[0] == "error")
        for outcome in redate_in_pool(executor, [o for o in texts if o[0] == "ok"], registry):
            write(outcome)
        texts.clear()
        pool.write = write
        for path in (p for p in paths if is_tei(p)):
            add_volume(writer, path, registry, report, False, pool=pool,
                       on_document=lambda tei, known, path=path: pool.submit(extract_tei, str(path), tei, known))
    finally:
        pool.close()
        bar.close()


def store_extraction(writer: BatchWriter, result: Extraction, registry: Registry, report: BuildReport) -> None:
    """Replace the document's named graph with the quads of its extraction."""
    writer.replace_quads(graph_iri(registry.base_iri, result.document.id), document_quads(result, registry))
    report.documents += 1
    report.warnings.extend(result.warnings)


def add_volume(writer: BatchWriter, path: Path, registry: Registry, report: BuildReport, progress: bool,
               on_document=None, pool=None) -> None:
    """Stream one TEI volume into the store with a progress bar; a broken file keeps what was read.
    With `on_document`, documents go to a worker pool instead of being extracted here."""
    bar = tqdm(total=count_documents(path), desc=Path(path).name, unit="doc", disable=not progress,
               leave=False, dynamic_ncols=True)

    imported = None
    try:
        imported = import_volume(Path(path), registry, lambda quads: writer.replace_quads(quads[0].graph_name, quads),
                                 lambda result, volume_registry: store_extraction(writer, result, volume_registry, report),
                                 bar.update, on_document)
    except ReadError as err:
        report.errors.append(str(err))
    finally:
        bar.close()
        if pool is not None:
            pool.drain()  # every document of the volume written before its report
    if imported and imported.error:
        report.errors.append(f"{imported.error} (the {imported.documents} documents read before it are kept)")
    if imported and imported.volume:
        match = imported.match
        report.volumes.append({"volume": imported.volume.id, "path": str(path), "documents": imported.documents,
                               "persons_merged": len(match.merged) if match else 0,
                               "persons_new": len(match.minted) if match else 0,
                               "persons_ambiguous": len(match.ambiguous) if match else 0})
        report.warnings.extend(imported.warnings)


def count_documents(path: Path) -> int | None:
    """How many documents a volume holds, by a quick byte scan (for the progress bar only)."""
    try:
        with open(path, "rb") as handle:
            return sum(chunk.count(b'type="document"') for chunk in iter(lambda: handle.read(1 << 20), b""))
    except OSError:
        return None


def summarise(kg: KnowledgeGraph, report: BuildReport) -> None:
    """Fill the report's counts from the built graph."""
    report.triples = kg.triple_count()
    report.quads = kg.quad_count()
    rows = kg.select("""
        SELECT ?type (COUNT(DISTINCT ?s) AS ?n) WHERE {
          VALUES ?type { <http://xmlns.com/foaf/0.1/Person> <http://xmlns.com/foaf/0.1/Organization>
                         <https://schema.org/Place> <https://w3id.org/salt-kg/ontology#Document>
                         <https://w3id.org/salt-kg/ontology#Passage> }
          ?s a ?type } GROUP BY ?type""")
    report.entities = {str(r["type"]).rsplit("/", 1)[-1].rsplit("#", 1)[-1]: int(r["n"]) for r in rows}
    report.issues = int(kg.select("SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i a "
                                  "<https://w3id.org/salt-kg/ontology#Issue> }")[0]["n"])
    rows = kg.select("""
        SELECT ?type (COUNT(DISTINCT ?e) AS ?n) WHERE {
          ?e a <https://w3id.org/salt-kg/ontology#NegotiationEvent>, ?type .
          FILTER (?type != <https://w3id.org/salt-kg/ontology#NegotiationEvent>) } GROUP BY ?type""")
    report.events = dict(Counter({str(r["type"]).rsplit("#", 1)[-1]: int(r["n"]) for r in rows}).most_common())


def default_inputs(settings: Settings) -> list[Path]:
    return [settings.corpus_dir] if settings.corpus_dir.exists() else []


def build(settings: Settings | None = None, paths: Iterable[Path] = (), include_corpus: bool = True,
          validate: bool = True, progress: bool = True, update: bool = False, strict: bool = False,
          write_mode: str = "auto", jobs: int = 1) -> BuildReport:
    """Build (or, with update=True, amend) the graph; swap it into place only on success (with
    strict=True, only when no document failed and nothing was warned about). With a store URL in the
    settings the finished build is written into that server instead (graph.model.publish). `jobs`
    worker processes extract (graph.model.parallel)."""
    settings = settings or Settings()
    registry = Registry.load(settings)
    with build_lock(settings):
        if settings.store_url:
            return build_into_server(settings, registry, paths, include_corpus, validate, progress, update,
                                     strict, write_mode, jobs)
        return build_locked(settings, registry, paths, include_corpus, validate, progress, update, strict, jobs)


def build_locked(settings: Settings, registry: Registry, paths: Iterable[Path], include_corpus: bool,
                 validate: bool, progress: bool, update: bool, strict: bool, jobs: int = 1) -> BuildReport:
    """The build itself, run while this process holds the build folder's lock."""
    started = time.perf_counter()
    report = BuildReport()
    inputs = collect_inputs(([*default_inputs(settings)] if include_corpus and not update else []) + list(paths))
    # the people database: TEI persons lists join it by entry id, plain text is read with its names
    registry.attach_people(settings.data_dir / PEOPLE_FILE)
    temporary = temporary_store_path(settings)
    staged_index = temporary.with_name(temporary.name + ".search")
    store = None
    try:
        store = open_working_store(settings, temporary, update)
        kg = prepare(store, settings, registry, inputs, report, validate, progress, update, strict, temporary, jobs)
        build_index(kg, staged_index)
        store.flush()
        del kg, store
        swap_into_place(temporary, settings.store_path)
        os.replace(staged_index, index_path(settings.build_dir))
        bump_version(settings.store_path)  # last: a server reopens and forgets cached answers on seeing it
    except BaseException:
        store = None  # let go of the store's files before removing them
        shutil.rmtree(temporary, ignore_errors=True)
        staged_index.unlink(missing_ok=True)
        raise
    report.seconds = round(time.perf_counter() - started, 3)
    report.store = str(settings.store_path)
    (settings.build_dir / "build.json").write_text(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    if update:
        manifests.mark_amended(settings, list(paths))
    else:
        manifests.write(settings, list(paths), include_corpus, inputs)
    return report


def build_if_changed(settings: Settings | None = None, paths: Iterable[Path] = (), include_corpus: bool = True,
                     **options) -> tuple[BuildReport | None, str]:
    """Build only when there is no graph, or when the inputs it was built from (or those asked for) changed;
    a rebuild uses the recorded inputs, so a graph built with extra paths keeps them. Returns the
    report (None when nothing was built) and why."""
    settings = settings or Settings()
    paths = [Path(p) for p in paths]
    if not settings.store_path.exists():
        return build(settings, paths, include_corpus, **options), "there was no graph yet"
    recorded = manifests.read(settings)
    if recorded is None:
        return None, (f"kept the existing graph: it has no record of its inputs ({manifests.manifest_path(settings)}); "
                      f"run `saltkg build [PATHS]` to rebuild it")
    if recorded.amended:
        return None, "kept the existing graph: it was amended in place (build --update or remove) after it was built"
    asked = [str(p.resolve()) for p in paths]
    if (paths or not include_corpus) and (asked != recorded.paths or include_corpus != recorded.include_corpus):
        return build(settings, paths, include_corpus, **options), "other inputs were asked for than the graph was built from"
    sources = [Path(p) for p in recorded.paths]
    gone = [str(p) for p in sources if not p.exists()]
    if gone:
        return None, f"kept the existing graph: inputs it was built from are gone ({', '.join(gone)})"
    documents = collect_inputs(([*default_inputs(settings)] if recorded.include_corpus else []) + sources)
    changed = manifests.changes(settings, recorded, documents)
    if not changed:
        return None, f"the graph is up to date with its {len(documents)} input document(s)"
    report = build(settings, sources, recorded.include_corpus, **options)
    shown = "; ".join(changed[:5]) + (f"; and {len(changed) - 5} more" if len(changed) > 5 else "")
    return report, f"rebuilt from the same inputs because files changed ({shown})"


def prepare(store: ox.Store, settings: Settings, registry: Registry, inputs: list[Path], report: BuildReport,
            validate: bool, progress: bool, update: bool, strict: bool, location: Path, jobs: int = 1) -> KnowledgeGraph:
    """Fill a working store with the whole build and check it; BuildFailed when it is not worth keeping."""
    load_static_graphs(store, settings)
    executor = None
    if jobs > 1 and (len(inputs) > 1 or any(is_tei(p) for p in inputs)):
        from graph.model.parallel import worker_pool
        executor = worker_pool(settings, jobs)  # the extraction pool
    try:
        return fill_and_check(store, settings, inputs, report, validate, progress, update, strict, location,
                              jobs, registry, executor)
    finally:
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


def fill_and_check(store: ox.Store, settings: Settings, inputs: list[Path], report: BuildReport, validate: bool,
                   progress: bool, update: bool, strict: bool, location: Path, jobs: int, registry: Registry,
                   executor) -> KnowledgeGraph:
    """Documents in (in the pool when there is one), derived graph, counts, SHACL."""
    writer = BatchWriter(store)  # loads batches on its own thread while the next documents are extracted
    try:
        if executor is not None:
            add_documents_in_pool(writer, inputs, registry, report, progress, executor, jobs)
        else:
            add_documents(writer, inputs, registry, report, progress)
        writer.finish()
    finally:
        writer.close()
    load_people(store, settings)  # the shipped people database, for the persons the graph uses
    refresh_derived(store, registry)
    if report.documents == 0 and not update:
        raise BuildFailed("no document could be read: " + ("; ".join(report.errors) or "no input"))
    kg = KnowledgeGraph(store, location)
    summarise(kg, report)
    if validate:
        check: ValidationReport = run_validation(store, settings)
        report.conforms, report.violations, report.validation_text = check.conforms, check.violations, check.text
        if not check.conforms:
            raise BuildFailed(f"the graph does not conform to the SHACL shapes: {check.summary()}",
                              validation=check)
    if strict and (report.errors or report.warnings):
        raise BuildFailed(f"--strict: {len(report.errors)} errors and {len(report.warnings)} warnings", report)
    return kg


def run_validation(store: ox.Store, settings: Settings) -> ValidationReport:
    """SHACL validation: the shapes compiled into SPARQL and run on Oxigraph over the whole store (what
    they cannot express falls back to pySHACL); one pass, faster than pySHACL batches spread over a pool."""
    return validate_store(store, settings.ontology_dir / "shapes.ttl", base_iri=settings.base_iri)


def build_into_server(settings: Settings, registry: Registry, paths: Iterable[Path], include_corpus: bool,
                      validate: bool, progress: bool, update: bool, strict: bool, write_mode: str,
                      jobs: int = 1) -> BuildReport:
    """Build in a local working store, then write the finished graph into the store server at once."""
    from graph.model.publish import publish
    from graph.model.remote import RemoteGraph
    if update:
        raise BuildFailed("--update amends the embedded store; for a store server rebuild with every document "
                          "(the server's graph is replaced as a whole, in one transaction)")
    started = time.perf_counter()
    report = BuildReport()
    registry.attach_people(settings.data_dir / PEOPLE_FILE)
    remote = RemoteGraph.open(settings.store_url, base_iri=settings.base_iri)
    inputs = collect_inputs(([*default_inputs(settings)] if include_corpus else []) + list(paths))
    temporary = temporary_store_path(settings)
    store = ox.Store(str(temporary))
    try:
        prepare(store, settings, registry, inputs, report, validate, progress, update, strict, temporary, jobs)
        publish(store, remote, settings.base_iri, write_mode)
    finally:
        del store
        shutil.rmtree(temporary, ignore_errors=True)
        remote.close()
    report.seconds = round(time.perf_counter() - started, 3)
    report.store = remote.describe()
    (settings.build_dir / "build.json").write_text(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    return report


def remove_documents(doc_ids: list[str], settings: Settings | None = None) -> list[str]:
    """Remove documents' named graphs from a copy of the store and swap it in; return the removed."""
    settings = settings or Settings()
    with build_lock(settings):
        return remove_locked(doc_ids, settings)


def remove_locked(doc_ids: list[str], settings: Settings) -> list[str]:
    temporary = temporary_store_path(settings)
    store = open_working_store(settings, temporary, update=True)
    removed = []
    for doc_id in doc_ids:
        graph = graph_iri(settings.base_iri, doc_id)
        if store.contains_named_graph(graph):
            store.remove_graph(graph)
            removed.append(doc_id)
    refresh_derived(store, Registry.load(settings))
    store.flush()
    del store
    swap_into_place(temporary, settings.store_path)
    build_index(KnowledgeGraph.open(settings.store_path), index_path(settings.build_dir))
    if removed:
        manifests.mark_amended(settings)
    bump_version(settings.store_path)
    return removed
