"""One set of words for event types and issue statuses: the ontology's labels, used alike by the graph's
event labels, the timeline legend, the network tooltips and the HTML pages."""

import pyoxigraph as ox

from api.pages import TEMPLATES
from graph.config import PROJECT_ROOT
from graph.draw.drawing import MARKS, describe_kind, legend
from graph.extract import extract
from graph.model.rdf import document_quads
from graph.namespaces import RDFS, SALT, sparql_prefixes
from graph.read.reader import read_document
from graph.vocabulary import EVENT_WORDS, STATUS_WORDS, event_title, plain_event, plain_status

from .conftest import SEED


def ontology_labels(where: str) -> dict[str, str]:
    """Local name → English rdfs:label of the ontology terms matching a SPARQL pattern on ?term."""
    store = ox.Store()
    store.load(path=str(PROJECT_ROOT / "ontology" / "salt.ttl"), format=ox.RdfFormat.TURTLE)
    rows = store.query(sparql_prefixes() + f"SELECT ?term ?label WHERE {{ {where} ?term rdfs:label ?label . "
                                          f"FILTER(langMatches(lang(?label), 'en')) }}")
    return {row["term"].value.removeprefix(SALT): row["label"].value for row in rows}


def test_event_words_are_the_ontology_labels_of_every_event_class():
    assert ontology_labels("?term rdfs:subClassOf* salt:NegotiationEvent .") == EVENT_WORDS


def test_status_words_hold_the_ontology_labels_of_every_resolution():
    resolutions = ontology_labels("?term a salt:Resolution .")
    assert resolutions == {k: v for k, v in STATUS_WORDS.items() if k in resolutions}
    assert set(STATUS_WORDS) - set(resolutions) == {"Open", "NotYetRaised"}  # a day's status before any resolution


def test_plain_status_as_users_read_it():
    assert plain_status("ClosedWithoutAgreement") == "closed without agreement"
    assert plain_status(SALT + "ClosedWithoutAgreement") == "closed without agreement"  # a full IRI
    assert plain_status("NotYetRaised") == "not yet raised"
    assert plain_status("OnHold") == "on hold"  # a status no table knows: its name in words
    assert plain_status(None) == plain_status("") == ""


def test_plain_event_and_the_title_of_an_event_label():
    assert plain_event(SALT + "PositionStatement") == "position stated"
    assert plain_event("Demarche") == "démarche"
    assert event_title("Demarche") == "Démarche" and event_title("IssueRaised") == "Issue raised"
    assert event_title("SomethingNew") == "SomethingNew"


def test_the_graph_the_pages_and_the_drawings_use_the_same_words(registry):
    result = extract(read_document(SEED), registry)
    labels = {quad.subject.value: quad.object.value for quad in document_quads(result, registry)
              if quad.predicate.value == RDFS + "label" and "/event/" in quad.subject.value}
    kinds = {event.type for event in result.events}
    assert kinds and labels
    for kind in kinds:  # every extracted event's label starts with its type's words
        assert any(label.startswith(event_title(kind) + ": ") for label in labels.values()), kind
    assert TEMPLATES.filters["event"] is plain_event and TEMPLATES.filters["status"] is plain_status
    assert describe_kind({"kind": "event", "type": "PositionStatement"}) == "position stated"
    drawn = "".join(legend(10, 10))
    for kind, (name, _, _) in MARKS.items():
        assert name == EVENT_WORDS[kind] and f">{name}</text>" in drawn
