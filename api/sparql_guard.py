"""Checks made on SPARQL text before it reaches the store: update detection and SERVICE allowlist.

Oxigraph performs SERVICE calls itself, so every federated target is found here by a lexer that
follows the SPARQL grammar for IRIs, strings and comments (a keyword inside a string or comment is
not a keyword), expands prefixed names, and refuses targets it cannot check (variables, relative IRIs).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

TOKEN = re.compile(r"""
    (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<comment>\#[^\n\r]*)
  | (?P<variable>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<name>(?:[A-Za-z\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*)?:(?:[\w\-.:%\\\u00B7\u00C0-\uFFFF]*[\w\-:%\u00B7\u00C0-\uFFFF])?
             |[A-Za-z_][\w\-]*)
  | (?P<other>\S)
""", re.VERBOSE)

UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}


class ForbiddenService(ValueError):
    """A SERVICE target that is not on the allowlist (or cannot be checked)."""


@dataclass
class Token:
    kind: str
    text: str


def tokens(sparql: str) -> list[Token]:
    """Significant tokens of a SPARQL text (comments dropped)."""
    return list(iter_tokens(sparql))


def iter_tokens(sparql: str) -> Iterator[Token]:
    """Significant tokens of a SPARQL text, lexed as they are asked for."""
    for match in TOKEN.finditer(sparql):
        kind = match.lastgroup
        if kind != "comment":
            yield Token(kind, match.group())


@lru_cache(maxsize=1024)
def is_update(sparql: str) -> bool:
    """True when the first keyword after the prologue starts a SPARQL Update operation."""
    stream = iter_tokens(sparql)  # only the prologue and one keyword are lexed
    for token in stream:
        word = token.text.upper()
        if token.kind == "name" and word == "BASE":
            next(stream, None)
        elif token.kind == "name" and word == "PREFIX":
            next(stream, None)
            next(stream, None)
        else:
            return token.kind == "name" and word in UPDATE_KEYWORDS
    return False


def service_targets(sparql: str) -> list[str | None]:
    """The IRI of every SERVICE clause (None for one that is a variable or unresolvable)."""
    prefixes: dict[str, str] = {}
    base: str | None = None
    found: list[str | None] = []
    stream = tokens(sparql)
    for index, token in enumerate(stream):
        word = token.text.upper() if token.kind == "name" else ""
        following = stream[index + 1:index + 3]
        if word == "BASE" and following and following[0].kind == "iri":
            base = resolve(following[0].text[1:-1], base)
        elif word == "PREFIX" and len(following) == 2 and following[1].kind == "iri":
            prefixes[following[0].text.rstrip(":").split(":")[0]] = resolve(following[1].text[1:-1], base) or ""
        elif word == "SERVICE":
            target = following[0] if following else None
            if target is not None and target.kind == "name" and target.text.upper() == "SILENT":
                target = following[1] if len(following) > 1 else None
            found.append(target_iri(target, prefixes, base))
    return found


def resolve(iri: str, base: str | None) -> str | None:
    """An absolute IRI, resolved against BASE when relative (None when it cannot be)."""
    if urlsplit(iri).scheme:
        return iri
    return urljoin(base, iri) if base else None


def target_iri(token: Token | None, prefixes: dict[str, str], base: str | None) -> str | None:
    if token is None:
        return None
    if token.kind == "iri":
        return resolve(token.text[1:-1], base)
    if token.kind == "name" and ":" in token.text:
        prefix, local = token.text.split(":", 1)
        return prefixes[prefix] + local if prefix in prefixes else None
    return None


@lru_cache(maxsize=1024)
def check_services(sparql: str, allowed_hosts: tuple[str, ...]) -> None:
    """Raise ForbiddenService unless every SERVICE target is an http(s) IRI on an allowed host.

    Verdicts are cached per query text (clients repeat queries); a refusal is raised again each time.
    A text without the letters "service" in any case has no SERVICE clause (Oxigraph, like the SPARQL
    grammar, reads keywords only as written, never through \\u escapes), so it is not lexed.
    """
    if "service" not in sparql.lower():
        return
    for target in service_targets(sparql):
        if target is None:
            raise ForbiddenService("SERVICE targets must be absolute IRIs on the allowlist; "
                                   "a variable or unresolvable target cannot be checked")
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https") or parts.hostname not in allowed_hosts:
            allowed = ", ".join(allowed_hosts) or "none"
            raise ForbiddenService(f"SERVICE <{target}> refused: federated queries may only go to {allowed}")
