"""Score the extractor on plain-text FRUS documents against hand-annotated gold files.

The gold format is that of `../shared/corpus/gold/` (its README defines every measure):
`positions.json` (negotiating positions: quote, side, kind, issue categories) and `annotations.json`
(persons, issues, day-level dates mentioned, the document date where the text fixes it). A gold
position is *found* when a stance event's evidence overlaps its quote; of the overlapping events the
one sharing most characters with the quote is the one judged for side, issue and kind.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from graph.evaluate.tei import Score
from graph.extract import Extraction, extract
from graph.extract.corpus_dates import redate
from graph.read.reader import read_document
from graph.read.registry import Registry

STANCE_TYPES = {"Proposal", "Agreement", "Acceptance", "Rejection", "PositionStatement", "IssueRaised",
                "UnilateralStatement", "Demarche"}
KINDS = {"proposal": {"Proposal"}, "acceptance": {"Agreement", "Acceptance"}, "rejection": {"Rejection"},
         "position": {"PositionStatement", "IssueRaised", "UnilateralStatement", "Demarche"}}
CATEGORIES_FILE = "gold-issue-categories.json"


@dataclass
class PositionScore:
    """Counts over gold positions and extracted stance events."""

    gold: int = 0
    found: int = 0
    side: int = 0
    issue: int = 0
    kind: int = 0
    stances: int = 0
    stances_on_gold: int = 0

    def add(self, other: "PositionScore") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def to_json(self) -> dict:
        ratio = lambda a, b: round(a / b, 4) if b else None  # noqa: E731
        return {**self.__dict__, "recall": ratio(self.found, self.gold),
                "precision": ratio(self.stances_on_gold, self.stances),
                "side_of_found": ratio(self.side, self.found), "side_of_all": ratio(self.side, self.gold),
                "issue_of_found": ratio(self.issue, self.found), "kind_of_found": ratio(self.kind, self.found)}


@dataclass
class GoldEvaluation:
    """Scores over a gold corpus, with every miss listed for reading."""

    documents: int = 0
    positions: PositionScore = field(default_factory=PositionScore)
    persons: Score = field(default_factory=Score)
    issues: Score = field(default_factory=Score)
    dates: Score = field(default_factory=Score)
    document_dates: list[int] = field(default_factory=lambda: [0, 0])  # exact, of gold-dated
    misses: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"documents": self.documents, "positions": self.positions.to_json(),
                "persons": self.persons.to_json(), "issues": self.issues.to_json(), "dates": self.dates.to_json(),
                "document_dates": {"exact": self.document_dates[0], "of": self.document_dates[1]},
                "misses": self.misses}


def fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return re.sub(r"[^a-z ]+", "", "".join(c for c in decomposed if not unicodedata.combining(c)).lower())


def name_key(name: str) -> tuple[str, str]:
    """(family name, first initial): 'Henry A. Kissinger' and 'Henry Kissinger' share a key."""
    words = [w for w in fold(re.sub(r"\b(Jr|Sr|II|III)\b\.?", "", name)).split() if w]
    if len(words) > 2 and len(words[0]) == 1 and len(words[1]) > 1:
        words = words[1:]  # 'R. James Woolsey' goes by James
    return (words[-1], words[0][0]) if len(words) > 1 else ((words[0], "") if words else ("", ""))


def load_categories(folder: Path) -> dict[str, str]:
    """Issue IRI path (issue/…) → gold category, from the mapping kept beside the evaluation data."""
    mapping = json.loads((folder / CATEGORIES_FILE).read_text(encoding="utf-8"))
    return {issue: category for category, issues in mapping["categories"].items() for issue in issues}


def category(issue_iri: str, registry: Registry, categories: dict[str, str]) -> str:
    """The gold category of an issue, through its broader issues; 'other' when none is mapped."""
    seen, pending = set(), [issue_iri]
    while pending:
        current = pending.pop(0)
        if current in seen:
            continue
        seen.add(current)
        relative = registry.relative(current)
        if relative in categories:
            return categories[relative]
        known = registry.issues.get(current)
        pending.extend(known.broader if known else [])
    return "other"


def gold_category(value: str) -> str:
    return "other" if value.startswith("other") else value


def score_positions(result: Extraction, positions: list[dict], registry: Registry, categories: dict[str, str],
                    misses: list[dict], name: str) -> PositionScore:
    """Found, side, issue and kind over one document's gold positions; precision over its stance events."""
    text = result.doc.text
    stances = [e for e in result.events if e.type in STANCE_TYPES]
    score = PositionScore(gold=len(positions), stances=len(stances))
    spans = []
    for position in positions:
        start = text.find(position["quote"])
        if start < 0:
            misses.append({"document": name, "problem": "quote not in the text", "quote": position["quote"]})
            continue
        spans.append((start, start + len(position["quote"])))
        overlapping = [(min(e.evidence.end, start + len(position["quote"])) - max(e.evidence.start, start), e)
                       for e in stances if e.evidence.start < start + len(position["quote"]) and start < e.evidence.end]
        if not overlapping:
            misses.append({"document": name, "problem": "not found", **position})
            continue
        event = max(overlapping, key=lambda pair: pair[0])[1]
        score.found += 1
        side_ok = getattr(event, "side", None) == position["side"]
        wanted = {gold_category(c) for c in position["issue"]}
        have = {category(i, registry, categories) for i in event.issues}
        score.side += side_ok
        score.issue += wanted <= have
        score.kind += event.type in KINDS.get(position["kind"], set())
        if not side_ok:
            misses.append({"document": name, "problem": f"side {getattr(event, 'side', None)}",
                           "event": event.type, "evidence": event.evidence.text[:160], **position})
    score.stances_on_gold = sum(any(e.evidence.start < b and a < e.evidence.end for a, b in spans) for e in stances)
    return score


