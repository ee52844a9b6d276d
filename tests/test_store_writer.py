"""The build's store writer: batches loaded on a background thread, in order, each graph replaced."""

from __future__ import annotations

import threading
import time

import pyoxigraph as ox
import pytest

from graph.model import store_writer
from graph.model.store_writer import BatchWriter

EX = "https://example.org/"


def quads(graph: str, *values: str) -> list[ox.Quad]:
    return [ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal(v), ox.NamedNode(EX + graph))
            for v in values]


def values(store: ox.Store, graph: str) -> list[str]:
    return sorted(q.object.value for q in store.quads_for_pattern(None, None, None, ox.NamedNode(EX + graph)))


def test_graphs_are_replaced_across_and_within_batches(tmp_path):
    store = ox.Store(str(tmp_path / "store"))
    store.extend(quads("old", "before"))
    writer = BatchWriter(store, every=2)
    try:
        writer.replace_quads(ox.NamedNode(EX + "a"), quads("a", "first"))
        writer.replace_quads(ox.NamedNode(EX + "b"), quads("b", "one", "two"))  # batch 1 sent
        writer.replace_quads(ox.NamedNode(EX + "a"), quads("a", "second"))  # replaces a graph of batch 1
        writer.replace_quads(ox.NamedNode(EX + "c"), quads("c", "x"))  # batch 2 sent
        writer.replace_quads(ox.NamedNode(EX + "c"), quads("c", "y"))
        writer.replace_quads(ox.NamedNode(EX + "c"), quads("c", "z"))  # within one batch: the last wins
        writer.replace_quads(ox.NamedNode(EX + "old"), [])  # no quads: the stored graph goes
        writer.finish()
    finally:
        writer.close()
    assert values(store, "a") == ["second"]
    assert values(store, "b") == ["one", "two"]
    assert values(store, "c") == ["z"]
    assert values(store, "old") == [] and not store.contains_named_graph(ox.NamedNode(EX + "old"))


def test_a_failed_load_is_raised_by_finish_and_close_lets_go(tmp_path):
    store = ox.Store(str(tmp_path / "store"))
    writer = BatchWriter(store, every=1)
    writer.replace(ox.NamedNode(EX + "bad"), b"<not n-quads\n")
    with pytest.raises(SyntaxError):
        writer.finish()
    writer.close()
    with pytest.raises(RuntimeError):  # the thread is let go
        writer.thread.submit(print)


def test_a_batch_loads_on_the_thread_and_the_next_waits_for_it(tmp_path, monkeypatch):
    """The caller goes on while a batch loads; sending the next batch waits for that load (so at most
    one batch loads while another is collected), and batches load in the order sent."""
    store = ox.Store(str(tmp_path / "store"))
    release, finished = threading.Event(), []
    real = store_writer.load_batch

    def held(store_, batch):
        release.wait(10)
        time.sleep(0.05)
        real(store_, batch)
        finished.append(list(batch))

    monkeypatch.setattr(store_writer, "load_batch", held)
    writer = BatchWriter(store, every=1)
    try:
        writer.replace_quads(ox.NamedNode(EX + "a"), quads("a", "1"))
        assert finished == []  # handed to the thread, which is held: not loaded on the caller's thread
        release.set()
        writer.replace_quads(ox.NamedNode(EX + "b"), quads("b", "1"))
        assert finished == [[EX + "a"]]  # the first load was waited for before the second was sent
        for name in "cd":
            writer.replace_quads(ox.NamedNode(EX + name), quads(name, "1"))
        writer.finish()
    finally:
        writer.close()
    assert finished == [[EX + name] for name in "abcd"]
    assert all(values(store, name) == ["1"] for name in "abcd")


def test_close_waits_for_a_load_under_way(tmp_path, monkeypatch):
    store = ox.Store(str(tmp_path / "store"))
    done = threading.Event()
    real = store_writer.load_batch

    def slow(store_, batch):
        time.sleep(0.1)
        real(store_, batch)
        done.set()

    monkeypatch.setattr(store_writer, "load_batch", slow)
    writer = BatchWriter(store, every=1)
    writer.replace_quads(ox.NamedNode(EX + "a"), quads("a", "1"))
    writer.close()  # e.g. after a failure elsewhere: the store is not removed under a load
    assert done.is_set()
