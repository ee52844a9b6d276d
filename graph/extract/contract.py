"""The JSON contract of `saltkg extract --json` (DESIGN.md)."""

from __future__ import annotations

from dataclasses import asdict

from graph.extract.dating import iso
from graph.extract.types import Extraction
from graph.read.registry import Registry


def to_json(result: Extraction, registry: Registry) -> dict:
    """The JSON contract of `saltkg extract --json` (DESIGN.md)."""
    registry = registry.for_volume(result.doc.volume)
    rel = registry.relative
    info = result.document

    def grouped(kind: str) -> list[dict]:
        out: dict[str, dict] = {}
        for mention in result.mentions:
            if mention.kind != kind:
                continue
            entry = out.setdefault(mention.target, entity_json(mention.target, kind, registry, result))
            item = {"start": mention.start, "end": mention.end, "text": mention.text, "section": mention.section}
            if mention.via:
                item["via"] = mention.via
            entry["mentions"].append(item)
        return list(out.values())

    return {
        "document": {
            "id": info.id, "number": info.number, "title": info.title, "type": info.type,
            "message_id": info.message_id, "date": info.date, "date_basis": info.date_basis,
            "date_not_before": iso(info.not_before), "date_not_after": iso(info.not_after),
            "date_evidence": [asdict(s) for s in info.date_evidence],
            "sender": rel(info.sender[0]) if len(info.sender) == 1 else [rel(s) for s in info.sender],
            "recipients": [rel(r) for r in info.recipients],
            "recipient_location": rel(info.recipient_location) if info.recipient_location else None,
            "participants": [rel(p) for p in info.participants],
            "volume": info.volume, "url": info.url, "classification": info.classification,
        },
        "persons": grouped("person"),
        "organizations": grouped("organization"),
        "places": grouped("place"),
        "issues": grouped("issue"),
        "dates": [{"date": m.value.isoformat() if m.value else f"{m.month[0]}-{m.month[1]:02d}",
                   "text": m.text, "start": m.start, "end": m.end} for m in result.dates],
        "cross_references": [{"text": r.text, "target": rel(r.target), "kind": r.kind,
                              "date": iso(r.date), "sender": rel(r.sender) if r.sender else None,
                              "recipient": rel(r.recipient) if r.recipient else None,
                              "start": r.start, "end": r.end} for r in result.cross_references],
        "events": [{"type": e.type, "side": e.side, "date": iso(e.date), "earliest": iso(e.earliest), "latest": iso(e.latest),
                    "date_basis": e.date_basis, "actors": [rel(a) for a in e.actors],
                    "issues": [rel(i) for i in e.issues], "places": [rel(p) for p in e.places],
                    "message": rel(e.message) if e.message else None,
                    "evidence": asdict(e.evidence)} for e in result.events],
        "warnings": result.warnings,
    }


def entity_json(iri: str, kind: str, registry: Registry, result: Extraction) -> dict:
    """The id, label and external links of an entity or issue."""
    if kind == "issue":
        issue = registry.issues[iri]
        return {"id": registry.relative(iri), "label": issue.label,
                "broader": [registry.relative(b) for b in issue.broader], "mentions": []}
    entity = registry.entities.get(iri)
    label = entity.label if entity else next((n.label for n in result.new_entities if n.iri == iri), iri)
    return {"id": registry.relative(iri), "label": label,
            "same_as": entity.same_as if entity else [], "see_also": entity.see_also if entity else [],
            "mentions": []}
