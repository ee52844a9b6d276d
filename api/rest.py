"""REST answers to the common questions, as JSON with the IRIs of everything they mention.

Every list is paginated (`limit`, `offset`; the body carries `total` and a `next` link). Ids are the
path of a minted IRI (`person/kissinger`), a bare name where the kind is known (`kissinger` for an
actor, `mobile-icbms` for an issue), or a full IRI.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response

from graph.ask import browse, status
from graph.ask.citations import Citer
from graph.draw import drawing
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


def browser(request: Request) -> bool:
    """A browser asking for a page (and not for the JSON form with ?format=json)."""
    return wants_html(request.headers.get("accept")) and request.query_params.get("format") != "json"


def citer(services: Services) -> Citer:
    return services.cached("citer", lambda: Citer(services.kg))


def reader_href(services: Services, document: str | None, start: int | None = None, end: int | None = None) -> str | None:
    """The document in the reader, scrolled to a passage when offsets are given."""
    if not document:
        return None
    href = services.links.href(document)
    return f"{href}#passage-{start}-{end}" if href and start is not None and end is not None else href


def cited(services: Services, row: dict, document_key: str = "document", start_key: str = "start",
          end_key: str = "end") -> dict:
    """A row with its pasteable citation (a curated one is kept), history.state.gov link and reader link."""
    document, start, end = row.get(document_key), row.get(start_key), row.get(end_key)
    if row.get("cited_start") is not None:
        start, end = row["cited_start"], row["cited_end"]
    found = citer(services).cite(document, start, end) if document else None
    extra = {"citation": row.get("citation") or (found.text if found else None),
             "citation_url": found.url if found else None,
             "reader": reader_href(services, document, start, end) if found else None}
    return {**row, **extra}


def spans_of(services: Services) -> list:
    return services.cached("issue spans", lambda: drawing.issue_spans(services.kg))


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
        if browser(request):
            return issues_page(services, request, listed)
        return page(request, listed, limit, offset, negotiation=scope.to_json() if scope else None)
    day = valid_date(unresolved_on, "unresolved_on")
    answer = status.unresolved_on(services.kg, day, negotiation, services.status_index())
    if browser(request):
        return unresolved_page(services, request, answer)
    body = answer.to_json()
    citer(services).read_ahead(p["document"] for issue in body["issues"] for p in issue["positions"])
    opened = [{**issue, "positions": [cited(services, p) for p in issue["positions"]]} for issue in body.pop("issues")]
    return page(request, opened, limit, offset, **body)


def issues_page(services: Services, request: Request, listed: list[dict]) -> Response:
    """The issues listed, broadest first with their narrower issues under them, each with how it ended."""
    links = services.links
    spans = {span.iri: span for span in spans_of(services)}
    issues = {i["iri"]: i for i in listed}

    def entry(iri: str, depth: int) -> list[dict]:
        issue, span = issues[iri], spans.get(iri)
        row = {**issue, "href": links.href(iri), "depth": depth, "status": span.status if span else "NotYetRaised",
               "since": span.since if span else None, "closed_on": span.closed_on if span else None}
        rows = [row]
        for child in sorted(issue["narrower"], key=lambda c: issues[c]["label"] if c in issues else c):
            if child in issues:
                rows += entry(child, depth + 1)
        return rows
    tops = [i for i in issues.values() if not any(b in issues for b in i["broader"])]
    rows = [row for top in tops for row in entry(top["iri"], 0)]
    return render("issues.html", title="Issues", rows=rows, json_href=str(request.url.include_query_params(format="json")))


def unresolved_page(services: Services, request: Request, answer: status.UnresolvedAnswer) -> Response:
    """The unresolved-on-date answer as a page a historian can read, with every passage quoted."""
    links = services.links
    sides = {p.side for issue in answer.issues for p in issue.positions}
    labels = {side: browse.label_of(services.kg, side) or side for side in sides}
    issues = []
    for issue in answer.issues:
        positions = [{**cited(services, p.to_json()), "side_label": labels.get(p.side, p.side),
                      "side_key": browse.side_key(p.side), "event_href": links.href(p.event),
                      "document_href": links.href(p.document) if p.document else None} for p in issue.positions]
        issues.append({**issue.to_json(), "href": links.href(issue.issue), "positions": positions})
    closed = [{**c.__dict__, "href": links.href(c.issue), "event_href": links.href(c.closing_event)}
              for c in answer.closed]
    json_href = str(request.url.include_query_params(format="json"))
    scope = answer.negotiation.label if answer.negotiation else None
    return render("unresolved.html", title=f"Unresolved on {answer.on}", on=answer.on, note=answer.note, scope=scope,
                  context=answer.context, sources=answer.sources,
                  issues=issues, closed=closed, json_href=json_href)


@router.get("/issues/{issue_id}", response_model=None, summary="One issue: definition, hierarchy, status on a date")
def issue(issue_id: str, request: Request, on: str | None = Query(None, description="status on YYYY-MM-DD")) -> Response | dict:
    services = services_of(request)
    iri = issue_iri(services, issue_id)
    if browser(request):
        return RedirectResponse(services.links.href(iri), status_code=303)
    body = next(i for i in browse.list_issues(services.kg) if i["iri"] == iri)
    if on:
        day = valid_date(on, "on")
        row = next((r for r in status.status_on(services.kg, day, index=services.status_index()) if r["issue"] == iri), None)
        body["status_on"] = {"on": day, "status": row["status"] if row else "NotYetRaised",
                             "closed_on": row.get("closedOn") if row else None,
                             "closing_event": row.get("closingEvent") if row else None}
    body["timeline"] = str(request.url_for("issue_timeline", issue_id=issue_id))
    body["page"] = services.links.href(iri)
    return body


@router.get("/issues/{issue_id}/timeline", response_model=None, summary="The dated history of an issue and its narrower issues")
def issue_timeline(issue_id: str, request: Request, limit: int = Limit, offset: int = Offset) -> Response | dict:
    services = services_of(request)
    iri = issue_iri(services, issue_id)
    if browser(request):
        return RedirectResponse(services.links.href(iri) + "#history", status_code=303)
    scope = status.negotiation_of(services.kg, iri)
    entries = [cited(services, entry) for entry in status.timeline(services.kg, iri)]
    return page(request, entries, limit, offset, issue=iri, label=browse.label_of(services.kg, iri),
                negotiation=scope.to_json() if scope else None)


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
            "sources": [cited(services, s) for s in browse.sources(services.kg, iri)],
            "links": browse.external_links(services.kg, iri), "page": services.links.href(iri)}


@router.get("/people/{person_id:path}/connections", response_model=None,
            summary="Whom a person wrote to, heard from and acted with, on which issues, and where mentioned")
def person_connections(person_id: str, request: Request, limit: int = Limit, offset: int = Offset) -> Response | dict:
    services = services_of(request)
    iri = to_iri(services, person_id, "person")
    if browse.kind_of(browse.types_of(services.kg, iri)) != "person":
        raise HTTPException(404, f"no person {iri}")
    found = browse.connections(services.kg, iri)
    label = browse.label_of(services.kg, iri)
    if browser(request):
        return connections_page(services, request, iri, label, found)
    return page(request, found, limit, offset, person=iri, label=label)


def connections_page(services: Services, request: Request, iri: str, label: str | None, found: list[dict]) -> Response:
    """A person's connections grouped by relation, each through the document or event that makes it."""
    links = services.links
    groups: dict[str, list[dict]] = {}
    for row in found:
        groups.setdefault(row["relation"], []).append(
            {**row, "other_href": links.href(row["other"]) if row.get("other") else None, "via_href": links.href(row["via"])})
    return render("connections.html", title=f"Connections of {label}", label=label, href=links.href(iri),
                  groups=groups, log=[{**e, "href": links.href(e["iri"])} for e in browse.person_log(services.kg, iri)],
                  ego_href="/view/entity/" + links.href(iri).lstrip("/"),
                  json_href=str(request.url.include_query_params(format="json")))


