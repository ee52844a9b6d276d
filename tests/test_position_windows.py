"""The position windows behind unresolved-on-date: the shipped query must give exactly the answer of
the direct form of the question (every position up to the day scanned) on every day."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.ask import queries
from graph.model.derived import days_between, position_windows, refresh
from graph.namespaces import DCTERMS, OA, PROV, RDF, SALT, SEM, SKOS, XSD

DIRECT = (Path(__file__).parent / "fixtures" / "queries" / "unresolved-on-date-direct.rq").read_text(encoding="utf-8")
BASE = "https://w3id.org/salt-kg/"
KINDS = ["PositionStatement", "Proposal", "Rejection", "IssueRaised", "Agreement", "UnilateralStatement",
         "Demarche", "Meeting", "MessageSent"]
SIDES = [BASE + "org/united-states", BASE + "org/soviet-union"]
START = date(1971, 1, 25)


node = queries.iri


def day_literal(day: date) -> ox.Literal:
    return queries.xsd_date(day.isoformat())


def random_negotiation(seed: int, events: int = 160) -> ox.Store:
    """Issues with narrower ones, events of every kind by both sides over ~100 days (many on the same
    day), some with passages and some with citations, and closings, some only dated within bounds."""
    rng = random.Random(seed)
    store = ox.Store()
    graph = node(BASE + "graph/test")
    issues = [f"{BASE}issue/i{n}" for n in range(8)]
    broader = {issues[n]: issues[n // 3] for n in range(3, 8)}  # two levels of narrower issues
    add = lambda s, p, o: store.add(ox.Quad(s, node(p), o, graph))  # noqa: E731
    for issue in issues:
        add(node(issue), RDF + "type", node(SALT + "Issue"))
        add(node(issue), SKOS + "prefLabel", ox.Literal(issue.rsplit("/", 1)[-1]))
        if issue in broader:
            add(node(issue), SKOS + "broader", node(broader[issue]))
    for n in range(events):
        event = node(f"{BASE}event/e{n}")
        issue = rng.choice(issues)
        day = START + timedelta(days=int(rng.triangular(0, 100, 20)))
        add(event, RDF + "type", node(SALT + "NegotiationEvent"))
        add(event, RDF + "type", node(SALT + rng.choice(KINDS)))
        add(event, SEM + "hasEarliestBeginTimeStamp", day_literal(day))
        add(event, SEM + "hasLatestEndTimeStamp", day_literal(day + timedelta(days=rng.choice([0, 0, 0, 3]))))
        add(event, SALT + "concernsIssue", node(issue))
        for side in rng.sample(SIDES, rng.choice([1, 1, 1, 2])):
            add(event, SALT + "side", node(side))
        here = issue
        while here:
            add(event, SALT + "bearsOn", node(here))
            here = broader.get(here)
        if rng.random() < 0.8:
            passage = node(f"{BASE}passage/d{n}/0-9")
            add(event, PROV + "wasDerivedFrom", passage)
            add(passage, OA + "exact", ox.Literal(f"quote {n}"))
            add(passage, SALT + "inDocument", node(f"{BASE}document/d{n}"))
            add(passage, OA + "start", ox.Literal("0", datatype=node(XSD + "integer")))
            add(passage, OA + "end", ox.Literal("9", datatype=node(XSD + "integer")))
        else:
            add(event, DCTERMS + "bibliographicCitation", ox.Literal(f"citation {n}"))
    for n, issue in enumerate(rng.sample(issues, 4)):
        closing = node(f"{BASE}event/closing{n}")
        begins = START + timedelta(days=rng.randint(30, 110))
        add(closing, RDF + "type", node(SALT + "Agreement"))
        add(closing, SALT + "closesIssue", node(issue))
        add(closing, SALT + "resolution", node(SALT + "Agreed"))
        add(closing, SEM + "hasEarliestBeginTimeStamp", day_literal(begins))
        add(closing, SEM + "hasLatestEndTimeStamp", day_literal(begins + timedelta(days=rng.choice([0, 5]))))
    return store


def answers(store: ox.Store, text: str, day: str) -> list[tuple]:
    bound = queries.bind(text, {"date": queries.xsd_date(day)})
    return sorted(tuple(str(value) for value in row) for row in store.query(bound, use_default_graph_as_union=True))


@pytest.mark.parametrize("seed,floor", [(1, 64), (2, 3), (3, 1)])
def test_shipped_query_equals_the_direct_form_on_every_day(registry, seed, floor):
    store = random_negotiation(seed)
    refresh(store, registry, window_floor=floor)
    shipped = queries.load("unresolved-on-date")
    windows = len(list(store.quads_for_pattern(None, node(RDF + "type"), node(SALT + "PositionWindow"))))
    assert windows > (1 if floor == 64 else 10)
    checked = with_positions = 0
    for day in days_between((START - timedelta(days=2)).isoformat(), (START + timedelta(days=125)).isoformat()):
        expected = answers(store, DIRECT, day)
        assert answers(store, shipped, day) == expected, day
        checked += 1
        with_positions += any(row[8] != "None" for row in expected)
    assert checked == 128 and with_positions > 60


def test_windows_cover_every_day_once_and_the_last_every_later_day(registry):
    store = random_negotiation(4)
    refresh(store, registry, window_floor=2)
    rows = list(store.query(f"SELECT ?w ?day WHERE {{ ?w <{SALT}coversDay> ?day }}", use_default_graph_as_union=True))
    days = [row["day"].value for row in rows]
    assert len(days) == len(set(days))
    assert sorted(days) == list(days_between(min(days), max(days)))
    after = list(store.query(f"SELECT ?w ?day WHERE {{ ?w <{SALT}coversDaysAfter> ?day }}",
                             use_default_graph_as_union=True))
    assert len(after) == 1 and after[0]["day"].value == max(days)


def test_a_window_holds_the_latest_before_it_and_those_within_it():
    event = {name: node(BASE + "event/" + name) for name in "abcdef"}
    issue, side = BASE + "issue/x", SIDES[0]
    positions = [("1971-01-01", (issue, side), event["a"]), ("1971-01-02", (issue, side), event["b"]),
                 ("1971-01-02", (issue, side), event["c"]), ("1971-01-05", (issue, side), event["d"]),
                 ("1971-01-06", (BASE + "issue/y", side), event["e"]), ("1971-01-09", (issue, side), event["f"])]
    windows = position_windows(positions, {BASE + "issue/y": "1971-01-07"}, floor=1)
    assert [(w.start, w.last_day) for w in windows] == [
        ("1971-01-01", "1971-01-01"), ("1971-01-02", "1971-01-02"), ("1971-01-05", "1971-01-05"),
        ("1971-01-06", "1971-01-06"), ("1971-01-09", "1971-01-09")]
    # both positions of the tie on the 2nd are carried; y, closed on the 7th, is not carried past it
    assert windows[2].candidates == {event["b"], event["c"], event["d"]}
    assert windows[4].candidates == {event["d"], event["f"]}


def test_the_built_seed_answers_with_windows(built_seed):
    from graph.ask.status import unresolved_on
    from graph.model.store import KnowledgeGraph
    kg = KnowledgeGraph.open(built_seed.store_path)
    answer = unresolved_on(kg, "1972-05-20")
    assert answer.issues and all(issue.positions or issue.label for issue in answer.issues)
    heavy = next(i for i in answer.issues if i.issue.endswith("heavy-missile-definition"))
    assert {p.side.rsplit("/", 1)[-1] for p in heavy.positions} == {"soviet-union", "united-states"}
    assert kg.query(f"ASK {{ GRAPH ?g {{ ?w a <{SALT}PositionWindow> ; <{SALT}coversDay> "
                    f"\"1972-05-20\"^^<{XSD}date> }} }}")
