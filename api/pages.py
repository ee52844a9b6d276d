"""HTML rendering: Jinja2 templates with autoescaping, and the mapping from IRIs to local links.

Every value from the graph reaches HTML through a template with autoescape on, so a label holding
`<script>` or quotes renders as text.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from graph.ask.browse import SIDE_NAMES
from graph.namespaces import ONTOLOGY_IRI, PREFIXES
from graph.vocabulary import plain_event, plain_status

TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                        autoescape=select_autoescape(default=True, default_for_string=True))
STATUS_HELP = {
    "open": "raised and not yet settled on that day",
    "agreed": "both sides accepted a text or an understanding",
    "closed without agreement": "taken off the table with the sides still apart (e.g. by a unilateral statement)",
    "deferred": "put off to a later negotiation",
    "dropped": "abandoned by the side that raised it",
    "not yet raised": "no evidence of it in the record by that day",
}

TEMPLATES.filters["status"] = plain_status
TEMPLATES.filters["event"] = plain_event
TEMPLATES.filters["side_name"] = lambda key: SIDE_NAMES.get(key, key)
TEMPLATES.globals["STATUS_HELP"] = STATUS_HELP
TEMPLATES.globals["SIDE_NAMES"] = SIDE_NAMES


def render(template: str, status_code: int = 200, **context) -> HTMLResponse:
    context.setdefault("alternates", [])
    return HTMLResponse(TEMPLATES.get_template(template).render(**context), status_code=status_code)


def error_page(status_code: int, asked: str, message: str, suggestions: list[dict] | None = None,
               hint: str | None = None) -> HTMLResponse:
    """A page saying what was asked, what went wrong and where to go instead."""
    titles = {400: "Bad request", 404: "Not found", 405: "Method not allowed", 406: "Not acceptable",
              413: "Request too large", 422: "Bad request", 503: "Not available"}
    return render("error.html", status_code=status_code, title=titles.get(status_code, f"Error {status_code}"),
                  code=status_code, asked=asked, message=message, suggestions=suggestions or [], hint=hint)


def curie(iri: str) -> str:
    """A prefixed name for an IRI in a known namespace, else the IRI."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


class Links:
    """Turns IRIs minted under the base into links on this server; others stay as they are."""

    def __init__(self, base_iri: str):
        self.base_iri = base_iri

    def href(self, iri: str) -> str:
        """A link target: local for minted IRIs, the IRI for http(s) ones, nothing for other schemes
        (an IRI such as `javascript:…` in the data must never become a live link)."""
        if iri.startswith(ONTOLOGY_IRI):
            return "/ontology" + iri[len(ONTOLOGY_IRI):]
        if iri.startswith(self.base_iri):
            return "/" + iri[len(self.base_iri):]
        return iri if iri.startswith(("http://", "https://")) else ""

    def iri_for_path(self, path: str) -> str:
        """The minted IRI a local path stands for."""
        return self.base_iri + path.lstrip("/")
