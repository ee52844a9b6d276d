"""The FastAPI application: SPARQL endpoint, REST answers, linked-data pages, views.

`create_app()` opens the built store read-only; queries from /sparql run in killable worker
processes, REST and linked-data lookups in-process on Oxigraph. Served by `saltkg serve`.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from functools import lru_cache
from pathlib import Path
from typing import Callable

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.exceptions import ExceptionMiddleware

from graph.ask import browse

from . import forwarding, linked_data, openapi, rest, sparql, views
from .cache import ConditionalCache
from .negotiation import wants_html
from .pages import error_page, render
from .services import Services
from .settings import ServerSettings

DESCRIPTION = """A knowledge graph of the SALT I arms-control negotiations (1969–1972) built from the
*Foreign Relations of the United States*. SPARQL 1.1 at `/sparql`; every minted IRI resolves under
this server (HTML, Turtle, JSON-LD); VoID at `/.well-known/void`."""


class RequestSizeLimit:
    """Refuse request bodies larger than a limit with 413, before they are read into memory."""

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            return await self.refuse(send)
        received = 0

        async def counted_receive():
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise BodyTooLarge()
            return message

        try:
            await self.app(scope, counted_receive, send)
        except BodyTooLarge:
            await self.refuse(send)

    async def refuse(self, send) -> None:
        body = f"request body exceeds {self.max_bytes:,} bytes".encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class BodyTooLarge(Exception):
    """A streamed request body went over the limit."""


class HeadAsGet:
    """Answer HEAD wherever GET is answered: the GET response's status and headers, without its body."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "HEAD":
            return await self.app(scope, receive, send)

        async def headers_only(message):
            if message["type"] == "http.response.body":
                if message.get("more_body"):
                    return
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


def create_app(store_path: Path | None = None, settings: ServerSettings | None = None,
               fast_sparql: bool = True) -> FastAPI:
    """Build the app over a built store (opened read-only). `fast_sparql=False` routes GET /sparql like
    every other path (the tests compare the two)."""
    settings = settings or ServerSettings(store_path=Path(store_path) if store_path else None)
    services = Services(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        services.read_ahead()
        yield
        services.close()

    app = FastAPI(title="SALT-KG", description=DESCRIPTION, version="0.2.0", lifespan=lifespan,
                  docs_url=None, redoc_url=None)
    app.state.services = services
    add_docs(app)
    add_error_pages(app)
    app.include_router(sparql.router)
    app.include_router(rest.router)
    app.include_router(views.router)
    add_home(app)
    forwarding.install(app)  # store failures as 503, and /healthz (store, triples, version, cache counters)
    app.include_router(linked_data.router)  # last: it answers any /{kind}/{path}
    app.add_middleware(ConditionalCache, services=services)  # inside CORS: cached answers get CORS headers afresh
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "HEAD", "POST"], allow_headers=["Accept", "Content-Type"],
                           max_age=3600)
    app.add_middleware(RequestSizeLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(HeadAsGet)
    if fast_sparql:
        app.add_middleware(SparqlFastPath, lean=lean_stack(app, sparql.sparql_asgi))
    openapi.document(app)
    return app


def lean_stack(app: FastAPI, endpoint) -> Callable:
    """`endpoint` under the app's own middleware (as added so far) and exception handlers, without the
    router and FastAPI's per-route layers: what a request routed to it would pass through."""
    handlers = {key: value for key, value in app.exception_handlers.items() if key not in (500, Exception)}
    stack = ExceptionMiddleware(endpoint, handlers=handlers, debug=app.debug)
    for middleware in reversed(app.user_middleware):
        stack = middleware.cls(stack, *middleware.args, **middleware.kwargs)
    return stack


class SparqlFastPath:
    """GET and HEAD of /sparql go straight to the SPARQL endpoint under the same middleware (HEAD, size limit,
    CORS, ETags and the result cache) and exception handlers, skipping the router's walk and FastAPI's
    per-route wrappers: on a cheap query those cost as much as the rest of the request (bench/README).
    Everything else goes through the app as usual."""

    PATHS = ("/sparql", "/sparql/")

    def __init__(self, app, lean):
        self.app = app
        self.lean = lean

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD") and route_path(scope) in self.PATHS:
            return await self.lean(scope, receive, send)
        return await self.app(scope, receive, send)


def route_path(scope) -> str:
    """The path the router matches: without the root path the app is mounted under."""
    path, root = scope["path"], scope.get("root_path", "")
    return path[len(root):] if root and path.startswith(root) else path


def add_home(app: FastAPI) -> None:
    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/", response_model=None, summary="What this server offers (HTML for browsers, JSON otherwise)")
    def home(request: Request) -> Response | dict:
        services: Services = request.app.state.services
        summary = services.cached("summary", lambda: summarise(services))
        if wants_html(request.headers.get("accept")):
            issue_list = [{"href": services.links.href(i["iri"]), "label": i["label"]}
                          for i in browse.list_issues(services.kg)]
            return render("home.html", title="Home", issue_list=issue_list, base_iri=services.base_iri, **summary)
        return {"name": "SALT-KG", "base_iri": services.base_iri, **summary,
                "endpoints": {"sparql": "/sparql", "void": "/.well-known/void", "ontology": "/ontology",
                              "docs": "/docs", "issues": "/issues", "entities": "/entities",
                              "documents": "/documents", "events": "/events", "search": "/search"}}


def summarise(services: Services) -> dict:
    kg = services.kg

    def count(cls: str) -> int:
        return int(kg.select(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{cls}> }}")[0]["n"])
    return {"triples": kg.triple_count(), "documents": count(browse.KINDS["document"]),
            "issues": count(browse.KINDS["issue"]), "events": count(browse.KINDS["event"])}


DOC_ASSETS = Path(fastapi_offline.__file__).parent / "static"
DOC_TYPES = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css",
             "redoc.standalone.js": "text/javascript", "favicon.png": "image/png"}