@router.get("/documents", response_model=None, summary="Every document with its date, type, sender and recipients")
def documents(request: Request, limit: int = Limit, offset: int = Offset) -> Response | dict:
    services = services_of(request)
    found = browse.list_documents(services.kg)
    if browser(request):
        chosen = [{**cited(services, {"document": d["document"]}), **d, "href": services.links.href(d["document"])}
                  for d in found[offset:offset + limit]]
        return render("documents.html", title="Documents", rows=chosen, total=len(found),
                      pager=pager(request, len(found), limit, offset),
                      json_href=str(request.url.include_query_params(format="json")))
    return page(request, found, limit, offset)


def pager(request: Request, total: int, limit: int, offset: int) -> dict:
    """Links to the previous and next pages of an HTML list."""
    return {"first": offset + 1 if total else 0, "last": min(offset + limit, total), "total": total,
            "next": str(request.url.include_query_params(offset=offset + limit, limit=limit)) if offset + limit < total else None,
            "previous": str(request.url.include_query_params(offset=max(0, offset - limit), limit=limit)) if offset > 0 else None}


@router.get("/documents/{document_id}", response_model=None, summary="One document: metadata, text, every extracted fact with its span")
def document(document_id: str, request: Request) -> Response | dict:
    services = services_of(request)
    iri = to_iri(services, document_id, "document")
    text = browse.document_text(services.kg, iri)
    if text is None:
        raise HTTPException(404, f"no document {iri}")
    if browser(request):
        return RedirectResponse(services.links.href(iri), status_code=303)
    facts = browse.document_facts(services.kg, iri)
    facts = {key: [cited(services, {**row, "document": iri}) for row in rows] for key, rows in facts.items()}
    found = citer(services).cite(iri)
    return {"iri": iri, "label": browse.label_of(services.kg, iri), "citation": found.text if found else None,
            "properties": [v.to_json() for v in browse.properties(services.kg, iri) if v.predicate != browse.SALT + "text"],
            "text": text, **facts, "links": browse.external_links(services.kg, iri),
            "page": services.links.href(iri)}


