"""The shortcuts on the cold /sparql path give the same verdicts as the full checks: the complexity
limits, the FROM detection, the NOW()/RAND() detection of the result cache and the query-string decoding
(hypothesis compares them with the lexer-based, decode-everything and Starlette forms on generated texts)."""

from __future__ import annotations

import re
from urllib.parse import quote, quote_plus, unquote_plus, urlencode

from hypothesis import given, settings
from hypothesis import strategies as st

from starlette.datastructures import QueryParams

from api.cache import UNICODE_FOLDS, VOLATILE, VOLATILE_NAMES, asks_volatile, volatile
from api.query_string import parse
from api.sparql_guard import TooComplex, check_complexity, check_lexed_complexity, has_dataset_clause, iter_tokens

PIECES = ["SELECT * WHERE { ?s ?p ?o }", "FROM <http://a/g>", "from named <http://a/h>", "# from a comment\n",
          "'''long\n# from inside\n'''", '"from"', "?from", "<http://a/from#x>", "NOW()", "rand ( )", "uuid()",
          "BNODE(?x)", "known", "(", ")", "{", "}", "[", "]", "/", "|", "||", ".", ";", "\n", " ", "ex:from",
          "STRUUID()", "%4Eow()", '"""\n#"""', '"a\x1c#"', '"b\u2028#"', "\r# c\r", "NOW#c\n()"]


def lexed_has_from(text: str) -> bool:
    return any(t.kind == "name" and t.text.upper() == "FROM" for t in iter_tokens(text))


def verdict(check, text: str) -> str | None:
    try:
        check(text)
    except TooComplex as err:
        return "nesting" if "nests" in str(err) else "steps"
    return None


texts = st.lists(st.sampled_from(PIECES), max_size=40).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_from_shortcut_agrees_with_the_lexer(text):
    assert has_dataset_clause(text) == lexed_has_from(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["(", "{", "[", ")", "/", "|", "?a", "<http://x/y/z>", "# ((((\n"]), max_size=260)
       .map(" ".join))
def test_complexity_shortcut_agrees_with_the_lexer(text):
    assert verdict(check_complexity, text) == verdict(check_lexed_complexity, text)


@settings(max_examples=300, deadline=None)
@given(texts, st.sampled_from([quote_plus, quote, lambda t: "".join(f"%{b:02X}" for b in t.encode())]))
def test_volatile_shortcut_agrees_with_decoding_everything(text, encode):
    query_string = ("query=" + encode(text)).encode("latin-1")
    expected = VOLATILE.search(unquote_plus(query_string.decode("latin-1"))) is not None
    assert volatile(query_string) == expected


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["now", "NOW", "rand", "Uuid", "struuid", "STRUUID", "bnode", "xnow", "_rand",
                                 "str", "(", " ", "\n", "#c", "\r", "é", "\u017f", "ı", "İ", "…", "1", "?x", ".", "\t", "uuid"]),
                max_size=30).map("".join))
def test_volatile_names_found_as_the_regex_finds_them(text):
    assert asks_volatile(text) == (VOLATILE.search(text) is not None)


def test_the_non_ascii_characters_the_names_match_ignoring_case_are_known():
    letters = re.compile("[" + "".join(sorted(set("".join(VOLATILE_NAMES + ("str",))))) + "]", re.I)
    assert {c for c in map(chr, range(0x80, 0x110000)) if letters.fullmatch(c)} == UNICODE_FOLDS


def test_examples():
    assert not has_dataset_clause("# rows from the store\nSELECT * { ?s ?p ?o }")
    for opening in ('"""\n#"""', '"a\x1c#"', '"a\u2028#"'):  # a line starting with # that is no comment
        assert has_dataset_clause(f"SELECT ({opening} AS ?x) FROM <http://g/1> WHERE {{ ?s ?p ?o }}")
    assert volatile(b"query=SELECT+(NOW%23c%0A()+AS+%3Ft)+{}")  # a comment between the name and (
    assert has_dataset_clause("# x\nSELECT * FROM <http://a/g> { ?s ?p ?o }")
    assert volatile(b"query=SELECT+(%4E%4F%57()+AS+%3Ft)+{}")  # letters percent-encoded
    assert not volatile(b"query=SELECT+%3Fknown+{}")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=12), st.text(max_size=60)), max_size=4),
       st.text(alphabet="%+&=;#ab2F\\\u00e9 \x00", max_size=40))
def test_query_string_decoding_agrees_with_starlette(pairs, raw):
    """Encoded pairs (any Unicode) and raw strings with stray escapes, separators and non-ASCII bytes."""
    for query_string in (urlencode(pairs).encode(), raw.encode("utf-8"), raw.encode("latin-1", "replace")):
        assert parse(query_string) == QueryParams(query_string).multi_items()
