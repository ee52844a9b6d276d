"""Plain words for the terms of the salt: vocabulary that users read: event types and issue statuses.

One table each, as ontology/salt.ttl labels them (tests/test_vocabulary.py holds the two together): the
graph's event labels (graph/model/rdf.py), the timeline legend (graph/draw/drawing.py) and the HTML
pages (api/pages.py) all take their words from here.
"""

from __future__ import annotations

import re

EVENT_WORDS = {  # salt:NegotiationEvent and its subclasses: rdfs:label
    "IssueRaised": "issue raised", "PositionStatement": "position stated", "Proposal": "proposal",
    "Rejection": "rejection", "Agreement": "agreement", "UnilateralStatement": "unilateral statement",
    "MessageSent": "message sent", "Demarche": "démarche", "Deadline": "deadline", "Deferral": "deferral",
    "Meeting": "meeting", "NegotiatingRound": "negotiating round", "Ratification": "ratification step",
    "NegotiationEvent": "negotiation event",
}
STATUS_WORDS = {  # an issue's status on a day: the salt:Resolution labels, and open / not yet raised before one
    "Open": "open", "Agreed": "agreed", "ClosedWithoutAgreement": "closed without agreement",
    "Deferred": "deferred", "Dropped": "dropped", "NotYetRaised": "not yet raised",
}
CAMEL_BREAK = re.compile(r"(?<=[a-z])(?=[A-Z])")


def plain_words(value: str | None, table: dict[str, str]) -> str:
    """A term (local name or full IRI) in the table's words, else its CamelCase name split and lower-cased."""
    if not value:
        return ""
    value = value.rsplit("#", 1)[-1]
    return table.get(value) or CAMEL_BREAK.sub(" ", value).lower()


def plain_event(value: str | None) -> str:
    """An event type in plain words: 'PositionStatement' → 'position stated'."""
    return plain_words(value, EVENT_WORDS)


def plain_status(value: str | None) -> str:
    """A status in plain words: 'ClosedWithoutAgreement' → 'closed without agreement'."""
    return plain_words(value, STATUS_WORDS)


def event_title(kind: str) -> str:
    """An event type as the start of an event's label: 'Position stated' (an unknown type as given)."""
    return EVENT_WORDS[kind].capitalize() if kind in EVENT_WORDS else kind
