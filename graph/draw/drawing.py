"""Drawings of the graph: pyvis network pages and the issue timeline chart (SVG).

pyvis builds the nodes, edges and vis-network options from the networkx projection; the page is our
own template with vis-network inlined from the pyvis wheel (pyvis's "local"/"in_line" modes still
fetch from a CDN), so a written file opens offline. Every text from the graph reaches the page as
JSON inside a data script or as escaped text, never as markup.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from html import escape
from pathlib import Path

import networkx as nx
import pyvis
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from pyvis.network import Network

from graph.ask import status
from graph.draw.network import centrality
from graph.model.store import KnowledgeGraph
from graph.vocabulary import EVENT_WORDS, STATUS_WORDS, plain_event, plain_status

VIS_DIR = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                        autoescape=select_autoescape(default=True, default_for_string=True))
STYLE = {  # kind: (legend label, vis shape, colour)
    "person": ("People", "dot", "#4e79a7"),
    "delegation": ("Delegations", "diamond", "#59a14f"),
    "organization": ("Governments and agencies", "square", "#76b7b2"),
    "place": ("Places", "triangleDown", "#9c755f"),
    "document": ("Documents", "hexagon", "#b07aa1"),
    "issue": ("Issues", "star", "#e15759"),
    "event": ("Events", "triangle", "#f28e2b"),
}
STATUS_COLOURS = {"Open": "#e15759", "Agreed": "#59a14f", "ClosedWithoutAgreement": "#edc948",
                  "Deferred": "#bab0ac", "Dropped": "#bab0ac", "NotYetRaised": "#d3d3d3"}
NODE_BUDGET = 500
GROUP_EVENTS_OVER = 120  # more events than this are grouped by document unless the user asks otherwise
OPTIONS = {
    "physics": {"enabled": True, "solver": "forceAtlas2Based",
                "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 110, "avoidOverlap": 0.4},
                "stabilization": {"enabled": True, "iterations": 150, "updateInterval": 50, "fit": True}},
    "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.4}}, "font": {"size": 9, "color": "#777"},
              "color": {"color": "#bbb", "highlight": "#333"}, "smooth": False,
              "scaling": {"label": {"enabled": True, "min": 9, "max": 9, "drawThreshold": 7}}},
    # Labels by zoom level: a label is drawn only once it would be at least 9 px on screen, so the
    # small nodes' labels appear as the user zooms in and the hubs' labels show from afar.
    "nodes": {"font": {"size": 12}, "scaling": {"min": 10, "max": 40,
                                                 "label": {"enabled": True, "min": 11, "max": 26, "drawThreshold": 9,
                                                           "maxVisible": 26}}},
    "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False, "keyboard": True},
    # vis-network's "improved layout" seeds positions with Kamada-Kawai, which alone takes seconds past a
    # hundred nodes; the force layout from random seeds settles faster and as well.
    "layout": {"improvedLayout": False, "randomSeed": 7},
}


def script_json(value) -> Markup:
    """JSON safe inside <script type="application/json">: no `<`, `>` or `&` can end the element."""
    text = json.dumps(value, ensure_ascii=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


@lru_cache(maxsize=None)
def vis_asset(name: str) -> str:
    """vis-network's script or stylesheet as shipped in the pyvis wheel."""
    return (VIS_DIR / name).read_text(encoding="utf-8")


def tooltip(data: dict) -> str:
    """Plain-text tooltip: label, kind and dates, status, one source quote or citation."""
    lines = [data["label"], describe_kind(data)]
    if data.get("status"):
        lines.append(f"status: {plain_status(data['status'])}")
    if data.get("quote"):
        quote = " ".join(data["quote"].split())
        lines.append(f"“{quote[:280]}{'…' if len(quote) > 280 else ''}”")
    if data.get("citation"):
        lines.append(data["citation"])
    return "\n".join(lines)


def describe_kind(data: dict) -> str:
    kind = plain_event(data["type"]) if data["kind"] == "event" else data["kind"]
    if data.get("earliest"):
        span = data["earliest"] if data["earliest"] == data.get("latest") else f"{data['earliest']} – {data.get('latest')}"
        return f"{kind}, {span}"
    return kind


