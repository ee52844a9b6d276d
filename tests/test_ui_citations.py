"""Pasteable citations (graph/ask/citations.py) and the `citation` fields of the JSON answers."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.ask.citations import Citer, paragraph_number, roman, volume_short
from graph.model.store import KnowledgeGraph
from graph.read.reader import read_document

from .conftest import SEED

BASE = "https://w3id.org/salt-kg/"
D247 = BASE + "document/frus1969-76v14-d247"
VOLUME = "FRUS 1969–1976, vol. XIV"


@pytest.fixture(scope="module")
def citer(built_seed):
    return Citer(KnowledgeGraph.open(built_seed.store_path))


@pytest.fixture(scope="module")
def client(built_seed):
    with TestClient(create_app(built_seed.store_path)) as test_client:
        yield test_client


def test_volume_names():
    assert [roman(n) for n in (1, 4, 14, 32, 33, 49)] == ["I", "IV", "XIV", "XXXII", "XXXIII", "XLIX"]
    label = "Foreign Relations of the United States, 1969–1976, Volume XIV, Soviet Union, October 1971–May 1972"
    assert volume_short("frus1969-76v14", label) == VOLUME
    assert volume_short("frus1969-76v32", None) == "FRUS 1969–1976, vol. XXXII"
    assert volume_short("frus1977-80v01p1", None) == "FRUS 1977–1980, vol. I, pt. 1"
    assert volume_short(None, None) is None


def test_passages_are_cited_by_heading_paragraph_and_footnote(citer):
    text = read_document(SEED).text
    cases = {"Kissinger": "heading", "We cannot, of course, yield": "para. 2", "Just received your 408": "para. 3",
             "Re precision for": "para. 6", "In backchannel message 408": "footnote 2",
             "In his memoirs Smith": "footnote 4"}
    for quote, place in cases.items():
        start = text.index(quote)
        found = citer.cite(D247, start, start + len(quote))
        assert found.text == f"{VOLUME}, doc. 247, {place}", quote
        assert found.url == "https://history.state.gov/historicaldocuments/frus1969-76v14/d247"
    whole = citer.cite(D247)
    assert whole.text == f"{VOLUME}, doc. 247" and whole.place is None
    assert citer.cite(BASE + "document/no-such-thing") is None


def test_page_break_lines_are_not_paragraphs():
    doc = read_document(SEED)
    after_break = doc.text.index("Just received")
    assert paragraph_number(doc, after_break) == 3  # "[Page 957]" stands alone between paragraphs 2 and 3


def test_json_answers_carry_the_citation(client):
    unresolved = client.get("/issues", params={"unresolved_on": "1972-05-20", "limit": 500}).json()
    positions = [p for issue in unresolved["items"] for p in issue["positions"] if p["document"]]
    assert positions and all(re.match(r"FRUS 19\d\d–19\d\d, vol\. [IVXLC]+, doc\. \d+, (para\.|footnote|heading)",
                                      p["citation"]) for p in positions)
    assert all(p["reader"] == f"/document/{p['document'].rsplit('/', 1)[-1]}#passage-{p['start']}-{p['end']}"
               for p in positions)
    assert any(p["citation"].startswith(f"{VOLUME}, doc. 247, ") for p in positions)
    events = client.get("/events", params={"issue": "heavy-missile-definition"}).json()["items"]
    rejection = next(e for e in events if e["type"] == "Rejection" and e["document"] == D247)
    assert rejection["citation"].startswith(f"{VOLUME}, doc. 247, ") and rejection["citation_url"].startswith("https://history.state.gov/")
    curated = next(e for e in events if e["event"].startswith(BASE + "event/curated/"))
    assert curated["citation"] and curated["reader"] is None  # a curated event keeps its own citation
    hits = client.get("/search", params={"q": "Soviet refusal", "kind": "passage"}).json()["items"]
    assert hits[0]["citation"] == f"{VOLUME}, doc. 247, footnote 2"
    document = client.get("/documents/frus1969-76v14-d247").json()
    assert document["citation"] == f"{VOLUME}, doc. 247"
    assert all(m["citation"].startswith(VOLUME) for m in document["mentions"])
    timeline = client.get("/issues/mobile-icbms/timeline").json()["items"]
    assert any(t["citation"] and "doc. 247, para. 2" in t["citation"] for t in timeline)


def test_documents_read_ahead_in_one_query_are_read_as_one_by_one(citer):
    kg = citer.kg
    documents = [row["d"] for row in kg.select(
        "SELECT ?d WHERE { ?d a <https://w3id.org/salt-kg/ontology#Document> }")]
    assert len(documents) >= 2
    asked = documents + ["https://w3id.org/salt-kg/document/no-such-document"]
    ahead = Citer(kg)
    ahead.read_ahead(asked)
    one_by_one = Citer(kg)
    assert {iri: ahead.documents[iri] for iri in asked} == {iri: one_by_one.document(iri) for iri in asked}
    assert ahead.documents[asked[-1]] is None


def test_the_citer_remembers_a_bounded_number_of_documents(citer):
    kg = citer.kg
    documents = [row["d"] for row in kg.select(
        "SELECT ?d WHERE { ?d a <https://w3id.org/salt-kg/ontology#Document> } ORDER BY ?d")]
    small = Citer(kg, remember=2)
    cited = [small.text_of(iri) for iri in documents + documents[:1]]
    assert list(small.documents) == [documents[-1], documents[0]]
    assert cited == [Citer(kg).text_of(iri) for iri in documents + documents[:1]]
