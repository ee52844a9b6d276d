"""Synthetic inputs for the benchmarks.

- `tei_volume(template, factor, out)`: a FRUS-like TEI volume with the template's documents repeated
  `factor` times (renumbered, dates moved on a day per copy), the template's header and lists kept.
- `negotiation_graph(documents, out)`: N-Quads of a negotiation graph in the SALT-KG model written
  directly (documents, passages, people, issues, dated events with provenance), for query and HTTP
  benchmarks at sizes the extractor would take hours to produce.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
SAMPLE = PROJECT.parent / "shared" / "tei" / "frus1969-76v33-dev.xml"
FIXTURE = PROJECT / "tests" / "fixtures" / "tei" / "frus1969-76v99-test.xml"
BASE = "https://w3id.org/salt-kg/"
SALT = "https://w3id.org/salt-kg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"


def template_volume() -> Path:
    """The real TEI sample when ../shared is there, else the test fixture."""
    return SAMPLE if SAMPLE.exists() else FIXTURE


def tei_volume(template: Path, factor: int, out: Path) -> int:
    """Write a volume with the template's documents repeated `factor` times; return the document count."""
    text = template.read_text(encoding="utf-8")
    first = text.index('<div type="document"')
    last = text.rindex("</div>", 0, text.index("</body>"))  # closes the compilation
    documents = re.findall(r'<div type="document".*?\n</div>', text[first:last], flags=re.S)
    count = 0
    with open(out, "w", encoding="utf-8") as handle:
        handle.write(text[:first])
        for copy in range(factor):
            for document in documents:
                count += 1
                handle.write(renumber(document, count, copy) + "\n")
        handle.write(text[last:])
    return count


def renumber(document: str, number: int, copy: int) -> str:
    """Give a copied document a new number and id and move its dates on by `copy` days."""
    document = re.sub(r'<div type="document" n="\d+" xml:id="d\d+">', f'<div type="document" n="{number}" '
                      f'xml:id="d{number}">', document, count=1)
    document = re.sub(r'xml:id="d\d+fn(\d+)"', lambda m: f'xml:id="d{number}fn{m.group(1)}"', document)
    document = re.sub(r"<head>\d+\. ", f"<head>{number}. ", document, count=1)

    def shift(found: re.Match) -> str:
        day = date.fromisoformat(found.group(2)) + timedelta(days=copy)
        return f'{found.group(1)}"{day.isoformat()}{found.group(3)}"'
    return re.sub(r'((?:when|from|to)=)"(\d{4}-\d{2}-\d{2})([^"]*)"', shift, document)


ISSUES = ["slbm-base-figure-48", "mobile-icbms", "heavy-missile-definition", "abm-icbm-field-defense",
          "slbm-limits", "abm-limits", "icbm-freeze", "titan-conversion", "silo-launcher-dimensions",
          "h-class-replacement", "significantly-larger", "ss11-volume-benchmark"]
EVENT_TYPES = ["Proposal", "Rejection", "PositionStatement", "IssueRaised", "Agreement", "Meeting"]


