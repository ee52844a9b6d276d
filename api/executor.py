"""Run SPARQL queries in worker processes that can be stopped.

pyoxigraph's `Store.query` has no timeout, so each query runs in a worker process holding the
store open read-only. When a query exceeds the time limit its worker is killed (the work really
stops) and a fresh worker takes its place. Results are serialised inside the worker under a byte
limit, so an oversized answer is refused without being built in the server process.
"""

from __future__ import annotations

import multiprocessing
import pickle
import queue
import threading
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from .negotiation import CANONICAL_GRAPH, CANONICAL_RESULTS, GRAPH_TYPES, RESULT_TYPES, negotiate


class QueryFailed(Exception):
    """A query that could not be answered; `status` is the HTTP status to report."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class QuerySyntaxError(QueryFailed):
    status = 400


class QueryTimeout(QueryFailed):
    status = 503


class PoolBusy(QueryFailed):
    status = 503


class ResultTooLarge(QueryFailed):
    status = 422


class NotAcceptable(QueryFailed):
    status = 406


class EvaluationError(QueryFailed):
    status = 502


class QueryCrashed(QueryFailed):
    """A query that stopped a fresh worker as well: refused as unanswerable."""

    status = 400


class WorkerLost(Exception):
    """A worker process was found dead: before the job reached it, or while running it."""

    def __init__(self, during_query: bool, exit_code: int | None):
        super().__init__(during_query, exit_code)
        self.during_query = during_query
        self.exit_code = exit_code


@dataclass
class QueryJob:
    """One query with what the worker needs to run and serialise it."""

    query: str
    accept: str = "*/*"
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    max_bytes: int = 16 * 1024 * 1024
    base_iri: str | None = None
    fallback_accept: str | None = None  # the Accept header, when a `format` parameter chose `accept`
    union_default: bool = True  # without a dataset (protocol or FROM), the default graph is every graph

    def choose(self, offered: dict, default: str) -> str | None:
        """The media type for this job's results: from `accept`, else from the fallback Accept header."""
        for accept in (self.accept, self.fallback_accept):
            media = negotiate(accept, offered, default) if accept is not None else None
            if media is not None:
                return media
        return None


@dataclass
class QueryAnswer:
    media_type: str
    body: bytes


class LimitedBuffer:
    """A write-only byte sink that raises once more than `limit` bytes are written."""

    def __init__(self, limit: int):
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise OverflowError(self.limit)
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: the bytes stay in memory."""

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


def execute(store: ox.Store, job: QueryJob) -> tuple:
    """Run one job on a store; ('ok', media, body) or (error kind, message). Runs in the worker."""
    try:
        results = store.query(job.query, **query_options(job))
        sink = LimitedBuffer(job.max_bytes)
        if isinstance(results, (ox.QuerySolutions, ox.QueryBoolean)):
            media = job.choose(RESULT_TYPES, "application/sparql-results+json")
            if media is None:
                return ("not-acceptable", "SELECT and ASK results are offered as " + ", ".join(RESULT_TYPES))
            results.serialize(sink, format=RESULT_TYPES[media])
            media = CANONICAL_RESULTS.get(media, media)
        else:
            media = job.choose(GRAPH_TYPES, "text/turtle")
            if media is None:
                return ("not-acceptable", "CONSTRUCT and DESCRIBE results are offered as " + ", ".join(GRAPH_TYPES))
            ox.serialize(results, sink, format=GRAPH_TYPES[media])
            media = CANONICAL_GRAPH.get(media, media)
    except SyntaxError as err:
        return ("syntax", str(err))
    except ValueError as err:  # a dataset IRI that is not an IRI
        return ("syntax", f"invalid request: {err}")
    except OverflowError:
        return ("too-large", f"the result exceeds the limit of {job.max_bytes:,} bytes; add LIMIT or "
                             "narrow the query (whole-graph dumps: `saltkg export`)")
    except RecursionError:
        return ("syntax", "the query is nested too deeply to be evaluated")
    except Exception as err:  # the worker must survive any failure of one query
        return ("evaluation", f"{type(err).__name__}: {err}")
    return ("ok", media, sink.getvalue())


def query_options(job: QueryJob) -> dict:
    """Store.query keyword arguments: the dataset (default: every graph as the default graph) and base."""
    options: dict = {"base_iri": job.base_iri}
    if job.default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    elif job.union_default and not job.named_graphs:
        options["use_default_graph_as_union"] = True
    if job.named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    return options


WORKER_STACK_BYTES = 512 * 1024 * 1024  # address space only; pages are used as deep recursion touches them


def worker_main(connection: Connection, store_path: str) -> None:
    """The worker process: answer jobs on a thread with a large stack, so that the query engine's
    recursive parser and evaluator cannot overflow it on deeply nested (but size-limited) queries."""
    threading.stack_size(WORKER_STACK_BYTES)
    serving = threading.Thread(target=serve_jobs, args=(connection, store_path), name="saltkg-query")
    serving.start()
    serving.join()


def serve_jobs(connection: Connection, store_path: str) -> None:
    """Open the store read-only and answer jobs until the pipe closes."""
    store = ox.Store.read_only(store_path)
    while True:
        try:
            job = pickle.loads(connection.recv_bytes())
        except (EOFError, OSError):
            return
        connection.send_bytes(pickle.dumps(execute(store, job), protocol=pickle.HIGHEST_PROTOCOL))


ERRORS = {"syntax": QuerySyntaxError, "too-large": ResultTooLarge, "not-acceptable": NotAcceptable,
          "evaluation": EvaluationError}


def answer_of(outcome: tuple) -> QueryAnswer:
    """execute()'s ('ok', media, body) as an answer; an error outcome raised as its QueryFailed."""
    if outcome[0] == "ok":
        return QueryAnswer(outcome[1], outcome[2])
    raise ERRORS[outcome[0]](outcome[1])


class Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, context, store_path: Path, generation: int):
        self.generation = generation
        parent, child = context.Pipe()
        self.process = context.Process(target=worker_main, args=(child, str(store_path)), daemon=True,
                                       name="saltkg-query-worker")
        self.process.start()
        child.close()
        self.connection = parent

    def stop(self) -> None:
        """Kill the process at once (a running query is abandoned) and reap it."""
        self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


class QueryPool:
    """A fixed number of query workers; a request borrows one, a timed-out one is replaced."""

    def __init__(self, store_path: Path, size: int = 2, timeout: float = 5.0, queue_wait: float = 10.0):
        self.store_path = Path(store_path)
        self.size = max(1, size)
        self.timeout = timeout
        self.queue_wait = queue_wait
        self.context = multiprocessing.get_context("spawn")
        self.idle: queue.Queue[Worker] = queue.Queue()
        self.lock = threading.Lock()
        self.started = False
        self.closed = False
        self.generation = 0
        self.replaced = 0
        self.busy = 0
        self.most_busy = 0  # the most workers ever running queries at once

    def start(self) -> None:
        with self.lock:
            if self.started:
                return
            for _ in range(self.size):
                self.idle.put(Worker(self.context, self.store_path, self.generation))
            self.started = True

    def run(self, job: QueryJob) -> QueryAnswer:
        """Answer a job within the time limit or raise the matching QueryFailed. A worker that died
        while idle is found on borrowing (or when the job cannot be sent) and the job goes to a fresh
        one; a job whose worker dies while running it gets one more try on another worker."""
        self.start()
        for attempt in (1, 2):
            worker = self.borrow()
            try:
                outcome = self.ask(worker, job)
            except WorkerLost as lost:
                if attempt == 1 or not lost.during_query:
                    continue
                raise QueryCrashed("the query stopped the query engine twice (exit code "
                                   f"{lost.exit_code}); it is refused — it may be nested too deeply") from None
            finally:
                self.release()
            return answer_of(outcome)
        raise EvaluationError("no query worker could be started; the query was not answered")

    def borrow(self) -> Worker:
        """An idle, live worker (a dead one is replaced at once), waiting at most `queue_wait`."""
        try:
            worker = self.idle.get(timeout=self.queue_wait)
        except queue.Empty:
            raise PoolBusy(f"all {self.size} query workers are busy; try again shortly") from None
        with self.lock:
            self.busy += 1
            self.most_busy = max(self.most_busy, self.busy)
        if not worker.process.is_alive():
            self.replaced += 1
            worker.stop()
            worker = Worker(self.context, self.store_path, self.generation)
        return worker

    def release(self) -> None:
        with self.lock:
            self.busy -= 1

    def ask(self, worker: Worker, job: QueryJob) -> tuple:
        """Send a job to a borrowed worker and wait for its outcome; the worker goes back or is replaced."""
        try:
            worker.connection.send_bytes(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
        except (OSError, BrokenPipeError):
            self.replace(worker)
            raise WorkerLost(False, worker.process.exitcode) from None
        try:
            if not worker.connection.poll(self.timeout):
                self.replace(worker)
                raise QueryTimeout(f"the query was stopped after the time limit of {self.timeout:g} s")
            outcome = pickle.loads(worker.connection.recv_bytes())
        except (EOFError, OSError):
            worker.process.join(timeout=1)
            exit_code = worker.process.exitcode
            self.replace(worker)
            raise WorkerLost(True, exit_code) from None
        self.give_back(worker)
        return outcome

    def give_back(self, worker: Worker) -> None:
        if worker.generation != self.generation or self.closed:
            self.replace(worker)
        else:
            self.idle.put(worker)

    def replace(self, worker: Worker) -> None:
        """Kill a worker and start its successor in the background."""
        self.replaced += 1
        threading.Thread(target=self._replace, args=(worker,), daemon=True).start()

    def _replace(self, worker: Worker) -> None:
        worker.stop()
        if not self.closed:
            self.idle.put(Worker(self.context, self.store_path, self.generation))

    def reload(self) -> None:
        """Make every worker reopen the store (after an update): idle ones now, busy ones when done."""
        with self.lock:
            self.generation += 1
            stale = []
            while True:
                try:
                    stale.append(self.idle.get_nowait())
                except queue.Empty:
                    break
        for worker in stale:
            self.replace(worker)

    def summary(self) -> dict:
        return {"mode": "process", "workers": self.size, "replaced": self.replaced}

    def close(self) -> None:
        self.closed = True
        while True:
            try:
                self.idle.get_nowait().stop()
            except queue.Empty:
                break
