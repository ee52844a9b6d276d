"""Visual views and network analysis over HTTP: /view/… pages, /analysis/… answers, network exports."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from graph.draw import drawing, network

from . import rest
from .rest import to_iri, valid_date
from .services import Services, services_of

router = APIRouter(tags=["Views and analysis"])
ASSETS = {"vis-network.min.js": "text/javascript", "vis-network.css": "text/css"}



def projection(services: Services, negotiation: str | None = None):
    """The networkx projection of one negotiation (SALT I by default) of the current store, computed once
    per store version and negotiation."""
    try:
        return services.cached(f"network:{negotiation or ''}", lambda: network.project(services.kg, negotiation))
    except network.UnknownNegotiation as err:
        raise HTTPException(404, str(err.args[0])) from None


def kinds_of(types: str | None) -> set[str] | None:
    if not types:
        return None
    chosen = {t.strip() for t in types.split(",") if t.strip()}
    unknown = chosen - set(network.KINDS)
    if unknown:
        raise HTTPException(400, f"unknown node type(s) {', '.join(sorted(unknown))}; use {', '.join(network.KINDS)}")
    return chosen


def node_of(services: Services, value: str) -> str:
    iri = to_iri(services, value)
    if iri not in projection(services):
        raise HTTPException(404, f"{iri} is not a node of the network")
    return iri


@router.get("/static/vis/{name}", include_in_schema=False)
def vis_asset(name: str) -> Response:
    if name not in ASSETS:
        raise HTTPException(404, "no such asset")
    return FileResponse(drawing.VIS_DIR / name, media_type=ASSETS[name], headers={"Cache-Control": "max-age=86400"})


@router.get("/view/network", response_class=HTMLResponse, summary="Interactive network of the whole negotiation")
def view_network(request: Request, as_of: str | None = Query(None, description="YYYY-MM-DD: the graph as it stood that day"),
                 types: str | None = Query(None, description="comma-separated node types to keep"),
                 from_: str | None = Query(None, alias="from"), to: str | None = None,
                 q: str | None = Query(None, description="keep nodes whose label contains this, with neighbours"),
                 negotiation: str | None = Query(None, description="salt-i (default) or salt-ii"),
                 isolated: bool = Query(False, description="also draw nodes with no link (hidden by default)"),
                 budget: int = Query(drawing.NODE_BUDGET, ge=10, le=5000, description="draw at most this many nodes"),
                 group: str | None = Query(None, description="events grouped by 'issue' or 'document', or 'none'")) -> str:
    services = services_of(request)
    graph = projection(services, negotiation)
    scope = graph.graph.get("negotiation", "SALT I")
    subtitle = f"the whole of {scope}"
    if as_of:
        as_of = valid_date(as_of, "as_of")
        graph = network.as_of(graph, services.kg, as_of)
        subtitle = (f"{scope} as of {as_of}: later events and documents and people not yet met in the record hidden, "
                    f"issues coloured by their status that day")
    start, end = valid_date(from_, "from"), valid_date(to, "to")
    graph = network.filtered(graph, kinds_of(types), start, end, q)
    if group not in (None, "", "none", "issue", "document"):
        raise HTTPException(400, "group must be 'none', 'issue' or 'document'")
    graph, notes = readable(request, graph, isolated, budget, group)
    return drawing.network_page(graph, f"{scope} network", subtitle, services.links.href, served=True, as_of=as_of,
                                state={"q": q or "", "from": start or "", "to": end or "", "group": group or ""},
                                notes=notes)


def readable(request: Request, graph, isolated: bool, budget: int, group: str | None = None) -> tuple:
    """Leave out unconnected nodes (unless asked) and nodes over the budget, saying so with a link."""
    notes = []
    if not isolated:
        graph, hidden = network.without_isolated(graph)
        if hidden:
            notes.append({"text": f"{hidden} node{'s' if hidden != 1 else ''} with no link (e.g. people of a persons "
                                  f"list never met in a document) not drawn.",
                          "href": str(request.url.include_query_params(isolated="true")), "link": "Show them"})
    drawn = drawing.drawn_count(graph, group)
    graph, over = network.within_budget(graph, budget) if drawn > budget else (graph, 0)
    if over:
        notes.append({"text": f"{over} more node{'s' if over != 1 else ''} match; only the {budget} best connected "
                              f"are drawn. Narrow by date, type or search to see the others.", "href": None, "link": None})
    return graph, notes


@router.get("/view/entity/{entity_id:path}", response_class=HTMLResponse, summary="Ego network of one entity or issue")
def view_entity(entity_id: str, request: Request, hops: int = Query(1, ge=1, le=4),
                as_of: str | None = None) -> str:
    services = services_of(request)
    center = node_of(services, entity_id)
    graph = projection(services)
    if as_of:
        as_of = valid_date(as_of, "as_of")
        graph = network.as_of(graph, services.kg, as_of)
        if center not in graph:
            raise HTTPException(404, f"{center} is dated after {as_of}")
    graph = network.ego(graph, center, hops)
    label = graph.nodes[center]["label"]
    graph, notes = readable(request, graph, True, drawing.NODE_BUDGET)
    return drawing.network_page(graph, label, f"everything within {hops} link(s)", services.links.href,
                                served=True, as_of=as_of, notes=notes)


@router.get("/view/document/{document_id}", response_class=HTMLResponse, summary="A document with its people, issues, events")
def view_document(document_id: str, request: Request) -> str:
    services = services_of(request)
    center = node_of(services, to_iri(services, document_id, "document"))
    graph = network.document_view(projection(services), center)
    return drawing.network_page(graph, graph.nodes[center]["label"], "its people, issues, events and references",
                                services.links.href, served=True)


def spans(services: Services):
    return services.cached("issue spans", lambda: drawing.issue_spans(services.kg))


@router.get("/view/timeline", response_class=HTMLResponse, summary="Issue timeline chart")
def view_timeline(request: Request, at: str | None = Query(None, description="draw a line at YYYY-MM-DD"),
                  from_: str | None = Query(None, alias="from"), to: str | None = None,
                  issue: str | None = Query(None, description="comma-separated issue ids: these and their narrower issues"),
                  only: str | None = Query(None, description="'open': only the issues open on the `at` day")) -> str:
    services = services_of(request)
    at, start, end = valid_date(at, "at"), valid_date(from_, "from"), valid_date(to, "to")
    shown = chosen_spans(services, issue, only, at)
    svg = drawing.timeline_svg(shown, at, start, end, services.links.href)
    first, last = drawing.window_of(shown, at, start, end)

    def link(**changes) -> str:
        url = request.url.remove_query_params(["from", "to"]).include_query_params(**changes)
        return url.path + (f"?{url.query}" if url.query else "")
    zoom_in, zoom_out = drawing.zoomed(first, last, 0.5, at), drawing.zoomed(first, last, 2.0, at)
    controls = {"only": only or "", "issue": issue or "", "fit": link(),
                "zoom_in": link(**{"from": zoom_in[0], "to": zoom_in[1]}),
                "zoom_out": link(**{"from": zoom_out[0], "to": zoom_out[1]}),
                "svg": "/view/timeline.svg" + (f"?{request.url.query}" if request.url.query else "")}
    return drawing.timeline_page(svg, at, served=True, start=start, end=end, controls=controls)


def chosen_spans(services: Services, issue: str | None, only: str | None, at: str | None) -> list:
    """The issues to chart: those named (with their narrower issues) and, with only=open, those open on `at`."""
    shown = spans(services)
    if issue:
        wanted = set()
        for name in (part.strip() for part in issue.split(",") if part.strip()):
            wanted |= narrower_closure(services, rest.issue_iri(services, name, 400))
        shown = [span for span in shown if span.iri in wanted]
    if only not in (None, "", "open"):
        raise HTTPException(400, "only must be 'open'")
    if only == "open":
        if not at:
            raise HTTPException(400, "only=open needs a day: give at=YYYY-MM-DD")
        open_now = {row["issue"] for row in rest.status.status_on(services.kg, at, index=services.status_index())
                    if row["status"] == "Open"}
        shown = [span for span in shown if span.iri in open_now]
    return shown


def narrower_closure(services: Services, iri: str) -> set[str]:
    """An issue and every issue under it."""
    issues = {i["iri"]: i for i in rest.browse.list_issues(services.kg)}
    found, todo = set(), [iri]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo += issues.get(current, {}).get("narrower", [])
    return found


@router.get("/view/timeline.svg", summary="Issue timeline chart as SVG")
def view_timeline_svg(request: Request, at: str | None = None, from_: str | None = Query(None, alias="from"),
                      to: str | None = None, issue: str | None = None, only: str | None = None) -> Response:
    services = services_of(request)
    at = valid_date(at, "at")
    svg = drawing.timeline_svg(chosen_spans(services, issue, only, at), at, valid_date(from_, "from"), valid_date(to, "to"))
    return Response(svg, media_type="image/svg+xml")


@router.get("/analysis/central", summary="Most central actors (betweenness centrality)")
def central(request: Request, top: int = Query(10, ge=1, le=100),
            types: str | None = Query(None, description="node types ranked (default: people and organisations)")) -> dict:
    kinds = tuple(kinds_of(types) or ("person", "delegation", "organization"))
    ranked = network.most_central(projection(services_of(request)), kinds, top)
    return {"items": [r.__dict__ for r in ranked]}


@router.get("/analysis/path", summary="Shortest chain of links between two entities")
def path(request: Request, from_: str = Query(..., alias="from"), to: str = Query(...)) -> dict:
    services = services_of(request)
    steps = network.shortest_path(projection(services), node_of(services, from_), node_of(services, to))
    return {"from": to_iri(services, from_), "to": to_iri(services, to), "length": len(steps), "steps": steps}


@router.get("/analysis/components", summary="Connected components of the network")
def components(request: Request) -> dict:
    return {"items": network.components(projection(services_of(request)))}


@router.get("/export/network.{fmt}", summary="The network as GraphML or GEXF (for Gephi)")
def export(fmt: str, request: Request) -> Response:
    if fmt not in ("graphml", "gexf"):
        raise HTTPException(404, "use network.graphml or network.gexf")
    with tempfile.TemporaryDirectory() as folder:
        target = network.export(projection(services_of(request)), Path(folder) / f"network.{fmt}")
        body = target.read_bytes()
    return Response(body, media_type="application/xml",
                    headers={"Content-Disposition": f'attachment; filename="salt-kg-network.{fmt}"'})
