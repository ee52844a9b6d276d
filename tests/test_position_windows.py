"""The position windows behind unresolved-on-date: the shipped query must give exactly the answer of
the direct form of the question (every position up to the day scanned) on every day."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.ask import queries
from graph.model.derived import days_between, position_windows, refresh
from graph.namespaces import RDF, SALT, XSD

from .random_negotiation import BASE, SIDES, START, node, random_negotiation

DIRECT = (Path(__file__).parent / "fixtures" / "queries" / "unresolved-on-date-direct.rq").read_text(encoding="utf-8")


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
