"""Machine-readable descriptions of the service and the dataset: SPARQL Service Description and VoID.

Both are computed from the store once per store version, with placeholder IRIs for this server's own
URLs, and placed at each request's URLs (which come from its Host header: one cached copy per host would
let clients grow the cache without bound); then serialised in whatever RDF format the client negotiates.
"""

from __future__ import annotations

import pyoxigraph as ox

from graph.namespaces import DCTERMS, FOAF, PREFIXES, RDF, SALT, SCHEMA, SKOS
from graph.model.store import KnowledgeGraph

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
FORMATS = "http://www.w3.org/ns/formats/"
RESULT_FORMATS = ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "N-Triples", "JSON-LD", "RDF_XML"]
DESCRIPTION_PREFIXES = {**PREFIXES, "sd": SD, "void": VOID, "formats": FORMATS}
CLASSES = [FOAF + "Person", FOAF + "Organization", SCHEMA + "Place", SALT + "Issue", SALT + "Document",
           SALT + "NegotiationEvent", SALT + "Passage", SALT + "Message", SALT + "Volume"]
RDFS_SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"
LINK_TARGETS = {"wikidata": ("http://www.wikidata.org/entity/", "https://www.wikidata.org/"),
                "dbpedia": ("http://dbpedia.org/resource/", "http://dbpedia.org/"),
                "history-state-gov": ("https://history.state.gov/", "https://history.state.gov/")}


ENDPOINT_PLACE = "urn:x-saltkg:place:sparql"  # where this server's SPARQL endpoint goes in a cached description
VOID_PLACE = "urn:x-saltkg:place:void"  # and its VoID document


def node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def placed(triples: list[ox.Triple], endpoint: str) -> list[ox.Triple]:
    """A cached description at this request's URLs: the SPARQL endpoint and the VoID document beside it."""
    urls = {ENDPOINT_PLACE: node(endpoint),
            VOID_PLACE: node(endpoint.removesuffix("sparql") + ".well-known/void")}

    def at(term):
        return urls.get(term.value, term) if isinstance(term, ox.NamedNode) else term
    return [ox.Triple(at(t.subject), t.predicate, at(t.object)) for t in triples]


def count(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=node("http://www.w3.org/2001/XMLSchema#integer"))


def graph_sizes(kg: KnowledgeGraph) -> list[tuple[str, int]]:
    rows = kg.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    return [(r["g"], int(r["n"])) for r in rows]


