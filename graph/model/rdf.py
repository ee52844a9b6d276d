"""Turn an extraction into RDF quads in the document's own named graph.

IRIs are deterministic (document id, character offsets, event order), so building twice gives
the same triples. Every extracted fact is derived from a salt:Passage with exact offsets.
"""

from __future__ import annotations

from datetime import date

import pyoxigraph as ox

from graph.extract import Event, Extraction, Mention, Span, message_iri
from graph.extract.stances import STANCE_TYPES, side_iri
from graph.namespaces import DCTERMS, FOAF, HSG, OA, PROV, RDF, RDFS, SALT, SCHEMA, SEM, XSD
from graph.read.registry import Registry
from graph.vocabulary import event_title

TYPE = ox.NamedNode(RDF + "type")
XSD_DATE, XSD_INTEGER, XSD_BOOLEAN = (ox.NamedNode(XSD + name) for name in ("date", "integer", "boolean"))


def graph_iri(base_iri: str, doc_id: str) -> ox.NamedNode:
    """The named graph holding one document's facts."""
    return ox.NamedNode(f"{base_iri}graph/{doc_id}")


def document_iri(base_iri: str, doc_id: str) -> str:
    return f"{base_iri}document/{doc_id}"


def date_literal(value: date) -> ox.Literal:
    return ox.Literal(value.isoformat(), datatype=XSD_DATE)


def period_literal(value: str) -> ox.Literal:
    """An ISO date, year-month or year as the matching XSD literal."""
    datatype = {10: "date", 7: "gYearMonth", 4: "gYear"}[len(value)]
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD_INTEGER)