def add_docs(app: FastAPI) -> None:
    """/docs (Swagger UI) and /redoc served with the assets of the fastapi-offline wheel: no CDN."""
    @app.get("/static/docs/{name}", include_in_schema=False)
    def doc_asset(name: str) -> Response:
        if name not in DOC_TYPES:
            return Response("no such asset", status_code=404, media_type="text/plain")
        if name == "redoc.standalone.js":
            return Response(offline_redoc(), media_type=DOC_TYPES[name], headers={"Cache-Control": "max-age=86400"})
        return FileResponse(DOC_ASSETS / name, media_type=DOC_TYPES[name],
                            headers={"Cache-Control": "max-age=86400"})

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        page = get_swagger_ui_html(openapi_url=app.openapi_url, title="SALT-KG API",
                                   swagger_js_url="/static/docs/swagger-ui-bundle.js",
                                   swagger_css_url="/static/docs/swagger-ui.css",
                                   swagger_favicon_url="/static/docs/favicon.png",
                                   swagger_ui_parameters={"validatorUrl": None, "deepLinking": False})
        return with_head(page, DOCS_STYLE)

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return HTMLResponse(REDOC_PAGE.replace("{openapi}", app.openapi_url or "/openapi.json"))


# ReDoc with a theme whose greys and reds meet WCAG AA contrast; the HTTP verb badge of the side menu is
# hidden so that each menu item's visible text is its accessible name (the verb shows beside each operation).
REDOC_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SALT-KG API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/static/docs/favicon.png">
<style>body { margin: 0; } .menu-content li span.operation-type { display: none; }
#redoc h5 { color: #4d5459 !important; }
#redoc li.tab-success { color: #8fd694 !important; } #redoc li.tab-success.react-tabs__tab--selected { color: #1e6e47 !important; }
#redoc li.tab-error { color: #ff9a94 !important; } #redoc li.tab-error.react-tabs__tab--selected { color: #a8231f !important; }</style>
</head><body><div id="redoc"></div>
<script src="/static/docs/redoc.standalone.js"></script>
<script>
Redoc.init("{openapi}", {
  theme: {
    colors: { text: { secondary: "#4d5459" },
              responses: { error: { tabTextColor: "#ff9a94" }, success: { tabTextColor: "#8fd694" } } },
    typography: { code: { color: "#a4231f" } }
  }
}, document.getElementById("redoc"));
// ReDoc's media-type dropdowns carry no label: name them for screen readers as they appear.
new MutationObserver(() => {
  for (const select of document.querySelectorAll("#redoc select:not([aria-label])")) select.setAttribute("aria-label", "Media type");
}).observe(document.getElementById("redoc"), { childList: true, subtree: true });
</script></body></html>"""


# Swagger UI's version stamps and server URL are light grey on white; darker for legibility (WCAG AA).
DOCS_STYLE = """<style>.swagger-ui .info .title small pre, .swagger-ui .info .title small.version-stamp pre,
.swagger-ui .info .base-url, .swagger-ui .info .url { color: #1b1b1b; }
.swagger-ui .info .title small { background: #4a5a6a; } .swagger-ui .info .title small.version-stamp { background: #2f6b10; }
.swagger-ui .info .title small pre, .swagger-ui .info .title small.version-stamp pre { color: #fff; }
.swagger-ui .opblock.opblock-get .opblock-summary-method { background: #1f5fa8; }
.swagger-ui .opblock.opblock-post .opblock-summary-method { background: #1e6e47; }
.swagger-ui .opblock.opblock-put .opblock-summary-method { background: #8a4b00; }
.swagger-ui .opblock.opblock-delete .opblock-summary-method { background: #a8231f; }
.swagger-ui .json-schema-2020-12-expand-deep-button { color: #333; }</style>"""


def with_head(page: HTMLResponse, extra: str) -> HTMLResponse:
    """A docs page with lang="en" and extra head content."""
    body = page.body.decode().replace("<html>", '<html lang="en">', 1).replace("</head>", extra + "</head>", 1)
    return HTMLResponse(body)


@lru_cache(maxsize=1)
def offline_redoc() -> bytes:
    """ReDoc's bundle with its one hard-coded CDN image (the Redocly logo) replaced by an empty data URL,
    which the bundle already handles by not drawing the logo: the page then loads nothing remote."""
    text = (DOC_ASSETS / "redoc.standalone.js").read_text(encoding="utf-8")
    return text.replace("https://cdn.redoc.ly/redoc/logo-mini.svg", "data:,").encode("utf-8")


def add_error_pages(app: FastAPI) -> None:
    """Errors as pages for browsers (what was asked, what went wrong, close matches); JSON otherwise."""
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if not wants_html(request.headers.get("accept")):
            return await http_exception_handler(request, exc)
        detail = exc.detail if isinstance(exc.detail, str) else "the server could not answer this request"
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"there is no page at {request.url.path}"
        suggestions = suggest(request) if exc.status_code == 404 else []
        return error_page(exc.status_code, asked_of(request), detail, suggestions)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if not wants_html(request.headers.get("accept")):
            return await request_validation_exception_handler(request, exc)
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:]) or e['loc'][0]}: {e['msg']}"
                             for e in exc.errors())
        return error_page(400, asked_of(request), problems)


def asked_of(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


KIND_OF_SEGMENT = {"person": "person", "people": "person", "org": "organization", "place": "place",
                   "issue": "issue", "issues": "issue", "document": "document", "documents": "document"}


def suggest(request: Request, limit: int = 5) -> list[dict]:
    """Resources whose name is close to the last part of the path asked (`/person/kisinger` → Kissinger),
    those of the kind the path names first."""
    services: Services = request.app.state.services
    segments = [s for s in request.url.path.split("/") if s]
    if not segments:
        return []
    asked = segments[-1] if segments[-1] != "connections" else segments[-2] if len(segments) > 1 else ""
    candidates = services.cached("labelled", lambda: browse.labelled(services.kg))
    kind = KIND_OF_SEGMENT.get(segments[0])
    if kind:
        same = [c for c in candidates if c["kind"] == kind]
        found = browse.close_matches(same, asked, limit)
        if found:
            candidates = same
    found = browse.close_matches(candidates, asked, limit)
    return [{"href": services.links.href(c["iri"]), "label": c["label"], "kind": c["kind"]} for c in found]
