"""FRUS TEI volumes: streaming reader, import into the graph, evaluation against the editors' markup."""

from __future__ import annotations

import tracemalloc

import pytest

from graph.model.build import build
from graph.evaluate import evaluate, table
from graph.read.registry import Registry
from graph.model.store import KnowledgeGraph
from graph.read.tei import iter_volume, split_name
from graph.model.person_match import match_persons

from .conftest import DATA, FIXTURES, SHARED

VOLUME = FIXTURES / "tei" / "frus1969-76v99-test.xml"
BASE = "https://w3id.org/salt-kg/"
V99 = BASE + "document/frus1969-76v99-"


def read(path=VOLUME) -> dict:
    found = {"documents": []}
    for kind, item in iter_volume(path):
        if kind == "document":
            found["documents"].append(item)
        else:
            found[kind] = item
    return found


# -- reading ----------------------------------------------------------------------------------------

def test_volume_metadata_persons_and_terms():
    volume = read()
    info = volume["volume"]
    assert (info.id, info.year, info.volume_title) == ("frus1969-76v99", 2020, "Test Volume, 1972–1973")
    assert info.editors == [("Ada Editor", "primary"), ("Bo General", "general")]
    persons = {p.id: p for p in volume["persons"]}
    assert persons["p_KAB_1"].name == "Anna B. Kovalenko" and persons["p_KAB_1"].variants == ["Kovalenco"]
    assert persons["p_KAB_1"].description == "member of the Soviet delegation; quoted in the Test Gazette"
    assert persons["p_QJR2_1"].name == "John R. Quill II"
    terms = {t.term: t for t in volume["terms"]}
    assert terms["R&D"].expansion == "research and development" and terms["K"].id is None


@pytest.mark.parametrize("printed, expected", [
    ("Jackson, Henry M. (Scoop)", ("Jackson", "Henry M.", [], "Scoop", None, None)),
    ("Kornienko (Korniyenko), Georgi M.", ("Kornienko", "Georgi M.", ["Korniyenko"], None, None, None)),
    ("Irwin, John M., II", ("Irwin", "John M.", [], None, "II", None)),
    ("Turner, Stansfield M., Admiral", ("Turner", "Stansfield M.", [], None, None, "Admiral")),
    ("Trusov, General Konstantin A.", ("Trusov", "Konstantin A.", [], None, None, "General")),
])
def test_printed_names_are_parsed(printed, expected):
    assert split_name(printed) == expected


def test_documents_are_flattened_with_exact_gold_spans():
    documents = read()["documents"]
    assert [d.doc.number for d in documents] == [1, 2, 3, 4, 5]
    for tei in documents:
        text = tei.doc.text
        for gold in tei.persons + tei.terms + tei.refs:
            assert text[gold.start:gold.end] == gold.text
        assert text.startswith(f"{tei.doc.number}. {tei.doc.title}1")
        assert tei.doc.url == f"https://history.state.gov/historicaldocuments/frus1969-76v99/d{tei.doc.number}"
    first = documents[0].doc
    assert "mutual confidence." in first.text, "a page break inside a word joins it without a space"
    assert ("2", first.text.index("dence.")) in first.pages
    assert first.source_note is not None and first.classification == "Secret"


def test_footnotes_have_calls_and_titles_leave_notes_out():
    second = read()["documents"][1].doc
    assert second.title == "Memorandum of Conversation"
    assert [n.number for n in second.footnotes] == [1, 2]
    call = second.footnotes[1].call
    assert second.text[call - 4:call + 1] == "FBS.2"
    assert second.text[second.footnotes[1].start:second.footnotes[1].end] == "See Document 1."


def test_datelines_are_validated():
    documents = read()["documents"]
    assert documents[0].dateline.undated and documents[0].dateline.place == "Moscow"
    swapped = documents[1].dateline
    assert swapped.start_time == "1972-11-02T15:10:00" and "swapped" in swapped.problems[0]
    assert documents[4].dateline.start_time == "1972-12-20T15:03:00" and not documents[4].dateline.problems
    assert documents[2].head_people == [("p_KHA_1", "sender"), ("p_QJR2_1", "recipient")]


