"""Write document graphs into a build's working store in batches, on a background thread.

Oxigraph's bulk loader writes a batch several times faster than a transaction per document, and it
runs without the GIL, so while one batch is loading the build goes on extracting the next (in this
process, or in the worker pool of `--jobs N`). At most one batch loads while the next is collected:
memory stays bounded by a few batches (the one collected, the one loading and its joined bytes).
Batches load in the order they were sent, each graph replacing whatever the store held under its
name, so a document given twice ends as its last reading.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Iterable

import pyoxigraph as ox

BATCH_GRAPHS = 25


def encoded(quads: Iterable[ox.Quad]) -> bytes:
    """Quads as N-Quads bytes (what the bulk loader reads, and what workers hand back)."""
    return ox.serialize(list(quads), format=ox.RdfFormat.N_QUADS) or b""


def load_batch(store: ox.Store, batch: dict[str, bytes]) -> None:
    """Replace each named graph of the batch by its N-Quads, in one bulk load."""
    for graph in batch:
        node = ox.NamedNode(graph)
        if store.contains_named_graph(node):
            store.remove_graph(node)
    data = b"".join(batch.values())
    if data:
        store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
    store.flush()


class BatchWriter:
    """Named graphs collected as N-Quads and loaded into the store `every` graphs at a time, in the
    background; `finish()` before reading the store, `close()` always (it waits for a load under way)."""

    def __init__(self, store: ox.Store, every: int = BATCH_GRAPHS):
        self.store = store
        self.every = every
        self.pending: dict[str, bytes] = {}
        self.thread = ThreadPoolExecutor(1, thread_name_prefix="saltkg-store-writer")
        self.loading: Future | None = None

    def replace_quads(self, graph: ox.NamedNode, quads: Iterable[ox.Quad]) -> None:
        """Put `quads` in place of whatever the named graph holds (in the store or still pending)."""
        self.replace(graph, encoded(quads))

    def replace(self, graph: ox.NamedNode, data: bytes) -> None:
        """`replace_quads` for quads already written as N-Quads (every quad in `graph`)."""
        self.pending.pop(graph.value, None)  # a later reading goes last, as it would have been written
        self.pending[graph.value] = data
        if len(self.pending) >= self.every:
            self.send()

    def send(self) -> None:
        """Start loading what is pending, once the batch before it is in (its error raised here)."""
        if not self.pending:
            return
        batch, self.pending = self.pending, {}
        self.wait()
        self.loading = self.thread.submit(load_batch, self.store, batch)

    def wait(self) -> None:
        if self.loading is not None:
            loading, self.loading = self.loading, None
            loading.result()

    def finish(self) -> None:
        """Every graph given so far is in the store."""
        self.send()
        self.wait()

    def close(self) -> None:
        """Let go of the thread, after a load under way (nothing pending is written; a load's error
        is raised by `finish`, not here)."""
        self.pending = {}
        loading, self.loading = self.loading, None
        try:
            if loading is not None:
                loading.exception()
        finally:  # interrupted while waiting: still no load left running on the store
            self.thread.shutdown(wait=True)
