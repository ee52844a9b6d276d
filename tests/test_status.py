"""Issue status over time, on corpora where the right answer is known by construction."""

import json
import shutil

import pytest

from graph.model.build import build
from graph.cli import main
from graph.config import Settings
from graph.read.dates import DateError
from graph.ask.status import UnknownIssue, resolve_issue, status_on, timeline, unresolved_on
from graph.model.store import KnowledgeGraph

from .conftest import DATA

BASE = "https://w3id.org/salt-kg/"

DOC_A = """501. Telegram From the Delegation to the Strategic Arms Limitation Talks to the Department of State1

Vienna, March 10, 1971.

77. Semenov rejected our proposal to ban mobile ICBMs.

  1. Source: Test fixture. Secret.
"""
DOC_B = """502. Memorandum From the President’s Assistant for National Security Affairs (Kissinger) to President Nixon1

Washington, April 1, 1971.

The Soviets refused to discuss a definition of heavy missiles.

  1. Source: Test fixture. Secret.
"""
DOC_C = """503. Backchannel Message From the Chief of the Delegation to the Strategic Arms Limitation Talks (Smith) to the President’s Assistant for National Security Affairs (Kissinger)1

Helsinki, June 1, 1971.

12. I propose that we offer Titan conversion as a bargaining chip.

  1. Source: Test fixture. Secret.
"""
EVENTS = """@prefix salt: <https://w3id.org/salt-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix sem: <http://semanticweb.cs.vu.nl/2009/11/sem/> .
<event/test/mobile-closed> a salt:NegotiationEvent, salt:UnilateralStatement ;
    rdfs:label "Unilateral statement on mobile ICBMs (test)" ;
    sem:hasTimeStamp "1971-05-01"^^xsd:date ;
    sem:hasEarliestBeginTimeStamp "1971-05-01"^^xsd:date ; sem:hasLatestEndTimeStamp "1971-05-01"^^xsd:date ;
    salt:dateBasis "test fixture" ; sem:hasActor <org/united-states> ; salt:side <org/united-states> ;
    salt:concernsIssue <issue/mobile-icbms> ; salt:closesIssue <issue/mobile-icbms> ;
    salt:resolution salt:ClosedWithoutAgreement ; dcterms:source <https://example.org/test> .
<event/test/titan-agreed> a salt:NegotiationEvent, salt:Agreement ;
    rdfs:label "Agreement on Titan conversion some time in July 1971 (test)" ;
    sem:hasEarliestBeginTimeStamp "1971-07-01"^^xsd:date ; sem:hasLatestEndTimeStamp "1971-07-31"^^xsd:date ;
    salt:dateBasis "test fixture: only the month is known" ;
    sem:hasActor <org/united-states>, <org/soviet-union> ;
    salt:concernsIssue <issue/titan-conversion> ; salt:closesIssue <issue/titan-conversion> ;
    salt:resolution salt:Agreed ; dcterms:source <https://example.org/test> .
"""


@pytest.fixture(scope="module")
def constructed(tmp_path_factory):
    root = tmp_path_factory.mktemp("status")
    data = root / "data"
    shutil.copytree(DATA / "curated", data / "curated")
    (data / "curated" / "events.ttl").write_text(EVENTS, encoding="utf-8")
    (data / "curated" / "chronology.ttl").unlink()  # only the events constructed here, so the answers are known
    corpus = data / "corpus"
    corpus.mkdir()
    for name, text in (("test-d501.txt", DOC_A), ("test-d502.txt", DOC_B), ("test-d503.txt", DOC_C)):
        (corpus / name).write_text(text, encoding="utf-8")
    settings = Settings(data_dir=data, build_dir=root / "build")
    report = build(settings, progress=False)
    assert report.conforms and report.documents == 3
    return KnowledgeGraph.open(settings.store_path)


def open_ids(kg, day):
    return {i.issue[len(BASE):] for i in unresolved_on(kg, day).issues}


def test_before_an_issue_is_raised(constructed):
    answer = unresolved_on(constructed, "1971-03-09")
    assert answer.issues == [] and "earliest evidence" in answer.note and "1971-03-10" in answer.note


