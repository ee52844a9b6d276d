"""A random negotiation in a store: issues with narrower ones, events of every kind by both sides, some
with passages and some with citations, and closings; for comparing two ways of asking issue status."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pyoxigraph as ox

from graph.ask import queries
from graph.namespaces import DCTERMS, OA, PROV, RDF, SALT, SEM, SKOS, XSD

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