def test_broken_xml_names_file_and_line(tmp_path):
    broken = tmp_path / "broken.xml"
    text = VOLUME.read_text(encoding="utf-8")
    broken.write_text(text.replace("<p>The United States agrees", "<p>The United States <hi>agrees"), encoding="utf-8")
    seen = []
    with pytest.raises(Exception) as failure:
        for kind, item in iter_volume(broken):
            seen.append(kind)
    assert "broken.xml" in str(failure.value) and "line" in str(failure.value)
    assert seen.count("document") == 3, "documents before the error were delivered"


def synthetic_volume(tmp_path, copies: int):
    """The fixture with its documents repeated (renumbered): a bigger volume of the same kind."""
    text = VOLUME.read_text(encoding="utf-8")
    start, end = text.index('<div type="document" n="1"'), text.index("</div>\n</body>")
    documents = text[start:end]
    body = "".join(documents.replace('n="', f'n="{i}0').replace('xml:id="d', f'xml:id="d{i}0') for i in range(1, copies + 1))
    path = tmp_path / f"v{copies}.xml"
    path.write_text(text[:start] + body + text[end:], encoding="utf-8")
    return path


def test_memory_does_not_grow_with_the_volume(tmp_path):
    def peak(path) -> int:
        tracemalloc.start()
        for _ in iter_volume(path):
            pass
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top
    small, large = peak(synthetic_volume(tmp_path, 5)), peak(synthetic_volume(tmp_path, 200))
    assert large < 2 * small, f"peak {large} bytes for 40x the documents vs {small}"


# -- importing ----------------------------------------------------------------------------------------

def test_persons_are_merged_by_the_matching_rule(registry):
    volume = read()
    match = match_persons(volume["persons"], registry, volume["volume"])
    assert match.iris["p_KHA_1"] == BASE + "person/kissinger"
    assert match.iris["p_DAF_1"] == BASE + "person/dobrynin", "Anatoliy/Anatoly is a transliteration variant"
    assert match.iris["p_KAB_1"] == BASE + "person/kovalenko-anna"
    ambiguous = dict(match.ambiguous)
    assert set(ambiguous["p_SM_1"]) == {BASE + "person/smith-gerard", BASE + "person/smith-k-wayne"}
    assert match.iris["p_SM_1"] not in ambiguous["p_SM_1"], "an ambiguous person is not guessed"


@pytest.fixture(scope="module")
def built_volume(tmp_path_factory):
    from graph.config import Settings
    settings = Settings(data_dir=DATA, build_dir=tmp_path_factory.mktemp("tei") / "build")
    report = build(settings, [VOLUME], progress=False)
    return settings, report


def test_build_imports_a_volume_and_conforms(built_volume):
    settings, report = built_volume
    assert report.errors == [] and report.conforms is True
    shipped = len(list((DATA / "corpus").glob("*.txt")))
    assert report.documents == shipped + 5  # the shipped documents plus five TEI documents
    assert report.volumes[0]["volume"] == "frus1969-76v99" and report.volumes[0]["persons_ambiguous"] == 1
    assert any("swapped" in w for w in report.warnings)
    assert any("p_SM_1" in w and "not merged" in w for w in report.warnings)


def ask(settings, query: str) -> list[dict]:
    return KnowledgeGraph.open(settings.store_path).select(
        "PREFIX salt: <https://w3id.org/salt-kg/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/> "
        "PREFIX schema: <https://schema.org/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> " + query)