def test_open_from_the_day_it_is_raised(constructed):
    assert "issue/mobile-icbms" in open_ids(constructed, "1971-03-10")
    assert "issue/mobile-icbms" in open_ids(constructed, "1971-04-30")


def test_closed_on_the_day_it_closes_and_after(constructed):
    for day in ("1971-05-01", "1971-05-02"):
        assert "issue/mobile-icbms" not in open_ids(constructed, day)
        statuses = {r["issue"][len(BASE):]: r["status"] for r in status_on(constructed, day)}
        assert statuses["issue/mobile-icbms"] == "ClosedWithoutAgreement"
    answer = unresolved_on(constructed, "1971-05-01")
    assert [c.issue[len(BASE):] for c in answer.contested] == ["issue/mobile-icbms"]


def test_interval_dated_closing_is_stated(constructed):
    answer = unresolved_on(constructed, "1971-07-15")
    titan = next(i for i in answer.issues if i.issue.endswith("titan-conversion"))
    assert titan.note == "open on 1971-07-15 unless resolved between 1971-07-01 and 1971-07-31"
    assert "issue/titan-conversion" in open_ids(constructed, "1971-06-30")
    assert "issue/titan-conversion" not in open_ids(constructed, "1971-07-31")
    statuses = {r["issue"][len(BASE):]: r["status"] for r in status_on(constructed, "1971-08-01")}
    assert statuses["issue/titan-conversion"] == "Agreed"


def test_broader_issue_open_while_a_narrower_one_is(constructed):
    opened = open_ids(constructed, "1971-06-01")
    assert "issue/mobile-icbms" not in opened            # narrower, closed on May 1
    assert "issue/heavy-missile-definition" in opened    # narrower, still open
    assert "issue/icbm-limits" in opened                 # broader of both
    assert "issue/offensive-limits" in opened            # and above it


def test_positions_and_passages(constructed):
    answer = unresolved_on(constructed, "1971-04-15")
    heavy = next(i for i in answer.issues if i.issue.endswith("heavy-missile-definition"))
    [position] = heavy.positions
    assert position.side == BASE + "org/soviet-union" and position.type == "Rejection"
    assert position.quote == "The Soviets refused to discuss a definition of heavy missiles."
    assert position.date == "1971-04-01"


def test_invalid_date_is_a_clear_error(constructed):
    for bad in ("1972-02-30", "May 20", ""):
        with pytest.raises(DateError, match="invalid date"):
            unresolved_on(constructed, bad)


def test_timeline_orders_events_and_includes_narrower(constructed):
    entries = timeline(constructed, BASE + "issue/icbm-limits")
    assert [e["earliest"] for e in entries] == sorted(e["earliest"] for e in entries)
    kinds = [(e["earliest"], e["type"]) for e in entries]
    assert ("1971-03-10", "Rejection") in kinds and ("1971-05-01", "UnilateralStatement") in kinds
    closing = next(e for e in entries if e["type"] == "UnilateralStatement")
    assert closing["resolution"] == "ClosedWithoutAgreement"
    with pytest.raises(UnknownIssue, match="no issue"):
        resolve_issue(constructed, "no-such-issue", BASE)
    assert resolve_issue(constructed, "mobile-icbms", BASE) == BASE + "issue/mobile-icbms"


# -- on the shipped data -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def shipped(built_seed):
    return KnowledgeGraph.open(built_seed.store_path)


def test_shipped_data_on_20_may_1972(shipped):
    assert "issue/mobile-icbms" in open_ids(shipped, "1972-05-19")
    opened = open_ids(shipped, "1972-05-20")
    assert {"issue/slbm-base-figure-48", "issue/heavy-missile-definition", "issue/abm-icbm-field-defense"} <= opened
    # the U.S. land-mobile ICBM statement was made in Helsinki that day: closed without agreement
    assert "issue/mobile-icbms" not in opened
    answer = unresolved_on(shipped, "1972-05-20")
    heavy = next(i for i in answer.issues if i.issue.endswith("heavy-missile-definition"))
    soviet = next(p for p in heavy.positions if p.side.endswith("soviet-union"))
    assert soviet.date == "1972-05-20" and soviet.quote.startswith("On May 20 the Soviets said")


