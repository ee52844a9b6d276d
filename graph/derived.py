"""Facts derived at build time so that date queries stay cheap: kept in their own graph, recomputed.

- `salt:bearsOn`: an event bears on each issue it concerns and on every broader issue (document events
  get it as they are written; curated events here).
- `salt:firstEvidenceBegins` / `salt:firstEvidenceEnds`: per issue, the earliest begin and end of the
  events bearing on it — the "open since" of the status queries, which no longer scan every event.
"""

from __future__ import annotations

import pyoxigraph as ox

from .namespaces import DCTERMS, PROV, RDFS, SALT, SEM
from .registry import Registry

FIRST_EVIDENCE = f"""SELECT ?issue (MIN(?begins) AS ?first) (MIN(?ends) AS ?firstEnds) WHERE {{
  ?event <{SALT}bearsOn> ?issue ; <{SEM}hasEarliestBeginTimeStamp> ?begins ; <{SEM}hasLatestEndTimeStamp> ?ends .
}} GROUP BY ?issue"""


def derived_graph(base_iri: str) -> ox.NamedNode:
    return ox.NamedNode(base_iri + "graph/derived")


def refresh(store: ox.Store, registry: Registry) -> int:
    """Recompute the derived graph from the store as it now is; return its number of quads."""
    graph = derived_graph(registry.base_iri)
    if store.contains_named_graph(graph):
        store.remove_graph(graph)
    quads = [ox.Quad(graph, ox.NamedNode(RDFS + "comment"), ox.Literal(
        "Derived at build time from salt:concernsIssue, skos:broader and the events' dates."), graph),
        ox.Quad(graph, ox.NamedNode(PROV + "wasGeneratedBy"), ox.Literal("saltkg build"), graph)]
    curated = f"<{registry.base_iri}graph/curated>"
    for row in store.query(f"SELECT ?event ?issue WHERE {{ GRAPH {curated} {{ ?event <{SALT}concernsIssue> ?issue }} }}"):
        for issue in registry.broader_closure(row["issue"].value):
            quads.append(ox.Quad(row["event"], ox.NamedNode(SALT + "bearsOn"), ox.NamedNode(issue), graph))
    store.extend(quads)
    first = [row for row in store.query(FIRST_EVIDENCE, use_default_graph_as_union=True)]
    store.extend([q for row in first for q in (
        ox.Quad(row["issue"], ox.NamedNode(SALT + "firstEvidenceBegins"), row["first"], graph),
        ox.Quad(row["issue"], ox.NamedNode(SALT + "firstEvidenceEnds"), row["firstEnds"], graph))])
    store.add(ox.Quad(graph, ox.NamedNode(DCTERMS + "description"), ox.Literal(
        f"{len(first)} issues with first evidence"), graph))
    return len(quads) + 2 * len(first) + 1