@router.get("/events", response_model=None, summary="Dated events, filtered by date range, actor, issue and type")
def events(request: Request,
           from_: str | None = Query(None, alias="from", description="YYYY-MM-DD; events ending on or after"),
           to: str | None = Query(None, description="YYYY-MM-DD; events beginning on or before"),
           actor: str | None = Query(None, description="person/kissinger, org/soviet-union or an IRI"),
           issue: str | None = Query(None, description="issue id (narrower issues included) or IRI"),
           type: str | None = Query(None, description="event type, e.g. Proposal, Rejection, Agreement"),
           limit: int = Limit, offset: int = Offset) -> Response | dict:
    services = services_of(request)
    start, end = valid_date(from_, "from"), valid_date(to, "to")
    actor_iri = to_iri(services, actor, "person", status=400) if actor else None
    issue_filter = issue_iri(services, issue, 400) if issue else None
    if type is not None and not type.isidentifier():
        raise HTTPException(400, f"invalid event type {type!r}")
    found = browse.find_events(services.kg, start, end, actor_iri, issue_filter, type)
    if browser(request):
        chosen = [{**cited(services, row), "href": services.links.href(row["event"]),
                   "side_key": browse.side_key(row.get("side")),
                   "issue_links": [{"href": services.links.href(i), "label": browse.label_of(services.kg, i) or i}
                                   for i in row["issues"]]} for row in found[offset:offset + limit]]
        return render("events.html", title="Events", rows=chosen, pager=pager(request, len(found), limit, offset),
                      filters={"from": start or "", "to": end or "", "actor": actor or "", "issue": issue or "",
                               "type": type or ""},
                      issue_choices=[(i["iri"].rsplit("/", 1)[-1], i["label"]) for i in browse.list_issues(services.kg)],
                      type_choices=EVENT_TYPES, json_href=str(request.url.include_query_params(format="json")))
    return page_of(request, [cited(services, row) for row in found[offset:offset + limit]], len(found), limit, offset)


@router.get("/search", response_model=None, summary="Full-text search over document passages and labels (ranked)")
def search(request: Request, q: str | None = Query(None, description='words, "a phrase", OR, prefix* (required)'),
           kind: str | None = Query(None, description="passage or resource"),
           limit: int = Limit, offset: int = Offset) -> Response | dict:
    services = services_of(request)
    if kind not in (None, "passage", "resource"):
        raise HTTPException(400, "kind must be 'passage' or 'resource'")
    if not q or not q.strip():
        if browser(request):
            return render("search.html", title="Search", query="", kind=kind, rows=[], pager=None)
        raise RequestValidationError([{"type": "missing", "loc": ("query", "q"), "msg": "Field required",
                                       "input": None}])
    index = services.search_index()
    if index is None:
        raise HTTPException(503, "no search index has been built; run `saltkg build`")
    total, hits = index.search(q, limit, offset, kind)
    rows = [cited(services, focused(h.to_json())) for h in hits]
    if browser(request):
        for row in rows:
            row["href"] = row["reader"] if row["kind"] == "passage" else services.links.href(row["iri"])
        return render("search.html", title=f"Search: {q}", query=q, kind=kind, rows=rows,
                      pager=pager(request, total, limit, offset),
                      json_href=str(request.url.include_query_params(format="json")))
    return page_of(request, rows, total, limit, offset, query=q)


def focused(hit: dict) -> dict:
    """A passage hit narrowed to its first matched term (marked «…» in the snippet), so the citation names
    that paragraph or footnote rather than the whole indexed chunk; the chunk's own span stays as is."""
    if hit.get("kind") != "passage" or hit.get("start") is None or "«" not in (hit.get("snippet") or ""):
        return hit
    piece = next(p for p in hit["snippet"].split("…") if "«" in p)
    clean = piece.replace("«", "").replace("»", "")
    lead = len(clean) - len(clean.lstrip())
    where = hit["text"].find(clean.strip()[:60])
    if where < 0:
        return hit
    marker = piece.index("«")
    term = piece[marker + 1:piece.index("»", marker)] if "»" in piece[marker:] else ""
    start = hit["start"] + where + marker - lead
    return {**hit, "cited_start": start, "cited_end": start + max(len(term), 1)}


EVENT_TYPES = ["IssueRaised", "PositionStatement", "Proposal", "Rejection", "Agreement", "UnilateralStatement",
               "MessageSent", "Demarche", "Deadline"]
