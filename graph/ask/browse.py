"""Read-side lookups over the store: lists, search by name, one resource's description and sources.

These are the questions the REST API, the linked-data pages and the notebooks ask. Every query
runs on Oxigraph; user input enters a query only as an escaped RDF term (`term`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from graph.ask import queries
from graph.namespaces import FOAF, SALT, SCHEMA, sparql_prefixes
from graph.model.store import KnowledgeGraph

KINDS = {
    "person": FOAF + "Person", "organization": FOAF + "Organization", "place": SCHEMA + "Place",
    "issue": SALT + "Issue", "document": SALT + "Document", "event": SALT + "NegotiationEvent",
    "message": SALT + "Message", "volume": SALT + "Volume", "passage": SALT + "Passage",
}
KIND_OF_TYPE = {iri: kind for kind, iri in KINDS.items()}
LABEL_PATH = "skos:prefLabel|rdfs:label|foaf:name"
PREFIXES = sparql_prefixes()


@dataclass
class Value:
    """One property value: an IRI (with its label when known) or a literal."""

    predicate: str
    value: str
    is_iri: bool
    label: str | None = None
    datatype: str | None = None
    language: str | None = None

    def to_json(self) -> dict:
        data = {"predicate": self.predicate, "value": self.value, "type": "iri" if self.is_iri else "literal"}
        for key in ("label", "datatype", "language"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data


def term(value: str, kind: str = "literal") -> str:
    """A user-supplied value as a SPARQL term, escaped by pyoxigraph (never pasted raw)."""
    if kind == "iri":
        return str(ox.NamedNode(value))
    if kind == "date":
        return str(queries.xsd_date(value))
    return str(ox.Literal(value))


def label_of(kg: KnowledgeGraph, iri: str) -> str | None:
    rows = kg.select(f"{PREFIXES}SELECT ?label WHERE {{ {term(iri, 'iri')} {LABEL_PATH} ?label }} LIMIT 1")
    return rows[0]["label"] if rows else None


def types_of(kg: KnowledgeGraph, iri: str) -> list[str]:
    return sorted(r["type"] for r in kg.select(f"SELECT DISTINCT ?type WHERE {{ {term(iri, 'iri')} a ?type }}"))


def kind_of(types: list[str]) -> str | None:
    """The API's short kind name (person, issue, …) for a resource's types."""
    for kind, iri in KINDS.items():
        if iri in types:
            return kind
    return None


def exists(kg: KnowledgeGraph, iri: str) -> bool:
    node = term(iri, "iri")
    return bool(kg.query(f"ASK {{ {{ {node} ?p ?o }} UNION {{ ?s ?p {node} }} }}"))


def properties(kg: KnowledgeGraph, iri: str) -> list[Value]:
    """Every statement about a resource (outgoing), objects labelled where they have a label."""
    results = kg.query(f"""{PREFIXES}SELECT ?p ?o (SAMPLE(?l) AS ?label) WHERE {{
        {term(iri, 'iri')} ?p ?o . OPTIONAL {{ ?o {LABEL_PATH} ?l }} }}
        GROUP BY ?p ?o ORDER BY ?p ?o""")
    return [to_value(row["p"].value, row["o"], row["label"]) for row in results]


def incoming(kg: KnowledgeGraph, iri: str, limit: int = 500) -> list[Value]:
    """Resources that point to this one (value = the subject), labelled where possible."""
    results = kg.query(f"""{PREFIXES}SELECT ?s ?p (SAMPLE(?l) AS ?label) WHERE {{
        ?s ?p {term(iri, 'iri')} . FILTER (isIRI(?s)) OPTIONAL {{ ?s {LABEL_PATH} ?l }} }}
        GROUP BY ?s ?p ORDER BY ?p ?s LIMIT {int(limit)}""")
    return [to_value(row["p"].value, row["s"], row["label"]) for row in results]


def to_value(predicate: str, node, label) -> Value:
    if isinstance(node, ox.Literal):
        language = node.language
        datatype = None if language else node.datatype.value
        return Value(predicate, node.value, False, None, datatype, language)
    return Value(predicate, node.value, True, label.value if label is not None else None)


def sources(kg: KnowledgeGraph, iri: str, limit: int = 50) -> list[dict]:
    """Passages that prove or mention a resource, with quote, document and offsets, and citations."""
    node = term(iri, "iri")
    rows = kg.select(f"""{PREFIXES}SELECT DISTINCT ?passage ?quote ?document ?documentLabel ?start ?end ?how WHERE {{
        {{ {node} prov:wasDerivedFrom|salt:dateEvidence ?passage . BIND ("derived from" AS ?how) }}
        UNION {{ ?passage salt:refersTo {node} . BIND ("mentions" AS ?how) }}
        ?passage oa:exact ?quote ; salt:inDocument ?document ; oa:start ?start ; oa:end ?end .
        OPTIONAL {{ ?document rdfs:label ?documentLabel }}
    }} ORDER BY ?how ?document ?start LIMIT {int(limit)}""")
    for row in rows:
        row["start"], row["end"] = int(row["start"]), int(row["end"])
    citations = kg.select(f"""{PREFIXES}SELECT ?citation WHERE {{
        {node} dcterms:bibliographicCitation ?citation }}""")
    return rows + [{"citation": r["citation"], "how": "cites"} for r in citations]


def external_links(kg: KnowledgeGraph, iri: str) -> list[dict]:
    """Links out of the graph: owl:sameAs, rdfs:seeAlso, schema:url, dcterms:source IRIs."""
    rows = kg.select(f"""{PREFIXES}SELECT DISTINCT ?link ?relation WHERE {{
        {term(iri, 'iri')} ?relation ?link .
        VALUES ?relation {{ owl:sameAs rdfs:seeAlso schema:url dcterms:source }}
        FILTER (isIRI(?link)) }} ORDER BY ?relation ?link""")
    return [{"iri": r["link"], "relation": r["relation"], "site": site_of(r["link"])} for r in rows]


def site_of(iri: str) -> str:
    for marker, name in (("wikidata.org", "Wikidata"), ("dbpedia.org", "DBpedia"),
                         ("history.state.gov", "history.state.gov")):
        if marker in iri:
            return name
    return "web"


def list_issues(kg: KnowledgeGraph) -> list[dict]:
    """Every issue of the SKOS scheme with its definition, broader and narrower issues and aliases."""
    rows = kg.select(f"""{PREFIXES}SELECT ?issue ?label ?definition
        (GROUP_CONCAT(DISTINCT STR(?broader); separator=" ") AS ?broaders)
        (GROUP_CONCAT(DISTINCT STR(?narrower); separator=" ") AS ?narrowers)
        (GROUP_CONCAT(DISTINCT ?alias; separator=" | ") AS ?aliases) WHERE {{
        ?issue a salt:Issue ; skos:prefLabel ?label .
        OPTIONAL {{ ?issue skos:definition ?definition }}
        OPTIONAL {{ ?issue skos:broader ?broader }}
        OPTIONAL {{ ?narrower skos:broader ?issue }}
        OPTIONAL {{ ?issue skos:altLabel ?alias }}
    }} GROUP BY ?issue ?label ?definition ORDER BY ?label""")
    return [{"iri": r["issue"], "label": r["label"], "definition": r["definition"],
             "broader": split(r["broaders"], " "), "narrower": split(r["narrowers"], " "),
             "aliases": split(r["aliases"], " | ")} for r in rows]


def split(value: str | None, separator: str) -> list[str]:
    return [part for part in (value or "").split(separator) if part]


def find_entities(kg: KnowledgeGraph, text: str | None = None, kind: str | None = None) -> list[dict]:
    """Resources whose label or alias contains `text` (case-insensitive), optionally of one kind."""
    type_filter = f"VALUES ?type {{ {term(KINDS[kind], 'iri')} }}" if kind else \
        "VALUES ?type { " + " ".join(term(iri, "iri") for iri in KINDS.values() if "Passage" not in iri) + " }"
    text_filter = f"FILTER (CONTAINS(LCASE(STR(?name)), LCASE({term(text)})))" if text else ""
    rows = kg.select(f"""{PREFIXES}SELECT ?entity ?type (SAMPLE(?preferred) AS ?label)
        (GROUP_CONCAT(DISTINCT ?name; separator=" | ") AS ?matched) WHERE {{
        {type_filter}
        ?entity a ?type ; {LABEL_PATH}|skos:altLabel ?name .
        {text_filter}
        OPTIONAL {{ ?entity {LABEL_PATH} ?preferred }}
    }} GROUP BY ?entity ?type ORDER BY ?type ?label ?entity""")
    return [{"iri": r["entity"], "label": r["label"] or r["entity"], "kind": KIND_OF_TYPE[r["type"]],
             "matched": split(r["matched"], " | ") if text else []} for r in rows]


def neighbourhood(kg: KnowledgeGraph, iri: str) -> list[dict]:
    """Every resource one step away from `iri`, in either direction (entity-neighbourhood.rq), ordered
    by direction, predicate and resource."""
    rows = queries.run(kg, "entity-neighbourhood", entity=queries.iri(iri))
    return sorted(rows, key=lambda row: (row["direction"], row["predicate"], row["other"], row["otherLabel"] or ""))


def connections(kg: KnowledgeGraph, iri: str) -> list[dict]:
    """Whom a person wrote to, heard from and acted with, on which issues, where mentioned (person-neighbourhood.rq)."""
    return queries.run(kg, "person-neighbourhood", person=queries.iri(iri))


def list_documents(kg: KnowledgeGraph) -> list[dict]:
    """Every document with date, type, sender and recipients (documents.rq)."""
    rows = queries.run(kg, "documents")
    for row in rows:
        row["type"] = row["type"].rsplit("#", 1)[-1]
    return rows


def document_facts(kg: KnowledgeGraph, iri: str) -> dict:
    """Everything extracted from one document, each fact with its exact span."""
    node = term(iri, "iri")
    mentions = kg.select(f"""{PREFIXES}SELECT ?start ?end ?quote ?target ?targetLabel ?section WHERE {{
        ?passage salt:inDocument {node} ; salt:refersTo ?target ; oa:start ?start ; oa:end ?end ; oa:exact ?quote .
        OPTIONAL {{ ?passage salt:section ?section }}
        OPTIONAL {{ ?target {LABEL_PATH} ?targetLabel }}
    }} ORDER BY ?start ?target""")
    events = kg.select(f"""{PREFIXES}SELECT ?event ?type ?label ?earliest ?latest ?start ?end ?quote
        (GROUP_CONCAT(DISTINCT STR(?issue); separator=" ") AS ?issues)
        (GROUP_CONCAT(DISTINCT STR(?actor); separator=" ") AS ?actors) WHERE {{
        ?event dcterms:source {node} ; a salt:NegotiationEvent, ?type ; rdfs:label ?label ;
               sem:hasEarliestBeginTimeStamp ?earliest ; sem:hasLatestEndTimeStamp ?latest ;
               prov:wasDerivedFrom ?passage .
        FILTER (?type != salt:NegotiationEvent)
        ?passage oa:start ?start ; oa:end ?end ; oa:exact ?quote .
        OPTIONAL {{ ?event salt:concernsIssue ?issue }}
        OPTIONAL {{ ?event sem:hasActor ?actor }}
    }} GROUP BY ?event ?type ?label ?earliest ?latest ?start ?end ?quote ORDER BY ?start ?event""")
    dates = kg.select(f"""{PREFIXES}SELECT ?start ?end ?quote WHERE {{
        {node} salt:dateEvidence ?passage . ?passage oa:start ?start ; oa:end ?end ; oa:exact ?quote .
    }} ORDER BY ?start""")
    for row in mentions + events + dates:
        row["start"], row["end"] = int(row["start"]), int(row["end"])
    for row in events:
        row["type"] = row["type"].rsplit("#", 1)[-1]
        row["issues"], row["actors"] = split(row["issues"], " "), split(row["actors"], " ")
    return {"mentions": mentions, "events": events, "date_evidence": dates}


def document_text(kg: KnowledgeGraph, iri: str) -> str | None:
    rows = kg.select(f"{PREFIXES}SELECT ?text WHERE {{ {term(iri, 'iri')} salt:text ?text }}")
    return rows[0]["text"] if rows else None


def find_events(kg: KnowledgeGraph, start: str | None = None, end: str | None = None,
                actor: str | None = None, issue: str | None = None, kind: str | None = None) -> list[dict]:
    """Dated events overlapping [start, end], optionally by actor IRI, issue IRI (with narrower
    issues) and event type (e.g. Proposal)."""
    filters = []
    if start:
        filters.append(f"FILTER (?latest >= {term(start, 'date')})")
    if end:
        filters.append(f"FILTER (?earliest <= {term(end, 'date')})")
    if actor:
        filters.append(f"?event sem:hasActor {term(actor, 'iri')} .")
    if issue:
        filters.append(f"?event salt:concernsIssue/skos:broader* {term(issue, 'iri')} .")
    if kind:
        filters.append(f"?event a {term(SALT + kind, 'iri')} .")
    rows = kg.select(f"""{PREFIXES}SELECT ?event ?type ?label ?earliest ?latest ?document ?quote ?citation
        (GROUP_CONCAT(DISTINCT STR(?issue); separator=" ") AS ?issues)
        (GROUP_CONCAT(DISTINCT STR(?actor); separator=" ") AS ?actors) WHERE {{
        ?event a salt:NegotiationEvent, ?type ; rdfs:label ?label ;
               sem:hasEarliestBeginTimeStamp ?earliest ; sem:hasLatestEndTimeStamp ?latest .
        FILTER (?type != salt:NegotiationEvent)
        {' '.join(filters)}
        OPTIONAL {{ ?event salt:concernsIssue ?issue }}
        OPTIONAL {{ ?event sem:hasActor ?actor }}
        OPTIONAL {{ ?event dcterms:source ?document }}
        OPTIONAL {{ ?event prov:wasDerivedFrom/oa:exact ?quote }}
        OPTIONAL {{ ?event dcterms:bibliographicCitation ?citation }}
    }} GROUP BY ?event ?type ?label ?earliest ?latest ?document ?quote ?citation
    ORDER BY ?earliest ?latest ?event""")
    for row in rows:
        row["type"] = row["type"].rsplit("#", 1)[-1]
        row["issues"], row["actors"] = split(row["issues"], " "), split(row["actors"], " ")
    return rows
