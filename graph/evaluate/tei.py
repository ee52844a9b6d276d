"""Score the plain-text extractor against the editors' own TEI markup.

Each TEI document is flattened with its inline markup stripped (the extractor sees plain text only);
the extractor runs with the curated registry plus the volume's front-matter persons and terms lists
(a FRUS-aware reader of any volume has those), and its output is compared with the editors' tags:

- person mentions: a predicted mention is right when it overlaps a `persName/@corresp` span naming
  the same person; precision, recall, F1 over mentions, and over distinct persons per document.
  Role phrases resolved by date ("the President" → Nixon) are not names and the editors do not tag
  them, so they are left out of this comparison;
- document dates: the extractor's date (from the dateline as printed, or inferred) against the
  dateline's `@when`/`@from` day, over documents the editors dated;
- cross-references: distinct documents or volumes cited per document against `ref/@target`
  (footnote targets count as their document).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from graph.extract import extract
from graph.read.registry import Registry
from graph.read.tei import TeiDocument, TeiPerson, TeiTerm, VolumeInfo, iter_volume
from graph.model.person_match import with_volume_lists
from graph.model.volumes import ref_target


@dataclass
class Score:
    """True positives, false positives, false negatives and the measures they give."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "Score") -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    def to_json(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class DocumentScore:
    document: str
    mentions: Score
    persons: Score
    references: Score
    gold_date: str | None
    predicted_date: str | None
    errors: list[str] = field(default_factory=list)
    extras: list[tuple[str, str]] = field(default_factory=list)  # (surface, person path) not in the gold
    adjudicated: Score | None = None

    @property
    def date_correct(self) -> bool | None:
        return None if self.gold_date is None else self.gold_date == self.predicted_date


@dataclass
class Evaluation:
    documents: list[DocumentScore] = field(default_factory=list)
    volumes: list[str] = field(default_factory=list)
    use_volume_lists: bool = True
    adjudication_used: bool = False

    def total(self, name: str) -> Score:
        score = Score()
        for document in self.documents:
            score.add(getattr(document, name) or document.mentions)
        return score

    @property
    def dated(self) -> list[DocumentScore]:
        return [d for d in self.documents if d.gold_date is not None]

    @property
    def date_accuracy(self) -> float:
        dated = self.dated
        return sum(bool(d.date_correct) for d in dated) / len(dated) if dated else 1.0

    def to_json(self) -> dict:
        return {"volumes": self.volumes, "documents": len(self.documents),
                "volume_lists_used": self.use_volume_lists,
                "person_mentions": self.total("mentions").to_json(),
                "person_mentions_adjudicated": self.total("adjudicated").to_json() if self.adjudication_used else None,
                "distinct_persons": self.total("persons").to_json(),
                "cross_references": self.total("references").to_json(),
                "dates": {"dated_in_source": len(self.dated),
                          "correct": sum(bool(d.date_correct) for d in self.dated),
                          "accuracy": round(self.date_accuracy, 4)},
                "per_document": [{**asdict(d), "mentions": d.mentions.to_json(), "persons": d.persons.to_json(),
                                  "references": d.references.to_json(),
                                  "adjudicated": d.adjudicated.to_json() if d.adjudicated else None}
                                 for d in self.documents]}


def score_document(tei: TeiDocument, registry: Registry, person_iris: dict[str, str], volume: VolumeInfo) -> DocumentScore:
    """Run the extractor on one flattened document and compare it with the gold markup."""
    result = extract(tei.doc, registry)
    ids_of: dict[str, set[str]] = {}
    for person_id, iri in person_iris.items():
        ids_of.setdefault(iri, set()).add(person_id)
    predicted = [m for m in result.mentions if m.kind == "person" and m.via != "role"]
    gold = tei.persons
    mentions, errors, extras = Score(), [], []
    matched_gold: set[int] = set()
    for mention in predicted:
        ids = ids_of.get(mention.target, set())
        hit = next((i for i, g in enumerate(gold) if i not in matched_gold and g.target in ids
                    and g.start < mention.end and mention.start < g.end), None)
        if hit is None:
            mentions.fp += 1
            errors.append(f"extra: {mention.text!r} at {mention.start} → {registry.relative(mention.target)}")
            extras.append((mention.text, registry.relative(mention.target)))
        else:
            matched_gold.add(hit)
            mentions.tp += 1
    for index, g in enumerate(gold):
        if index not in matched_gold:
            mentions.fn += 1
            errors.append(f"missed: {g.text!r} at {g.start} ({g.target})")
    predicted_people = {pid for m in predicted for pid in ids_of.get(m.target, {registry.relative(m.target)})}
    gold_people = {g.target for g in gold}
    persons = Score(len(predicted_people & gold_people), len(predicted_people - gold_people),
                    len(gold_people - predicted_people))
    references = reference_score(tei, result.cross_references, volume, registry.base_iri)
    info = result.document
    gold_date = tei.dateline.earliest.isoformat() if tei.dateline and tei.dateline.earliest else None
    predicted_date = info.not_before.isoformat() if info.not_before and info.day else None
    return DocumentScore(tei.doc.doc_id, mentions, persons, references, gold_date, predicted_date, errors, extras)


