"""What the request handlers share: the store, the query workers, the search index, cached answers."""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import Future
from typing import Callable

import pyoxigraph as ox

from graph.ask import negotiations, status
from graph.ask.status_index import StatusIndex
from graph.ask.search import SearchIndex
from graph.model.search_index import build_index
from graph.model.remote import RemoteGraph, followed_by, version_update
from graph.model.store import KnowledgeGraph
from graph.model.version import VersionWatch, bump_version

from .cache import ResultCache
from . import supervisor
from .executor import QueryPool
from .inline import InlineRunner
from .pages import Links
from .settings import ServerSettings

logger = logging.getLogger("uvicorn.error")


def query_runner(settings: ServerSettings) -> QueryPool | InlineRunner:
    """Threads of this process when a supervisor can replace it (`saltkg serve`), else worker processes."""
    if settings.query_isolation == "inline":
        if supervisor.supervised():
            return InlineRunner(settings.store, settings.query_concurrency(threads=True), settings.query_timeout,
                                settings.queue_wait, retire=supervisor.request_replacement)
        logger.warning("SALTKG_QUERY_ISOLATION=inline needs the supervisor of `saltkg serve`; "
                       "queries run in worker processes")
    return QueryPool(settings.store, settings.query_concurrency(threads=False), settings.query_timeout,
                     settings.queue_wait)


def services_of(request) -> "Services":
    """The app's shared services, from a request."""
    return request.app.state.services


class Services:
    """One per app: opened read-only at start, reopened after an authorised update."""

    def __init__(self, settings: ServerSettings):
        self.settings = settings
        self.links = Links(settings.graph.base_iri)
        self.update_lock = threading.Lock()
        self.cache: dict[str, object] = {}
        self.pending: dict[tuple[int, str], Future] = {}  # values being computed: (cache dict, key) → future
        self.pending_lock = threading.Lock()
        self.replica = None
        self.watch = None
        self.version = None
        if settings.store_url:
            # a store server may change under this replica at any time: no version is known without
            # asking it, so answers are neither cached nor validated (never a stale one)
            self.open_remote(settings)
            self.result_cache = ResultCache(0, 0)
        else:
            self.kg = KnowledgeGraph.open(settings.store)
            self.pool = query_runner(settings)
            self.watch = VersionWatch(settings.store)
            self.version = self.watch.version
            self.result_cache = ResultCache(settings.cache_bytes, settings.cache_entry_bytes)

    def open_remote(self, settings: ServerSettings) -> None:
        """Read a store server: queries forwarded, the search index built here from the store."""
        from .forwarding import RemotePool, ReplicaState
        self.kg = RemoteGraph.open(settings.store_url, timeout=settings.query_timeout, base_iri=settings.graph.base_iri)
        self.pool = RemotePool(self.kg, settings.query_concurrency(threads=False), settings.query_timeout,
                               settings.queue_wait)
        self.replica = ReplicaState(self.kg, settings.graph.build_dir / "replica", settings.store_check_seconds)
        self.replica.refresh()

    @property
    def base_iri(self) -> str:
        return self.settings.graph.base_iri

    def search_index(self) -> SearchIndex | None:
        path = self.replica.index if self.replica else self.settings.search_index
        self.follow_store()
        return SearchIndex(path) if path.exists() else None

    def cached(self, key: str, compute: Callable[[], object]) -> object:
        """A value computed once per store version (descriptions, counts, the status index). A request that
        wants a value another is computing waits for that one; no lock is held while computing, so values
        may be computed side by side and one may ask for another. A new version gets a new dict, not a cleared
        one, so a value still being computed from the old graph lands in the old dict."""
        self.follow_store()
        cache = self.cache
        if key in cache:
            return cache[key]
        with self.pending_lock:
            if key in cache:
                return cache[key]
            waiting = self.pending.get((id(cache), key))
            if waiting is None:
                mine = self.pending[(id(cache), key)] = Future()
        if waiting is not None:
            return waiting.result()
        try:
            cache[key] = value = compute()
            mine.set_result(value)
            return value
        except BaseException as err:
            mine.set_exception(err)
            raise
        finally:
            with self.pending_lock:
                del self.pending[(id(cache), key)]

    def status_index(self) -> StatusIndex | None:
        """Issue status for any day from memory, read once per version of the embedded store (None for a
        store server, whose content may change between two requests: the named queries answer there)."""
        if self.replica is not None:
            return None
        return self.cached("status index", lambda: status.read_index(self.kg))

    def follow_store(self) -> None:
        """For a store server: when its content changed, drop cached answers (and the index is rebuilt)."""
        if self.replica and self.replica.refresh():
            self.kg.content_changed()  # first: a value computed for the new dict reads no memo of the old content
            self.cache = {}

    def apply_update(self, sparql: str, base_iri: str | None = None) -> None:
        """Run a SPARQL Update (relative IRIs against `base_iri`) on the store on disk, then reopen
        readers and rebuild the search index; for a store server, send it there."""
        if self.replica:
            return self.apply_remote_update(sparql, base_iri)
        with self.update_lock:
            store = ox.Store(str(self.settings.store))
            try:
                store.update(sparql, base_iri=base_iri)
                store.flush()
            finally:
                del store
            self.kg = KnowledgeGraph.open(self.settings.store)
            self.cache = {}
            self.pool.reload()
            build_index(self.kg, self.settings.search_index)
            self.version = bump_version(self.settings.store)  # last: answers keyed on it are now current

    def current_version(self) -> str | None:
        """The graph's version on disk; when a build (or another process's update) changed it, reopen
        the store and the workers first, so nothing answers from the old graph under the new version.
        Never waits on an update in progress (it runs on the event loop): the old version is current
        until the update's own bump. None for a store server (nothing is cached or validated then)."""
        if self.watch is None:
            return None
        version = self.watch.current()
        if version == self.version:
            return version
        if not self.update_lock.acquire(blocking=False):
            return self.version  # an update is being applied: it bumps the version itself when done
        try:
            version = self.watch.current()
            if version != self.version:
                self.kg = KnowledgeGraph.open(self.settings.store)
                self.cache = {}
                self.pool.reload()
                self.version = version
        finally:
            self.update_lock.release()
        return self.version

    def apply_remote_update(self, sparql: str, base_iri: str | None = None) -> None:
        """Send an authorised update to the store server (relative IRIs against `base_iri`, declared as the
        update's BASE) with a new version record in the same request, then refresh what this replica derives."""
        with self.update_lock:
            self.kg.update(followed_by(f"BASE <{base_iri}>\n{sparql}" if base_iri else sparql,
                                       version_update(self.base_iri)))
            self.kg.content_changed()
            self.cache = {}
            self.replica.forget()
            self.replica.refresh()

    def query_summary(self) -> dict:
        """How queries run here (threads of this process, worker processes or a store server)."""
        summary = getattr(self.pool, "summary", None)
        return {"process": os.getpid(), **(summary() if summary else {"mode": "store server"})}

    def read_ahead(self) -> None:
        """What every status answer reads (negotiations, chronologies, the status index), read at start for
        the embedded store."""
        if self.replica is None:
            negotiations.read_ahead(self.kg)
            self.status_index()

    def close(self) -> None:
        self.pool.close()