def set_score(predicted: set, gold: set) -> Score:
    return Score(tp=len(predicted & gold), fp=len(predicted - gold), fn=len(gold - predicted))


def score_annotation(result: Extraction, record: dict, registry: Registry, categories: dict[str, str],
                     evaluation: GoldEvaluation) -> None:
    """Persons, issues, dates mentioned and the document date of one annotated document."""
    persons = set()
    for mention in result.mentions:
        if mention.kind == "person":
            entity = registry.entities.get(mention.target)
            label = entity.label if entity else next(
                (n.label for n in result.new_entities if n.iri == mention.target), mention.text)
            persons.add(name_key(label))
    for iri in result.document.sender + result.document.recipients + result.document.participants:
        entity = registry.entities.get(iri)
        if entity and entity.kind == "person":
            persons.add(name_key(entity.label))
    gold_persons = {name_key(p): p for p in record.get("persons", [])}
    evaluation.persons.add(set_score(persons, set(gold_persons)))
    for key in sorted(set(gold_persons) - persons):
        evaluation.misses.append({"document": record["file"], "problem": "person not found", "person": gold_persons[key]})
    for key in sorted(persons - set(gold_persons)):
        evaluation.misses.append({"document": record["file"], "problem": "person not in gold", "person": " ".join(key)})
    issues = {category(m.target, registry, categories) for m in result.mentions if m.kind == "issue"}
    evaluation.issues.add(set_score(issues, {gold_category(i) for i in record.get("issues", [])}))
    days = {m.value.isoformat() for m in result.dates if m.value}
    evaluation.dates.add(set_score(days, set(record.get("dates_mentioned", []))))
    if record.get("doc_date"):
        evaluation.document_dates[1] += 1
        evaluation.document_dates[0] += result.document.date == record["doc_date"]


def evaluate_gold(gold_dir: Path, registry: Registry, categories_dir: Path, progress=None) -> GoldEvaluation:
    """Extract every document the gold files name (paths relative to the gold folder's grandparent)."""
    root = gold_dir.parent.parent
    positions = {r["file"]: r for r in json.loads((gold_dir / "positions.json").read_text(encoding="utf-8"))}
    annotations_path = gold_dir / "annotations.json"
    annotations = {r["file"]: r for r in json.loads(annotations_path.read_text(encoding="utf-8"))} \
        if annotations_path.exists() else {}
    categories = load_categories(categories_dir)
    evaluation = GoldEvaluation()
    names = sorted(set(positions) | set(annotations))
    results = redate([extract(read_document(root / name), registry) for name in names], registry)
    for name, result in zip(names, results):
        evaluation.documents += 1
        if name in positions:
            evaluation.positions.add(score_positions(result, positions[name]["positions"], registry, categories,
                                                     evaluation.misses, name))
        if name in annotations:
            score_annotation(result, annotations[name], registry, categories, evaluation)
        if progress:
            progress(1)
    return evaluation


def gold_table(evaluation: GoldEvaluation) -> str:
    """The scores as a short plain-text table."""
    p = evaluation.positions.to_json()
    rows = [
        f"gold corpus: {evaluation.documents} documents, {p['gold']} positions, {p['stances']} stance events",
        f"  positions found (recall)        {p['recall']}",
        f"  side correct, of found          {p['side_of_found']}",
        f"  found and side correct, of all  {p['side_of_all']}",
        f"  issue correct, of found         {p['issue_of_found']}",
        f"  kind correct, of found          {p['kind_of_found']}",
        f"  stance precision                {p['precision']}",
    ]
    for label, score in (("persons", evaluation.persons), ("issues", evaluation.issues), ("dates", evaluation.dates)):
        rows.append(f"  {label:<31} P {score.precision:.3f}  R {score.recall:.3f}  F1 {score.f1:.3f}")
    exact, of = evaluation.document_dates
    rows.append(f"  document dates exact            {exact} of {of}")
    return "\n".join(rows)
