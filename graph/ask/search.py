"""Full-text search: an SQLite FTS5 index of document passages and resource labels.

Built from the store at the end of every build (`build/search.sqlite`), so requests look words up
in an inverted index ranked by BM25 instead of scanning text. Passages are the paragraphs of each
document's text, with their character offsets in that text.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path


TERM = re.compile(r'"([^"]*)"|(\w[\w\'’-]*)(\*?)')

@dataclass
class Hit:
    """One search result: a passage of a document, or a resource found by its label."""

    kind: str  # passage | resource
    iri: str
    title: str
    document: str | None
    start: int | None
    end: int | None
    date: str | None
    snippet: str
    text: str
    score: float

    def to_json(self) -> dict:
        return asdict(self)


def match_expression(query: str) -> str:
    """An FTS5 MATCH expression from user input: quoted phrases kept, words ANDed, `OR` honoured.

    Every term is quoted, so FTS5 operators or punctuation typed by a user cannot break the query;
    a trailing `*` on a word asks for a prefix match.
    """
    terms: list[str] = []
    for found in TERM.finditer(query):
        phrase, word, star = found.groups()
        if phrase is not None:
            if phrase.strip():
                terms.append(f'"{phrase.strip()}"')
        elif word == "OR":
            if terms and terms[-1] != "OR":
                terms.append("OR")
        else:
            terms.append(f'"{word}"' + star)
    while terms and terms[-1] == "OR":
        terms.pop()
    return " ".join(terms)


class SearchIndex:
    """Read access to a built index."""

    def __init__(self, path: Path):
        if not Path(path).exists():
            raise FileNotFoundError(f"{path}: no search index; run `saltkg build` first")
        self.path = Path(path)

    def connect(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)

    def search(self, query: str, limit: int = 20, offset: int = 0, kind: str | None = None) -> tuple[int, list[Hit]]:
        """The total number of matches and one page of hits, best first (BM25)."""
        expression = match_expression(query)
        if not expression:
            return 0, []
        kind_filter, params = ("AND kind = ?", [kind]) if kind else ("", [])
        with self.connect() as connection:
            total = connection.execute(f"SELECT COUNT(*) FROM entries WHERE entries MATCH ? {kind_filter}",
                                       [expression, *params]).fetchone()[0]
            rows = connection.execute(
                f"""SELECT kind, iri, title, document, start, "end", date,
                           snippet(entries, 0, '«', '»', '…', 24), text, bm25(entries)
                    FROM entries WHERE entries MATCH ? {kind_filter}
                    ORDER BY bm25(entries), iri, start LIMIT ? OFFSET ?""",
                [expression, *params, limit, offset]).fetchall()
        hits = [Hit(kind, iri, title, document, start, end, date, snippet, text, round(-score, 4))
                for kind, iri, title, document, start, end, date, snippet, text, score in rows]
        return total, hits
