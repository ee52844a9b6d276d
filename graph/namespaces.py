"""Namespace IRIs of the vocabularies the graph uses, and the two term builders every layer needs."""

import pyoxigraph as ox

SALT = "https://w3id.org/salt-kg/ontology#"
ONTOLOGY_IRI = "https://w3id.org/salt-kg/ontology"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
DCTERMS = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
SCHEMA = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
SEM = "http://semanticweb.cs.vu.nl/2009/11/sem/"
OA = "http://www.w3.org/ns/oa#"
HSG = "https://history.state.gov/historicaldocuments/"

PREFIXES = {
    "salt": SALT, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "owl": OWL, "dcterms": DCTERMS,
    "foaf": FOAF, "schema": SCHEMA, "skos": SKOS, "prov": PROV, "sem": SEM, "oa": OA,
}


def sparql_prefixes() -> str:
    """PREFIX declarations for every namespace above, for building queries."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def iri(value: str) -> ox.NamedNode:
    """A named node (an IRI term for a query parameter or a quad)."""
    return ox.NamedNode(value)


def xsd_date(value: str) -> ox.Literal:
    """An xsd:date literal from an ISO date string."""
    return ox.Literal(value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
