"""The SPARQL 1.1 Protocol endpoint: queries by GET and POST, service description, HTML query page.

Queries are checked here (size, update, SERVICE allowlist) and answered by the worker pool, which
enforces the time and result-size limits. Updates are refused unless an admin token is configured
and presented.
"""

from __future__ import annotations

import hmac
import inspect
import json
import re

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.routing import APIRoute
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from graph.ask import queries
from graph.draw.drawing import script_json

from .descriptions import ENDPOINT_PLACE, VOID_PLACE, placed, service_description, serialize
from .executor import QueryAnswer, QueryFailed, QueryJob
from .negotiation import CANONICAL_GRAPH, GRAPH_TYPES, negotiate, wants_html
from .pages import curie, render
from .query_string import params_of
from .services import Services, services_of
from .sparql_guard import (ForbiddenService, TooComplex, check_complexity, check_services, has_dataset_clause,
                           is_update)


class RequestOnlyRoute(APIRoute):
    """A route whose endpoint takes the request alone and reads its parameters itself (declared for OpenAPI
    with openapi_extra): called directly, without FastAPI's parameter solving, which would decode the
    whole query string in pure Python on every request (a third of a millisecond for a long query)."""

    def __init__(self, path: str, endpoint, **kwargs) -> None:
        parameters = list(inspect.signature(endpoint).parameters.values())
        if len(parameters) != 1 or parameters[0].annotation not in (Request, "Request"):
            raise TypeError(f"{endpoint.__name__} must take exactly one parameter, the Request")
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self):
        return self.endpoint


router = APIRouter(tags=["SPARQL"], route_class=RequestOnlyRoute)

FORMAT_PARAMETER = {  # json and xml name a results format and a graph format: whichever fits the query
    "json": "application/sparql-results+json, application/ld+json",
    "xml": "application/sparql-results+xml, application/rdf+xml", "csv": "text/csv",
    "tsv": "text/tab-separated-values", "turtle": "text/turtle", "ttl": "text/turtle",
    "nt": "application/n-triples", "jsonld": "application/ld+json", "rdfxml": "application/rdf+xml",
}
RETRY_AFTER = "5"
EXAMPLE_DATE = "1972-05-20"
READ_ONLY = ("SPARQL Update is disabled: this endpoint is read-only. An operator may enable updates by "
             "setting SALTKG_ADMIN_TOKEN; requests must then send 'Authorization: Bearer <token>'.")



def error(status: int, message: str) -> PlainTextResponse:
    """A plain-text error; a 503 says when to try again."""
    headers = {"Retry-After": RETRY_AFTER} if status == 503 else None
    return PlainTextResponse(message, status_code=status, headers=headers)


def examples(base_iri: str) -> list[dict]:
    """Example queries for the HTML page: the shipped named queries with sample parameters, and basics."""
    sample = {"date": queries.xsd_date(EXAMPLE_DATE), "issue": queries.iri(base_iri + "issue/slbm-base-figure-48"),
              "entity": queries.iri(base_iri + "person/kissinger"), "person": queries.iri(base_iri + "person/kissinger")}
    found = [{"title": "Classes and how many resources each has",
              "query": "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n)"}]
    for name in queries.available():
        text = queries.load(name)
        title = name.replace("-", " ")
        if name == "unresolved-on-date":
            title = f"Issues unresolved on {EXAMPLE_DATE} (unresolved-on-date.rq)"
        found.append({"title": title, "query": queries.bind(for_readers(text), sample)})
    return found


def for_readers(text: str) -> str:
    """A named query as the page shows it: its opening paragraph says what it asks; the developers'
    notes after it and comment lines in the body (how the text is shaped for Oxigraph) are left out."""
    lines = text.splitlines()
    header = 0
    while header < len(lines) and lines[header].lstrip().startswith("#"):
        header += 1
    opening = []
    for line in lines[:header]:
        if line.strip() == "#":
            break
        opening.append(line)
    body = [line for line in lines[header:] if not line.lstrip().startswith("#")]
    return "\n".join(opening + body) + "\n"


