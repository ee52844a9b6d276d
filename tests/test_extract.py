"""The extractor on the seed document and on FRUS-style documents of other kinds."""

import json

import pytest

from graph.extract import extract, to_json
from graph.read.reader import read_document

from .conftest import FIXTURES, SEED


@pytest.fixture(scope="module")
def seed(registry):
    return to_json(extract(read_document(SEED), registry), registry)


def ids(items):
    return {item["id"] for item in items}


def events_of(data, kind):
    return [e for e in data["events"] if e["type"] == kind]


def test_document_metadata(seed):
    doc = seed["document"]
    assert doc["id"] == "frus1969-76v14-d247" and doc["number"] == 247
    assert doc["type"] == "BackchannelMessage"
    assert doc["message_id"] == "WH 21372"
    assert doc["sender"] == "person/kissinger"
    assert doc["recipients"] == ["person/smith-gerard"]
    assert doc["recipient_location"] == "place/helsinki"


def test_date_is_inferred_from_cited_messages_and_deadline(seed):
    doc = seed["document"]
    assert doc["date"] == "1972-05-19"
    assert doc["date_not_before"] == "1972-05-19" and doc["date_not_after"] == "1972-05-24"
    assert doc["date_basis"].startswith("inferred")
    assert "footnote 2" in doc["date_basis"] and "Wednesday, May 24th" in doc["date_basis"]
    assert {e["text"] for e in doc["date_evidence"]} == {"May 19", "Wednesday, May 24th"}


def test_people_organisations_places(seed):
    assert {"person/kissinger", "person/smith-gerard", "person/nixon"} <= ids(seed["persons"])
    persons = {p["id"]: p for p in seed["persons"]}
    assert "http://www.wikidata.org/entity/Q66107" in persons["person/kissinger"]["same_as"]
    assert "http://www.wikidata.org/entity/Q9588" in persons["person/nixon"]["same_as"]
    assert any("wikidata.org" in link for link in persons["person/smith-gerard"]["see_also"])
    assert any(m["text"] == "the President" for m in persons["person/nixon"]["mentions"])
    assert {"org/us-salt-delegation", "org/soviet-salt-delegation", "org/special-channel"} <= ids(seed["organizations"])
    assert {"place/helsinki", "place/moscow"} <= ids(seed["places"])


def test_issues(seed):
    found = ids(seed["issues"])
    assert {"issue/slbm-base-figure-48", "issue/mobile-icbms", "issue/heavy-missile-definition",
            "issue/abm-icbm-field-defense", "issue/titan-conversion", "issue/h-class-replacement",
            "issue/significantly-larger", "issue/ss11-volume-benchmark",
            "issue/silo-launcher-dimensions"} <= found
    texts = {m["text"] for i in seed["issues"] for m in i["mentions"]}
    assert {"“light” and “heavy”", "70 cubic meters", "SS–11", "Free ride", "H’s"} <= texts


def test_anaphora_links_the_latter_item(seed):
    issue = next(i for i in seed["issues"] if i["id"] == "issue/abm-icbm-field-defense")
    assert any(m["text"] == "the latter item" and m.get("via") == "anaphora" for m in issue["mentions"])


def test_events(seed):
    [demarche] = events_of(seed, "Demarche")
    assert demarche["side"] == "USSR"  # received by "we": the sender's stance, not the receiver's
    [deadline] = events_of(seed, "Deadline")
    assert deadline["date"] == "1972-05-24"
    raised = next(e for e in events_of(seed, "IssueRaised") if "Soviets listed" in e["evidence"]["text"])
    assert "org/soviet-salt-delegation" in raised["actors"] and raised["side"] == "USSR"
    assert {"issue/slbm-base-figure-48", "issue/mobile-icbms", "issue/heavy-missile-definition",
            "issue/abm-icbm-field-defense"} <= set(raised["issues"])
    refusal = next(e for e in events_of(seed, "Rejection") if "latter item" in e["evidence"]["text"])
    assert refusal["issues"] == ["issue/abm-icbm-field-defense"] and "person/kissinger" in refusal["actors"]
    assert refusal["side"] == "US"
    proposal = next(e for e in events_of(seed, "Proposal") if "could we say" in e["evidence"]["text"])
    assert "issue/heavy-missile-definition" in proposal["issues"] and proposal["actors"] == ["person/kissinger"]
    assert proposal["side"] == "US"
    may20 = next(e for e in events_of(seed, "Rejection") if e["date"] == "1972-05-20")
    assert "org/soviet-salt-delegation" in may20["actors"] and may20["side"] == "USSR"
    reported = next(e for e in events_of(seed, "Rejection") if "Soviet refusal" in e["evidence"]["text"])
    assert reported["side"] == "USSR"  # reported by Smith, refused by the Soviets
    assert all(e["side"] in ("US", "USSR", None) for e in seed["events"])
    assert "issue/heavy-missile-definition" in may20["issues"]


