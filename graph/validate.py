"""Validate the built graph against the SHACL shapes of ontology/shapes.ttl (pyshacl)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .config import Settings


@dataclass
class ValidationReport:
    """Whether the graph conforms, with the number of violations and pyshacl's text report."""

    conforms: bool
    violations: int
    text: str


def union_as_rdflib(store: ox.Store):
    """Copy the union of the store's graphs into an rdflib Graph (pyshacl works on rdflib)."""
    import rdflib
    triples = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    graph = rdflib.Graph()
    graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


def validate_store(store: ox.Store, shapes_path: Path | None = None) -> ValidationReport:
    """Run SHACL validation of the whole graph."""
    import pyshacl
    import rdflib
    shapes = rdflib.Graph().parse(str(shapes_path or Settings().ontology_dir / "shapes.ttl"), format="turtle")
    conforms, results, text = pyshacl.validate(union_as_rdflib(store), shacl_graph=shapes,
                                               inference="none", advanced=True)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    violations = len(list(results.subjects(rdflib.RDF.type, sh.ValidationResult)))
    return ValidationReport(bool(conforms), violations, text)