@router.get("/sparql", summary="SPARQL 1.1 query (GET), service description, or the HTML query page",
            openapi_extra={"parameters": [
                {"name": "query", "in": "query", "required": False, "schema": {"type": "string"},
                 "description": "a SPARQL 1.1 query; without it, the service description or the query page"},
                {"name": "format", "in": "query", "required": False, "schema": {"type": "string"},
                 "description": "a results format (" + ", ".join(FORMAT_PARAMETER) + ") instead of the Accept header"},
                {"name": "default-graph-uri", "in": "query", "required": False,
                 "schema": {"type": "array", "items": {"type": "string"}}},
                {"name": "named-graph-uri", "in": "query", "required": False,
                 "schema": {"type": "array", "items": {"type": "string"}}}]})
@router.get("/sparql/", include_in_schema=False, name="sparql_get_slash")
async def sparql_get(request: Request) -> Response:
    """Parameters are read from the request itself (declared for OpenAPI above): the common case, a
    short query, is checked on the event loop and awaited on a query thread without a second hop."""
    services = services_of(request)
    params = params_of(request.scope)
    if "update" in params:
        return error(405, "SPARQL Update must be sent by POST (and this endpoint is read-only)")
    queries_given = params.getlist("query")
    if len(queries_given) > 1:
        return error(400, "more than one 'query' parameter; send exactly one")
    format = params.get("format")
    accept = accept_of(request, format)
    if not queries_given:
        if wants_html(accept[0]):
            return await run_in_threadpool(query_page, services, "", None)
        return await run_in_threadpool(describe_service, services, request, accept[0])
    return await answer_soon(services, queries_given[0], accept, params.getlist("default-graph-uri"),
                             params.getlist("named-graph-uri"), endpoint_of(request),
                             html=wants_html(accept[0]) and format in (None, "html"))


async def sparql_asgi(scope, receive, send) -> None:
    """sparql_get as a plain ASGI app, for the app's fast path to GET /sparql (api/app.py); the router it
    skips is put in the scope, as the router itself does, for url_for."""
    scope.setdefault("router", scope["app"].router)
    response = await sparql_get(Request(scope, receive, send))
    await response(scope, receive, send)


@router.post("/sparql", summary="SPARQL 1.1 query or (with the admin token) update by POST")
@router.post("/sparql/", include_in_schema=False, name="sparql_post_slash")
async def sparql_post(request: Request) -> Response:
    """Read the body here; the query itself runs on a thread, so the event loop never waits on it."""
    services = services_of(request)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if len(body) > services.settings.max_request_bytes:
        return error(413, f"request body exceeds {services.settings.max_request_bytes:,} bytes")
    params, endpoint = params_of(request.scope), endpoint_of(request)
    if content_type in ("application/sparql-update", "application/sparql-query"):
        text = utf8_body(request.headers.get("content-type", ""), body)
        if isinstance(text, Response):
            return text
    if content_type == "application/sparql-update":
        return await run_in_threadpool(update, services, request, text)
    if content_type == "application/sparql-query":
        if "query" in params:
            return error(400, "the query is in the body; a 'query' URL parameter as well is ambiguous")
        return await answer_soon(services, text, accept_of(request, params.get("format")),
                                 params.getlist("default-graph-uri"), params.getlist("named-graph-uri"), endpoint)
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.form()
        if "update" in form:
            if len(form.getlist("update")) > 1 or "query" in form:
                return error(400, "send exactly one 'update' (and no 'query') parameter")
            return await run_in_threadpool(update, services, request, str(form["update"]))
        if "query" not in form:
            return error(400, "missing 'query' (or 'update') field")
        if len(form.getlist("query")) > 1 or "query" in params:
            return error(400, "more than one 'query' parameter; send exactly one")
        return await answer_soon(services, str(form["query"]), accept_of(request, form.get("format")),
                                 [str(v) for v in form.getlist("default-graph-uri")],
                                 [str(v) for v in form.getlist("named-graph-uri")], endpoint)
    return error(415, "send application/sparql-query, application/sparql-update or an HTML form")


def utf8_body(content_type: str, body: bytes) -> str | Response:
    """A direct POST body as text: the protocol sends SPARQL as UTF-8 (415 for another charset,
    400 for bytes that are not UTF-8)."""
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8", "us-ascii"):
            return error(415, f"SPARQL is sent as UTF-8, not {value.strip()}")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        return error(400, f"the body is not UTF-8 (byte {err.start})")


