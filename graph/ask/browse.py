"""Read-side lookups over the store: lists, search by name, one resource's description and sources.

These are the questions the REST API, the linked-data pages and the notebooks ask. Every query
runs on Oxigraph; user input enters a query only as an escaped RDF term (`term`).
"""

from __future__ import annotations

import difflib
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
    links: dict[str, dict] = {}
    for row in rows:  # one entry per target, even when several properties point to it
        links.setdefault(row["link"], {"iri": row["link"], "relation": row["relation"], "site": site_of(row["link"])})
    return list(links.values())


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
    """The parts of a GROUP_CONCAT, sorted: SPARQL leaves their order to the engine."""
    return sorted(part for part in (value or "").split(separator) if part)


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
    # DISTINCT: a label reached by two branches of LABEL_PATH is one row on every store (Oxigraph merges
    # them, Virtuoso keeps both, as SPARQL's alternative paths allow); every column ordered, so ties too
    mentions = kg.select(f"""{PREFIXES}SELECT DISTINCT ?start ?end ?quote ?target ?targetLabel ?section WHERE {{
        ?passage salt:inDocument {node} ; salt:refersTo ?target ; oa:start ?start ; oa:end ?end ; oa:exact ?quote .
        OPTIONAL {{ ?passage salt:section ?section }}
        OPTIONAL {{ ?target {LABEL_PATH} ?targetLabel }}
    }} ORDER BY ?start ?end ?target ?targetLabel ?section ?quote""")
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
        filters.append(f"FILTER (!(?earliest > {term(end, 'date')}))")  # not <=: see unresolved-on-date.rq
    if actor:
        filters.append(f"?event sem:hasActor {term(actor, 'iri')} .")
    if issue:
        filters.append(within_issue("?event", term(issue, "iri")))
    if kind:
        filters.append(f"?event a {term(SALT + kind, 'iri')} .")
    rows = kg.select(f"""{PREFIXES}SELECT ?event ?type ?label ?earliest ?latest ?document ?quote ?start ?end
        ?citation {SIDE_OF_EVENT}
        (GROUP_CONCAT(DISTINCT STR(?issue); separator=" ") AS ?issues)
        (GROUP_CONCAT(DISTINCT STR(?actor); separator=" ") AS ?actors) WHERE {{
        ?event a salt:NegotiationEvent, ?type ; rdfs:label ?label ;
               sem:hasEarliestBeginTimeStamp ?earliest ; sem:hasLatestEndTimeStamp ?latest .
        FILTER (?type != salt:NegotiationEvent)
        {' '.join(filters)}
        OPTIONAL {{ ?event salt:concernsIssue ?issue }}
        OPTIONAL {{ ?event sem:hasActor ?actor }}
        OPTIONAL {{ ?event dcterms:source ?document }}
        OPTIONAL {{ ?event prov:wasDerivedFrom ?passage . ?passage oa:exact ?quote ; oa:start ?start ; oa:end ?end }}
        OPTIONAL {{ ?event dcterms:bibliographicCitation ?citation }}
        {SIDE_PATTERN.format(event='?event')}
    }} GROUP BY ?event ?type ?label ?earliest ?latest ?document ?quote ?start ?end ?citation
    ORDER BY ?earliest ?latest ?event ?type ?document ?quote ?start""")  # every tie ordered: the same rows on any store
    for row in rows:
        row["start"] = int(row["start"]) if row["start"] is not None else None
        row["end"] = int(row["end"]) if row["end"] is not None else None
        row["type"] = row["type"].rsplit("#", 1)[-1]
        row["issues"], row["actors"] = split(row["issues"], " "), split(row["actors"], " ")
        row["side"] = side_of(row)
    return rows


def within_issue(event: str, issue: str) -> str:
    """The pattern of an event concerning `issue` or a narrower one, through the derived closure of
    skos:broader (skos:broaderTransitive) in a FILTER: every store evaluates it alike, where a
    skos:broader* path or a UNION with the issue itself are not (Virtuoso 7.2 loses OPTIONAL columns)."""
    return (f"?withinIssue a salt:Issue . "
            f"FILTER (?withinIssue = {issue} || EXISTS {{ ?withinIssue skos:broaderTransitive {issue} }}) "
            f"{event} salt:concernsIssue ?withinIssue .")


SIDE_KEYS = {"united-states": "us", "soviet-union": "ussr"}
SIDE_NAMES = {"us": "United States", "ussr": "Soviet Union", "both": "both sides", "unknown": "side not stated"}


def side_key(side: str | None) -> str:
    """'us', 'ussr' or 'unknown' for a side as the graph gives it: an organisation IRI
    (org/united-states), a literal ('US', 'USSR') or nothing. The one place that decides colours."""
    if not side:
        return "unknown"
    value = side.rstrip("/").rsplit("/", 1)[-1].lower()
    if value == "both":
        return "both"
    if value in SIDE_KEYS:
        return SIDE_KEYS[value]
    if value in ("us", "usa", "united states", "u.s."):
        return "us"
    if value in ("ussr", "soviet", "soviet union", "su"):
        return "ussr"
    return "unknown"


