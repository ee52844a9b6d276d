"""Write a finished build into a store server so that readers never see half of it.

The build is made and validated in a local working store first; nothing reaches the server before it
is complete. Two ways to write it:

- `transaction` (default): one SPARQL 1.1 Update request that, graph by graph, drops each named graph
  and inserts its new content, the derived graph last, and drops SALT-KG graphs the build no longer
  has. Oxigraph (and Fuseki with TDB2) apply one update request as one transaction, so a build killed
  or failing part-way leaves the served dataset as it was; a re-run converges. Virtuoso 7.2 keeps the
  operations before a failing one: there only the re-run restores a consistent graph.
- `graphs` (`auto` picks it for Virtuoso, whose SPARQL compiler refuses long literals such as a
  document's text): each named graph replaced by one Graph Store Protocol PUT, the derived graph last. For builds too large for one transaction; a failure part-way leaves every graph whole
  (old or new), and a re-run converges.

Either way the write ends by replacing the store's version record (`<base>graph/version`: a new UUID as
its dcterms:identifier and its prov:generatedAtTime), in the same request in `transaction` mode, after
the last graph in `graphs` mode: API replicas rebuild their search index when it changes.
"""

from __future__ import annotations

import tempfile
import uuid
from dataclasses import dataclass
from typing import IO, Iterator

import pyoxigraph as ox

from graph.model.remote import RemoteGraph, StoreConfigError, check, version_graph, version_update
from graph.namespaces import ONTOLOGY_IRI

WRITE_MODES = ("auto", "transaction", "graphs")
TRIPLES_PER_INSERT = 500  # small operations: servers that compile each one (Virtuoso) limit their size
GRAPH_PARAMETER = {"virtuoso": "graph-uri"}


@dataclass
class Published:
    """What a write to a server did."""

    graphs: int
    dropped: list[str]
    quads: int
    mode: str
    version: str = ""


def ordered_graphs(store: ox.Store, base_iri: str) -> list[ox.NamedNode]:
    """The build's named graphs in write order: everything else first, the derived graph last."""
    derived = base_iri + "graph/derived"
    graphs = sorted((g for g in store.named_graphs() if isinstance(g, ox.NamedNode)), key=lambda g: g.value)
    return [g for g in graphs if g.value != derived] + [g for g in graphs if g.value == derived]


def owned(graph: str, base_iri: str) -> bool:
    """Whether a graph on the server is one SALT-KG writes (so a re-run may drop it)."""
    return graph.startswith(base_iri + "graph/") or graph == ONTOLOGY_IRI


def stale_graphs(remote: RemoteGraph, keep: set[str], base_iri: str) -> list[str]:
    """SALT-KG graphs on the server that the new build no longer has."""
    return sorted(g for g in remote.named_graphs() if owned(g, base_iri) and g not in keep)


def triple_lines(store: ox.Store, graph: ox.NamedNode) -> Iterator[str]:
    """The graph's content as N-Triples lines (for a Graph Store Protocol PUT)."""
    for quad in store.quads_for_pattern(None, None, None, graph):
        yield f"{quad.subject} {quad.predicate} {quad.object} .\n"


def write_update(store: ox.Store, graphs: list[ox.NamedNode], dropped: list[str], sink: IO[str]) -> int:
    """The whole build as one SPARQL Update request; returns the number of quads in it."""
    count = 0
    operations = [f"DROP SILENT GRAPH <{g}>" for g in dropped]
    sink.write(" ;\n".join(operations))
    first = not operations
    for graph in graphs:
        sink.write(("" if first else " ;\n") + f"DROP SILENT GRAPH {graph} ;\nCREATE SILENT GRAPH {graph}")
        first = False
        plain: list[str] = []
        with_blanks: list[str] = []
        for quad in store.quads_for_pattern(None, None, None, graph):
            line = f"{quad.subject} {quad.predicate} {quad.object} .\n"
            if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
                with_blanks.append(line)
            else:
                plain.append(line)
                if len(plain) == TRIPLES_PER_INSERT:
                    count += flush_insert(sink, graph, plain)
        count += flush_insert(sink, graph, plain)
        count += flush_insert(sink, graph, with_blanks, template=True)
    sink.write("\n")
    return count


def flush_insert(sink: IO[str], graph: ox.NamedNode, batch: list[str], template: bool = False) -> int:
    """Write one insert operation for a batch of triples (kept small for servers that limit it). Triples
    with blank nodes go in one INSERT … WHERE {} template (servers such as Virtuoso refuse blank nodes in
    INSERT DATA), all of a graph's together so each blank node stays one node."""
    if not batch:
        return 0
    sink.write(f" ;\nINSERT {{ GRAPH {graph} {{\n" if template else f" ;\nINSERT DATA {{ GRAPH {graph} {{\n")
    sink.writelines(batch)
    sink.write("} } WHERE {}" if template else "} }")
    size = len(batch)
    batch.clear()
    return size


def publish(store: ox.Store, remote: RemoteGraph, base_iri: str, mode: str = "auto") -> Published:
    """Write a finished build into the server (see the module docstring for what is atomic)."""
    if mode not in WRITE_MODES:
        raise StoreConfigError(f"write mode {mode!r}: use one of {', '.join(WRITE_MODES)}")
    if mode == "auto":  # Virtuoso neither applies an update request atomically nor takes long literals in one
        mode = "graphs" if remote.endpoints.kind == "virtuoso" else "transaction"
    graphs = ordered_graphs(store, base_iri)
    dropped = stale_graphs(remote, {g.value for g in graphs} | {version_graph(base_iri)}, base_iri)
    version = str(uuid.uuid4())
    if mode == "graphs":
        published = put_graphs(store, remote, graphs, dropped)
        remote.update(version_update(base_iri, version))
        published.version = version
        return published
    with tempfile.SpooledTemporaryFile(max_size=64 << 20, mode="w+", encoding="utf-8") as body:
        quads = write_update(store, graphs, dropped, body)
        body.write(" ;\n" + version_update(base_iri, version))
        body.seek(0)
        remote.update(body.read())
    return Published(len(graphs), dropped, quads, mode, version)


def put_graphs(store: ox.Store, remote: RemoteGraph, graphs: list[ox.NamedNode], dropped: list[str]) -> Published:
    """Replace each graph by a Graph Store Protocol PUT, the derived graph last, then drop stale ones."""
    endpoint = remote.endpoints.graph_store
    if not endpoint:
        raise StoreConfigError(f"{remote.describe()}: no Graph Store endpoint configured (--graph-store-endpoint)")
    parameter = GRAPH_PARAMETER.get(remote.endpoints.kind, "graph")
    quads = 0
    for graph in graphs:
        body = "".join(triple_lines(store, graph)).encode("utf-8")
        quads += body.count(b"\n")
        response = remote.send("PUT", endpoint, params={parameter: graph.value}, content=body,
                               headers={"Content-Type": "application/n-triples"}, timeout=600.0)
        check(response)
    for graph in dropped:
        response = remote.send("DELETE", endpoint, params={parameter: graph}, timeout=600.0)
        if response.status_code != 404:
            check(response)
    return Published(len(graphs), dropped, quads, "graphs")
