"""A networkx projection of the RDF graph, and the network analysis historians ask for.

Nodes are people, delegations, other organisations, places, documents, issues and events (keyed by
IRI, with kind, label, dates and one source quote); edges carry the relation that links them. The
projection is scoped to one negotiation (SALT I unless another is named: documents and events of other
negotiations' volumes, and issues outside its scheme, are left out, and so are actors left with no link).
It can be cut to a date ("as of D": later events and documents hidden, issues carrying their
status on D), to an ego network, to one document, or by kind, date range and search term.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from graph.ask import status
from graph.ask.citations import Citer
from graph.ask.negotiations import UnknownNegotiation, primary_type, resolve  # noqa: F401 - raised by project
from graph.ask.browse import PREFIXES
from graph.namespaces import PREFIXES as NAMESPACES
from graph.model.store import KnowledgeGraph

KINDS = ("person", "delegation", "organization", "place", "document", "issue", "event")
RELATIONS = {
    "schema:sender": "sender", "schema:recipient": "recipient", "schema:participant": "participant",
    "schema:mentions": "mentions", "dcterms:subject": "about", "dcterms:references": "cites",
    "sem:hasActor": "actor", "salt:concernsIssue": "concerns", "dcterms:source": "source",
    "sem:hasPlace": "place", "skos:broader": "narrower of", "salt:side": "side",
    "salt:closesIssue": "closes",
}
NODES = f"""{PREFIXES}
SELECT ?node ?kind (MIN(STR(?name)) AS ?label) (MIN(STR(?when)) AS ?date) (MIN(?from) AS ?earliest)
       (MAX(?until) AS ?latest) (GROUP_CONCAT(DISTINCT ?eventType; separator=" ") AS ?types) WHERE {{
  {{ ?node a foaf:Person . BIND ("person" AS ?kind) }}
  UNION {{ ?node a salt:Delegation . BIND ("delegation" AS ?kind) }}
  UNION {{ ?node a foaf:Organization . MINUS {{ ?node a salt:Delegation }} BIND ("organization" AS ?kind) }}
  UNION {{ ?node a schema:Place . BIND ("place" AS ?kind) }}
  UNION {{ ?node a salt:Document . BIND ("document" AS ?kind)
          OPTIONAL {{ ?node dcterms:date ?when }}
          OPTIONAL {{ ?node salt:dateNotBefore ?from }} OPTIONAL {{ ?node salt:dateNotAfter ?until }} }}
  UNION {{ ?node a salt:Issue . BIND ("issue" AS ?kind) }}
  UNION {{ ?node a salt:NegotiationEvent, ?eventClass . BIND ("event" AS ?kind)
          FILTER (?eventClass != salt:NegotiationEvent && STRSTARTS(STR(?eventClass), STR(salt:)))
          BIND (STRAFTER(STR(?eventClass), "#") AS ?eventType)
          ?node sem:hasEarliestBeginTimeStamp ?from ; sem:hasLatestEndTimeStamp ?until }}
  OPTIONAL {{ ?node skos:prefLabel|rdfs:label ?name }}
}} GROUP BY ?node ?kind"""
EDGES = f"""{PREFIXES}
SELECT DISTINCT ?source ?relation ?target WHERE {{
  VALUES ?relation {{ {' '.join(RELATIONS)} }}
  ?source ?relation ?target . FILTER (isIRI(?target))
}}"""
QUOTES = f"""{PREFIXES}
SELECT ?node (MIN(STR(?passage)) AS ?source) (MIN(STR(?cited)) AS ?citation) WHERE {{
  {{ ?node prov:wasDerivedFrom ?passage . ?passage oa:exact ?exact . FILTER (STRLEN(?exact) > 12) }}
  UNION {{ ?passage salt:refersTo ?node ; oa:exact ?exact . FILTER (STRLEN(?exact) > 12) }}
  UNION {{ ?node dcterms:bibliographicCitation ?cited }}
}} GROUP BY ?node"""
PASSAGES = f"""{PREFIXES}
SELECT ?passage ?exact ?document ?start ?end WHERE {{
  VALUES ?passage {{ %s }}
  ?passage oa:exact ?exact ; salt:inDocument ?document ; oa:start ?start ; oa:end ?end .
}}"""


class UnknownNode(KeyError):
    """No node with that IRI in the network."""


SCOPED = f"""{PREFIXES}
SELECT ?node ?negotiation WHERE {{ ?node salt:inNegotiation ?negotiation }}"""
ACTOR_KINDS = ("person", "delegation", "organization", "place")


def project(kg: KnowledgeGraph, negotiation: str | None = None) -> nx.MultiDiGraph:
    """The network of one negotiation (SALT I by default): one node per resource of a drawn kind, one
    edge per linking statement; graph.graph["negotiation"] names the negotiation shown."""
    return scoped(project_all(kg), kg, negotiation)


def scoped(graph: nx.MultiDiGraph, kg: KnowledgeGraph, negotiation: str | None = None) -> nx.MultiDiGraph:
    """Keep the negotiation's documents, events and issues; drop actors the cut leaves unlinked."""
    scope = resolve(kg, negotiation)
    if scope is None:
        return graph
    elsewhere = {row["node"] for row in kg.select(SCOPED) if row["negotiation"] != scope.iri}
    keep = [n for n, data in graph.nodes(data=True) if n not in elsewhere
            and (data["kind"] != "issue" or n in scope.issues)]
    cut = graph.subgraph(keep).copy()
    cut.remove_nodes_from([n for n, data in list(cut.nodes(data=True))
                           if data["kind"] in ACTOR_KINDS and cut.degree(n) == 0 and graph.degree(n) > 0])
    cut.graph.update(graph.graph, negotiation=scope.label, negotiation_iri=scope.iri)
    return cut


