"""rdflib's API over the project's Oxigraph store: oxrdflib's store plugin with a cheaper result hand-off.

Queries given as strings run on Oxigraph's engine (as in oxrdflib); results convert each distinct term
to rdflib once (kept in a bounded cache) instead of once per cell, and rows share one column index:
converting terms and building rows is where rdflib's view spent most of its time on small answers
(see bench/README.md). Simple literals come back as rdflib's plain `Literal("…")`
(oxrdflib gives them an explicit xsd:string datatype, which rdflib does not treat as equal).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.namespace import NamespaceManager
from rdflib.query import Result, ResultRow
from rdflib.term import Identifier, Node

from graph.namespaces import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
TERM_CACHE_SIZE = 100_000


class CachingOxigraphStore(OxigraphStore):
    """OxigraphStore whose query results reuse rdflib terms already converted and give simple literals
    as rdflib's plain Literal."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._terms: dict[Any, Node] = {}

    def query(self, query: Any, initNs: Mapping[str, Any], initBindings: Mapping[str, Identifier],  # noqa: N803
              queryGraph: Any, **kwargs: object) -> Result:
        if not isinstance(query, str) or kwargs:
            return super().query(query, initNs, initBindings, queryGraph, **kwargs)
        solutions = self._inner.query(
            query, use_default_graph_as_union=queryGraph == "__UNION__",
            default_graph=to_oxigraph(queryGraph) if isinstance(queryGraph, (URIRef, BNode)) else None,
            prefixes=dict(self._namespace_for_prefix, **initNs),
            substitutions={ox.Variable(name): to_oxigraph(value) for name, value in initBindings.items()})
        if isinstance(solutions, ox.QueryBoolean):
            result = Result("ASK")
            result.askAnswer = bool(solutions)
        elif isinstance(solutions, ox.QueryTriples):
            result = Result("CONSTRUCT")
            result.graph = Graph()
            cache = self.term_cache()
            result.graph += ((cached(t.subject, cache), cached(t.predicate, cache), cached(t.object, cache))
                             for t in solutions)
        else:
            result = SelectResult("SELECT")
            result.vars = [Variable(variable.value) for variable in solutions.variables]
            result.bindings = rows(solutions, result.vars, self.term_cache())
        return result

    def forget_terms(self) -> None:
        """Empty the term cache (benchmarks use it to measure a cold hand-off)."""
        self._terms.clear()

    def term_cache(self) -> dict[Any, Node]:
        """Converted terms, kept across queries (rdflib terms are immutable); emptied when it grows large."""
        if len(self._terms) > TERM_CACHE_SIZE:
            self._terms.clear()
        return self._terms


class SelectResult(Result):
    """rdflib's SELECT result, iterated without rebuilding the column index for every row."""

    def __iter__(self) -> Iterator[ResultRow]:
        variables = self.vars or []
        labels = {str(variable): index for index, variable in enumerate(variables)}
        if self._genbindings is None:  # already materialised (len(), .bindings)
            yield from (result_row(binding, variables, labels) for binding in self._bindings)
            return
        for binding in self._genbindings:
            if binding:  # rdflib leaves out a row with nothing bound; so do we
                self._bindings.append(binding)
                yield result_row(binding, variables, labels)
        self._genbindings = None


def result_row(binding: dict[Variable, Node], variables: list[Variable], labels: dict[str, int]) -> ResultRow:
    """rdflib's ResultRow for one binding, sharing the column index `labels` with the other rows."""
    row = tuple.__new__(ResultRow, [binding.get(variable) for variable in variables])
    row.labels = labels
    return row


def rows(solutions: ox.QuerySolutions, variables: list[Variable], cache: dict[Any, Node]) -> Iterator[dict[Variable, Node]]:
    """Each solution as rdflib bindings (unbound variables left out), each distinct term converted once."""
    for solution in solutions:
        row = {}
        for variable, term in zip(variables, solution):
            if term is None:
                continue
            row[variable] = cached(term, cache)
        yield row


def cached(term: Any, cache: dict[Any, Node]) -> Node:
    """`term` in rdflib, converted once."""
    converted = cache.get(term)
    if converted is None:
        converted = cache[term] = to_rdflib(term)
    return converted


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    if isinstance(term, ox.NamedNode):
        return str.__new__(URIRef, term.value)  # Oxigraph's IRIs are valid: skip rdflib's re-check
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return text_literal(term.value, term.language)
        if term.datatype.value == XSD_STRING:  # a simple literal (RDF 1.1), as rdflib writes Literal("…")
            return text_literal(term.value, None)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise ValueError(f"unexpected term in a query result: {term!r}")


def text_literal(text: str, language: str | None) -> Literal:
    """Literal(text, lang=language) as rdflib builds it, without re-validating what Oxigraph already
    checked (a plain or language-tagged string's Python value is the string itself)."""
    literal = str.__new__(Literal, text)
    literal._language, literal._datatype, literal._value, literal._ill_typed = language, None, text, None
    return literal


def to_oxigraph(value: Identifier) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(value, URIRef):
        return ox.NamedNode(str(value))
    if isinstance(value, BNode):
        return ox.BlankNode(str(value))
    if isinstance(value, Literal):
        if value.language:
            return ox.Literal(str(value), language=value.language)
        return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype))) if value.datatype else ox.Literal(str(value))
    raise ValueError(f"cannot bind {value!r}")


def rdflib_dataset(store: ox.Store) -> Dataset:
    """An rdflib Dataset over `store` whose default graph is the union of all graphs, with the project's
    prefixes (salt:, sem:, skos:, prov:, oa:, …) bound instead of rdflib's thirty defaults, which rdflib
    would otherwise hand to every query."""
    dataset = Dataset(store=CachingOxigraphStore(store=store), default_union=True)
    dataset.namespace_manager = NamespaceManager(dataset, bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace)
    return dataset