def test_cross_referenced_messages(seed):
    refs = {r["target"]: r for r in seed["cross_references"]}
    assert refs["message/smith-gerard-408"]["date"] == "1972-05-19"
    assert refs["message/wh-21375"]["date"] == "1972-05-19"
    assert refs["message/wh-21375"]["sender"] == "person/kissinger"
    sent = {e["message"]: e for e in events_of(seed, "MessageSent")}
    assert sent["message/smith-gerard-408"]["date"] == "1972-05-19"
    assert sent["message/wh-21375"]["actors"] == ["person/kissinger", "person/smith-gerard"]
    assert sent["message/wh-21372"]["actors"] == ["person/kissinger", "person/smith-gerard"]


def test_every_span_quotes_the_text_exactly(seed):
    text = SEED.read_text(encoding="utf-8")
    spans = [m for key in ("persons", "organizations", "places", "issues") for e in seed[key] for m in e["mentions"]]
    spans += [e["evidence"] for e in seed["events"]] + seed["dates"] + seed["cross_references"]
    spans += seed["document"]["date_evidence"]
    assert len(spans) >= 60
    for item in spans:
        assert text[item["start"]:item["end"]] == item["text"]


def test_json_contract_round_trips(seed):
    assert json.loads(json.dumps(seed)) == seed
    assert set(seed) >= {"document", "persons", "organizations", "places", "issues", "dates",
                         "cross_references", "events"}


# -- the same extractor on documents of other kinds ------------------------------------------------

def fixture(name, registry):
    return to_json(extract(read_document(FIXTURES / "corpus" / name), registry), registry)


def test_telegram_with_dateline(registry):
    data = fixture("frus1969-76v32-d901.txt", registry)
    doc = data["document"]
    assert doc["type"] == "Telegram" and doc["message_id"] == "1234"
    assert doc["date"] == "1971-08-05" and doc["date_basis"].startswith("stated in the dateline")
    assert doc["sender"] == "org/us-salt-delegation" and doc["recipients"] == ["org/state-department"]
    assert {"issue/abm-nca-defense", "issue/abm-icbm-field-defense", "issue/mobile-abm-ban"} <= ids(data["issues"])
    assert any(e["type"] == "Rejection" and "person/smith-gerard" in e["actors"] for e in data["events"]) or \
        any(e["type"] == "Rejection" and "org/us-salt-delegation" in e["actors"] for e in data["events"])
    sent = events_of(data, "MessageSent")
    assert any(e["date"] == "1971-08-03" for e in sent)
    assert any(r["target"] == "document/frus1969-76v32-d905" for r in data["cross_references"])


def test_memorandum_of_conversation(registry):
    data = fixture("frus1969-76v32-d902.txt", registry)
    doc = data["document"]
    assert doc["type"] == "MemorandumOfConversation"
    assert doc["participants"] == ["person/dobrynin", "person/kissinger"]
    assert doc["date"] == "1972-04-26"
    proposal = events_of(data, "Proposal")[0]
    assert proposal["actors"][0] == "person/dobrynin"
    assert "issue/h-class-replacement" in proposal["issues"]


def test_undated_backchannel_gets_an_inferred_interval(registry):
    data = fixture("frus1969-76v32-d903.txt", registry)
    doc = data["document"]
    assert doc["message_id"] == "312" and doc["sender"] == "person/smith-gerard"
    assert doc["date_not_before"] == "1972-03-02" and doc["date_not_after"] == "1972-03-10"
    assert "undated" in doc["date_basis"] and "Friday, March 10" in doc["date_basis"]
    assert events_of(data, "Deadline")[0]["date"] == "1972-03-10"
    rejected = events_of(data, "Rejection")[0]
    assert rejected["issues"] == ["issue/silo-launcher-dimensions"]


def test_month_precision_event_is_an_interval(registry, tmp_path):
    path = tmp_path / "frus1969-76v32-d950.txt"
    path.write_text("950. Memorandum From Smith to Kissinger1\n\nWashington, June 2, 1972.\n\n"
                    "In April 1972 the Soviets rejected any limit on mobile ICBMs.\n\n  1. Source: Test. Secret.\n",
                    encoding="utf-8")
    data = to_json(extract(read_document(path), registry), registry)
    [rejection] = events_of(data, "Rejection")
    assert (rejection["earliest"], rejection["latest"], rejection["date"]) == ("1972-04-01", "1972-04-30", None)
    assert "to the month" in rejection["date_basis"]
