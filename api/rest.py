"""REST answers to the common questions, as JSON with the IRIs of everything they mention.

Every list is paginated (`limit`, `offset`; the body carries `total` and a `next` link). Ids are the
path of a minted IRI (`person/kissinger`), a bare name where the kind is known (`kissinger` for an
actor, `mobile-icbms` for an issue), or a full IRI.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response

from graph.ask import browse

from graph.ask import status
from graph.read.dates import DateError, parse_iso_date

from .pages import render
from .negotiation import is_iri, wants_html
from .services import Services, services_of

router = APIRouter(tags=["REST"])

Limit = Query(50, ge=1, le=500, description="page size (at most 500)")
Offset = Query(0, ge=0, le=2**31 - 1, description="items to skip")



def page(request: Request, items: list, limit: int, offset: int, **extra) -> JSONResponse:
    """One page of a list, with the total and links to the neighbouring pages."""
    return page_of(request, items[offset:offset + limit], len(items), limit, offset, **extra)


def page_of(request: Request, chosen: list, total: int, limit: int, offset: int, **extra) -> JSONResponse:
    """A page for items already cut to the page. The body is plain JSON data already, so it is written
    directly rather than through FastAPI's generic encoder (a third of a millisecond on a full page)."""
    body = {**extra, "total": total, "limit": limit, "offset": offset, "items": chosen, "next": None, "previous": None}
    if offset + limit < total:
        body["next"] = str(request.url.include_query_params(offset=offset + limit, limit=limit))
    if offset > 0:
        body["previous"] = str(request.url.include_query_params(offset=max(0, offset - limit), limit=limit))
    return JSONResponse(body)


def to_iri(services: Services, value: str, default_kind: str | None = None, status: int = 404) -> str:
    """A full IRI from an IRI, a minted path (person/kissinger) or a bare name of a default kind.
    A value that makes no valid IRI is answered with `status` (404 for a path, 400 for a parameter)."""
    if value.startswith(("http://", "https://")):
        iri = value
    elif "/" in value or default_kind is None:
        iri = services.base_iri + value.strip("/")
    else:
        iri = f"{services.base_iri}{default_kind}/{value}"
    if not is_iri(iri):
        raise HTTPException(status, f"{value!r} is not an id or IRI of this graph")
    return iri