def test_documents_carry_dateline_dates_and_neighbour_intervals(built_volume):
    settings, _ = built_volume
    rows = {r["d"]: r for r in ask(settings, "SELECT ?d ?date ?from ?to ?basis WHERE { ?d salt:dateBasis ?basis ; "
                                             "salt:dateNotBefore ?from ; salt:dateNotAfter ?to OPTIONAL { ?d dcterms:date ?date } }")}
    assert rows[V99 + "d3"]["date"] == "1972-11-08" and "TEI @when" in rows[V99 + "d3"]["basis"]
    assert rows[V99 + "d2"]["date"] == "1972-11-02" and "swapped" in rows[V99 + "d2"]["basis"]
    undated = rows[V99 + "d1"]
    assert undated["date"] is None and (undated["from"], undated["to"]) == ("1972-01-01", "1972-11-02")
    assert "place in the volume" in undated["basis"]
    between = rows[V99 + "d4"]
    assert (between["from"], between["to"]) == ("1972-11-08", "1972-12-20")
    assert "document 3 (1972-11-08)" in between["basis"] and "document 5 (1972-12-20)" in between["basis"]


def test_people_terms_and_references_in_the_graph(built_volume):
    settings, _ = built_volume
    senders = ask(settings, f"SELECT ?s ?r WHERE {{ <{V99}d3> schema:sender ?s ; schema:recipient ?r }}")
    assert senders == [{"s": BASE + "person/kissinger", "r": BASE + "person/quill-john"}]
    kissinger = ask(settings, f"SELECT ?id WHERE {{ <{BASE}person/kissinger> dcterms:identifier ?id }}")
    assert {"id": "frus1969-76v99#p_KHA_1"} in kissinger
    glossary = ask(settings, "SELECT ?t ?def WHERE { ?t skos:prefLabel \"FBS\" ; skos:definition ?def }")
    assert glossary[0]["def"] == "forward-based systems"
    refs = {r["target"] for r in ask(settings, f"SELECT ?target WHERE {{ <{V99}d3> dcterms:references ?target }}")}
    assert {V99 + "d2", BASE + "document/frus1969-76v32-d317", BASE + "volume/frus1969-76v15"} <= refs
    page = ask(settings, f"SELECT ?u WHERE {{ <{V99}d5> schema:url ?u }}")
    assert page == [{"u": "https://history.state.gov/historicaldocuments/frus1969-76v99/d5"}]
    forward = ask(settings, f"SELECT ?i WHERE {{ <{V99}d2> dcterms:subject ?i }}")
    assert {"i": BASE + "issue/forward-based-systems"} in forward, "the terms list expands FBS for issue matching"


def test_a_broken_volume_keeps_what_was_read(tmp_path):
    from graph.config import Settings
    broken = tmp_path / "frus1969-76v99-broken.xml"
    broken.write_text(VOLUME.read_text(encoding="utf-8").replace("<p>The United States agrees",
                                                                  "<p>The United States <hi>agrees"), encoding="utf-8")
    settings = Settings(data_dir=DATA, build_dir=tmp_path / "build")
    report = build(settings, [broken], progress=False)
    assert len(report.errors) == 1 and "frus1969-76v99-broken.xml" in report.errors[0]
    assert report.documents == len(list((DATA / "corpus").glob("*.txt"))) + 3


# -- evaluation ---------------------------------------------------------------------------------------

def test_evaluation_scores_the_extractor_against_the_markup(registry):
    result = evaluate([VOLUME], registry)
    mentions = result.total("mentions")
    assert mentions.tp + mentions.fn == sum(len(d.persons) for d in read()["documents"])
    assert mentions.recall >= 0.9
    assert result.date_accuracy == 1.0 and len(result.dated) == 3
    assert result.total("references").recall == 1.0
    printed = table(result)
    assert "person mentions" in printed and "document dates" in printed


@pytest.mark.skipif(not (SHARED / "tei").exists(), reason="../shared/tei is not present")
def test_targets_on_the_real_volume_sample():
    registry = Registry.load()
    result = evaluate(sorted((SHARED / "tei").glob("*.xml")), registry)
    assert result.total("mentions").f1 >= 0.90
    assert result.date_accuracy >= 0.95