def shorten(text: str, limit: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "…"


class GraphWriter:
    """Collects the quads of one named graph."""

    def __init__(self, graph: ox.NamedNode):
        self.graph = graph
        self.quads: list[ox.Quad] = []
        self.nodes: dict[str, ox.NamedNode] = {}  # each IRI checked and built once per graph

    def node(self, iri: str) -> ox.NamedNode:
        found = self.nodes.get(iri)
        if found is None:
            found = self.nodes[iri] = ox.NamedNode(iri)
        return found

    def add(self, subject: str | ox.NamedNode, predicate: str, obj) -> None:
        """Add a triple; a str object is an IRI, other Python values become literals."""
        if obj is None:
            return
        s = subject if isinstance(subject, ox.NamedNode) else self.node(subject)
        if isinstance(obj, str):
            o = self.node(obj)
        elif isinstance(obj, bool):
            o = ox.Literal(str(obj).lower(), datatype=XSD_BOOLEAN)
        elif isinstance(obj, int):
            o = integer(obj)
        elif isinstance(obj, date):
            o = date_literal(obj)
        else:
            o = obj
        self.quads.append(ox.Quad(s, self.node(predicate), o, self.graph))

    def text(self, subject: str, predicate: str, value: str | None, lang: str | None = None) -> None:
        if value is not None:
            self.add(subject, predicate, ox.Literal(value, language=lang) if lang else ox.Literal(value))


class DocumentGraph:
    """Builds the RDF of one extraction."""

    def __init__(self, result: Extraction, registry: Registry):
        self.result = result
        self.registry = registry
        self.base = registry.base_iri
        self.doc_id = result.document.id
        self.doc = document_iri(self.base, self.doc_id)
        self.out = GraphWriter(graph_iri(self.base, self.doc_id))
        self.passages: set[tuple[int, int]] = set()

    def passage(self, evidence: Span | Mention, section: str | None = None) -> str:
        """The IRI of a passage (created once) for an exact span of the document."""
        iri = f"{self.base}passage/{self.doc_id}/{evidence.start}-{evidence.end}"
        if (evidence.start, evidence.end) not in self.passages:
            self.passages.add((evidence.start, evidence.end))
            self.out.add(iri, RDF + "type", SALT + "Passage")
            self.out.add(iri, SALT + "inDocument", self.doc)
            self.out.add(iri, OA + "start", evidence.start)
            self.out.add(iri, OA + "end", evidence.end)
            self.out.text(iri, OA + "exact", evidence.text)
            self.out.text(iri, SALT + "section", section or self.result.doc.section_of(evidence.start))
        return iri

    def build(self) -> list[ox.Quad]:
        self.add_document()
        self.add_new_entities()
        self.add_mentions()
        self.add_cross_references()
        for index, event in enumerate(self.result.events, start=1):
            self.add_event(index, event)
        return self.out.quads

    def add_document(self) -> None:
        info, doc, add, text = self.result.document, self.result.doc, self.out.add, self.out.text
        add(self.doc, RDF + "type", SALT + "Document")
        if info.type != "Document":
            add(self.doc, RDF + "type", SALT + info.type)
        text(self.doc, DCTERMS + "identifier", info.id)
        text(self.doc, RDFS + "label", f"{info.number}. {info.title}")
        text(self.doc, DCTERMS + "title", info.title)
        add(self.doc, SALT + "documentNumber", info.number)
        text(self.doc, SALT + "messageNumber", info.message_id)
        text(self.doc, SALT + "text", doc.text)
        text(self.doc, SALT + "sourceNote", info.source_note)
        text(self.doc, SALT + "classification", info.classification)
        heading = self.passage(Span(doc.heading_start, doc.heading_end, info.title), "heading")
        add(self.doc, PROV + "wasDerivedFrom", heading)
        if info.url:
            add(self.doc, RDFS + "seeAlso", info.url)
            add(self.doc, SCHEMA + "url", info.url)
        if info.volume:
            volume = f"{self.base}volume/{info.volume}"
            add(self.doc, SALT + "inVolume", volume)
            add(volume, RDF + "type", SALT + "Volume")
            text(volume, DCTERMS + "identifier", info.volume)
            text(volume, RDFS + "label", doc.metadata.get("volume_title") or f"FRUS {info.volume}")
            add(volume, RDFS + "seeAlso", f"{HSG}{info.volume}")
        if info.date:
            add(self.doc, DCTERMS + "date", period_literal(info.date))
        add(self.doc, SALT + "dateNotBefore", info.not_before)
        add(self.doc, SALT + "dateNotAfter", info.not_after)
        text(self.doc, SALT + "dateBasis", info.date_basis)
        for evidence in info.date_evidence:
            add(self.doc, SALT + "dateEvidence", self.passage(evidence))
        for sender in info.sender:
            add(self.doc, SCHEMA + "sender", sender)
        for recipient in info.recipients:
            add(self.doc, SCHEMA + "recipient", recipient)
        for person in info.participants:
            add(self.doc, SCHEMA + "participant", person)
        add(self.doc, SALT + "recipientLocation", info.recipient_location)
        add(self.doc, SCHEMA + "locationCreated", info.place)
        if info.message_id and info.sender:
            message = message_iri(self.registry, info.message_id, info.sender[0])
            add(self.doc, SALT + "embodiesMessage", message)
            self.add_message(message, info.message_id)

    def add_new_entities(self) -> None:
        for entity in self.result.new_entities:
            cls = FOAF + "Person" if entity.kind == "person" else SCHEMA + "Place"
            self.out.add(entity.iri, RDF + "type", cls)
            self.out.text(entity.iri, RDFS + "label", entity.label)
            self.out.add(entity.iri, PROV + "wasDerivedFrom", self.passage(entity.evidence))

    def add_mentions(self) -> None:
        for mention in self.result.mentions:
            iri = self.passage(mention, mention.section)
            self.out.add(iri, SALT + "refersTo", mention.target)
            predicate = DCTERMS + "subject" if mention.kind == "issue" else SCHEMA + "mentions"
            self.out.add(self.doc, predicate, mention.target)

    def add_message(self, iri: str, label: str) -> None:
        self.out.add(iri, RDF + "type", SALT + "Message")
        self.out.text(iri, SALT + "messageNumber", label)
        self.out.text(iri, RDFS + "label", f"Message {label}")

    def add_cross_references(self) -> None:
        for ref in self.result.cross_references:
            passage = self.passage(Span(ref.start, ref.end, ref.text))
            self.out.add(passage, SALT + "refersTo", ref.target)
            if ref.target != self.doc:  # a footnote of this same document is not a cross-reference
                self.out.add(self.doc, DCTERMS + "references", ref.target)
            if ref.kind == "message":
                self.out.add(self.doc, SALT + "citesMessage", ref.target)
                self.add_message(ref.target, ref.label)
                self.out.add(ref.target, SCHEMA + "sender", ref.sender)
                self.out.add(ref.target, SCHEMA + "recipient", ref.recipient)
                if ref.date:
                    self.out.add(ref.target, DCTERMS + "date", ref.date)
                self.out.add(ref.target, PROV + "wasDerivedFrom", passage)

    def add_event(self, index: int, event: Event) -> None:
        iri = f"{self.base}event/{self.doc_id}-e{index}"
        add, text = self.out.add, self.out.text
        add(iri, RDF + "type", SALT + "NegotiationEvent")
        add(iri, RDF + "type", SALT + event.type)
        text(iri, RDFS + "label", f"{event_title(event.type)}: {shorten(event.evidence.text)}")
        if event.date:
            add(iri, SEM + "hasTimeStamp", event.date)
        add(iri, SEM + "hasEarliestBeginTimeStamp", event.earliest)
        add(iri, SEM + "hasLatestEndTimeStamp", event.latest)
        text(iri, SALT + "dateBasis", event.date_basis)
        for actor in event.actors:
            add(iri, SEM + "hasActor", actor)
        add(iri, SALT + "side", side_iri(self.registry, event.side))  # one side, the speaker's; none if unknown
        if event.side is None and event.type in STANCE_TYPES:
            add(iri, SALT + "sideStated", False)
        for issue in event.issues:
            add(iri, SALT + "concernsIssue", issue)
        for issue in dict.fromkeys(b for issue in event.issues for b in self.registry.broader_closure(issue)):
            add(iri, SALT + "bearsOn", issue)
        for issue in event.closes:
            add(iri, SALT + "closesIssue", issue)
        add(iri, SALT + "resolution", event.resolution)
        for place in event.places:
            add(iri, SEM + "hasPlace", place)
        add(iri, SALT + "aboutMessage", event.message)
        add(iri, PROV + "wasDerivedFrom", self.passage(event.evidence, event.section))
        add(iri, DCTERMS + "source", self.doc)


def document_quads(result: Extraction, registry: Registry) -> list[ox.Quad]:
    """All quads of one document's named graph."""
    return DocumentGraph(result, registry).build()
