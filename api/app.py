"""The FastAPI application: a read-only SPARQL 1.1 endpoint over the built graph.

Queries run on Oxigraph's own engine against the store opened read-only. Updates are refused.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from graph.config import Settings
from graph.store import KnowledgeGraph

SELECT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


def negotiate(accept: str, offered: dict, default: str) -> str:
    """The first media type of the Accept header (by q-value) that we offer, else the default."""
    choices = []
    for index, part in enumerate(accept.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        quality = 1.0
        for param in pieces[1:]:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        choices.append((-quality, index, pieces[0].lower()))
    for _, _, media in sorted(choices):
        if media in offered:
            return media
        if media in ("*/*", "application/*", "text/*"):
            return default
    return default


def create_app(store_path: Path | None = None) -> FastAPI:
    """Build the app over a built store (read-only)."""
    settings = Settings()
    kg = KnowledgeGraph.open(store_path or settings.store_path)
    app = FastAPI(title="SALT-KG", description="A knowledge graph of the SALT I negotiations (FRUS).")

    def answer(query: str | None, request: Request) -> Response:
        if not query:
            return PlainTextResponse("missing 'query' parameter", status_code=400)
        try:
            results = kg.query(query)
        except SyntaxError as err:
            return PlainTextResponse(f"malformed SPARQL query: {err}", status_code=400)
        accept = request.headers.get("accept", "*/*")
        if isinstance(results, (ox.QuerySolutions, ox.QueryBoolean)):
            media = negotiate(accept, SELECT_TYPES, "application/sparql-results+json")
            body = results.serialize(format=SELECT_TYPES[media])
        else:
            media = negotiate(accept, GRAPH_TYPES, "text/turtle")
            body = ox.serialize(results, format=GRAPH_TYPES[media])
        return Response(body, media_type=media)

    @app.get("/sparql")
    def sparql_get(request: Request, query: str | None = None) -> Response:
        if "update" in request.query_params:
            return PlainTextResponse("SPARQL Update is disabled: this endpoint is read-only", status_code=403)
        return answer(query, request)

    @app.post("/sparql")
    async def sparql_post(request: Request) -> Response:
        content_type = request.headers.get("content-type", "").split(";")[0].strip()
        if content_type == "application/sparql-update":
            return PlainTextResponse("SPARQL Update is disabled: this endpoint is read-only", status_code=403)
        if content_type == "application/sparql-query":
            return answer((await request.body()).decode("utf-8"), request)
        form = await request.form()
        if "update" in form:
            return PlainTextResponse("SPARQL Update is disabled: this endpoint is read-only", status_code=403)
        return answer(form.get("query"), request)

    @app.get("/")
    def home() -> JSONResponse:
        return JSONResponse({"name": "SALT-KG", "sparql": "/sparql", "docs": "/docs",
                             "triples": kg.triple_count(), "base_iri": settings.base_iri})

    return app