def negotiation_graph(documents: int, out: Path, seed: int = 7, closure=lambda issue: [issue]) -> int:
    """Write N-Quads for `documents` documents (≈ 50 triples each); `closure(issue)` gives the issue and
    its broader issues, for the salt:bearsOn facts the builder writes."""
    rng = random.Random(seed)
    people = [f"{BASE}person/synthetic-{i}" for i in range(max(20, documents // 5))]
    hubs = people[:10]  # a few people in half the documents (a Kissinger), the rest in a handful each
    start = date(1969, 11, 17)
    span = (date(1972, 5, 26) - start).days
    written = 0
    with open(out, "w", encoding="utf-8") as handle:
        def quad(s: str, p: str, o: str, graph: str) -> None:
            nonlocal written
            handle.write(f"<{s}> <{p}> {o} <{graph}> .\n")
            written += 1
        curated = f"{BASE}graph/synthetic-people"
        for index, person in enumerate(people):
            quad(person, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "<http://xmlns.com/foaf/0.1/Person>", curated)
            quad(person, "http://www.w3.org/2000/01/rdf-schema#label", f'"Synthetic Person {index}"', curated)
            quad(person, f"{SALT}side", f"<{BASE}org/{'united-states' if index % 2 else 'soviet-union'}>", curated)
        for number in range(1, documents + 1):
            doc_id = f"synthetic-d{number}"
            doc = f"{BASE}document/{doc_id}"
            graph = f"{BASE}graph/{doc_id}"
            day = start + timedelta(days=span * number // documents)
            literal_day = f'"{day.isoformat()}"^^<{XSD}date>'
            text = f"Synthetic document {number} about the negotiation."
            quad(doc, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", f"<{SALT}Memorandum>", graph)
            quad(doc, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", f"<{SALT}Document>", graph)
            quad(doc, "http://purl.org/dc/terms/identifier", f'"{doc_id}"', graph)
            quad(doc, "http://purl.org/dc/terms/title", f'"Memorandum {number}"', graph)
            quad(doc, "http://www.w3.org/2000/01/rdf-schema#label", f'"{number}. Memorandum {number}"', graph)
            quad(doc, "http://purl.org/dc/terms/date", literal_day, graph)
            quad(doc, f"{SALT}dateNotBefore", literal_day, graph)
            quad(doc, f"{SALT}dateNotAfter", literal_day, graph)
            quad(doc, f"{SALT}text", f'"{text}"', graph)
            sender = rng.choice(hubs) if rng.random() < 0.5 else rng.choice(people)
            quad(doc, "https://schema.org/sender", f"<{sender}>", graph)
            quad(doc, "https://schema.org/recipient", f"<{rng.choice(people)}>", graph)
            for mentioned in {rng.choice(hubs) if rng.random() < 0.5 else rng.choice(people) for _ in range(3)}:
                quad(doc, "https://schema.org/mentions", f"<{mentioned}>", graph)
            for event_index in range(2):
                issue = f"{BASE}issue/{rng.choice(ISSUES)}"
                event = f"{BASE}event/{doc_id}-e{event_index + 1}"
                passage = f"{BASE}passage/{doc_id}/{event_index * 10}-{event_index * 10 + 9}"
                quad(passage, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", f"<{SALT}Passage>", graph)
                quad(passage, f"{SALT}inDocument", f"<{doc}>", graph)
                quad(passage, "http://www.w3.org/ns/oa#start", f'"{event_index * 10}"^^<{XSD}integer>', graph)
                quad(passage, "http://www.w3.org/ns/oa#end", f'"{event_index * 10 + 9}"^^<{XSD}integer>', graph)
                quad(passage, "http://www.w3.org/ns/oa#exact", f'"{text[event_index * 10:event_index * 10 + 9]}"', graph)
                quad(passage, f"{SALT}refersTo", f"<{issue}>", graph)
                kind = rng.choice(EVENT_TYPES)
                quad(event, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", f"<{SALT}NegotiationEvent>", graph)
                quad(event, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", f"<{SALT}{kind}>", graph)
                quad(event, "http://www.w3.org/2000/01/rdf-schema#label", f'"{kind} in document {number}"', graph)
                quad(event, "http://semanticweb.cs.vu.nl/2009/11/sem/hasEarliestBeginTimeStamp", literal_day, graph)
                quad(event, "http://semanticweb.cs.vu.nl/2009/11/sem/hasLatestEndTimeStamp", literal_day, graph)
                quad(event, "http://semanticweb.cs.vu.nl/2009/11/sem/hasActor", f"<{sender}>", graph)
                quad(event, f"{SALT}side", f"<{BASE}org/united-states>", graph)
                quad(event, f"{SALT}concernsIssue", f"<{issue}>", graph)
                for bears in closure(issue):
                    quad(event, f"{SALT}bearsOn", f"<{bears}>", graph)
                quad(event, "http://www.w3.org/ns/prov#wasDerivedFrom", f"<{passage}>", graph)
                quad(event, "http://purl.org/dc/terms/source", f"<{doc}>", graph)
    return written


def run_fresh(runner: str, arguments: list[str], code: Path = PROJECT, what: str = "the run") -> dict:
    """Run `runner` in a fresh interpreter (so its peak memory and CPU are its own) with the code in `code`;
    the JSON of its last line."""
    done = subprocess.run([sys.executable, "-c", runner, *arguments], cwd=code, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(code)})
    if done.returncode != 0:
        raise SystemExit(f"{what} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