SAFE_IRI = re.compile(r"https?://[A-Za-z0-9.\-\[\]:]+/[A-Za-z0-9._~/\-]*")


def endpoint_of(request: Request) -> str:
    """This endpoint's URL: the base IRI that relative IRIs in a query resolve against. Built from the
    request's Host header, so anything but a plain http(s) IRI is replaced by the configured base (a Host
    such as 'x>SELECT …' must never become query text where the base is written into it). Remembered per
    scheme, host and root path (a bounded table: Host headers are the client's to choose)."""
    scope = request.scope
    base = services_of(request).base_iri
    host = next((value for name, value in scope["headers"] if name == b"host"), None)
    server = scope.get("server")
    key = (scope.get("scheme"), host, scope.get("root_path", ""), tuple(server) if server else None, base)
    found = ENDPOINTS.get(key)
    if found is None:
        url = str(request.url_for("sparql_get"))
        found = url if SAFE_IRI.fullmatch(url) else base + "sparql"
        if len(ENDPOINTS) >= 256:
            ENDPOINTS.clear()
        ENDPOINTS[key] = found
    return found


ENDPOINTS: dict[tuple, str] = {}


def accept_of(request: Request, format: str | None) -> tuple[str, str | None]:
    """What to negotiate: a `format` parameter's types (json, xml, csv, turtle, …) first, with the
    Accept header as the fallback when they do not fit the query form; else the Accept header alone."""
    header = request.headers.get("accept", "*/*")
    if format and format in FORMAT_PARAMETER:
        return FORMAT_PARAMETER[format], header
    return header, None


def bad_iris(values: list[str]) -> list[str]:
    """The values that are not absolute IRIs."""
    bad = []
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError:
            bad.append(value)
    return bad


INLINE_CHECK_CHARS = 8 * 1024  # texts up to this size are checked on the event loop (at most a few milliseconds)


def answer(services: Services, query: str, accept: tuple[str, str | None], default_graphs: list[str],
           named_graphs: list[str], endpoint: str | None = None, html: bool = False) -> Response:
    """Check and run one query; its results in the negotiated format, or a clear error status."""
    job = prepare(services, query, accept, default_graphs, named_graphs, endpoint)
    if isinstance(job, Response):
        return job
    if html:
        return html_answer(services, query, default_graphs, named_graphs, endpoint)
    try:
        return results_response(services.pool.run(job))
    except QueryFailed as err:
        return failure(err)


async def answer_soon(services: Services, query: str, accept: tuple[str, str | None], default_graphs: list[str],
                      named_graphs: list[str], endpoint: str | None = None, html: bool = False) -> Response:
    """answer() without blocking the event loop: a short text that names no SERVICE is checked here and its
    query awaited; anything else (long texts, SERVICE parsing, the HTML page) is answered on a thread."""
    if html or len(query) > INLINE_CHECK_CHARS or "service" in query.lower():
        return await run_in_threadpool(answer, services, query, accept, default_graphs, named_graphs, endpoint, html)
    job = prepare(services, query, accept, default_graphs, named_graphs, endpoint)
    if isinstance(job, Response):
        return job
    try:
        return results_response(await run_query(services.pool, job))
    except QueryFailed as err:
        return failure(err)


async def run_query(pool, job: QueryJob) -> QueryAnswer:
    """Await a job: on a query thread directly when the pool runs queries in this process, else on a
    thread that waits for a worker process or the store server."""
    run_async = getattr(pool, "run_async", None)
    return await (run_async(job) if run_async else run_in_threadpool(pool.run, job))


def prepare(services: Services, query: str, accept: tuple[str, str | None], default_graphs: list[str],
            named_graphs: list[str], endpoint: str | None = None) -> QueryJob | Response:
    """The checks every query passes (size, read-only, dataset IRIs, complexity, SERVICE allowlist): the
    job to run, or the refusal."""
    settings = services.settings
    if len(query.encode("utf-8")) > settings.max_request_bytes:
        return error(413, f"query exceeds {settings.max_request_bytes:,} bytes")
    if is_update(query):
        return error(403, READ_ONLY + " (an update was sent as a query)")
    bad = bad_iris(default_graphs + named_graphs)
    if bad:
        return error(400, "default-graph-uri and named-graph-uri must be absolute IRIs; not: "
                          + ", ".join(repr(b) for b in bad[:5]))
    try:
        check_complexity(query)
        check_services(query, settings.service_hosts, endpoint)
    except TooComplex as err:
        return error(400, f"query refused: {err}")
    except ForbiddenService as err:
        return error(403, str(err))
    return QueryJob(query, accept[0], default_graphs, named_graphs, settings.max_result_bytes, endpoint, accept[1],
                    union_default=not has_dataset_clause(query))


