"""Validate the built graph against the SHACL shapes of ontology/shapes.ttl.

Two parts, so that cost grows linearly with the number of documents and memory stays bounded:
- the shapes' SPARQL constraints (`sh:sparql` / `sh:select`) run once each on Oxigraph over the whole
  store, restricted to the shape's target class — the same query pyshacl would run per focus node;
- every other constraint runs in pyshacl over batches of document graphs, each batch together with
  the graphs every document refers to (ontology, curated registry, volumes); the derived graph is
  checked once, with the same context, rather than in every batch;
- the shipped people database (graph <base>graph/people, 125,000 triples that no document's shapes
  reach) is left out of the pyshacl passes: its shapes are SPARQL constraints, run with the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from graph.config import Settings
from graph.model.derived import derived_graph
from graph.model.people import people_graph

SH = "http://www.w3.org/ns/shacl#"
DOCUMENT_GRAPHS = """SELECT DISTINCT ?g WHERE { GRAPH ?g { ?d a <https://w3id.org/salt-kg/ontology#Document> } }"""
BATCH_DOCUMENTS = 25


@dataclass
class ValidationReport:
    """Whether the graph conforms, with the number of violations and a text report."""

    conforms: bool
    violations: int
    text: str
    messages: list[str] = field(default_factory=list)


@dataclass
class SparqlConstraint:
    target_class: str
    select: str
    message: str
    target_pattern: str = ""  # a graph pattern binding ?this; by default ?this a <target_class>

    @property
    def target(self) -> str:
        return self.target_pattern or f"?this a <{self.target_class}> ."


def load_shapes(path: Path):
    """The shapes as rdflib graphs: the core (for pyshacl) and the SPARQL constraints apart."""
    import rdflib
    shapes = rdflib.Graph().parse(str(path), format="turtle")
    sh = rdflib.Namespace(SH)
    constraints = []
    for shape, _, node in list(shapes.triples((None, sh.sparql, None))):
        select = shapes.value(node, sh.select)
        message = shapes.value(node, sh.message)
        for target in shapes.objects(shape, sh.targetClass):
            constraints.append(SparqlConstraint(str(target), str(select), str(message or "SPARQL constraint")))
        for predicate in shapes.objects(shape, sh.targetSubjectsOf):
            constraints.append(SparqlConstraint("", str(select), str(message or "SPARQL constraint"),
                                                f"?this <{predicate}> ?targetObject ."))
        shapes.remove((shape, sh.sparql, node))
        for triple in list(shapes.triples((node, None, None))):
            shapes.remove(triple)
    return shapes, constraints


def check_sparql(store: ox.Store, constraints: list[SparqlConstraint]) -> list[str]:
    """Run each SPARQL constraint once over the store on Oxigraph; one message per violating node."""
    messages = []
    for constraint in constraints:
        body = constraint.select.replace("$this", "?this")
        where = body[body.index("{") + 1:body.rindex("}")]
        query = f"SELECT DISTINCT ?this WHERE {{ {constraint.target} {where} }}"
        for row in store.query(query, use_default_graph_as_union=True):
            messages.append(f"{row['this'].value}: {constraint.message}")
    return messages


def graph_as_rdflib(store: ox.Store, graphs: list[ox.NamedNode]):
    """The union of some named graphs as an rdflib Graph (pyshacl works on rdflib)."""
    import rdflib
    quads = []
    for graph in graphs:
        quads.extend(store.quads_for_pattern(None, None, None, graph))
    data = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads], format=ox.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=data.decode("utf-8"), format="nt")


def check_core(store: ox.Store, shapes, batch: int = BATCH_DOCUMENTS) -> tuple[list[str], str]:
    """pyshacl over document graphs in batches, each with the shared context graphs, and over the
    derived graph once with the same context."""
    import pyshacl
    import rdflib
    documents = [row["g"] for row in store.query(DOCUMENT_GRAPHS)]
    document_set = {g.value for g in documents}
    derived = derived_graph(Settings().base_iri)
    people = people_graph(Settings().base_iri)
    context = [g for g in store.named_graphs()
               if isinstance(g, ox.NamedNode) and g.value not in document_set and g not in (derived, people)]
    if store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        context.append(ox.DefaultGraph())
    sh = rdflib.Namespace(SH)
    messages, texts = set(), []
    # the derived graph (position windows grow with the days covered) once, not in every batch
    passes = [context + [derived]] + [context + documents[start:start + batch] for start in range(0, len(documents), batch)]
    for graphs in passes:
        data = graph_as_rdflib(store, graphs)
        conforms, results, text = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True)
        if not conforms:
            texts.append(text)
            for result in results.subjects(rdflib.RDF.type, sh.ValidationResult):
                focus = results.value(result, sh.focusNode)
                path = results.value(result, sh.resultPath)
                message = results.value(result, sh.resultMessage)
                messages.add(f"{focus}: {path or ''} {message or ''}".strip())
    return sorted(messages), "\n".join(texts)


def validate_store(store: ox.Store, shapes_path: Path | None = None, batch: int = BATCH_DOCUMENTS) -> ValidationReport:
    """Run SHACL validation of the whole graph."""
    shapes, constraints = load_shapes(shapes_path or Settings().ontology_dir / "shapes.ttl")
    sparql_messages = check_sparql(store, constraints)
    core_messages, core_text = check_core(store, shapes, batch)
    messages = sparql_messages + core_messages
    text = "\n".join(["Validation Report", f"Conforms: {not messages}"] + sparql_messages + ([core_text] if core_text else []))
    return ValidationReport(not messages, len(messages), text, messages)