def service_description(kg: KnowledgeGraph, endpoint: str, void_url: str) -> list[ox.Triple]:
    """An sd:Service for the endpoint: language, result formats, features, the dataset and its graphs."""
    service, dataset, default = node(endpoint), ox.BlankNode(), ox.BlankNode()
    triples = [
        ox.Triple(service, node(RDF + "type"), node(SD + "Service")),
        ox.Triple(service, node(SD + "endpoint"), service),
        ox.Triple(service, node(SD + "supportedLanguage"), node(SD + "SPARQL11Query")),
        ox.Triple(service, node(SD + "feature"), node(SD + "UnionDefaultGraph")),
        ox.Triple(service, node(SD + "feature"), node(SD + "BasicFederatedQuery")),
        ox.Triple(service, node(SD + "defaultEntailmentRegime"), node("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(service, node(SD + "defaultDataset"), dataset),
        ox.Triple(dataset, node(RDF + "type"), node(SD + "Dataset")),
        ox.Triple(dataset, node(RDFS_SEE_ALSO), node(void_url)),
        ox.Triple(dataset, node(SD + "defaultGraph"), default),
        ox.Triple(default, node(RDF + "type"), node(SD + "Graph")),
        ox.Triple(default, node(VOID + "triples"), count(kg.triple_count())),
    ]
    triples += [ox.Triple(service, node(SD + "resultFormat"), node(FORMATS + f)) for f in RESULT_FORMATS]
    for name, size in graph_sizes(kg):
        named, graph = ox.BlankNode(), ox.BlankNode()
        triples += [ox.Triple(dataset, node(SD + "namedGraph"), named),
                    ox.Triple(named, node(SD + "name"), node(name)),
                    ox.Triple(named, node(SD + "graph"), graph),
                    ox.Triple(graph, node(RDF + "type"), node(SD + "Graph")),
                    ox.Triple(graph, node(VOID + "triples"), count(size))]
    return triples


def void_description(kg: KnowledgeGraph, base_iri: str, endpoint: str) -> list[ox.Triple]:
    """A void:Dataset with sizes, class partitions, vocabularies and linksets to Wikidata, DBpedia, HSG."""
    dataset = node(base_iri + "dataset")
    stats = kg.select("""SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects)
        (COUNT(DISTINCT ?p) AS ?properties) (COUNT(DISTINCT ?o) AS ?objects) WHERE { ?s ?p ?o }""")[0]
    literal = ox.Literal
    triples = [
        ox.Triple(dataset, node(RDF + "type"), node(VOID + "Dataset")),
        ox.Triple(dataset, node(DCTERMS + "title"), literal("SALT-KG: a knowledge graph of the SALT I negotiations", language="en")),
        ox.Triple(dataset, node(DCTERMS + "description"), literal(
            "People, delegations, documents, negotiation issues and dated events of the Strategic Arms "
            "Limitation Talks (1969–1972), extracted from Foreign Relations of the United States with "
            "character-exact provenance.", language="en")),
        ox.Triple(dataset, node(DCTERMS + "source"), node("https://history.state.gov/historicaldocuments")),
        ox.Triple(dataset, node(VOID + "sparqlEndpoint"), node(endpoint)),
        ox.Triple(dataset, node(VOID + "uriSpace"), literal(base_iri)),
        ox.Triple(dataset, node(VOID + "exampleResource"), node(base_iri + "person/kissinger")),
        ox.Triple(dataset, node(VOID + "exampleResource"), node(base_iri + "issue/slbm-base-figure-48")),
        ox.Triple(dataset, node(VOID + "triples"), count(int(stats["triples"]))),
        ox.Triple(dataset, node(VOID + "distinctSubjects"), count(int(stats["subjects"]))),
        ox.Triple(dataset, node(VOID + "distinctObjects"), count(int(stats["objects"]))),
        ox.Triple(dataset, node(VOID + "properties"), count(int(stats["properties"]))),
    ]
    for vocabulary in (SALT, FOAF, SCHEMA, SKOS, DCTERMS, "http://www.w3.org/ns/prov#",
                       "http://semanticweb.cs.vu.nl/2009/11/sem/", "http://www.w3.org/ns/oa#"):
        triples.append(ox.Triple(dataset, node(VOID + "vocabulary"), node(vocabulary)))
    rows = kg.select("SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class")
    sizes = {r["class"]: int(r["n"]) for r in rows}
    triples.append(ox.Triple(dataset, node(VOID + "classes"), count(len(sizes))))
    for cls in CLASSES:
        if sizes.get(cls):
            partition = ox.BlankNode()
            triples += [ox.Triple(dataset, node(VOID + "classPartition"), partition),
                        ox.Triple(partition, node(VOID + "class"), node(cls)),
                        ox.Triple(partition, node(VOID + "entities"), count(sizes[cls]))]
    triples += linksets(kg, dataset, base_iri)
    return triples


def linksets(kg: KnowledgeGraph, dataset: ox.NamedNode, base_iri: str) -> list[ox.Triple]:
    """One void:Linkset per external target, counting the links of each predicate."""
    triples = []
    for name, (prefix, homepage) in LINK_TARGETS.items():
        rows = kg.select(f"""SELECT ?p (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o .
            FILTER (isIRI(?o) && STRSTARTS(STR(?o), "{prefix}") && STRSTARTS(STR(?s), "{base_iri}")) }} GROUP BY ?p""")
        for row in rows:
            linkset = node(f"{base_iri}dataset/links/{name}/{row['p'].rsplit('/', 1)[-1].rsplit('#', 1)[-1]}")
            triples += [ox.Triple(dataset, node(VOID + "subset"), linkset),
                        ox.Triple(linkset, node(RDF + "type"), node(VOID + "Linkset")),
                        ox.Triple(linkset, node(VOID + "linkPredicate"), node(row["p"])),
                        ox.Triple(linkset, node(VOID + "subjectsTarget"), dataset),
                        ox.Triple(linkset, node(VOID + "objectsTarget"), node(homepage)),
                        ox.Triple(linkset, node(VOID + "triples"), count(int(row["n"])))]
    return triples


def serialize(triples: list[ox.Triple], rdf_format: ox.RdfFormat) -> bytes:
    return ox.serialize(triples, format=rdf_format, prefixes=DESCRIPTION_PREFIXES
                        if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None)