def project_all(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    """Every resource of a drawn kind, whatever its negotiation. Nodes and edges are added in IRI order
    and each value chosen by the smallest (MIN, not SAMPLE): the same network from any store."""
    graph = nx.MultiDiGraph()
    for row in sorted(kg.select(NODES), key=lambda r: r["node"]):
        earliest = row["earliest"] or row["date"]
        latest = row["latest"] or row["date"] or earliest
        types = (row["types"] or "").split()  # GROUP_CONCAT's order is the store's; empty may be unbound
        graph.add_node(row["node"], kind=row["kind"], label=row["label"] or short(row["node"]),
                       date=row["date"], earliest=earliest, latest=latest,
                       type=primary_type(types) if types else row["kind"], quote=None, citation=None, status=None)
    add_quotes(graph, kg)
    curie_of = {expand(c): c for c in RELATIONS}
    for row in sorted(kg.select(EDGES), key=lambda r: (r["source"], r["relation"], r["target"])):
        if row["source"] in graph and row["target"] in graph and row["source"] != row["target"]:
            relation = RELATIONS[curie_of[row["relation"]]]
            graph.add_edge(row["source"], row["target"], key=relation, relation=relation)
    return graph


def add_quotes(graph: nx.MultiDiGraph, kg: KnowledgeGraph) -> None:
    """One source quote per node with its pasteable citation (FRUS …, doc. N, para. M), or a curated citation."""
    rows = [row for row in kg.select(QUOTES) if row["node"] in graph]
    passages = sorted({row["source"] for row in rows if row["source"]})
    found: dict[str, dict] = {}
    for chunk in range(0, len(passages), 400):
        values = " ".join(f"<{p}>" for p in passages[chunk:chunk + 400] if ">" not in p)
        for row in kg.select(PASSAGES % values) if values else []:
            found[row["passage"]] = row
    citer = Citer(kg)
    for row in rows:
        data = graph.nodes[row["node"]]
        passage = found.get(row["source"] or "")
        if passage:
            data["quote"] = passage["exact"]
            data["citation"] = citer.text_of(passage["document"], int(passage["start"]), int(passage["end"]))
        else:
            data["citation"] = row["citation"]


def expand(curie: str) -> str:
    prefix, local = curie.split(":", 1)
    return NAMESPACES[prefix] + local


def short(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def as_of(graph: nx.MultiDiGraph, kg: KnowledgeGraph, day: str) -> nx.MultiDiGraph:
    """The network as it stood on a day: events and documents after it hidden, issues with their status."""
    statuses = {row["issue"]: row["status"] for row in status.status_on(kg, day, graph.graph.get("negotiation_iri"))}
    keep = [n for n, data in graph.nodes(data=True)
            if data["kind"] not in ("event", "document") or not data["earliest"] or data["earliest"] <= day]
    cut = graph.subgraph(keep).copy()
    undirected = cut.to_undirected(as_view=True)
    inactive = [n for n, data in cut.nodes(data=True) if data["kind"] == "person"
                and not any(cut.nodes[m]["kind"] in ("event", "document") for m in undirected.neighbors(n))]
    cut.remove_nodes_from(inactive)  # people who appear in no document or event up to that day
    for node, data in cut.nodes(data=True):
        if data["kind"] == "issue":
            data["status"] = statuses.get(node, "NotYetRaised")
    cut.graph["as_of"] = day
    return cut


def without_isolated(graph: nx.MultiDiGraph) -> tuple[nx.MultiDiGraph, int]:
    """The graph without nodes that have no edge (e.g. people of a volume's persons list never met in
    a document), and how many were left out."""
    isolated = [n for n in graph if graph.degree(n) == 0 and n != graph.graph.get("center")]
    if not isolated:
        return graph, 0
    cut = graph.copy()
    cut.remove_nodes_from(isolated)
    return cut, len(isolated)


def within_budget(graph: nx.MultiDiGraph, budget: int = 500) -> tuple[nx.MultiDiGraph, int]:
    """At most `budget` nodes, the best connected kept (the centre of an ego view always);
    returns the graph and how many nodes were left out."""
    if graph.number_of_nodes() <= budget:
        return graph, 0
    degree = dict(graph.degree())
    ranked = sorted(graph, key=lambda n: (n != graph.graph.get("center"), -degree[n], n))
    cut = graph.subgraph(ranked[:budget]).copy()
    return cut, graph.number_of_nodes() - budget


def filtered(graph: nx.MultiDiGraph, kinds: set[str] | None = None, start: str | None = None,
             end: str | None = None, text: str | None = None) -> nx.MultiDiGraph:
    """Keep nodes of some kinds, dated events/documents overlapping [start, end], and, for a search
    term, the nodes whose label contains it together with their neighbours."""
    def dated_inside(data: dict) -> bool:
        if data["kind"] not in ("event", "document") or not data["earliest"]:
            return True
        return (not start or (data["latest"] or data["earliest"]) >= start) and (not end or data["earliest"] <= end)
    keep = {n for n, data in graph.nodes(data=True)
            if (not kinds or data["kind"] in kinds) and dated_inside(data)}
    if text:
        needle = text.lower()
        hits = {n for n in keep if needle in graph.nodes[n]["label"].lower()}
        undirected = graph.to_undirected(as_view=True)
        keep = hits | {m for n in hits for m in undirected.neighbors(n) if m in keep}
    return graph.subgraph(keep).copy()


def ego(graph: nx.MultiDiGraph, center: str, hops: int = 1) -> nx.MultiDiGraph:
    """Everything within `hops` links of one node, in either direction."""
    if center not in graph:
        raise UnknownNode(f"{center} is not in the network")
    nodes = nx.ego_graph(graph.to_undirected(as_view=True), center, radius=hops).nodes
    cut = graph.subgraph(nodes).copy()
    cut.graph["center"] = center
    return cut


def document_view(graph: nx.MultiDiGraph, document: str) -> nx.MultiDiGraph:
    """A document with its people, issues, cross-references and events, and what those events link to."""
    if document not in graph:
        raise UnknownNode(f"{document} is not in the network")
    undirected = graph.to_undirected(as_view=True)
    nodes = {document} | set(undirected.neighbors(document))
    for event in [n for n in nodes if graph.nodes[n]["kind"] == "event"]:
        nodes |= set(undirected.neighbors(event))
    cut = graph.subgraph(nodes).copy()
    cut.graph["center"] = document
    return cut


def centrality(graph: nx.MultiDiGraph) -> dict[str, float]:
    """Degree centrality on the undirected simple graph (0..1), used for node size."""
    simple = nx.Graph(graph.to_undirected(as_view=True))
    return nx.degree_centrality(simple) if len(simple) > 1 else {n: 1.0 for n in simple}


@dataclass
class Ranked:
    iri: str
    label: str
    kind: str
    score: float


def most_central(graph: nx.MultiDiGraph, kinds: tuple[str, ...] = ("person", "delegation", "organization"),
                 top: int = 10) -> list[Ranked]:
    """The best-connected actors by betweenness centrality (who links the others)."""
    simple = nx.Graph(graph.to_undirected(as_view=True))
    scores = nx.betweenness_centrality(simple) if len(simple) > 2 else {n: 0.0 for n in simple}
    ranked = [Ranked(n, graph.nodes[n]["label"], graph.nodes[n]["kind"], round(s, 4))
              for n, s in scores.items() if graph.nodes[n]["kind"] in kinds]
    return sorted(ranked, key=lambda r: (-r.score, r.label))[:top]


def shortest_path(graph: nx.MultiDiGraph, source: str, target: str) -> list[dict]:
    """The shortest chain of links between two nodes, each step with the relation that joins it."""
    for node in (source, target):
        if node not in graph:
            raise UnknownNode(f"{node} is not in the network")
    undirected = graph.to_undirected(as_view=True)
    try:
        path = nx.shortest_path(undirected, source, target)
    except nx.NetworkXNoPath:
        return []
    steps = []
    for a, b in zip(path, path[1:]):
        forward = graph.get_edge_data(a, b)
        data = forward or graph.get_edge_data(b, a)
        relation = sorted(data)[0]
        steps.append({"from": a, "from_label": graph.nodes[a]["label"], "relation": relation,
                      "direction": "forward" if forward else "backward", "to": b, "to_label": graph.nodes[b]["label"]})
    return steps


def components(graph: nx.MultiDiGraph) -> list[dict]:
    """Connected components, largest first, with their size and a few member labels."""
    found = sorted(nx.connected_components(graph.to_undirected(as_view=True)), key=len, reverse=True)
    return [{"size": len(c), "kinds": count_kinds(graph, c),
             "sample": sorted(graph.nodes[n]["label"] for n in c)[:5]} for c in found]


def count_kinds(graph: nx.MultiDiGraph, nodes) -> dict[str, int]:
    counts: dict[str, int] = {}
    for node in nodes:
        kind = graph.nodes[node]["kind"]
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def export(graph: nx.MultiDiGraph, path: Path | str, fmt: str | None = None) -> Path:
    """Write GraphML or GEXF (by `fmt` or the file suffix) for Gephi and similar tools."""
    path = Path(path)
    fmt = fmt or path.suffix.lstrip(".")
    clean = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        clean.add_node(node, **{k: v for k, v in data.items() if v is not None})
    for source, target, key, data in graph.edges(keys=True, data=True):
        clean.add_edge(source, target, key=key, **data)
    if fmt == "graphml":
        nx.write_graphml(clean, path)
    elif fmt == "gexf":
        nx.write_gexf(clean, path)
    else:
        raise ValueError(f"unknown network format {fmt!r}: use graphml or gexf")
    return path
