"""Extract documents in a pool of processes (`saltkg build --jobs N`), with the same quads as a serial build.

The main process reads (plain-text paths; TEI volumes streamed document by document, dates settled
as in a serial import), hands each document to a worker, and gives the workers' N-Quads to the
store writer (graph.model.store_writer) in input order. At most a few documents per worker are in
flight, so memory stays bounded however large a volume is. Each worker loads the registry once and,
for a TEI volume, reads the volume's front matter once to reach the same person matching as the main
process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Callable

from graph.config import Settings
from graph.extract import KnownDate, extract
from graph.model.rdf import document_quads
from graph.model.store_writer import encoded
from graph.read.reader import ReadError, read_document
from graph.read.registry import Registry
from graph.read.tei import TeiDocument

IN_FLIGHT_PER_JOB = 4
_registry: Registry | None = None
_volumes: dict[str, tuple] = {}


def default_jobs() -> int:
    """The CPU count this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def init_worker(settings: Settings) -> None:
    """Each worker's registry, read with the people database as the main process's is."""
    global _registry
    from graph.read.people import PEOPLE_FILE
    _registry = Registry.load(settings)
    _registry.attach_people(settings.data_dir / PEOPLE_FILE)


def extract_text(path: Path) -> tuple:
    """Worker: one plain-text document → ('ok', doc id, N-Quads, warnings, extraction) or ('error', message);
    the extraction goes back for the corpus-wide re-dating."""
    try:
        result = extract(read_document(path), _registry)
    except ReadError as err:
        return ("error", str(err))
    return ("ok", result.document.id, encoded(document_quads(result, _registry)), result.warnings, result)


def extract_known(doc, known: KnownDate) -> tuple:
    """Worker: a document extracted again with the date other documents give it."""
    result = extract(doc, _registry, known)
    return ("ok", result.document.id, encoded(document_quads(result, _registry)), result.warnings)


def redate_in_pool(executor: ProcessPoolExecutor, outcomes: list[tuple], registry: Registry) -> list[tuple]:
    """The plain-text outcomes in order, those the corpus dates better extracted again in the pool
    (graph.extract.corpus_dates.redate, spread over the workers)."""
    from graph.extract.corpus_dates import corpus_dates
    better = corpus_dates([outcome[4] for outcome in outcomes], registry)
    again = {n: executor.submit(extract_known, o[4].doc, better[o[1]]) for n, o in enumerate(outcomes)
             if o[1] in better}  # by position: one id may come from two files, each re-extracted itself
    return [again[n].result() if n in again else o[:4] for n, o in enumerate(outcomes)]


def extract_tei(path: str, tei: TeiDocument, known: KnownDate | None) -> tuple:
    """Worker: one document of a TEI volume, with the volume's registry (read once per worker)."""
    from graph.model.volumes import tei_extraction, volume_context
    if path not in _volumes:
        _volumes.clear()  # one volume at a time: its registry is the big part
        _volumes[path] = volume_context(Path(path), _registry)
    match, volume_registry, term_iris, volume = _volumes[path]
    result = tei_extraction(tei, volume_registry, match, term_iris, volume, known)
    return ("ok", result.document.id, encoded(document_quads(result, volume_registry)), result.warnings)


def worker_pool(settings: Settings, jobs: int) -> ProcessPoolExecutor:
    """`jobs` spawned worker processes, each with the registry loaded."""
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(jobs, mp_context=context, initializer=init_worker, initargs=(settings,))


class ExtractionPool:
    """The ordered, bounded queue of documents in flight in a worker pool."""

    def __init__(self, executor: ProcessPoolExecutor, jobs: int, write: Callable[[tuple], None]):
        self.executor = executor
        self.limit = jobs * IN_FLIGHT_PER_JOB
        self.pending: deque[Future] = deque()
        self.write = write

    def submit(self, function, *args) -> None:
        """Queue one document; write finished ones (in order) while too many are in flight."""
        self.pending.append(self.executor.submit(function, *args))
        while len(self.pending) >= self.limit:
            self.write(self.pending.popleft().result())

    def drain(self) -> None:
        while self.pending:
            self.write(self.pending.popleft().result())

    def close(self) -> None:
        """Forget documents still queued (after a failure); the executor belongs to the caller."""
        for future in self.pending:
            future.cancel()
        self.pending.clear()
