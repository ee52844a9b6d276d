"""Whose stance is it: FRUS conventions of reported speech, first person, several stances in one
sentence, pronouns and received messages, each on a constructed document."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.extract import extract
from graph.extract.stances import STANCE_TYPES
from graph.read.reader import read_text


def stances(registry, body: str, title: str = "Telegram From the Embassy in Moscow to the Department of "
                                               "State", footnotes: str = "") -> list:
    """The stance events of a constructed FRUS document (heading, dateline, body, footnotes)."""
    text = f"901. {title}1\n\nMoscow, May 10, 1972, 1500Z.\n\n{body}\n\n  1. Source: National Archives, " \
           f"RG 59, Central Files. Secret.{footnotes}\n"
    doc = read_text(Path("constructed.txt"), text, {"volume": "frus1969-76v32"})
    return [e for e in extract(doc, registry).events if e.type in STANCE_TYPES]


def stance_with(events: list, words: str):
    return next(e for e in events if words in e.evidence.text)


def test_reported_refusal_is_the_refusers(registry):
    events = stances(registry, "Smith reported on the continuing Soviet refusal to define heavy missiles.")
    assert stance_with(events, "Soviet refusal").side == "USSR"


def test_the_soviets_said_they_could_not_agree(registry):
    events = stances(registry, "Yesterday the Soviets said they could not agree to a definition of heavy missiles.")
    event = stance_with(events, "could not agree")
    assert event.type == "Rejection" and event.side == "USSR"


def test_first_person_is_the_senders_side(registry):
    title = "Backchannel Message From the President’s Assistant for National Security Affairs (Kissinger) " \
            "to the Head of the Delegation (Smith)"
    events = stances(registry, "I told him that we could agree to a freeze on mobile ICBMs.", title=title)
    event = stance_with(events, "could agree")
    assert event.side == "US" and "kissinger" in event.actors[0]


def test_two_stances_in_one_sentence_each_with_its_side(registry):
    body = ("The Soviets listed such remaining items as the base figure of 48 submarines; we cannot, of course, "
            "yield on mobile ICBMs.")
    events = stances(registry, body)
    listed, refused = stance_with(events, "Soviets listed"), stance_with(events, "cannot")
    assert listed is not refused
    assert listed.side == "USSR" and refused.side == "US" and refused.type == "Rejection"
    assert listed.evidence.end <= refused.evidence.start


def test_reported_we_stays_with_the_named_speaker(registry):
    events = stances(registry, "Dobrynin said that we had to come to some general understanding on submarines.")
    assert stance_with(events, "Dobrynin said").side == "USSR"


def test_he_is_the_last_person_named_and_they_the_other_party(registry):
    body = ("I raised the question of SLBMs with Semenov. He insisted that the H-class submarines be excluded. "
            "I detected no give on their position.")
    events = stances(registry, body)
    assert stance_with(events, "He insisted").side == "USSR"
    assert stance_with(events, "no give").side == "USSR"


def test_a_received_demarche_is_the_senders(registry):
    events = stances(registry, "We have just received a strong démarche through the channel alleging that our "
                               "delegation is moving too slowly.")
    event = stance_with(events, "démarche")
    assert event.type == "Demarche" and event.side == "USSR"


def test_a_side_after_a_preposition_is_not_the_speaker(registry):
    title = "Backchannel Message From Kissinger to Smith"
    events = stances(registry, "Re H-class submarines: a free ride for Soviets would indeed be a problem.",
                     title=title)
    assert stance_with(events, "free ride").side == "US"


def test_logistics_and_archival_footnotes_are_not_stances(registry):
    events = stances(registry, "We will meet for lunch at 1:00 p.m. tomorrow.",
                     footnotes="\n  2. Printed from a copy that indicates the original was sent.")
    assert events == []


@pytest.mark.parametrize("body, side", [
    ("The U.S. delegation insisted that the silo provision was no substitute for a definition of heavy missiles.",
     "US"),
    ("Semenov stressed that the Soviet proposal on ABM defense of the ICBM field remains valid.", "USSR"),
    ("It should be made clear that the United States cannot accept a separate ABM agreement.", "US"),
])
def test_named_speakers(registry, body, side):
    events = stances(registry, body)
    assert events and events[0].side == side


# -- people beyond the registry --------------------------------------------------------------------

def test_participant_lists_and_titled_names_become_new_people(registry):
    from graph.read.reader import read_text
    text = ("903. Minutes of a Verification Panel Meeting1\n\n  • Chairman—Henry A. Kissinger\n  • State\n"
            "    • Ronald I. Spiers\n  • NSC Staff\n    • Col. Jack N. Merritt, NSC Staff\n\n"
            "The Panel discussed the Soviet proposal on SLBMs and what Ambassador Vorontsov had told the "
            "delegation about it in some detail.\n\n  1. Source: National Archives. Secret.\n")
    result = extract(read_text(Path("minutes.txt"), text, {"volume": "frus1969-76v32"}), registry)
    labels = {n.label for n in result.new_entities}
    assert {"Ronald I. Spiers", "Jack N. Merritt", "Vorontsov"} <= labels
    assert not labels & {"State", "NSC Staff", "Chairman"}
    participants = {registry.relative(p) for p in result.document.participants}
    assert {"person/kissinger", "person/spiers-ronald", "person/merritt-jack"} <= participants
    for person in result.new_entities:
        assert text[person.evidence.start:person.evidence.end] == person.evidence.text


def test_the_built_graph_gives_each_extracted_stance_one_side_or_says_it_is_unknown(built_seed):
    from graph.model.store import KnowledgeGraph
    kg = KnowledgeGraph.open(built_seed.store_path)
    rows = kg.select("""
        PREFIX salt: <https://w3id.org/salt-kg/ontology#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?e (COUNT(DISTINCT ?side) AS ?sides) (SAMPLE(?stated) AS ?known) WHERE {
          ?e a salt:NegotiationEvent ; prov:wasDerivedFrom ?p ; a ?type .
          FILTER (?type IN (salt:Proposal, salt:Agreement, salt:Rejection, salt:PositionStatement,
                            salt:IssueRaised, salt:Demarche, salt:UnilateralStatement))
          OPTIONAL { ?e salt:side ?side } OPTIONAL { ?e salt:sideStated ?stated }
        } GROUP BY ?e""")
    assert rows
    for row in rows:
        assert int(row["sides"]) == 1 or (int(row["sides"]) == 0 and row["known"] in (False, "false"))


def test_dialogue_paragraphs_speak_for_their_speaker(registry):
    title = "Memorandum of Conversation"
    body = ("Brezhnev: We cannot accept a freeze that leaves out your submarines.\n\n"
            "Kissinger: We could agree to count the H-class submarines.")
    events = stances(registry, body, title=title)
    assert stance_with(events, "cannot accept").side == "USSR"
    assert stance_with(events, "could agree").side == "US"


def test_a_note_from_the_other_side_speaks_in_its_first_person(registry):
    events = stances(registry, "We believe that the submarine bases in third countries must be liquidated.",
                     title="Note From the Soviet Union to the United States")
    assert stance_with(events, "We believe").side == "USSR"


def test_the_agent_of_a_passive_holds_the_stance(registry):
    events = stances(registry, "The U.S. proposal on mobile ICBMs was rejected by the Soviets yesterday.")
    assert stance_with(events, "rejected").side == "USSR"
