"""Networks and the timeline stay readable: isolated nodes, as-of people, node budget, URL state, axis fit."""

from __future__ import annotations

import html
import json
import re

import networkx as nx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.ask import status
from graph.draw import drawing, network
from graph.model.store import KnowledgeGraph

BASE = "https://w3id.org/salt-kg/"


@pytest.fixture(scope="module")
def kg(built_seed):
    return KnowledgeGraph.open(built_seed.store_path)


@pytest.fixture(scope="module")
def client(built_seed):
    with TestClient(create_app(built_seed.store_path)) as test_client:
        yield test_client


def payload(page: str) -> dict:
    return json.loads(re.search(r'id="graph-data">(.*?)</script>', page, re.S).group(1))


def small_graph() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for node, kind, earliest in (("p1", "person", None), ("p2", "person", None), ("lonely", "person", None),
                                 ("d1", "document", "1972-05-19"), ("d2", "document", "1972-05-25")):
        graph.add_node(node, kind=kind, label=node, earliest=earliest, latest=earliest, type=kind, quote=None)
    graph.add_edge("d1", "p1", key="mentions", relation="mentions")
    graph.add_edge("d2", "p2", key="mentions", relation="mentions")
    return graph


def test_isolated_nodes_left_out_and_counted():
    cut, hidden = network.without_isolated(small_graph())
    assert hidden == 1 and "lonely" not in cut and set(cut) == {"p1", "p2", "d1", "d2"}


def test_budget_keeps_the_best_connected():
    graph = nx.MultiDiGraph()
    graph.add_node("hub", kind="person")
    for index in range(30):
        graph.add_node(f"n{index}", kind="document")
        graph.add_edge(f"n{index}", "hub", key="mentions")
    cut, over = network.within_budget(graph, 10)
    assert over == 21 and cut.number_of_nodes() == 10 and "hub" in cut
    same, none = network.within_budget(graph, 500)
    assert none == 0 and same is graph


def test_as_of_hides_people_not_yet_in_the_record(kg):
    graph = network.project(kg)
    graph.add_node(BASE + "person/test-later", kind="person", label="Later", earliest=None, latest=None, type="person")
    graph.add_node(BASE + "document/test-later", kind="document", label="Later doc", earliest="1972-06-01",
                   latest="1972-06-01", type="document")
    graph.add_edge(BASE + "document/test-later", BASE + "person/test-later", key="mentions", relation="mentions")
    cut = network.as_of(graph, kg, "1972-05-20")
    assert BASE + "person/test-later" not in cut and BASE + "person/kissinger" in cut
    assert all(any(cut.nodes[m]["kind"] in ("event", "document") for m in nx.all_neighbors(cut, n))
               for n, d in cut.nodes(data=True) if d["kind"] == "person")


def test_served_network_state_notes_and_labels_by_zoom(client):
    page = client.get("/view/network", params={"q": "Kissinger", "from": "1972-05-01", "budget": 10}).text
    data = payload(page)
    assert data["state"] == {"q": "Kissinger", "from": "1972-05-01", "to": "", "group": ""}
    assert len(data["nodes"]) == 10 and "only the 10 best connected are drawn" in page
    assert data["options"]["nodes"]["scaling"]["label"]["drawThreshold"] > 0
    whole = payload(client.get("/view/network").text)
    grouped = [n for n in whole["nodes"] if n["kind"] == "event" and n["groupIssue"]]
    assert grouped and all(n["groupIssue"] in whole["groupLabels"] for n in grouped)
    assert client.get("/view/network", params={"budget": 5}).status_code == 422


def test_isolated_nodes_shown_on_request(client, kg):
    graph = network.project(kg)
    lonely = [n for n in graph if graph.degree(n) == 0]
    default = payload(client.get("/view/network").text)
    asked = payload(client.get("/view/network", params={"isolated": "true"}).text)
    assert len(asked["nodes"]) == len(default["nodes"]) + len(lonely)


def test_timeline_fits_the_issues_shown_and_zooms(client, kg):
    spans = drawing.issue_spans(kg)
    week = [drawing.IssueSpan("urn:a", "A", "1972-05-19", "1972-05-26", "Agreed", [("1972-05-20", "Proposal", "p")]),
            drawing.IssueSpan("urn:b", "B", "1972-05-20", None, "Open", [])]
    first, last = drawing.window_of(week)
    assert (last - first).days <= 14  # one week in May 1972 fills the chart, not a sliver
    svg = drawing.timeline_svg(week)
    assert "19 May" in svg and "Jun 1972" not in svg and "Jan 1972" not in svg
    whole_first, whole_last = drawing.window_of(spans)
    dates = [d for s in spans for d in [s.since, s.closed_on, *[m[0] for m in s.marks]] if d]
    assert whole_first <= drawing.day(min(dates)) and whole_last >= drawing.day(max(dates))
    assert (whole_first - drawing.day(min(dates))).days > -10  # fitted: a few days' margin, no more
    page = client.get("/view/timeline", params={"at": "1972-05-20", "only": "open"}).text
    open_then = [row for row in status.status_on(kg, "1972-05-20") if row["status"] == "Open"]
    chart = page.split('id="chart"')[1]
    assert open_then and chart.count('class="span"') == len(open_then)
    assert all(f"<title>{html.escape(row['label'], quote=False)}</title>" in chart for row in open_then)
    zoom_in = re.search(r'href="([^"]+)">in</a>', page).group(1).replace("&amp;", "&")
    shown = [span for span in spans if span.iri in {row["issue"] for row in open_then}]
    fit_first, fit_last = drawing.window_of(shown, "1972-05-20")
    start, end = (drawing.day(re.search(f"{key}=([0-9-]+)", zoom_in).group(1)) for key in ("from", "to"))
    assert start < drawing.day("1972-05-20") < end and abs((end - start) - (fit_last - fit_first) / 2).days <= 1
    assert client.get(zoom_in).status_code == 200
    one = client.get("/view/timeline", params={"issue": "heavy-missile-definition"}).text
    assert one.count('class="span"') == 3  # the issue and its two narrower issues
    assert client.get("/view/timeline", params={"only": "open"}).status_code == 400
    assert client.get("/view/timeline", params={"issue": "no-such-issue"}).status_code == 400


def test_many_events_are_grouped_by_default_and_counted_as_groups():
    graph = nx.MultiDiGraph()
    graph.add_node("doc", kind="document", label="Doc", earliest="1972-05-19", latest="1972-05-19", type="document",
                   quote=None)
    for index in range(drawing.GROUP_EVENTS_OVER + 5):
        graph.add_node(f"e{index}", kind="event", label=f"event {index}", earliest="1972-05-19", latest="1972-05-19",
                       type="Proposal", quote=None)
        graph.add_edge(f"e{index}", "doc", key="source", relation="source")
    assert drawing.drawn_count(graph, None) == 2 and drawing.drawn_count(graph, "none") == graph.number_of_nodes()
    data = payload(drawing.network_page(graph, "many"))
    assert data["state"]["group"] == "document" and all(n["groupDocument"] == "doc" for n in data["nodes"]
                                                        if n["kind"] == "event")
    assert payload(drawing.network_page(graph, "many", state={"group": "none"}))["state"]["group"] == "none"
