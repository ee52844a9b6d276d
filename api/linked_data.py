"""Dereferenceable IRIs: every IRI minted under the base resolves here, as does the ontology.

`/person/kissinger` describes `<base>person/kissinger`: HTML for browsers (label, types, statements,
sources with quotes, external links), Turtle / JSON-LD / N-Triples / RDF/XML for machines, chosen
by Accept or by a `.ttl`, `.jsonld`, `.nt`, `.rdf` suffix. The VoID description is at
/.well-known/void and the ontology at its namespace, /ontology.
"""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from graph.ask import browse
from graph.draw import drawing
from graph.namespaces import ONTOLOGY_IRI, OWL, PREFIXES, RDFS, SALT

from . import reader, rest
from .descriptions import ENDPOINT_PLACE, placed, serialize, void_description
from .negotiation import CANONICAL_GRAPH, GRAPH_TYPES, SUFFIXES, is_iri, negotiate, wants_html
from .pages import curie, plain_event, render
from .services import Services, services_of
from .sparql import endpoint_of

router = APIRouter(tags=["Linked data"])

MINTED = ("person", "org", "place", "issue", "document", "passage", "event", "volume", "message", "graph",
          "term", "glossary", "negotiation", "source", "link")
HIDDEN = {SALT + "text", SALT + "textPattern"}  # the text is shown as such; recognition patterns are internal
INCOMING_LIMIT = 2000



def split_suffix(path: str) -> tuple[str, str | None]:
    """A path without a format suffix, and the media type the suffix asks for."""
    for suffix, media in SUFFIXES.items():
        if path.endswith(suffix):
            return path[: -len(suffix)], media
    return path, None


def choose(request: Request, forced: str | None) -> str | None:
    """text/html or an RDF media type for this request; None when nothing acceptable is offered."""
    if forced:
        return forced
    accept = request.headers.get("accept", "*/*")
    if wants_html(accept):
        return "text/html"
    return negotiate(accept, GRAPH_TYPES, "text/turtle")


def not_acceptable() -> Response:
    return Response("offered: text/html, " + ", ".join(GRAPH_TYPES), status_code=406, media_type="text/plain")


def resource_triples(services: Services, iri: str) -> list[ox.Triple]:
    """The resource's own statements and (bounded, the first by IRI) the statements pointing to it, in
    one stable order whatever store answers."""
    node = browse.term(iri, "iri")
    outgoing = services.kg.query(f"CONSTRUCT {{ {node} ?p ?o }} WHERE {{ {node} ?p ?o }}")
    incoming = services.kg.query(f"CONSTRUCT {{ ?s ?p {node} }} WHERE {{ SELECT ?s ?p WHERE {{ ?s ?p {node} }} "
                                 f"ORDER BY ?s ?p LIMIT {INCOMING_LIMIT} }}")
    return sorted(set(outgoing) | set(incoming), key=str)


def named_graph_triples(services: Services, iri: str) -> list[ox.Triple]:
    node = browse.term(iri, "iri")
    return sorted(services.kg.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }}"), key=str)


def rdf_response(triples: list[ox.Triple], media: str) -> Response:
    body = serialize(triples, GRAPH_TYPES[media])
    return Response(body, media_type=CANONICAL_GRAPH.get(media, media), headers={"Vary": "Accept"})


@router.get("/.well-known/void", name="void", summary="VoID description of the dataset")
def void(request: Request) -> Response:
    services = services_of(request)
    accept = request.headers.get("accept", "*/*")
    media = "text/turtle" if wants_html(accept) else negotiate(accept, GRAPH_TYPES, "text/turtle")
    if media is None:
        return not_acceptable()
    triples = services.cached("void", lambda: void_description(services.kg, services.base_iri, ENDPOINT_PLACE))
    return rdf_response(placed(triples, endpoint_of(request)), media)


@router.get("/dataset", include_in_schema=False)
def dataset() -> Response:
    return RedirectResponse("/.well-known/void", status_code=303)


