"""Network projection, analysis, drawings and their HTTP and CLI entry points (no browser needed)."""

from __future__ import annotations

import json
import re

import networkx as nx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.ask import status
from graph.draw import drawing
from graph.draw import network
from graph.cli import main
from graph.model.store import KnowledgeGraph

BASE = "https://w3id.org/salt-kg/"
KISSINGER, MOBILE = BASE + "person/kissinger", BASE + "issue/mobile-icbms"
SEED_DOC = BASE + "document/frus1969-76v14-d247"


@pytest.fixture(scope="module")
def kg(built_seed):
    return KnowledgeGraph.open(built_seed.store_path)


@pytest.fixture(scope="module")
def graph(kg):
    return network.project(kg)


def test_projection_has_every_kind_with_labelled_relations(graph):
    kinds = {data["kind"] for _, data in graph.nodes(data=True)}
    assert kinds == set(network.KINDS)
    assert graph.nodes[KISSINGER]["label"] == "Henry A. Kissinger"
    assert "sender" in graph.get_edge_data(SEED_DOC, KISSINGER)
    assert "about" in graph.get_edge_data(SEED_DOC, MOBILE)
    assert "narrower of" in graph.get_edge_data(BASE + "issue/slbm-base-figure-48", BASE + "issue/slbm-limits")
    events = [n for n, d in graph.nodes(data=True) if d["kind"] == "event"]
    assert events and all(graph.nodes[e]["earliest"] for e in events)
    assert all(graph.nodes[e]["quote"] for e in events if "/event/curated/" not in e)  # curated events cite instead
    assert all(graph.nodes[e]["quote"] or graph.nodes[e]["citation"] for e in events)


def test_as_of_hides_later_events_and_colours_issues(graph, kg):
    before = network.as_of(graph, kg, "1972-05-19")
    after = network.as_of(graph, kg, "1972-07-24")
    assert graph.graph["negotiation"] == "SALT I"
    assert before.nodes[MOBILE]["status"] == "Open"
    assert after.nodes[MOBILE]["status"] == "ClosedWithoutAgreement"
    assert after.nodes[BASE + "issue/slbm-base-figure-48"]["status"] == "Agreed"
    assert before.nodes[BASE + "issue/hot-line"]["status"] == "Agreed"
    assert network.as_of(graph, kg, "1969-11-16").nodes[BASE + "issue/hot-line"]["status"] == "NotYetRaised"
    assert all(d["earliest"] <= "1972-05-19" for _, d in before.nodes(data=True) if d["kind"] == "event")
    assert before.number_of_nodes() < after.number_of_nodes()


def test_ego_document_and_filters(graph):
    one = network.ego(graph, KISSINGER, 1)
    two = network.ego(graph, KISSINGER, 2)
    assert KISSINGER in one and one.number_of_nodes() < two.number_of_nodes()
    view = network.document_view(graph, SEED_DOC)
    assert {KISSINGER, MOBILE} <= set(view) and any(d["kind"] == "event" for _, d in view.nodes(data=True))
    people = network.filtered(graph, {"person"})
    assert {d["kind"] for _, d in people.nodes(data=True)} == {"person"}
    found = network.filtered(graph, text="Kissinger")
    assert KISSINGER in found and SEED_DOC in found
    window = network.filtered(graph, {"event"}, "1972-05-26", "1972-05-26")
    assert window.number_of_nodes() >= 1
    assert all(d["earliest"] <= "1972-05-26" <= d["latest"] for _, d in window.nodes(data=True))
    with pytest.raises(network.UnknownNode):
        network.ego(graph, BASE + "person/nobody")


def test_analysis(graph, tmp_path):
    ranked = network.most_central(graph, ("person",), top=3)
    assert len(ranked) == 3 and ranked[0].score >= ranked[1].score
    assert KISSINGER in {r.iri for r in ranked}
    steps = network.shortest_path(graph, KISSINGER, MOBILE)
    assert steps[0]["from"] == KISSINGER and steps[-1]["to"] == MOBILE
    parts = network.components(graph)
    assert parts[0]["size"] > 50 and sum(p["size"] for p in parts) == graph.number_of_nodes()
    for suffix in ("graphml", "gexf"):
        written = network.export(graph, tmp_path / f"n.{suffix}")
        again = nx.read_graphml(written) if suffix == "graphml" else nx.read_gexf(written)
        assert again.number_of_nodes() == graph.number_of_nodes()


