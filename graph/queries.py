"""Named SPARQL queries shipped as .rq files, run on Oxigraph with bound parameters.

Each query is a plain SPARQL 1.1 file in graph/queries/, so any SPARQL client gets the same
answer as the CLI; parameters ($date, $issue, $entity) are bound by substitution.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from .store import KnowledgeGraph

QUERY_DIR = Path(__file__).parent / "queries"


class UnknownQuery(KeyError):
    """No named query of that name."""


def available() -> list[str]:
    return sorted(p.stem for p in QUERY_DIR.glob("*.rq"))


@lru_cache(maxsize=None)
def load(name: str) -> str:
    """The text of a named query."""
    path = QUERY_DIR / f"{name}.rq"
    if not path.exists():
        raise UnknownQuery(f"no named query {name!r}; known: {', '.join(available())}")
    return path.read_text(encoding="utf-8")


def run(kg: KnowledgeGraph, name: str, **params: ox.NamedNode | ox.Literal) -> list[dict]:
    """Run a named query with parameters bound; rows as dicts of plain values."""
    return kg.select(load(name), params)


def iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def xsd_date(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