# An event's side: its own salt:side (a curated bilateral act has both: "both"); for resources and for
# events recorded before sides were extracted, the side of its actors, unless the graph says the text
# does not state whose stance it is (salt:sideStated false).
# The query gives how many sides there are and the first; side_of says "both" when there are several
# (an IF over aggregates is what Virtuoso 7.2 fails to compile, SQ156), so no store picks one at random.
SIDE_OF_EVENT = ("(COUNT(DISTINCT COALESCE(?ownSide, ?actorSide)) AS ?sides) "
                 "(MIN(COALESCE(?ownSide, ?actorSide)) AS ?firstSide)")
SIDE_PATTERN = """OPTIONAL {{ {event} salt:side ?ownSide }}
        OPTIONAL {{ {event} sem:hasActor/salt:side ?actorSide FILTER NOT EXISTS {{ {event} salt:sideStated false }} }}"""


def side_of(row: dict) -> str | None:
    """An event's or resource's side from SIDE_OF_EVENT's columns (which it removes from the row): its own
    sides or else its actors', "both" when they are more than one (a bilateral act, a meeting of both)."""
    sides, first = int(row.pop("sides") or 0), row.pop("firstSide")
    return "both" if sides > 1 else first


def issue_positions(kg: KnowledgeGraph, iri: str) -> list[dict]:
    """Every dated event on an issue or its narrower issues, with its side, quote and passage offsets,
    oldest first (what each side said and did about it over time)."""
    rows = kg.select(f"""{PREFIXES}SELECT ?event ?type ?label ?earliest ?latest ?document ?quote ?start ?end
        ?citation {SIDE_OF_EVENT} (MIN(?issueLabel) AS ?about) WHERE {{
        {within_issue("?event", term(iri, "iri"))} ?withinIssue skos:prefLabel ?issueLabel .
        ?event a ?type ; rdfs:label ?label ; sem:hasEarliestBeginTimeStamp ?earliest ;
               sem:hasLatestEndTimeStamp ?latest .
        FILTER (STRSTARTS(STR(?type), STR(salt:)) && ?type != salt:NegotiationEvent)
        {SIDE_PATTERN.format(event='?event')}
        OPTIONAL {{ ?event dcterms:source ?document }}
        OPTIONAL {{ ?event prov:wasDerivedFrom ?passage . ?passage oa:exact ?quote ; oa:start ?start ; oa:end ?end }}
        OPTIONAL {{ ?event dcterms:bibliographicCitation ?citation }}
    }} GROUP BY ?event ?type ?label ?earliest ?latest ?document ?quote ?start ?end ?citation
    ORDER BY ?earliest ?latest ?event ?document ?quote ?start ?citation""")  # ties ordered: the same first row on any store
    seen: dict[str, dict] = {}
    for row in rows:
        if row["event"] in seen:
            continue
        row["type"] = row["type"].rsplit("#", 1)[-1]
        row["start"] = int(row["start"]) if row["start"] is not None else None
        row["end"] = int(row["end"]) if row["end"] is not None else None
        row["side"] = side_of(row)
        row["side_key"] = side_key(row["side"])
        seen[row["event"]] = row
    return list(seen.values())


def person_log(kg: KnowledgeGraph, iri: str) -> list[dict]:
    """A person's correspondence and meetings: documents and messages they sent or received and
    memoranda of conversation they took part in, each once (a message embodied in a document is
    listed as that document), oldest first."""
    node = term(iri, "iri")
    rows = []
    for role, link, other in (("sent", "schema:sender", "schema:recipient"), ("received", "schema:recipient", "schema:sender"),
                              ("took part", "schema:participant", "schema:participant")):
        # one query per role, not a UNION of them: Virtuoso 7.2 loses OPTIONAL columns inside UNION branches
        found = kg.select(f"""{PREFIXES}SELECT ?item (MIN(?ownLabel) AS ?label) (MIN(?title) AS ?titled) ?date ?notBefore
            ?document ?kind (GROUP_CONCAT(DISTINCT ?otherLabel; separator=" | ") AS ?others) WHERE {{
            ?item {link} {node} .
            OPTIONAL {{ ?item {other} ?other . FILTER (?other != {node}) ?other {LABEL_PATH} ?otherLabel }}
            OPTIONAL {{ ?item rdfs:label ?ownLabel }}
            OPTIONAL {{ ?item dcterms:title ?title }}
            OPTIONAL {{ ?item dcterms:date ?date }}
            OPTIONAL {{ ?item salt:dateNotBefore ?notBefore }}
            OPTIONAL {{ ?document salt:embodiesMessage ?item }}
            OPTIONAL {{ ?item a ?kind . FILTER (STRSTARTS(STR(?kind), STR(salt:)) && ?kind != salt:Document) }}
        }} GROUP BY ?item ?date ?notBefore ?document ?kind""")
        rows.extend({**row, "role": role, "label": row["label"] or row.pop("titled")} for row in found)
    rows.sort(key=lambda r: (r["date"] or "", r["notBefore"] or "", r["item"], r["document"] or "", r["kind"] or ""))
    entries: dict[tuple[str, str], dict] = {}
    for row in rows:
        item = row["document"] or row["item"]
        key = (item, row["role"])
        entry = entries.get(key)
        if entry is None or (row["document"] is None and entry["iri"] != row["item"]):
            entries[key] = {"iri": item, "role": row["role"], "label": row["label"] or short_name(item),
                            "date": row["date"] or row["notBefore"],
                            "kind": (row["kind"] or SALT + "Document").rsplit("#", 1)[-1],
                            "with": split(row["others"], " | ")}
        elif row["document"] and entry["iri"] == item:
            entry["with"] = sorted(set(entry["with"]) | set(split(row["others"], " | ")))
    return sorted(entries.values(), key=lambda e: (e["date"] or "9999", e["label"]))


