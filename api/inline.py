"""Run SPARQL queries on threads of the server process itself, for a server run by api/supervisor.py.

pyoxigraph releases the GIL while it evaluates a query, so queries run side by side on threads with no
hop to another process; what it cannot do is stop one. A query past the time limit is answered 503 at
once and left running on its thread, and the process asks its supervisor for a successor: a fresh
process starts, this one stops accepting connections, finishes the requests it holds and exits, which
ends the runaway query. Until then a spare thread keeps the capacity. The engine runs on threads with
a large stack, as in the worker processes (api/executor.py), so deep recursion cannot overflow it.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from contextlib import contextmanager
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Callable, Iterator

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool

from .executor import WORKER_STACK_BYTES, PoolBusy, QueryAnswer, QueryJob, QueryTimeout, answer_of, execute

STOP = None  # put on the job queue: one thread ends


class InlineRunner:
    """A fixed number of query threads over one read-only store; same interface as QueryPool."""

    def __init__(self, store_path: Path, size: int, timeout: float, queue_wait: float,
                 retire: Callable[[str], None]):
        self.store_path = Path(store_path)
        self.size = max(1, size)
        self.timeout = timeout
        self.queue_wait = queue_wait
        self.retire = retire
        self.store = ox.Store.read_only(str(self.store_path))
        self.jobs: queue.Queue = queue.Queue()
        self.slots = threading.BoundedSemaphore(self.size)
        self.lock = threading.Lock()
        self.busy = 0
        self.most_busy = 0
        self.runaway = 0  # queries answered 503 and still running
        self.replaced = 0  # threads added in place of a runaway one
        for _ in range(self.size):
            self.add_thread()

    def add_thread(self) -> None:
        """Start one query thread with the large stack (thread stack sizes are set process-wide)."""
        with self.lock:
            previous = threading.stack_size(WORKER_STACK_BYTES)
            try:
                threading.Thread(target=self.serve, name="saltkg-query", daemon=True).start()
            finally:
                threading.stack_size(previous)

    def serve(self) -> None:
        """A query thread: run jobs until told to stop."""
        while True:
            item = self.jobs.get()
            if item is STOP:
                return
            job, future = item
            if future.set_running_or_notify_cancel():
                future.set_result(execute(self.store, job))

    def run(self, job: QueryJob) -> QueryAnswer:
        """Answer a job within the time limit or raise the matching QueryFailed."""
        self.refuse_when_spent()
        if not self.slots.acquire(timeout=self.queue_wait):
            raise PoolBusy(f"all {self.size} query threads are busy; try again shortly")
        with self.submitted(job) as future:
            try:
                outcome = future.result(timeout=self.timeout)
            except FutureTimeout:
                outcome = self.outcome_after_limit(future)
        return answer_of(outcome)

    async def run_async(self, job: QueryJob) -> QueryAnswer:
        """run() awaited on the event loop: the job goes straight to a query thread (no thread waits for
        it); when every thread is busy, run() on a thread waits for one as usual."""
        self.refuse_when_spent()
        if not self.slots.acquire(blocking=False):
            return await run_in_threadpool(self.run, job)
        with self.submitted(job) as future:
            try:
                outcome = await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
            except asyncio.TimeoutError:
                outcome = self.outcome_after_limit(future)
        return answer_of(outcome)

    @contextmanager
    def submitted(self, job: QueryJob) -> Iterator[Future]:
        """The job on the queue (a slot already taken), counted busy until it is answered or given up."""
        self.count_busy(+1)
        try:
            future: Future = Future()
            self.jobs.put((job, future))
            yield future
        finally:
            self.count_busy(-1)
            self.slots.release()

    def outcome_after_limit(self, future: Future) -> tuple:
        """A job at the time limit: its outcome if it has just finished; else a 503, and a job already
        running is abandoned (its process replaced)."""
        if future.done() and not future.cancelled():
            return future.result()
        if future.cancel():  # still waiting in the queue: nothing runs, nothing to replace
            raise QueryTimeout(f"the query waited past the time limit of {self.timeout:g} s")
        self.abandon()
        raise QueryTimeout(f"the query was stopped after the time limit of {self.timeout:g} s")

    def abandon(self) -> None:
        """A query ran past the limit: ask for a successor process (only that can stop the query), then
        keep the capacity with a spare thread."""
        with self.lock:
            self.runaway += 1
        self.retire(f"a query ran past the time limit of {self.timeout:g} s")
        try:
            self.add_thread()
            with self.lock:
                self.replaced += 1
        except RuntimeError:  # no thread could be started: the capacity shrinks until the process is replaced
            pass

    def refuse_when_spent(self) -> None:
        """503 once as many queries run past the limit as there are threads: this process is being replaced,
        and runaway queries it cannot stop must not pile up in it."""
        if self.runaway >= self.size:
            raise PoolBusy("this server process is being replaced after queries ran past the time limit; "
                           "try again shortly")

    def count_busy(self, step: int) -> None:
        with self.lock:
            self.busy += step
            self.most_busy = max(self.most_busy, self.busy)

    def reload(self) -> None:
        """Reopen the store (after a build or an update): queries from now on read the new graph."""
        self.store = ox.Store.read_only(str(self.store_path))

    def close(self) -> None:
        for _ in range(self.size + self.replaced):
            self.jobs.put(STOP)

    def summary(self) -> dict:
        return {"mode": "inline", "threads": self.size, "runaway": self.runaway}
