"""The full-text search index: an SQLite FTS5 table of document passages and resource labels.

Built from the store at the end of every build (`build/search.sqlite`); `graph.ask.search` reads it.
Passages are the paragraphs of each document's text, with their character offsets in that text.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from graph.model.store import KnowledgeGraph
from graph.read.reader import split_paragraphs

SCHEMA = """
CREATE VIRTUAL TABLE entries USING fts5(
    text, title UNINDEXED, kind UNINDEXED, iri UNINDEXED, document UNINDEXED, start UNINDEXED,
    "end" UNINDEXED, date UNINDEXED, tokenize = 'unicode61 remove_diacritics 2');
"""

DOCUMENTS = """
PREFIX salt: <https://w3id.org/salt-kg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?document ?label ?text ?date WHERE {
  ?document salt:text ?text ; rdfs:label ?label .
  OPTIONAL { ?document dcterms:date ?date }
}"""

LABELS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX salt: <https://w3id.org/salt-kg/ontology#>
SELECT ?resource (SAMPLE(?name) AS ?label) (GROUP_CONCAT(DISTINCT ?alias; separator=" | ") AS ?aliases) WHERE {
  ?resource rdfs:label|skos:prefLabel ?name .
  FILTER (isIRI(?resource))
  MINUS { ?resource a salt:NegotiationEvent }
  OPTIONAL { ?resource skos:altLabel ?alias }
} GROUP BY ?resource"""


def index_rows(kg: KnowledgeGraph):
    """Every row of the index: one per paragraph of each document, one per labelled resource."""
    for row in kg.query(DOCUMENTS):  # streamed: one document's text in memory at a time
        text, label, document = row["text"].value, row["label"].value, row["document"].value
        day = row["date"].value if row["date"] is not None else None
        for start, end in split_paragraphs(text, 0, len(text)):
            yield (text[start:end], label, "passage", document, document, start, end, day)
    for row in kg.select(LABELS):
        aliases = row["aliases"] or ""
        yield (f"{row['label']} {aliases}".strip(), row["label"], "resource", row["resource"], None,
               None, None, None)


def build_index(kg: KnowledgeGraph, path: Path) -> int:
    """Write the index for a store to `path` (atomically replacing it); return the row count."""
    temporary = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    temporary.unlink(missing_ok=True)
    connection = sqlite3.connect(temporary)
    try:
        connection.executescript(SCHEMA)
        connection.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?)", index_rows(kg))
        connection.execute("INSERT INTO entries(entries) VALUES ('optimize')")
        connection.commit()
        count = connection.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
    finally:
        connection.close()
    os.replace(temporary, path)
    return count


def index_path(build_dir: Path) -> Path:
    return Path(build_dir) / "search.sqlite"