def short_name(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def person_roles(kg: KnowledgeGraph, iri: str) -> list[dict]:
    """A person's roles with their dates, and any description from the people records."""
    rows = kg.select(f"""{PREFIXES}SELECT ?title ?start ?end WHERE {{
        {term(iri, 'iri')} salt:holdsRole ?role . ?role salt:roleTitle ?title .
        OPTIONAL {{ ?role schema:startDate ?start }} OPTIONAL {{ ?role schema:endDate ?end }}
    }} ORDER BY ?start ?title""")
    return rows


def descriptions(kg: KnowledgeGraph, iri: str) -> list[str]:
    """Descriptions of a resource (dcterms:description, rdfs:comment, skos:definition)."""
    rows = kg.select(f"""{PREFIXES}SELECT DISTINCT ?text WHERE {{
        {term(iri, 'iri')} dcterms:description|rdfs:comment|skos:definition|skos:scopeNote ?text }} ORDER BY ?text""")
    return [r["text"] for r in rows]


NAMED_KINDS = ("person", "organization", "place", "issue", "document")


def labelled(kg: KnowledgeGraph, kinds: tuple[str, ...] = NAMED_KINDS) -> list[dict]:
    """Every resource of the given kinds with its labels and aliases (for close-match suggestions)."""
    values = " ".join(term(KINDS[k], "iri") for k in kinds)
    rows = kg.select(f"""{PREFIXES}SELECT ?entity ?type (SAMPLE(?preferred) AS ?label)
        (GROUP_CONCAT(DISTINCT ?name; separator=" | ") AS ?names) WHERE {{
        VALUES ?type {{ {values} }} ?entity a ?type ; {LABEL_PATH}|skos:altLabel ?name .
        OPTIONAL {{ ?entity {LABEL_PATH} ?preferred }}
    }} GROUP BY ?entity ?type""")
    return [{"iri": r["entity"], "kind": KIND_OF_TYPE[r["type"]], "label": r["label"] or short_name(r["entity"]),
             "names": split(r["names"], " | ")} for r in rows]


def close_matches(candidates: list[dict], asked: str, limit: int = 5, cutoff: float = 0.72) -> list[dict]:
    """Resources whose id, label, alias or a word of them is close to what was asked (difflib)."""
    needle = asked.strip("/").rsplit("/", 1)[-1].lower().replace("-", " ").replace("_", " ")
    if not needle:
        return []
    scored = []
    for candidate in candidates:
        words = {short_name(candidate["iri"]).replace("-", " ").lower()}
        for name in [candidate["label"], *candidate["names"]]:
            words.add(name.lower())
            words.update(w.strip(".,()“”\"'") for w in name.lower().split() if len(w) > 2)
        score = max(difflib.SequenceMatcher(None, needle, word).ratio() for word in words)
        if score >= cutoff:
            scored.append((score, candidate))
    scored.sort(key=lambda pair: (-pair[0], pair[1]["label"]))
    return [candidate for _, candidate in scored[:limit]]


def sides_of(kg: KnowledgeGraph, iris: list[str]) -> dict[str, str]:
    """The side (an organisation IRI) of each resource or event that has one, own or through its actors."""
    if not iris:
        return {}
    values = " ".join(term(i, "iri") for i in sorted(set(iris)))
    rows = kg.select(f"""{PREFIXES}SELECT ?node {SIDE_OF_EVENT} WHERE {{
        VALUES ?node {{ {values} }}
        {SIDE_PATTERN.format(event='?node')}
    }} GROUP BY ?node""")
    return {r["node"]: side for r in rows if (side := side_of(r))}