def results_response(result: QueryAnswer) -> Response:
    return Response(result.body, media_type=result.media_type, headers={"Vary": "Accept"})


def failure(err: QueryFailed) -> Response:
    return error(err.status, ("malformed SPARQL query: " if err.status == 400 else "") + err.message)


def html_answer(services: Services, query: str, default_graphs: list[str], named_graphs: list[str],
                endpoint: str | None = None) -> Response:
    """The query page with the results as a table (SELECT/ASK) or Turtle text (CONSTRUCT/DESCRIBE)."""
    accept = "application/sparql-results+json, text/turtle;q=0.9"
    job = QueryJob(query, accept, default_graphs, named_graphs, services.settings.max_result_bytes, endpoint,
                   union_default=not has_dataset_clause(query))
    try:
        result = services.pool.run(job)
    except QueryFailed as err:
        return query_page(services, query, err.message, status=err.status)
    if result.media_type == "text/turtle":
        return query_page(services, query, None, graph_text=result.body.decode("utf-8"))
    data = json.loads(result.body)
    if "boolean" in data:
        return query_page(services, query, None, boolean=data["boolean"])
    columns = data["head"]["vars"]
    rows = [[cell(services, binding.get(c)) for c in columns] for binding in data["results"]["bindings"]]
    return query_page(services, query, None, columns=columns, rows=rows)


def cell(services: Services, term: dict | None) -> dict:
    if term is None:
        return {"text": ""}
    if term["type"] == "uri":
        return {"text": curie(term["value"]), "href": services.links.href(term["value"])}
    return {"text": term["value"]}


def query_page(services: Services, query: str, message: str | None, status: int = 200, **results) -> Response:
    settings = services.settings
    found = examples(services.base_iri)
    return render("sparql.html", status_code=status, title="SPARQL", query=query, error=message,
                  error_title="The query could not be answered", examples=found,
                  examples_json=script_json(found), endpoint="/sparql", timeout=f"{settings.query_timeout:g}",
                  max_bytes=f"{settings.max_result_bytes:,}", hosts=", ".join(settings.service_hosts) or "no host",
                  columns=results.get("columns"), rows=results.get("rows", []),
                  boolean=results.get("boolean"), graph_text=results.get("graph_text"))


def describe_service(services: Services, request: Request, accept: str) -> Response:
    """The SPARQL 1.1 Service Description of this endpoint, in the negotiated RDF format."""
    media = negotiate(accept, GRAPH_TYPES, "text/turtle")
    if media is None:
        return error(406, "the service description is offered as " + ", ".join(GRAPH_TYPES))
    triples = services.cached("service description", lambda: service_description(
        services.kg, ENDPOINT_PLACE, VOID_PLACE))
    triples = placed(triples, endpoint_of(request))
    return Response(serialize(triples, GRAPH_TYPES[media]), media_type=CANONICAL_GRAPH.get(media, media),
                    headers={"Vary": "Accept"})


def update(services: Services, request: Request, text: str) -> Response:
    """Apply an update only for a request carrying the configured admin token."""
    token = services.settings.admin_token
    presented = request.headers.get("authorization", "")
    if not token or not hmac.compare_digest(presented.encode(), f"Bearer {token}".encode()):
        return error(403, READ_ONLY)
    endpoint = endpoint_of(request)
    try:
        check_services(text, services.settings.service_hosts, endpoint)
        services.apply_update(text, endpoint)
    except ForbiddenService as err:
        return error(403, str(err))
    except SyntaxError as err:
        return error(400, f"malformed SPARQL update: {err}")
    except (RuntimeError, ValueError) as err:  # e.g. CLEAR of a graph that does not exist, without SILENT
        return error(400, f"the update could not be applied: {err}")
    return Response(status_code=204)