@router.get("/ontology", summary="The SALT-KG ontology (HTML, Turtle, JSON-LD)")
@router.get("/ontology.{suffix}", include_in_schema=False)
def ontology(request: Request, suffix: str | None = None) -> Response:
    services = services_of(request)
    forced = SUFFIXES.get(f".{suffix}") if suffix else None
    if suffix and forced is None:
        return Response(f"unknown format suffix .{suffix}", status_code=404, media_type="text/plain")
    media = choose(request, forced)
    if media is None:
        return not_acceptable()
    triples = named_graph_triples(services, ONTOLOGY_IRI)
    if media != "text/html":
        return rdf_response(triples, media)
    return render("ontology.html", title="Ontology", **ontology_context(triples))


def ontology_context(triples: list[ox.Triple]) -> dict:
    """Classes and properties of the ontology with labels, comments and domains/ranges."""
    about: dict[str, dict[str, list[str]]] = {}
    for triple in triples:
        about.setdefault(triple.subject.value, {}).setdefault(triple.predicate.value, []).append(triple.object.value)
    header = about.get(ONTOLOGY_IRI, {})
    sections = []
    for title, kinds in (("Classes", {OWL + "Class"}),
                         ("Properties", {OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty"})):
        terms = []
        for iri, values in sorted(about.items()):
            if iri.startswith(SALT) and kinds & set(values.get(PREFIXES["rdf"] + "type", [])):
                details = [f"{name}: {', '.join(curie(v) for v in values.get(RDFS + key, []))}"
                           for name, key in (("subclass of", "subClassOf"), ("domain", "domain"), ("range", "range"))
                           if values.get(RDFS + key)]
                terms.append({"name": iri[len(SALT):], "label": first(values.get(RDFS + "label")),
                              "comment": first(values.get(RDFS + "comment")), "details": details})
        sections.append({"title": title, "terms": terms})
    return {"label": first(header.get(RDFS + "label")) or "SALT-KG ontology", "iri": ONTOLOGY_IRI,
            "namespace": SALT, "comment": first(header.get(RDFS + "comment")), "sections": sections}


def first(values: list[str] | None) -> str | None:
    return values[0] if values else None


@router.get("/{kind}/{rest:path}", summary="Any minted IRI: HTML, Turtle, JSON-LD, N-Triples or RDF/XML")
def resource(kind: str, rest: str, request: Request) -> Response:
    services = services_of(request)
    if kind not in MINTED:
        if wants_html(request.headers.get("accept")):
            raise HTTPException(404, f"there is no page at /{kind}/{rest}")
        return Response(f"no resource at /{kind}/{rest}", status_code=404, media_type="text/plain")
    path, forced = split_suffix(f"{kind}/{rest}")
    iri = services.links.iri_for_path(path)
    if not is_iri(iri):
        return Response(f"no resource at /{kind}/{rest}: not a valid IRI", status_code=404, media_type="text/plain")
    media = choose(request, forced)
    if media is None:
        return not_acceptable()
    if kind == "graph":
        triples = named_graph_triples(services, iri)
    else:
        triples = resource_triples(services, iri) if browse.exists(services.kg, iri) else []
    if not triples:
        message = f"no resource {iri} in the graph"
        if media == "text/html":
            raise HTTPException(404, message)
        return Response(message, status_code=404, media_type="text/plain")
    if media != "text/html":
        return rdf_response(triples, media)
    context = resource_context(services, iri, path, kind)
    kind_found = browse.kind_of(browse.types_of(services.kg, iri))
    if kind == "document" and context["text"]:
        return render("document.html", **context, **document_context(services, iri, context["text"]))
    if kind_found == "issue":
        return render("issue.html", **context, **issue_context(services, iri))
    if kind_found == "person":
        return render("person.html", **context, **person_context(services, iri))
    return render("resource.html", **context)


def document_context(services: Services, iri: str, text: str) -> dict:
    """The reader: the text rendered with every mention and stance marked, and the margin of facts."""
    citer = rest.citer(services)
    info = citer.document(iri)
    facts = browse.document_facts(services.kg, iri)
    sides = browse.sides_of(services.kg, [m["target"] for m in facts["mentions"]] + [e["event"] for e in facts["events"]])
    links = services.links

    def cite(start: int, end: int) -> str:
        return citer.text_of(iri, start, end) or ""
    marks, margin = [], []
    for event in facts["events"]:
        side = browse.side_key(sides.get(event["event"]))
        where = cite(event["start"], event["end"])
        marks.append(reader.Mark(event["start"], event["end"], "stance", side,
                                 f"{plain_event(event['type'])} ({browse.SIDE_NAMES.get(side, side)}), {event['earliest']} — {where}"))
        margin.append({"kind": "stance", "type": event["type"], "side": side, "date": event["earliest"],
                       "label": event["label"], "href": links.href(event["event"]), "anchor": f"passage-{event['start']}-{event['end']}",
                       "issues": [{"href": links.href(i), "label": browse.label_of(services.kg, i) or i} for i in event["issues"]],
                       "citation": where})
    named: dict[str, dict] = {}
    for mention in facts["mentions"]:
        side = browse.side_key(sides.get(mention["target"]) or mention["target"])
        label = mention["targetLabel"] or mention["target"].rsplit("/", 1)[-1]
        marks.append(reader.Mark(mention["start"], mention["end"], "mention", side,
                                 f"{label} — {cite(mention['start'], mention['end'])}", links.href(mention["target"]) or None))
        entry = named.setdefault(mention["target"], {"label": label, "href": links.href(mention["target"]), "side": side,
                                                      "anchors": []})
        entry["anchors"].append(f"passage-{mention['start']}-{mention['end']}")
    for date in facts["date_evidence"]:
        marks.append(reader.Mark(date["start"], date["end"], "date", "unknown", f"date evidence — {cite(date['start'], date['end'])}"))
    rendered = reader.render_document(info.structure, marks) if info and info.structure else None
    whole = citer.cite(iri)
    return {"rendered": rendered, "margin_events": margin,
            "margin_named": sorted(named.values(), key=lambda n: n["label"].lower()),
            "citation": whole.text if whole else None, "citation_url": whole.url if whole else None,
            "network_href": "/view/document/" + iri.rsplit("/", 1)[-1], "facts_count": len(marks)}


NOT_STANCES = {"MessageSent", "Deadline", "Meeting"}  # acts around an issue, not a side's position on it


def issue_context(services: Services, iri: str) -> dict:
    """The issue as a historian would write it up: what, when raised, each side's positions, how it ended."""
    kg, links = services.kg, services.links
    issues = {i["iri"]: i for i in browse.list_issues(kg)}
    issue = issues.get(iri, {"broader": [], "narrower": [], "definition": None, "aliases": []})
    spans = {span.iri: span for span in rest.spans_of(services)}
    span = spans.get(iri)
    positions = []
    for row in browse.issue_positions(kg, iri):
        if row["type"] in NOT_STANCES:
            continue
        row = rest.cited(services, row)
        positions.append({**row, "href": links.href(row["event"])})
    by_side: dict[str, list[dict]] = {}
    for row in positions:
        by_side.setdefault(row["side_key"], []).append(row)
    ending = next((p for p in positions if span and span.closed_on and p["earliest"] == span.closed_on
                   and p["type"] in ("Agreement", "UnilateralStatement", "Deferral")), None)
    chart_spans = [spans[i] for i in [iri, *issue["narrower"]] if i in spans]
    svg = drawing.timeline_svg(chart_spans, href=links.href) if chart_spans and any(s.since for s in chart_spans) else None
    related = lambda iris: [{"href": links.href(i), "label": issues[i]["label"] if i in issues else i} for i in iris]
    return {"definition": issue.get("definition"), "aliases": issue.get("aliases", []),
            "status": span.status if span else "NotYetRaised", "since": span.since if span else None,
            "closed_on": span.closed_on if span else None, "ending": ending,
            "by_side": [(key, by_side[key]) for key in ("us", "ussr", "both", "unknown") if key in by_side],
            "positions": positions, "broader": related(issue["broader"]), "narrower": related(issue["narrower"]),
            "timeline_svg": Markup(svg) if svg else None,
            "network_href": "/view/entity/" + links.href(iri).lstrip("/"),
            "timeline_href": "/view/timeline?issue=" + iri.rsplit("/", 1)[-1]}


def person_context(services: Services, iri: str) -> dict:
    """A person's roles, descriptions, correspondence log and links to connections and ego network."""
    links = services.links
    path = links.href(iri).lstrip("/")
    log = [{**entry, "href": links.href(entry["iri"])} for entry in browse.person_log(services.kg, iri)]
    return {"roles": browse.person_roles(services.kg, iri), "descriptions": browse.descriptions(services.kg, iri),
            "log": log, "connections_href": f"/people/{path.split('/', 1)[-1]}/connections",
            "network_href": f"/view/entity/{path}"}


def resource_context(services: Services, iri: str, path: str, kind: str) -> dict:
    """Everything the resource page shows, with local links for minted IRIs."""
    kg, links = services.kg, services.links
    label = browse.label_of(kg, iri) or path
    properties = [value_row(links, v) for v in browse.properties(kg, iri)
                  if v.predicate not in HIDDEN]
    incoming = [{"href": links.href(v.value), "text": v.label or curie(v.value), "predicate": curie(v.predicate)}
                for v in browse.incoming(kg, iri, limit=300)]
    sources = []
    citer = rest.citer(services)
    for source in browse.sources(kg, iri):
        if "passage" in source:
            source = {**source, "document_href": links.href(source["document"]),
                      "passage_href": links.href(source["passage"]),
                      "cite_text": citer.text_of(source["document"], source["start"], source["end"]),
                      "reader_href": rest.reader_href(services, source["document"], source["start"], source["end"])}
        sources.append(source)
    reader_href = passage_citation = None
    if kind == "passage":
        found = passage_place(kg, iri)
        if found:
            reader_href = rest.reader_href(services, *found)
            passage_citation = citer.text_of(*found)
    types = [{"text": curie(t), "href": links.href(t)} for t in browse.types_of(kg, iri)]
    formats = [("Turtle", ".ttl"), ("JSON-LD", ".jsonld"), ("N-Triples", ".nt"), ("RDF/XML", ".rdf")]
    alternates = [{"name": name, "href": f"/{path}{suffix}", "type": SUFFIXES[suffix]} for name, suffix in formats]
    text = browse.document_text(kg, iri) if kind == "document" else None
    return {"title": label, "label": label, "iri": iri, "types": types, "properties": properties,
            "incoming": incoming, "sources": sources,
            "links": [{**link, "relation": curie(link["relation"])} for link in browse.external_links(kg, iri)
                      if link["iri"].startswith(("http://", "https://"))],
            "alternates": alternates, "text": text, "reader_href": reader_href, "passage_citation": passage_citation}


def passage_place(kg, iri: str) -> tuple[str, int, int] | None:
    """The document and offsets of a passage."""
    rows = kg.select(f"""PREFIX salt: <{SALT}> PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?document ?start ?end WHERE {{ {browse.term(iri, 'iri')} salt:inDocument ?document ;
        oa:start ?start ; oa:end ?end }} LIMIT 1""")
    return (rows[0]["document"], int(rows[0]["start"]), int(rows[0]["end"])) if rows else None


def value_row(links, value: browse.Value) -> dict:
    row = {"predicate": curie(value.predicate), "predicate_href": links.href(value.predicate)}
    if value.is_iri:
        row.update(text=value.label or curie(value.value), href=links.href(value.value))
    else:
        note = f"@{value.language}" if value.language else (curie(value.datatype) if value.datatype and
                                                                not value.datatype.endswith("#string") else None)
        row.update(text=value.value, href=None, note=note)
    return row
