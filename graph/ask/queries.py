"""Named SPARQL queries shipped as .rq files, run on Oxigraph with bound parameters.

Each query is a plain SPARQL 1.1 file in graph/ask/sparql/, so any SPARQL client gets the same
answer as the CLI. Parameters are written `$date`, `$issue`, `$entity`: bind one by replacing it
with an RDF term, e.g. "1972-05-20"^^<http://www.w3.org/2001/XMLSchema#date> (`bind` does that).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from graph.model.store import KnowledgeGraph
from graph.namespaces import iri, xsd_date  # noqa: F401 - offered with the queries: terms for their parameters

QUERY_DIR = Path(__file__).parent / "sparql"


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


PARAMETER = re.compile(r"\$([A-Za-z_]\w*)")


def bind(sparql: str, params: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """Replace each $name parameter by its term in SPARQL syntax; fail on a missing one."""
    def term(found: re.Match) -> str:
        name = found.group(1)
        if name not in params:
            raise KeyError(f"query parameter ${name} is not bound")
        return str(params[name])
    return PARAMETER.sub(term, sparql)


def run(kg: KnowledgeGraph, name: str, **params: ox.NamedNode | ox.Literal) -> list[dict]:
    """Run a named query with parameters bound; rows as dicts of plain values."""
    return kg.select(bind(load(name), params))