def valid_date(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    try:
        return parse_iso_date(value).isoformat()
    except DateError as err:
        raise HTTPException(400, f"{name}: {err}") from None


def issue_iri(services: Services, issue_id: str, not_found: int = 404) -> str:
    try:
        return status.resolve_issue(services.kg, to_iri(services, issue_id, "issue", not_found), services.base_iri)
    except status.UnknownIssue as err:
        raise HTTPException(not_found, str(err).strip('"')) from None


@router.get("/issues", response_model=None,
            summary="All issues, or those unresolved on a date (HTML for browsers)")
def issues(request: Request, unresolved_on: str | None = Query(None, description="YYYY-MM-DD; the day is included"),
           negotiation: str | None = Query(None, description="salt-i (default) or salt-ii: whose issues"),
           limit: int = Limit, offset: int = Offset) -> Response | dict:
    services = services_of(request)
    try:
        scope = status.resolve(services.kg, negotiation)
    except status.UnknownNegotiation as err:
        raise HTTPException(404, str(err).strip('"')) from None
    if unresolved_on is None:
        listed = [i for i in browse.list_issues(services.kg) if scope is None or i["iri"] in scope.issues]
        return page(request, listed, limit, offset, negotiation=scope.to_json() if scope else None)
    day = valid_date(unresolved_on, "unresolved_on")
    answer = status.unresolved_on(services.kg, day, negotiation)
    if wants_html(request.headers.get("accept")) and request.query_params.get("format") != "json":
        return unresolved_page(services, request, answer)
    body = answer.to_json()
    opened = body.pop("issues")
    return page(request, opened, limit, offset, **body)


def unresolved_page(services: Services, request: Request, answer: status.UnresolvedAnswer) -> Response:
    """The unresolved-on-date answer as a page a historian can read, with every passage quoted."""
    links = services.links
    sides = {p.side for issue in answer.issues for p in issue.positions}
    labels = {side: browse.label_of(services.kg, side) or side for side in sides}
    issues = []
    for issue in answer.issues:
        positions = [{**p.to_json(), "side_label": labels.get(p.side, p.side), "event_href": links.href(p.event),
                      "document_href": links.href(p.document) if p.document else None} for p in issue.positions]
        issues.append({**issue.to_json(), "href": links.href(issue.issue), "positions": positions})
    closed = [{**c.__dict__, "href": links.href(c.issue), "event_href": links.href(c.closing_event)}
              for c in answer.closed]
    json_href = str(request.url.include_query_params(format="json"))
    scope = answer.negotiation.label if answer.negotiation else None
    return render("unresolved.html", title=f"Unresolved on {answer.on}", on=answer.on, note=answer.note, scope=scope,
                  context=answer.context, sources=answer.sources,
                  issues=issues, closed=closed, json_href=json_href)


@router.get("/issues/{issue_id}", summary="One issue: definition, hierarchy, status on a date")
def issue(issue_id: str, request: Request, on: str | None = Query(None, description="status on YYYY-MM-DD")) -> dict:
    services = services_of(request)
    iri = issue_iri(services, issue_id)
    body = next(i for i in browse.list_issues(services.kg) if i["iri"] == iri)
    if on:
        day = valid_date(on, "on")
        row = next((r for r in status.status_on(services.kg, day) if r["issue"] == iri), None)
        body["status_on"] = {"on": day, "status": row["status"] if row else "NotYetRaised",
                             "closed_on": row.get("closedOn") if row else None,
                             "closing_event": row.get("closingEvent") if row else None}
    body["timeline"] = str(request.url_for("issue_timeline", issue_id=issue_id))
    body["page"] = services.links.href(iri)
    return body


@router.get("/issues/{issue_id}/timeline", summary="The dated history of an issue and its narrower issues")
def issue_timeline(issue_id: str, request: Request, limit: int = Limit, offset: int = Offset) -> dict:
    services = services_of(request)
    iri = issue_iri(services, issue_id)
    scope = status.negotiation_of(services.kg, iri)
    return page(request, status.timeline(services.kg, iri), limit, offset, issue=iri,
                label=browse.label_of(services.kg, iri), negotiation=scope.to_json() if scope else None)


@router.get("/entities", summary="Search people, organisations, places, issues, documents by label or alias")
def entities(request: Request, q: str | None = Query(None, description="part of a label or alias, any case"),
             type: str | None = Query(None, description="one of: " + ", ".join(browse.KINDS)),
             limit: int = Limit, offset: int = Offset) -> dict:
    services = services_of(request)
    if type is not None and type not in browse.KINDS:
        raise HTTPException(400, f"unknown type {type!r}; use one of {', '.join(browse.KINDS)}")
    return page(request, browse.find_entities(services.kg, q, type), limit, offset)


@router.get("/entities/{entity_id:path}", summary="One resource with its statements, neighbourhood and sources")
def entity(entity_id: str, request: Request) -> dict:
    services = services_of(request)
    iri = to_iri(services, entity_id)
    if not browse.exists(services.kg, iri):
        raise HTTPException(404, f"no resource {iri}")
    types = browse.types_of(services.kg, iri)
    return {"iri": iri, "label": browse.label_of(services.kg, iri), "kind": browse.kind_of(types), "types": types,
            "properties": [v.to_json() for v in browse.properties(services.kg, iri)],
            "neighbourhood": browse.neighbourhood(services.kg, iri),
            "sources": browse.sources(services.kg, iri), "links": browse.external_links(services.kg, iri),
            "page": services.links.href(iri)}


@router.get("/people/{person_id:path}/connections",
            summary="Whom a person wrote to, heard from and acted with, on which issues, and where mentioned")
def person_connections(person_id: str, request: Request, limit: int = Limit, offset: int = Offset) -> dict:
    services = services_of(request)
    iri = to_iri(services, person_id, "person")
    if browse.kind_of(browse.types_of(services.kg, iri)) != "person":
        raise HTTPException(404, f"no person {iri}")
    return page(request, browse.connections(services.kg, iri), limit, offset, person=iri,
                label=browse.label_of(services.kg, iri))


@router.get("/documents", summary="Every document with its date, type, sender and recipients")
def documents(request: Request, limit: int = Limit, offset: int = Offset) -> dict:
    return page(request, browse.list_documents(services_of(request).kg), limit, offset)


@router.get("/documents/{document_id}", summary="One document: metadata, text, every extracted fact with its span")
def document(document_id: str, request: Request) -> dict:
    services = services_of(request)
    iri = to_iri(services, document_id, "document")
    text = browse.document_text(services.kg, iri)
    if text is None:
        raise HTTPException(404, f"no document {iri}")
    return {"iri": iri, "label": browse.label_of(services.kg, iri),
            "properties": [v.to_json() for v in browse.properties(services.kg, iri) if v.predicate != browse.SALT + "text"],
            "text": text, **browse.document_facts(services.kg, iri), "links": browse.external_links(services.kg, iri),
            "page": services.links.href(iri)}


@router.get("/events", summary="Dated events, filtered by date range, actor, issue and type")
def events(request: Request,
           from_: str | None = Query(None, alias="from", description="YYYY-MM-DD; events ending on or after"),
           to: str | None = Query(None, description="YYYY-MM-DD; events beginning on or before"),
           actor: str | None = Query(None, description="person/kissinger, org/soviet-union or an IRI"),
           issue: str | None = Query(None, description="issue id (narrower issues included) or IRI"),
           type: str | None = Query(None, description="event type, e.g. Proposal, Rejection, Agreement"),
           limit: int = Limit, offset: int = Offset) -> dict:
    services = services_of(request)
    start, end = valid_date(from_, "from"), valid_date(to, "to")
    actor_iri = to_iri(services, actor, "person", status=400) if actor else None
    issue_filter = issue_iri(services, issue, 400) if issue else None
    if type is not None and not type.isidentifier():
        raise HTTPException(400, f"invalid event type {type!r}")
    found = browse.find_events(services.kg, start, end, actor_iri, issue_filter, type)
    return page(request, found, limit, offset)


@router.get("/search", summary="Full-text search over document passages and labels (ranked)")
def search(request: Request, q: str = Query(..., min_length=1, description='words, "a phrase", OR, prefix*'),
           kind: str | None = Query(None, description="passage or resource"),
           limit: int = Limit, offset: int = Offset) -> dict:
    services = services_of(request)
    if kind not in (None, "passage", "resource"):
        raise HTTPException(400, "kind must be 'passage' or 'resource'")
    index = services.search_index()
    if index is None:
        raise HTTPException(503, "no search index has been built; run `saltkg build`")
    total, hits = index.search(q, limit, offset, kind)
    return page_of(request, [h.to_json() for h in hits], total, limit, offset, query=q)