def load_adjudication(path: Path) -> dict[tuple[str, str, str], dict]:
    """Judgements of extra mentions, keyed by (document, surface, person path)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {(j["document"], j["surface"], j["person"]): j for j in data["judgements"]}


def adjudicate(evaluation: "Evaluation", judgements: dict[tuple[str, str, str], dict]) -> None:
    """Count extras judged correct as true positives (the gold lacked them); others stay false."""
    for document in evaluation.documents:
        score = Score(document.mentions.tp, document.mentions.fp, document.mentions.fn)
        for surface, person in document.extras:
            verdict = judgements.get((document.document, surface, person), {}).get("verdict")
            if verdict == "correct":
                score.tp += 1
                score.fp -= 1
        document.adjudicated = score
    evaluation.adjudication_used = True


def reference_score(tei: TeiDocument, predicted, volume: VolumeInfo, base_iri: str) -> Score:
    """Distinct cited documents and volumes: the extractor's against the editors' `ref` targets."""
    gold = {ref_target(g.target, volume, base_iri)[0] for g in tei.refs}
    found = {r.target for r in predicted if r.kind in ("document", "volume", "footnote")}
    return Score(len(found & gold), len(found - gold), len(gold - found))


def evaluate(paths: list[Path], registry: Registry, use_volume_lists: bool = True, progress=None) -> Evaluation:
    """Score the extractor on every document of the given TEI volumes."""
    evaluation = Evaluation(use_volume_lists=use_volume_lists)
    for path in paths:
        volume: VolumeInfo | None = None
        persons: list[TeiPerson] = []
        terms: list[TeiTerm] = []
        volume_registry = None
        match = None
        for kind, item in iter_volume(path):
            if kind == "volume":
                volume = item
                evaluation.volumes.append(item.id)
            elif kind == "persons":
                persons = item
            elif kind == "terms":
                terms = item
            elif kind == "document":
                if volume_registry is None:
                    match, volume_registry = with_volume_lists(persons, terms, registry, volume)
                    volume_registry = volume_registry if use_volume_lists else registry
                evaluation.documents.append(score_document(item, volume_registry, match.iris, volume))
                if progress:
                    progress(1)
    return evaluation


def table(evaluation: Evaluation) -> str:
    """The one table `saltkg evaluate` prints."""
    rows = [("person mentions", evaluation.total("mentions")), ("distinct persons / document", evaluation.total("persons")),
            ("cross-references", evaluation.total("references"))]
    lines = [f"{len(evaluation.documents)} documents from {', '.join(evaluation.volumes)} "
             f"({'with' if evaluation.use_volume_lists else 'without'} the volume's persons and terms lists)",
             f"{'measure':30} {'precision':>9} {'recall':>7} {'F1':>6}   tp / fp / fn"]
    if evaluation.adjudication_used:
        rows.insert(1, ("person mentions, adjudicated", evaluation.total("adjudicated")))
    for name, score in rows:
        lines.append(f"{name:30} {score.precision:9.3f} {score.recall:7.3f} {score.f1:6.3f}   "
                     f"{score.tp} / {score.fp} / {score.fn}")
    dated = evaluation.dated
    lines.append(f"{'document dates':30} accuracy {evaluation.date_accuracy:.3f}   "
                 f"{sum(bool(d.date_correct) for d in dated)} of {len(dated)} dated in the source "
                 f"({len(evaluation.documents) - len(dated)} undated there)")
    return "\n".join(lines)


def adjudication_for(volume_id: str, folder: Path) -> Path | None:
    """The shipped adjudication file of a volume, if any (data/evaluation/{volume}.adjudication.json)."""
    path = Path(folder) / f"{volume_id}.adjudication.json"
    return path if path.exists() else None


def write_json(evaluation: Evaluation, path: Path) -> None:
    Path(path).write_text(json.dumps(evaluation.to_json(), indent=2, ensure_ascii=False), encoding="utf-8")
