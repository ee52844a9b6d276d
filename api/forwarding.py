"""Serving a graph held by a store server: /sparql forwarded with the same guards and limits, 503 with
Retry-After when the store is down or slow, /healthz, and the replica's own search index.

The guards (size, update, SERVICE allowlist) run in api/sparql.py before a query gets here, exactly as
for the embedded store. The store's answer is fetched as SPARQL JSON results or N-Triples under the
byte limit and the time limit (enforced here, on the client side, whatever the server does), parsed by
pyoxigraph and serialised by the same code as the embedded store's workers, so content negotiation
and the bytes sent are the same.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from graph.model.remote import RemoteGraph, StoreError, StoreTimeout, StoreUnavailable
from graph.model.search_index import build_index

from .executor import PoolBusy, QueryAnswer, QueryFailed, QueryJob, QueryTimeout, answer_of, execute

RETRY_AFTER = 5
UNSAFE_IN_IRI = re.compile(r"[<>\"{}|^`\\\s]")


class StoreDown(QueryFailed):
    """The store server is down or refusing: answered 503 with Retry-After."""

    status = 503


class Forwarder:
    """Looks like a pyoxigraph Store to `executor.execute`, but asks the store server."""

    def __init__(self, kg: RemoteGraph, timeout: float, max_bytes: int):
        self.kg = kg
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.failure: Exception | None = None

    def query(self, sparql: str, default_graph=None, named_graphs=None, use_default_graph_as_union=False,
              base_iri: str | None = None):
        """Forward one query (its dataset and base IRI as `executor.query_options` gives them); failures of
        the store are kept aside so they are not taken for the query's."""
        try:
            if base_iri and UNSAFE_IN_IRI.search(base_iri):
                raise ValueError(f"refusing to write the base IRI {base_iri!r} into a query")  # no injected text
            text = f"BASE <{base_iri}>\n{sparql}" if base_iri else sparql
            return self.kg.query(text,
                                 default_graphs=[g.value for g in default_graph or []],
                                 named_graphs=[g.value for g in named_graphs or []], timeout=self.timeout,
                                 max_bytes=self.max_bytes * 4, union_default=use_default_graph_as_union)
        except (StoreUnavailable, StoreError) as err:
            self.failure = err
            raise


class RemotePool:
    """The query pool's interface over a store server: bounded concurrency, client-side time limit."""

    def __init__(self, kg: RemoteGraph, size: int, timeout: float, queue_wait: float):
        self.kg = kg
        self.size = max(1, size)
        self.timeout = timeout
        self.queue_wait = queue_wait
        self.slots = threading.BoundedSemaphore(self.size)

    def run(self, job: QueryJob) -> QueryAnswer:
        """Answer a job from the store or raise the matching QueryFailed (503 when the store fails us)."""
        if not self.slots.acquire(timeout=self.queue_wait):
            raise PoolBusy(f"all {self.size} query slots are busy; try again shortly")
        try:
            forwarder = Forwarder(self.kg, self.timeout, job.max_bytes)
            outcome = execute(forwarder, job)
        finally:
            self.slots.release()
        if isinstance(forwarder.failure, StoreTimeout):
            raise QueryTimeout(f"the query was stopped after the time limit of {self.timeout:g} s")
        if isinstance(forwarder.failure, StoreUnavailable):
            raise StoreDown(f"the store is unavailable: {forwarder.failure}")
        return answer_of(outcome)

    def reload(self) -> None:
        """Nothing to reopen: every query goes to the server."""

    def close(self) -> None:
        self.kg.close()


