"""Checks made on SPARQL text before it reaches the store: update detection and SERVICE allowlist.

Oxigraph performs SERVICE calls itself, so every federated target is found here before the store
sees the query: by rdflib's complete SPARQL 1.1 grammar (prefixed names with escapes, BASE, comments,
strings), which must be able to read any text that mentions SERVICE, with the old hand lexer's reading
added as a second opinion. Targets that cannot be checked (variables, relative IRIs, escapes, user
info) are refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from pyparsing import ParseResults
from rdflib import URIRef
from rdflib.plugins.sparql.algebra import translatePName, translatePrologue
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

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


def service_targets(sparql: str, base: str | None = None) -> list[str | None]:
    """The IRI of every SERVICE clause, read with a complete SPARQL 1.1 grammar (None: unresolvable).

    Raises ForbiddenService when the text cannot be parsed: a text that mentions SERVICE and that
    the grammar cannot read is refused rather than guessed at. The hand lexer's targets are added as a
    second opinion, so a target either reading finds is checked.
    """
    found = grammar_service_targets(sparql, base)
    found.extend(lexer_service_targets(sparql, base))
    return found


def grammar_service_targets(sparql: str, base: str | None) -> list[str | None]:
    """SERVICE targets found by rdflib's SPARQL 1.1 grammar (queries, then updates)."""
    try:
        return targets_in_query(parseQuery(sparql), base)
    except Exception:  # noqa: BLE001 - any failure to read the query falls through to the update grammar
        pass
    try:
        return targets_in_update(parseUpdate(sparql), base)
    except Exception as err:  # noqa: BLE001 - pyparsing errors, RecursionError, ...
        raise ForbiddenService("the query mentions SERVICE but could not be read by the SPARQL 1.1 grammar "
                               f"used to check federated targets ({type(err).__name__}); it is refused") from None


def targets_in_query(parsed, base: str | None) -> list[str | None]:
    prologue = translatePrologue(parsed[0], base)
    return [service_iri(node, prologue) for node in service_nodes(parsed[1])]


def targets_in_update(parsed, base: str | None) -> list[str | None]:
    prologue = None
    found: list[str | None] = []
    for declarations, request in zip(parsed.prologue, parsed.request):
        prologue = translatePrologue(declarations, base, prologue=prologue)
        found.extend(service_iri(node, prologue) for node in service_nodes(request))
    return found


def service_nodes(tree) -> Iterator[CompValue]:
    """Every ServiceGraphPattern in a parse tree (iteratively: trees may be deep)."""
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                yield node
            pending.extend(node.values())
        elif isinstance(node, (list, tuple, ParseResults)):
            pending.extend(node)


def service_iri(node: CompValue, prologue) -> str | None:
    term = node.get("term")
    if isinstance(term, (URIRef, CompValue)):
        resolved = translatePName(term, prologue)
        return str(resolved) if resolved is not None and urlsplit(str(resolved)).scheme else None
    return None


def lexer_service_targets(sparql: str, base: str | None) -> list[str | None]:
    """SERVICE targets as the hand lexer reads them (a second opinion only; never trusted alone)."""
    prefixes: dict[str, str] = {}
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
def check_services(sparql: str, allowed_hosts: tuple[str, ...], base: str | None = None) -> None:
    """Raise ForbiddenService unless every SERVICE target is a plain http(s) IRI on an allowed host.

    Verdicts are cached per query text (clients repeat queries); a refusal is raised again each time.
    A text without the letters "service" in any case has no SERVICE clause (Oxigraph, like the SPARQL
    grammar, reads keywords only as written, never through \\u escapes), so it is not parsed.
    """
    if "service" not in sparql.lower():
        return
    for target in service_targets(sparql, base):
        if target is None:
            raise ForbiddenService("SERVICE targets must be absolute IRIs on the allowlist; "
                                   "a variable or unresolvable target cannot be checked")
        if not allowed_target(target, allowed_hosts):
            allowed = ", ".join(allowed_hosts) or "none"
            raise ForbiddenService(f"SERVICE <{target}> refused: federated queries may only go to {allowed}")


def allowed_target(target: str, allowed_hosts: tuple[str, ...]) -> bool:
    """True for an http(s) IRI on an allowed host, written plainly: no escapes, user info or odd port."""
    if "\\" in target or any(ord(c) < 0x21 or ord(c) > 0x7E for c in target):
        return False
    try:
        parts = urlsplit(target)
        port = parts.port
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or "@" in parts.netloc or "%" in parts.netloc:
        return False
    return parts.hostname in allowed_hosts and port in (None, 80, 443)


LINE_END = re.compile(r"\r\n|\r|\n")  # SPARQL's line ends (str.splitlines also splits at \x0b, \u2028, …)


@lru_cache(maxsize=1024)
def has_dataset_clause(sparql: str) -> bool:
    """True when a query names its own dataset with FROM or FROM NAMED (keywords are only read as written,
    so a text without the letters 'from' in any case is not lexed). Short strings, IRIs and comments
    never span lines, so unless a long string (three quotes) may, only the lines holding 'from' are
    lexed, each on its own."""
    if "from" not in sparql.lower():
        return False
    if "'''" in sparql or '"""' in sparql:
        return any(is_from(match) for match in TOKEN.finditer(sparql))
    return any(is_from(match) for line in LINE_END.split(sparql) if "from" in line.lower()
               for match in TOKEN.finditer(line))


def is_from(match: re.Match) -> bool:
    return match.lastgroup == "name" and match.group().upper() == "FROM"


MAX_NESTING = 100  # brackets: ( [ { open at once
MAX_PATH_STEPS = 100  # / and | joining one property path (Oxigraph's planning grows steeply with more)


class TooComplex(ValueError):
    """A query nested or chained beyond what the endpoint evaluates."""


def within_limits_by_count(sparql: str) -> bool:
    """True when the text has too few bracket, slash and bar characters to break either limit, wherever
    they stand (the lexer counts a subset of them): most queries, checked without lexing."""
    openers = sparql.count("(") + sparql.count("[") + sparql.count("{")
    return openers <= MAX_NESTING and sparql.count("/") + sparql.count("|") <= MAX_PATH_STEPS


def check_complexity(sparql: str) -> None:
    """Raise TooComplex for brackets nested deeper than MAX_NESTING or a property path (or operator
    chain) of more than MAX_PATH_STEPS steps: such texts only exhaust the engine's recursion or time."""
    if not within_limits_by_count(sparql):
        check_lexed_complexity(sparql)


def check_lexed_complexity(sparql: str) -> None:
    """check_complexity, token by token."""
    depth = steps = 0
    previous = ""
    for token in iter_tokens(sparql):
        text = token.text if token.kind == "other" else ""
        if text in ("(", "[", "{"):
            depth += 1
            if depth > MAX_NESTING:
                raise TooComplex(f"the query nests brackets more than {MAX_NESTING} deep; flatten it")
        elif text in (")", "]", "}"):
            depth = max(0, depth - 1)
        if text == "/" or (text == "|" and previous != "|"):
            steps += 1
            if steps > MAX_PATH_STEPS:
                raise TooComplex(f"a property path or expression chains more than {MAX_PATH_STEPS} steps")
        elif text in (".", ";", ",", "{", "}"):
            steps = 0
        previous = text