def short_label(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def groups_of(graph: nx.MultiDiGraph, node: str) -> tuple[str, str]:
    """The issue and the document an event is grouped under when events are clustered."""
    issue = document = ""
    for _, target, relation in graph.out_edges(node, keys=True):
        if relation == "concerns" and not issue:
            issue = target
        elif relation == "source" and graph.nodes[target]["kind"] == "document" and not document:
            document = target
    return issue, document


def to_pyvis(graph: nx.MultiDiGraph, href=None) -> Network:
    """A pyvis Network of the projection: shape and colour by kind, size by degree centrality."""
    net = Network(directed=True, cdn_resources="remote")
    sizes = centrality(graph)
    top = max(sizes.values(), default=1) or 1
    for node, data in graph.nodes(data=True):
        _, shape, colour = STYLE[data["kind"]]
        if data["kind"] == "issue" and data.get("status"):
            colour = STATUS_COLOURS.get(data["status"], colour)
        issue, document = groups_of(graph, node) if data["kind"] == "event" else ("", "")
        net.add_node(node, label=short_label(data["label"]), title=tooltip(data), shape=shape, color=colour,
                     size=10 + 30 * sizes.get(node, 0) / top, value=1 + 30 * sizes.get(node, 0) / top, kind=data["kind"], fullLabel=data["label"],
                     earliest=data.get("earliest") or "", latest=data.get("latest") or "",
                     url=href(node) if href else None, groupIssue=issue, groupDocument=document,
                     borderWidth=4 if node == graph.graph.get("center") else 1)
    for source, target, relation in graph.edges(keys=True):
        net.add_edge(source, target, label=relation, title=relation)
    net.options = OPTIONS
    return net


def drawn_count(graph: nx.MultiDiGraph, group: str | None) -> int:
    """How many nodes the browser draws: events grouped by issue or document count once per group."""
    if group == "none":
        return graph.number_of_nodes()
    if group not in ("issue", "document"):
        group = "document" if sum(1 for _, k in graph.nodes(data="kind") if k == "event") > GROUP_EVENTS_OVER else None
    if group is None:
        return graph.number_of_nodes()
    index = 0 if group == "issue" else 1
    groups, singles = set(), 0
    for node, kind in graph.nodes(data="kind"):
        if kind != "event":
            singles += 1
        else:
            key = groups_of(graph, node)[index]
            if key:
                groups.add(key)
            else:
                singles += 1
    return singles + len(groups)


def network_page(graph: nx.MultiDiGraph, title: str, subtitle: str = "", href=None, served: bool = False,
                 as_of: str | None = None, static: str = "/static/vis", state: dict | None = None,
                 notes: list[dict] | None = None) -> str:
    """The interactive page: inline vis-network when written to a file, static links when served.
    `state` holds the URL's query (q, types, from, to, group) for the controls; `notes` say what was
    left out (unconnected people, nodes over the budget) with a link to show it."""
    net = to_pyvis(graph, href)
    nodes, edges, *_ = net.get_network_data()
    counts = {kind: 0 for kind in STYLE}
    for _, kind in graph.nodes(data="kind"):
        counts[kind] += 1
    kinds = [{"kind": k, "label": STYLE[k][0], "color": STYLE[k][2], "count": counts[k]} for k in STYLE if counts[k]]
    statuses = sorted({data["status"] for _, data in graph.nodes(data=True) if data["kind"] == "issue" and data.get("status")},
                      key=list(STATUS_WORDS).index)
    status_legend = [{"label": plain_status(s), "color": STATUS_COLOURS[s]} for s in statuses if s in STATUS_COLOURS]
    labels = {n: graph.nodes[n]["label"] for n in graph if graph.nodes[n]["kind"] in ("issue", "document")}
    state = dict(state or {})
    notes = list(notes or [])
    if not state.get("group") and counts["event"] > GROUP_EVENTS_OVER:
        state["group"] = "document"
        notes.append({"text": f"The {counts['event']} events are grouped by document to keep the drawing readable: "
                              f"double-click a group to open it, or choose “one node per event”."})
    payload = {"nodes": nodes, "edges": edges, "options": net.options, "kinds": kinds, "served": served,
               "state": state, "groupLabels": labels}
    inline = not served
    return TEMPLATES.get_template("network.html").render(
        title=title, subtitle=subtitle, served=served, as_of=as_of, inline=inline, static=static,
        status_legend=status_legend, notes=notes, state=state,
        vis_js=Markup(vis_asset("vis-network.min.js")) if inline else "",
        vis_css=Markup(vis_asset("vis-network.css")) if inline else "", data=script_json(payload))


# -- the issue timeline -------------------------------------------------------------------------

MARKS = {kind: (EVENT_WORDS[kind], shape, colour) for kind, shape, colour in [  # event type: (legend, shape, colour)
    ("Agreement", "diamond", "#59a14f"), ("UnilateralStatement", "square", "#edc948"),
    ("Proposal", "circle", "#4e79a7"), ("Rejection", "cross", "#e15759"), ("Deferral", "square", "#bab0ac"),
]}


@dataclass
class IssueSpan:
    """One issue's row on the chart: when it was open, how it ended, its marked events."""

    iri: str
    label: str
    since: str | None
    closed_on: str | None
    status: str
    marks: list[tuple[str, str, str]] = field(default_factory=list)  # (date, type, label)


def issue_spans(kg: KnowledgeGraph) -> list[IssueSpan]:
    """Every issue with first evidence, closing date and status (as the status queries derive them)."""
    last = kg.select("PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/> SELECT (MAX(?d) AS ?last) WHERE "
                     "{ ?e sem:hasLatestEndTimeStamp ?d }")[0]["last"] or "1972-12-31"
    final = {row["issue"]: row for row in status.status_on(kg, last[:10] if len(last) >= 10 else "1972-12-31")}
    spans = []
    for iri, row in final.items():
        entries = status.timeline(kg, iri)
        since = min((e["earliest"] for e in entries), default=None)
        marks = [(e["earliest"], e["type"], e["label"]) for e in entries if e["type"] in MARKS]
        spans.append(IssueSpan(iri, row["label"], since, row.get("closedOn"),
                               row["status"] if since else "NotYetRaised", marks))
    return sorted(spans, key=lambda s: (s.since or "9999", s.label))


def day(value: str) -> date:
    return date.fromisoformat(value[:10]) if len(value) >= 10 else date.fromisoformat(value[:7] + "-01")


def window_of(spans: list[IssueSpan], at: str | None = None, start: str | None = None,
              end: str | None = None) -> tuple[date, date]:
    """The chart's date range: the one asked for, else fitted to the issues shown (their first evidence,
    closing and marked events) with a few days' margin."""
    dates = [d for s in spans for d in [s.since, s.closed_on, *[m[0] for m in s.marks]] if d]
    if at:
        dates.append(at)
    span_days = (max(map(day, dates)) - min(map(day, dates))).days if dates else 0
    margin = timedelta(days=max(1, min(7, span_days // 20 + 1)))
    first = day(start) if start else (min(map(day, dates)) - margin if dates else date(1969, 11, 17))
    last = day(end) if end else (max(map(day, dates)) + margin if dates else date(1972, 5, 26))
    if last <= first:
        last = first + timedelta(days=1)
    return first, last


def zoomed(first: date, last: date, factor: float, centre: str | None = None) -> tuple[str, str]:
    """A window `factor` times as wide around a centre day (the middle by default), as ISO dates."""
    middle = day(centre) if centre else first + (last - first) / 2
    half = max(timedelta(days=1), (last - first) * factor / 2)
    return (middle - half).isoformat(), (middle + half).isoformat()


def timeline_svg(spans: list[IssueSpan], at: str | None = None, start: str | None = None,
                 end: str | None = None, href=None) -> str:
    """An SVG chart: a bar per issue while open, marks for agreements, statements, proposals, rejections,
    a vertical line at `at`. Dates outside [start, end] are clipped."""
    first, last = window_of(spans, at, start, end)
    left, width, row_height, top = 300, 760, 26, 40
    height = top + row_height * len(spans) + 90

    def x(value: str) -> float:
        clipped = min(max(day(value), first), last)
        return left + width * (clipped - first).days / (last - first).days

    role = 'role="group"' if href else 'role="img"'  # with links inside, the chart is not a single image
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 30}" height="{height}" '
           f'font-family="sans-serif" font-size="12" {role} aria-label="Issue timeline">',
           '<rect width="100%" height="100%" fill="#fff"/>']
    out += axis(first, last, x, top, top + row_height * len(spans))
    for index, span in enumerate(spans):
        y = top + index * row_height + row_height / 2
        label = escape(short_label(span.label, 44))
        link = escape(href(span.iri)) if href else None
        text = f'<text x="{left - 8}" y="{y + 4}" text-anchor="end"><title>{escape(span.label)}</title>{label}</text>'
        out.append(f'<a href="{link}">{text}</a>' if link else text)
        if span.since:
            x1 = x(span.since)
            x2 = x(span.closed_on) if span.closed_on else left + width
            colour = STATUS_COLOURS.get(span.status, "#e15759") if span.closed_on else STATUS_COLOURS["Open"]
            tip = f"{span.label}: open from {span.since}" + (
                f", {plain_status(span.status)} on {span.closed_on}" if span.closed_on else ", still open")
            out.append(f'<rect class="span" x="{x1:.1f}" y="{y - 6}" width="{max(x2 - x1, 2):.1f}" height="12" '
                       f'fill="{colour}" fill-opacity="0.35" stroke="{colour}"><title>{escape(tip)}</title></rect>')
        for when, kind, event_label in span.marks:
            if first <= day(when) <= last:
                out.append(mark(x(when), y, kind, f"{when} {MARKS[kind][0]}: {event_label}"))
    if at and first <= day(at) <= last:
        xa = x(at)
        out.append(f'<line class="at" x1="{xa:.1f}" x2="{xa:.1f}" y1="{top - 12}" y2="{top + row_height * len(spans)}" '
                   f'stroke="#1d3557" stroke-width="2" stroke-dasharray="5 3"/>')
        out.append(f'<text x="{xa:.1f}" y="{top - 16}" text-anchor="middle" fill="#1d3557">{escape(at)}</text>')
    out += legend(top + row_height * len(spans) + 40, left)
    out.append("</svg>")
    return "\n".join(out)


def axis(first: date, last: date, x, y_top: float, y_bottom: float) -> list[str]:
    """Ticks suited to the range shown: days for a few weeks, Mondays for a few months, then months,
    quarters or years, with light grid lines."""
    parts = []
    days = (last - first).days
    if days <= 120:
        step = 1 if days <= 16 else 2 if days <= 30 else 7
        tick = first if step < 7 else first + timedelta(days=(7 - first.weekday()) % 7)
        ticks = []
        while tick <= last:
            ticks.append((tick, f"{tick.day} {tick:%b}" + (f" {tick.year}" if not ticks else "")))
            tick += timedelta(days=step)
    else:
        months = (last.year - first.year) * 12 + last.month - first.month
        step = 1 if months <= 14 else 3 if months <= 40 else 12
        ticks, tick = [], date(first.year, first.month, 1)
        while tick <= last:
            if tick >= first and (tick.month - 1) % step == 0:
                ticks.append((tick, f"{tick:%b %Y}"))
            tick = date(tick.year + tick.month // 12, tick.month % 12 + 1, 1)
    for tick, text in ticks:
        xt = x(tick.isoformat())
        parts.append(f'<line x1="{xt:.1f}" x2="{xt:.1f}" y1="{y_top - 6}" y2="{y_bottom}" stroke="#eee"/>')
        parts.append(f'<text x="{xt:.1f}" y="{y_bottom + 16}" text-anchor="middle" fill="#595959">{escape(text)}</text>')
    return parts


def mark(x: float, y: float, kind: str, tip: str) -> str:
    _, shape, colour = MARKS[kind]
    title = f"<title>{escape(tip)}</title>"
    if shape == "diamond":
        body = f'<polygon points="{x},{y - 7} {x + 7},{y} {x},{y + 7} {x - 7},{y}" fill="{colour}">{title}</polygon>'
    elif shape == "square":
        body = f'<rect x="{x - 5}" y="{y - 5}" width="10" height="10" fill="{colour}">{title}</rect>'
    elif shape == "cross":
        body = (f'<path d="M{x - 5},{y - 5} L{x + 5},{y + 5} M{x + 5},{y - 5} L{x - 5},{y + 5}" stroke="{colour}" '
                f'stroke-width="3">{title}</path>')
    else:
        body = f'<circle cx="{x}" cy="{y}" r="5" fill="{colour}">{title}</circle>'
    return f'<g class="mark" data-type="{kind}">{body}</g>'


def legend(y: float, left: float) -> list[str]:
    parts, x = [], left
    for kind, (name, _, _) in MARKS.items():
        parts.append(mark(x, y, kind, name))
        parts.append(f'<text x="{x + 10}" y="{y + 4}">{escape(name)}</text>')
        x += 34 + 7 * len(name)
    x, y = left, y + 22
    for name, colour in (("open", STATUS_COLOURS["Open"]), ("agreed", STATUS_COLOURS["Agreed"]),
                         ("closed without agreement", STATUS_COLOURS["ClosedWithoutAgreement"])):
        parts.append(f'<rect x="{x}" y="{y - 6}" width="18" height="12" fill="{colour}" fill-opacity="0.35" stroke="{colour}"/>')
        parts.append(f'<text x="{x + 24}" y="{y + 4}">{escape(name)}</text>')
        x += 40 + 7 * len(name)
    return parts


def timeline_page(svg: str, at: str | None, served: bool, start: str | None = None, end: str | None = None,
                  controls: dict | None = None) -> str:
    """The chart in a page, with date, issue and zoom controls when served."""
    return TEMPLATES.get_template("timeline.html").render(svg=Markup(svg), at=at, served=served, start=start, end=end,
                                                          controls=controls or {})
