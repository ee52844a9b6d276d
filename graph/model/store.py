"""The embedded Oxigraph store on disk: open it, query it on Oxigraph's own engine, export it.

Queries always run in pyoxigraph (never rdflib's evaluator) with the default graph as the
union of every named graph. `as_rdflib()` wraps the same store for rdflib's API via oxrdflib.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from graph.config import Settings

EXPORT_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE, "ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
    "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD, "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG, "xml": ox.RdfFormat.RDF_XML, "rdfxml": ox.RdfFormat.RDF_XML,
}


class StoreMissing(FileNotFoundError):
    """No graph has been built yet at the expected place."""


class KnowledgeGraph:
    """A built SALT-KG store."""

    def __init__(self, store: ox.Store, path: Path | None = None):
        self.store = store
        self.path = path

    @classmethod
    def open(cls, path: Path | str | None = None, read_only: bool = True) -> "KnowledgeGraph":
        """Open a built store (read-only by default, so several processes can share it)."""
        path = Path(path) if path else Settings().store_path
        if not path.exists():
            raise StoreMissing(f"{path}: no graph built yet; run `saltkg build` first")
        store = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
        return cls(store, path)

    def query(self, sparql: str, substitutions: dict | None = None):
        """Run a SPARQL query on Oxigraph, the default graph being the union of all graphs."""
        subs = {ox.Variable(k): v for k, v in (substitutions or {}).items()}
        return self.store.query(sparql, use_default_graph_as_union=True, substitutions=subs or None)

    def select(self, sparql: str, substitutions: dict | None = None) -> list[dict[str, object]]:
        """A SELECT query's rows as dicts of Python values (IRIs and lexical forms as str)."""
        results = self.query(sparql, substitutions)
        names = [v.value for v in results.variables]
        return [dict(zip(names, [None if term is None else term.value for term in row])) for row in results]

    def triple_count(self) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(rows[0]["n"])

    def quad_count(self) -> int:
        return len(self.store)

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs())

    def export(self, fmt: str, output: IO[bytes]) -> None:
        """Write the whole graph: triple formats get the union, dataset formats keep named graphs."""
        rdf_format = EXPORT_FORMATS[fmt]
        if rdf_format.supports_datasets:
            self.store.dump(output, format=rdf_format)
        else:
            triples = self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
            ox.serialize(triples, output, format=rdf_format)

    def as_rdflib(self):
        """An rdflib Dataset over this same Oxigraph store (graph.rdflib_view, built on oxrdflib); queries
        given as strings still run on Oxigraph's engine."""
        from graph.model.rdflib_view import rdflib_dataset
        return rdflib_dataset(self.store)


def swap_into_place(new: Path, target: Path) -> None:
    """Replace `target` by `new` so that a failure never leaves no graph at `target`."""
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    new.rename(target)
    if old.exists():
        shutil.rmtree(old)