class ReplicaState:
    """What this API replica derives from the store: the search index, rebuilt when the store changes.

    A change is known by the store's version record, which every SALT-KG write replaces in the same request
    (read every `check_every` seconds: one small query). Writes by other tools leave it alone: for those a
    digest of the whole store (graph.model.remote.RemoteGraph.content_digest) is computed in the background
    every `digest_every` seconds (default SALTKG_STORE_DIGEST_SECONDS; 0: never) and compared with the one
    taken just after the index was built."""

    def __init__(self, kg: RemoteGraph, folder: Path, check_every: float = 30.0,
                 digest_every: float | None = None):
        self.kg = kg
        if digest_every is None:
            digest_every = digest_seconds()
        key = hashlib.sha256(kg.endpoints.query.encode()).hexdigest()[:12]
        self.index = Path(folder) / f"search-{key}.sqlite"
        self.check_every = check_every
        self.digest_every = digest_every if digest_every > 0 else None
        self.lock = threading.Lock()
        self.checked = 0.0
        self.version: str | None = None  # the version record the index was built from
        self.built, self.built_at = False, 0.0
        self.baseline: str | None = None  # the store's digest just after the index was built
        self.digest: tuple[float, str] | None = None  # (when it was started, the digest) of the latest digest
        self.digest_thread: threading.Thread | None = None

    def refresh(self) -> bool:
        """Rebuild the index when the store's content changed (checked at most every `check_every` s);
        True when it did change. A store that cannot be reached keeps the last index."""
        if time.monotonic() - self.checked < self.check_every and self.index.exists():
            return False
        with self.lock:
            if time.monotonic() - self.checked < self.check_every and self.index.exists():
                return False
            try:
                version = self.kg.store_version()
                changed = not self.built or version != self.version or self.digest_changed()
                if changed or not self.index.exists():
                    self.rebuild(version)
                self.checked = time.monotonic()
                self.start_digest()
                return changed
            except (StoreUnavailable, StoreError):
                self.checked = time.monotonic()  # do not make every request wait on a failing store
                return False

    def rebuild(self, version: str | None) -> None:
        """Build the index from the store; the next digest (started at once) is what later ones are compared with."""
        self.index.parent.mkdir(parents=True, exist_ok=True)
        build_index(self.kg, self.index)
        self.version, self.built, self.built_at, self.baseline, self.digest = version, True, time.monotonic(), None, None

    def digest_changed(self) -> bool:
        """Whether the latest digest, started after the index was built, differs from the first such one."""
        latest = self.digest
        if not latest or latest[0] < self.built_at:
            return False
        if self.baseline is None:
            self.baseline = latest[1]
        return latest[1] != self.baseline

    def start_digest(self) -> None:
        """Start a digest of the store in the background when one is due and none is running."""
        if self.digest_every is None or (self.digest_thread and self.digest_thread.is_alive()):
            return
        if self.digest and time.monotonic() - self.digest[0] < self.digest_every:
            return
        started = time.monotonic()

        def run() -> None:
            try:
                self.digest = (started, self.kg.content_digest())
            except (StoreUnavailable, StoreError, RuntimeError):  # RuntimeError: the app closed its client
                pass  # tried again when due
        self.digest_thread = threading.Thread(target=run, name="store-digest", daemon=True)
        self.digest_thread.start()

    def forget(self) -> None:
        """Check the store at the next request (after this replica wrote to it)."""
        self.checked = 0.0
        self.built = False


def digest_seconds() -> float:
    """How often a replica has the store digest its content (SALTKG_STORE_DIGEST_SECONDS, default 600; 0: never)."""
    value = os.environ.get("SALTKG_STORE_DIGEST_SECONDS", "600")
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"SALTKG_STORE_DIGEST_SECONDS={value!r}: give a number of seconds (0: never)") from None


def unavailable(err: Exception) -> JSONResponse:
    return JSONResponse({"error": "the graph store is unavailable; try again shortly", "detail": str(err)},
                        status_code=503, headers={"Retry-After": str(RETRY_AFTER)})


def install(app: FastAPI) -> None:
    """Store failures anywhere (REST, pages, views) become 503 with Retry-After; /healthz reports."""

    @app.exception_handler(StoreUnavailable)
    async def store_unavailable(request: Request, err: StoreUnavailable) -> JSONResponse:
        return unavailable(err)

    @app.exception_handler(StoreError)
    async def store_error(request: Request, err: StoreError) -> JSONResponse:
        return JSONResponse({"error": "the graph store answered with an error", "detail": str(err)},
                            status_code=502)

    @app.get("/healthz", tags=["service"], summary="Which store this server reads and how many triples it holds")
    def healthz(request: Request) -> JSONResponse:
        services = request.app.state.services
        kg = services.kg
        store = kg.describe() if isinstance(kg, RemoteGraph) else f"embedded store at {kg.path}"
        try:
            triples = kg.triple_count()
        except (StoreUnavailable, StoreError) as err:
            return JSONResponse({"status": "unavailable", "store": store, "detail": str(err)}, status_code=503,
                                headers={"Retry-After": str(RETRY_AFTER)})
        version = services.replica.version if services.replica else services.current_version()
        return JSONResponse({"status": "ok", "store": store, "triples": triples,
                             "graph_version": version, "cache": services.result_cache.summary(),
                             "queries": services.query_summary()})