def test_network_page_is_self_contained_and_carries_the_data(graph):
    page = drawing.network_page(graph, "SALT I network")
    assert "vis.Network" in page and "vis-network" in page
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?://", page), "nothing is fetched from a CDN"
    data = json.loads(re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', page, re.S).group(1))
    ids = {n["id"] for n in data["nodes"]}
    assert {KISSINGER, MOBILE, SEED_DOC} <= ids
    assert {k["kind"] for k in data["kinds"]} == set(network.KINDS)
    assert all(e["label"] for e in data["edges"])
    sizes = {n["id"]: n["size"] for n in data["nodes"]}
    assert sizes[BASE + "org/united-states"] > sizes[BASE + "place/vienna"]


def test_hostile_labels_stay_text(graph):
    hostile = nx.MultiDiGraph()
    label = '</script><script>alert("x")</script> & "quotes"'
    hostile.add_node("urn:x", kind="person", label=label, type="person", earliest=None, latest=None, quote=label)
    page = drawing.network_page(hostile, label, subtitle=label)
    assert "<script>alert" not in page and "</script><script>" not in page
    data = json.loads(re.search(r'id="graph-data">(.*?)</script>', page, re.S).group(1))
    assert data["nodes"][0]["fullLabel"] == label
    svg = drawing.timeline_svg([drawing.IssueSpan("urn:i", label, "1972-05-19", None, "Open",
                                                  [("1972-05-19", "Proposal", label)])])
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_timeline_svg(kg):
    spans = drawing.issue_spans(kg)
    assert len(spans) == len(status.resolve(kg).issues) >= 30  # the SALT I scheme
    mobile = next(s for s in spans if s.iri == MOBILE)
    assert (mobile.since, mobile.closed_on, mobile.status) == ("1972-05-19", "1972-05-20", "ClosedWithoutAgreement")
    svg = drawing.timeline_svg(spans, at="1972-05-20")
    assert svg.startswith("<svg") and svg.count('class="span"') == sum(1 for s in spans if s.since)
    assert 'class="at"' in svg and 'data-type="Agreement"' in svg and 'data-type="Rejection"' in svg


def test_views_over_http(built_seed):
    with TestClient(create_app(built_seed.store_path)) as client:
        page = client.get("/view/network", params={"as_of": "1972-05-20"})
        assert page.status_code == 200 and 'type="date"' in page.text and "/static/vis/vis-network.min.js" in page.text
        data = json.loads(re.search(r'id="graph-data">(.*?)</script>', page.text, re.S).group(1))
        mobile = next(n for n in data["nodes"] if n["id"] == MOBILE)
        assert mobile["url"] == "/issue/mobile-icbms" and data["served"] is True
        assert client.get("/view/entity/person/kissinger", params={"hops": 2}).status_code == 200
        assert client.get("/view/document/frus1969-76v14-d247").status_code == 200
        assert client.get("/view/entity/person/nobody").status_code == 404
        assert client.get("/view/network", params={"types": "spaceship"}).status_code == 400
        assert client.get("/view/network", params={"as_of": "1972-13-01"}).status_code == 400
        timeline = client.get("/view/timeline", params={"at": "1972-05-20"})
        assert timeline.status_code == 200 and "<svg" in timeline.text and 'name="at"' in timeline.text
        assert client.get("/view/timeline.svg").headers["content-type"] == "image/svg+xml"
        assert client.get("/static/vis/vis-network.min.js").status_code == 200
        assert client.get("/analysis/central").json()["items"]
        path = client.get("/analysis/path", params={"from": "person/kissinger", "to": "issue/mobile-icbms"}).json()
        assert path["length"] >= 1
        assert client.get("/analysis/components").json()["items"][0]["size"] > 50
        assert "<graphml" in client.get("/export/network.graphml").text


def test_cli_writes_views_and_analyses(built_seed, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("SALTKG_BUILD", str(built_seed.build_dir))
    assert main(["view", "--as-of", "1972-05-20", "-o", str(tmp_path / "net.html")]) == 0
    assert main(["view", "person/kissinger", "--hops", "2", "-o", str(tmp_path / "ego.html")]) == 0
    assert main(["view", "--timeline", "--at", "1972-05-20", "-o", str(tmp_path / "t.svg")]) == 0
    assert (tmp_path / "t.svg").read_text().startswith("<svg")
    assert main(["analyse", "path", "person/kissinger", "issue/mobile-icbms"]) == 0
    assert "Henry A. Kissinger" in capsys.readouterr().out
    assert main(["view", "person/nobody", "-o", str(tmp_path / "x.html")]) == 1
    assert "not in the network" in capsys.readouterr().err