def test_a_stance_is_shown_under_its_own_issue_and_marked_via_narrower_under_broader_ones(shipped):
    answer = unresolved_on(shipped, "1972-05-20")
    by_issue = {i.issue[len(BASE):]: i for i in answer.issues}
    own = next(p for p in by_issue["issue/abm-icbm-field-defense"].positions if p.quote and "latter item" in p.quote)
    assert own.via == []
    broader = [p for p in by_issue["issue/abm-limits"].positions if p.quote and "latter item" in p.quote]
    assert broader and broader[0].via == [BASE + "issue/abm-icbm-field-defense"]
    assert broader[0].to_json()["via"] == [BASE + "issue/abm-icbm-field-defense"]


def test_shipped_data_on_27_may_1972(shipped):
    answer = unresolved_on(shipped, "1972-05-27")
    # the SLBM counting was settled only by the interpretive paper of 24 July 1972; forward-based
    # systems have no closing in the record
    assert {i.issue[len(BASE):] for i in answer.issues} == {
        "issue/slbm-base-figure-48", "issue/h-class-replacement", "issue/forward-based-systems"}
    closed = {c.issue[len(BASE):]: c.status for c in answer.closed}
    assert closed["issue/abm-icbm-field-defense"] == "Agreed"
    assert closed["issue/slbm-limits"] == "Agreed"
    later = {c.issue[len(BASE):]: c for c in unresolved_on(shipped, "1972-07-24").closed}
    assert later["issue/slbm-base-figure-48"].status == "Agreed"
    assert later["issue/slbm-base-figure-48"].closed_on == "1972-07-24"
    assert closed["issue/heavy-missile-definition"] == "ClosedWithoutAgreement"
    assert closed["issue/mobile-icbms"] == "ClosedWithoutAgreement"
    assert {"issue/heavy-missile-definition", "issue/mobile-icbms"} <= {c.issue[len(BASE):] for c in answer.contested}


def test_on_the_day_of_signing(shipped):
    assert "issue/heavy-missile-definition" in open_ids(shipped, "1972-05-25")
    assert "issue/heavy-missile-definition" not in open_ids(shipped, "1972-05-26")


def test_cli_unresolved_and_timeline(built_seed, monkeypatch, capsys):
    monkeypatch.setenv("SALTKG_BUILD", str(built_seed.build_dir))
    assert main(["unresolved", "--on", "1972-05-19", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "https://w3id.org/salt-kg/issue/mobile-icbms" in {i["issue"] for i in data["issues"]}
    assert data["negotiation"]["label"] == "SALT I" and set(data["sources"]) >= {"curated_chronology", "extracted_documents"}
    assert main(["unresolved", "--on", "1972-05-27"]) == 0
    out = capsys.readouterr().out
    assert "Definition of heavy missiles  [issue/heavy-missile-definition]: closed WITHOUT agreement" in out
    assert main(["unresolved", "--on", "1972-5-27"]) == 1
    assert "invalid date" in capsys.readouterr().err
    assert main(["timeline", "heavy-missile-definition"]) == 0
    out = capsys.readouterr().out
    assert "in SALT I" in out and "ClosedWithoutAgreement" in out
    assert "1972-05-20  [curated] Rejection" in out and "] Rejection" in out
    assert main(["timeline", "nonsense"]) == 1


def test_named_query_file_gives_the_cli_answer(shipped):
    """A SPARQL client with the shipped .rq file (parameter bound by replacement) gets the same issues."""
    from graph.ask.queries import QUERY_DIR
    text = (QUERY_DIR / "unresolved-on-date.rq").read_text()
    sparql = text.replace("$date", '"1972-05-20"^^<http://www.w3.org/2001/XMLSchema#date>')
    rows = shipped.select(sparql)
    assert {r["issue"] for r in rows} == {i.issue for i in unresolved_on(shipped, "1972-05-20").issues}
