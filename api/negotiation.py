"""Content negotiation: pick a media type from an Accept header among those we can produce."""

from __future__ import annotations

import pyoxigraph as ox

RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}
CANONICAL_RESULTS = {"application/json": "application/sparql-results+json",
                     "application/xml": "application/sparql-results+xml", "text/xml": "application/sparql-results+xml"}
CANONICAL_GRAPH = {"application/json": "application/ld+json", "application/x-turtle": "text/turtle",
                   "text/plain": "application/n-triples"}
SUFFIXES = {".ttl": "text/turtle", ".jsonld": "application/ld+json", ".nt": "application/n-triples",
            ".rdf": "application/rdf+xml", ".html": "text/html"}


def is_iri(value: str) -> bool:
    """True for an absolute IRI the store accepts (no spaces, quotes, angle brackets, bad escapes)."""
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return True


def parse_accept(accept: str | None) -> list[str]:
    """Media types of an Accept header, best first (by q-value, then order); q=0 dropped."""
    choices = []
    for index, part in enumerate((accept or "*/*").split(",")):
        pieces = [p.strip() for p in part.split(";")]
        quality = 1.0
        for param in pieces[1:]:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        if pieces[0] and quality > 0:
            choices.append((-quality, index, pieces[0].lower()))
    return [media for _, _, media in sorted(choices)]


def negotiate(accept: str | None, offered, default: str) -> str | None:
    """The best offered media type for an Accept header; None if nothing fits. `*/*` gets the default;
    `text/*` or `application/*` the default when it matches, else the first offered type of that kind."""
    for media in parse_accept(accept):
        if media in offered:
            return media
        if media == "*/*":
            return default
        if media.endswith("/*"):
            kind = media[:-1]
            fitting = [m for m in (default, *offered) if m.startswith(kind) and canonical(m).startswith(kind)]
            if fitting:
                return fitting[0]
    return None


def canonical(media: str) -> str:
    """The media type an answer in `media` is labelled with."""
    return CANONICAL_RESULTS.get(media) or CANONICAL_GRAPH.get(media) or media


def wants_html(accept: str | None) -> bool:
    """True when a browser asks for HTML ahead of any RDF or results format."""
    for media in parse_accept(accept):
        if media in ("text/html", "application/xhtml+xml"):
            return True
        if media in RESULT_TYPES or media in GRAPH_TYPES:
            return False
    return False
