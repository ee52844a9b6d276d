"""The OpenAPI document, completed with what FastAPI cannot infer: the error answers each operation
gives (400, 403, 404, 405, 406, 413, 415, 422, 503), the media types of every 200 (SPARQL results,
RDF serialisations, HTML, SVG, GraphML) and the request bodies of the SPARQL protocol's POST.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from .negotiation import GRAPH_TYPES, RESULT_TYPES

TEXT = {"type": "string"}
DETAIL = {"type": "object", "properties": {"detail": {}}}
ERROR_CONTENT = {"application/json": {"schema": DETAIL}, "text/plain": {"schema": TEXT},
                 "text/html": {"schema": TEXT}}
ERRORS = {
    400: "The request is malformed: a bad parameter, date, IRI or SPARQL text (the body says which)",
    403: "Refused: SPARQL Update without the admin token, or a SERVICE target off the allowlist",
    404: "No such resource, issue, document, negotiation or node (or the id is not a valid IRI)",
    405: "Update sent by GET",
    406: "None of the media types in Accept is offered (the body lists those that are)",
    413: "The request body or query is larger than the configured limit",
    415: "The POST body's Content-Type is not one the SPARQL protocol defines",
    422: "A parameter fails validation, or the query's result exceeds the size limit",
    503: "Busy, over the time limit, or not built yet; the Retry-After header says when to try again",
}
RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before retrying", "schema": TEXT}}
RDF = sorted({*GRAPH_TYPES, "text/turtle"})
SPARQL_RESULTS = sorted(RESULT_TYPES) + RDF + ["text/html"]
HTML_OR_JSON = ["application/json", "text/html"]

# path → (media types of a 200 answer, error statuses it can give); paths not listed keep JSON
OPERATIONS: dict[tuple[str, str], tuple[list[str] | None, tuple[int, ...]]] = {
    ("get", "/"): (HTML_OR_JSON, ()),
    ("get", "/sparql"): (SPARQL_RESULTS, (400, 403, 405, 406, 413, 422, 503)),
    ("post", "/sparql"): (SPARQL_RESULTS, (400, 403, 406, 413, 415, 422, 503)),
    ("get", "/issues"): (HTML_OR_JSON, (400, 404)),
    ("get", "/issues/{issue_id}"): (None, (400, 404)),
    ("get", "/issues/{issue_id}/timeline"): (None, (404,)),
    ("get", "/entities"): (None, (400,)),
    ("get", "/entities/{entity_id}"): (None, (404,)),
    ("get", "/people/{person_id}/connections"): (None, (404,)),
    ("get", "/documents/{document_id}"): (None, (404,)),
    ("get", "/events"): (None, (400,)),
    ("get", "/search"): (None, (400, 503)),
    ("get", "/.well-known/void"): (RDF, (406,)),
    ("get", "/ontology"): (RDF + ["text/html"], (404, 406)),
    ("get", "/{kind}/{rest}"): (RDF + ["text/html"], (404, 406)),
    ("get", "/view/network"): (["text/html"], (400, 404)),
    ("get", "/view/entity/{entity_id}"): (["text/html"], (400, 404)),
    ("get", "/view/document/{document_id}"): (["text/html"], (404,)),
    ("get", "/view/timeline"): (["text/html"], (400,)),
    ("get", "/view/timeline.svg"): (["image/svg+xml"], (400,)),
    ("get", "/analysis/central"): (None, (400,)),
    ("get", "/analysis/path"): (None, (400, 404)),
    ("get", "/export/network.{fmt}"): (["application/xml"], (404,)),
}
FORM_FIELDS = {"query": TEXT, "update": TEXT, "format": TEXT,
               "default-graph-uri": {"type": "array", "items": TEXT},
               "named-graph-uri": {"type": "array", "items": TEXT}}
SPARQL_POST_BODY = {"required": True, "content": {
    "application/sparql-query": {"schema": TEXT},
    "application/sparql-update": {"schema": TEXT},
    "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": FORM_FIELDS}},
}}
SPARQL_GET_PARAMETERS = [
    {"name": "default-graph-uri", "in": "query", "required": False, "schema": {"type": "array", "items": TEXT},
     "description": "an IRI of a graph that makes up the default graph (repeatable)"},
    {"name": "named-graph-uri", "in": "query", "required": False, "schema": {"type": "array", "items": TEXT},
     "description": "an IRI of a named graph the query may use (repeatable)"},
]


def complete(schema: dict) -> dict:
    """Add the error answers, 200 media types and SPARQL request details to a generated document."""
    for (method, path), (media_types, statuses) in OPERATIONS.items():
        operation = schema.get("paths", {}).get(path, {}).get(method)
        if operation is None:
            continue
        responses = operation.setdefault("responses", {})
        if media_types:
            responses["200"] = {"description": responses.get("200", {}).get("description", "Successful Response"),
                                "content": {media: {"schema": {}} for media in media_types}}
        for status in statuses:
            answer = {"description": ERRORS[status], "content": ERROR_CONTENT}
            if status == 503:
                answer["headers"] = RETRY_AFTER
            if status == 422 and "422" in responses:
                answer["content"] = {**ERROR_CONTENT, **responses["422"].get("content", {})}
            responses[str(status)] = answer
    sparql = schema.get("paths", {}).get("/sparql", {})
    if "post" in sparql:
        sparql["post"]["requestBody"] = SPARQL_POST_BODY
        sparql["post"]["responses"]["204"] = {"description": "The update was applied (admin token only)"}
    if "get" in sparql:
        sparql["get"].setdefault("parameters", []).extend(SPARQL_GET_PARAMETERS)
    return schema


def document(app: FastAPI) -> None:
    """Serve the completed document at /openapi.json (computed once)."""

    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = complete(get_openapi(title=app.title, version=app.version,
                                                      description=app.description, routes=app.routes))
        return app.openapi_schema

    app.openapi = openapi
