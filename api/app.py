"""The FastAPI application: SPARQL endpoint, REST answers, linked-data pages, views.

`create_app()` opens the built store read-only; queries from /sparql run in killable worker
processes, REST and linked-data lookups in-process on Oxigraph. Served by `saltkg serve`.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import Response

from graph.ask import browse

from . import linked_data, openapi, rest, sparql, views
from .negotiation import wants_html
from .pages import render
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


def create_app(store_path: Path | None = None, settings: ServerSettings | None = None) -> FastAPI:
    """Build the app over a built store (opened read-only)."""
    settings = settings or ServerSettings(store_path=Path(store_path) if store_path else None)
    services = Services(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        services.close()

    app = FastAPI(title="SALT-KG", description=DESCRIPTION, version="0.2.0", lifespan=lifespan)
    app.state.services = services
    app.include_router(sparql.router)
    app.include_router(rest.router)
    app.include_router(views.router)
    add_home(app)
    app.include_router(linked_data.router)  # last: it answers any /{kind}/{path}
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "HEAD", "POST"], allow_headers=["Accept", "Content-Type"],
                           max_age=3600)
    app.add_middleware(RequestSizeLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(HeadAsGet)
    openapi.document(app)
    return app


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
