"""Validate the built graph against the SHACL shapes of ontology/shapes.ttl.

Every shape is compiled into SPARQL queries that Oxigraph runs over the whole store, one per
constraint (graph/model/shacl_sparql.py): cost grows with the number of focus nodes and nothing is
copied out of the store. A shape using a SHACL feature the compiler does not translate is validated
by pySHACL instead, over batches of document graphs, each batch together with the graphs every
document refers to (ontology, curated registry, volumes); the derived graph once with the same context.
`validate_with_pyshacl` runs pySHACL over everything, as the reference the tests compare against.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from graph.config import Settings
from graph.model.derived import derived_graph
from graph.model.people import people_graph
from graph.model.shacl_sparql import Check, compile_shapes, run_checks

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
    results: list[tuple[str, str, str]] = field(default_factory=list)  # (focus node in N-Triples, component, path)
    violating: list[tuple[str, str, str]] = field(default_factory=list)  # (focus node, shape, component), sorted

    def summary(self, first: int = 3) -> str:
        """One line: how many violations of how many shapes, and the first few focus nodes with their shape."""
        if self.conforms:
            return "conforms to the SHACL shapes"
        shapes = {shape for _, shape, _ in self.violating}
        by_focus: dict[str, list[str]] = {}
        for focus, shape, component in self.violating:
            by_focus.setdefault(focus, []).append(f"{local_name(shape)} {component.removesuffix('ConstraintComponent')}")
        examples = [f"{focus} ({', '.join(found)})" for focus, found in list(by_focus.items())[:first]]
        more = f", and {len(by_focus) - first} more" if len(by_focus) > first else ""
        return (f"{plural(self.violations, 'SHACL violation')} of {plural(len(shapes), 'shape')} at "
                f"{plural(len(by_focus), 'focus node')}: " + "; ".join(examples) + more)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def local_name(iri: str) -> str:
    """The last part of an IRI ('PositionShape'), a blank node as given."""
    return iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1] or iri


def load_shapes(path: Path):
    """The shapes graph (rdflib)."""
    import rdflib
    return rdflib.Graph().parse(str(path), format="turtle")


def shapes_subset(shapes, roots: list):
    """The given shapes with everything they say (their blank-node closure), for pySHACL."""
    import rdflib
    subset = rdflib.Graph()
    for prefix, namespace in shapes.namespaces():
        subset.bind(prefix, namespace)
    pending, seen = list(roots), set()
    while pending:
        node = pending.pop()
        if node in seen:
            continue
        seen.add(node)
        for predicate, obj in shapes.predicate_objects(node):
            subset.add((node, predicate, obj))
            if isinstance(obj, rdflib.BNode) or (obj, None, None) in shapes:  # nested and named shapes
                pending.append(obj)
    return subset


def describe(check: Check, focus: str) -> str:
    """One violation as pySHACL writes it in its text report."""
    return "\n".join([f"Constraint Violation in {check.component} ({SH}{check.component}):",
                      "\tSeverity: sh:Violation", f"\tSource Shape: {check.shape}", f"\tFocus Node: {focus}"]
                     + ([f"\tResult Path: {check.path}"] if check.path else []) + [f"\tMessage: {check.message}"])


def graph_as_rdflib(store: ox.Store, graphs: list[ox.NamedNode]):
    """The union of some named graphs as an rdflib Graph (pyshacl works on rdflib)."""
    import rdflib
    quads = []
    for graph in graphs:
        quads.extend(store.quads_for_pattern(None, None, None, graph))
    data = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads], format=ox.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=data.decode("utf-8"), format="nt")


def pyshacl_passes(store: ox.Store, base_iri: str, batch: int = BATCH_DOCUMENTS) -> list[list]:
    """The graphs of each pySHACL pass: the derived graph once, then the document graphs in batches, each
    with the shared context (every other graph but the shipped people database, which no document's
    shapes reach). `base_iri` is the build's: it names the derived and people graphs."""
    documents = [row["g"] for row in store.query(DOCUMENT_GRAPHS)]
    document_set = {g.value for g in documents}
    derived, people = derived_graph(base_iri), people_graph(base_iri)
    context = [g for g in store.named_graphs()
               if isinstance(g, ox.NamedNode) and g.value not in document_set and g not in (derived, people)]
    if store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        context.append(ox.DefaultGraph())
    # the derived graph (position windows grow with the days covered) once, not in every batch
    return [context + [derived]] + [context + documents[start:start + batch] for start in range(0, len(documents), batch)]


def check_core(store: ox.Store, shapes, base_iri: str,
               batch: int = BATCH_DOCUMENTS) -> tuple[list[str], str, list[tuple[str, str, str]]]:
    """pySHACL over the passes of `pyshacl_passes`: "focus: path message" per violation, the text
    report, and (focus, shape, component) per violation."""
    import pyshacl
    import rdflib
    sh = rdflib.Namespace(SH)
    messages, texts, violating = set(), [], set()
    for graphs in pyshacl_passes(store, base_iri, batch):
        data = graph_as_rdflib(store, graphs)
        conforms, results, text = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True)
        if not conforms:
            texts.append(text)
            for result in results.subjects(rdflib.RDF.type, sh.ValidationResult):
                focus = results.value(result, sh.focusNode)
                path = results.value(result, sh.resultPath)
                message = results.value(result, sh.resultMessage)
                messages.add(f"{focus}: {path or ''} {message or ''}".strip())
                component = str(results.value(result, sh.sourceConstraintComponent) or "").removeprefix(SH)
                violating.add((str(focus), str(results.value(result, sh.sourceShape) or ""), component))
    return sorted(messages), "\n".join(texts), sorted(violating)


def sparql_constraint_messages(store: ox.Store, shapes_path: Path | None = None) -> list[str]:
    """Only the shapes' sh:sparql constraints, run on Oxigraph: "focus: message" per violation."""
    checks, _ = compile_shapes(load_shapes(shapes_path or Settings().ontology_dir / "shapes.ttl"), store)
    sparql = [check for check in checks if check.component == "SPARQLConstraintComponent"]
    return sorted(f"{focus}: {check.message}" for check, focus, _ in run_checks(store, sparql))


def validate_store(store: ox.Store, shapes_path: Path | None = None, batch: int = BATCH_DOCUMENTS,
                   base_iri: str | None = None) -> ValidationReport:
    """Run SHACL validation of the whole graph: compiled shapes on Oxigraph, any others in pySHACL.
    `base_iri` is the build's (default: the environment's settings)."""
    shapes = load_shapes(shapes_path or Settings().ontology_dir / "shapes.ttl")
    checks, left = compile_shapes(shapes, store)
    found = run_checks(store, checks)
    messages = sorted({f"{focus}: {check.path} {check.message}".replace("  ", " ") for check, focus, _ in found})
    texts = [describe(check, focus) for check, focus, _ in found]
    violating = sorted({(focus, check.shape, check.component) for check, focus, _ in found})
    if left:
        core_messages, core_text, core_violating = check_core(store, shapes_subset(shapes, left),
                                                              base_iri or Settings().base_iri, batch)
        messages += core_messages
        texts += [core_text] if core_text else []
        violating += core_violating
    # one line per violation first (what a failed build prints), then pySHACL-style details
    text = "\n".join(["Validation Report", f"Conforms: {not messages}", f"Results ({len(messages)}):"]
                     + messages + ([""] if texts else []) + texts)
    results = sorted({(term, check.component, check.path) for check, _, term in found})
    return ValidationReport(not messages, len(messages), text, messages, results, violating)
