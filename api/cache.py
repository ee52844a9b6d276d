"""Conditional GETs and a bounded result cache, keyed on the graph's version and the request's variant.

Every answer of this server is a function of the graph's version (graph/model/version.py: new on
every build, authorised update and removal) and of the request: scheme, host, path, query string and
Accept. So a GET's ETag is a digest of exactly those, known before any query runs: a matching
`If-None-Match` is answered 304 at once, and a repeated request is answered from memory.

The cache is held in the server process, in front of the query worker processes, so it serves all of
them; `saltkg serve` runs one server process (a hit is a dictionary lookup, where a cache shared
across processes would cost a copy and a lock). Were several server processes run, each would keep
its own cache: each checks the version file on every request, so none can serve an old answer.
"""

from __future__ import annotations

import re
import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from .query_string import unquote_plus

if TYPE_CHECKING:
    from .services import Services

UNCACHED_PATHS = ("/healthz",)
ENTRY_OVERHEAD = 256  # bytes charged per entry beyond its key, headers and body (the Python objects)


@dataclass
class CacheStats:
    """Counters since the server started (per server process)."""

    hits: int = 0
    misses: int = 0
    not_modified: int = 0
    stored: int = 0
    evictions: int = 0
    too_large: int = 0
    invalidations: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Entry:
    headers: list[tuple[bytes, bytes]]
    body: bytes
    size: int


@dataclass
class ResultCache:
    """Answers by key, least recently used evicted first, bounded by the bytes they hold."""

    max_bytes: int
    max_entry_bytes: int
    entries: OrderedDict = field(default_factory=OrderedDict)
    bytes: int = 0
    version: str | None = None
    stats: CacheStats = field(default_factory=CacheStats)

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def for_version(self, version: str) -> None:
        """Forget every answer of an older graph version."""
        if version != self.version:
            if self.version is not None:
                self.stats.invalidations += 1
            self.entries.clear()
            self.bytes = 0
            self.version = version

    def get(self, key: str) -> Entry | None:
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
        return entry

    def put(self, key: str, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        size = len(key) + len(body) + sum(len(k) + len(v) for k, v in headers) + ENTRY_OVERHEAD
        if size > min(self.max_entry_bytes, self.max_bytes):
            self.stats.too_large += 1
            return
        old = self.entries.pop(key, None)
        if old is not None:
            self.bytes -= old.size
        while self.entries and self.bytes + size > self.max_bytes:
            _, evicted = self.entries.popitem(last=False)
            self.bytes -= evicted.size
            self.stats.evictions += 1
        self.entries[key] = Entry(headers, body, size)
        self.bytes += size
        self.stats.stored += 1

    def summary(self) -> dict:
        return {"enabled": self.enabled, "entries": len(self.entries), "bytes": self.bytes,
                "max_bytes": self.max_bytes, "max_entry_bytes": self.max_entry_bytes, **self.stats.as_dict()}


def variant_key(version: str, scope: dict, accept: bytes) -> str:
    """What an answer depends on: graph version, scheme, host, path, query string, Accept."""
    headers = scope["headers"]
    host = next((v for k, v in headers if k == b"host"), b"").decode("latin-1")
    return "\n".join((version, scope.get("scheme", "http"), host, scope.get("root_path", ""), scope["path"],
                      scope.get("query_string", b"").decode("latin-1"), accept.decode("latin-1")))


def etag_of(key: str) -> bytes:
    """A weak validator: the same variant of the same graph version is the same answer."""
    return b'W/"' + hashlib.blake2b(key.encode("utf-8"), digest_size=16).hexdigest().encode() + b'"'


def matches(if_none_match: bytes, etag: bytes) -> bool:
    """RFC 9110 weak comparison of an If-None-Match list (or `*`) against our ETag."""
    value = if_none_match.strip()
    if value == b"*":
        return True
    opaque = etag[2:]
    return any(tag.strip().removeprefix(b"W/") == opaque for tag in value.split(b","))


def cache_control(max_age: int) -> bytes:
    """Clients may keep answers; with max-age 0 they must revalidate (a 304 costs almost nothing)."""
    return b"public, no-cache" if max_age <= 0 else f"public, max-age={max_age}".encode()


def with_vary_accept(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The headers with `Vary: Accept` present exactly once."""
    vary = [v for k, v in headers if k.lower() == b"vary"]
    if any(b"accept" in (part.strip().lower() for part in v.split(b",")) for v in vary):
        return headers
    return [*headers, (b"vary", b"Accept")]


VOLATILE = re.compile(r"\b(?:NOW|RAND|UUID|STRUUID|BNODE)(?:\s|#[^\n\r]*)*\(", re.I)  # comments may stand before (
ENCODED_LETTER = re.compile(rb"%(?:4[1-9a-f]|5[0-9a]|6[1-9a-f]|7[0-9a])")  # in lower-cased bytes


def volatile(query_string: bytes) -> bool:
    """Whether the query string asks for NOW(), RAND(), UUID(), STRUUID() or BNODE(); decoded only when
    one of those names (or a percent-encoded letter, which could spell one) is in the raw bytes. The
    verdicts on query strings up to 8 KB are remembered (a repeated text is then checked in a lookup)."""
    if len(query_string) <= REMEMBERED_BYTES:
        return remembered_volatile(query_string)
    return decoded_volatile(query_string)


REMEMBERED_BYTES = 8 * 1024


@lru_cache(maxsize=1024)
def remembered_volatile(query_string: bytes) -> bool:
    return decoded_volatile(query_string)


def decoded_volatile(query_string: bytes) -> bool:
    low = query_string.lower()
    if not (b"now" in low or b"rand" in low or b"uuid" in low or b"bnode" in low or ENCODED_LETTER.search(low)):
        return False
    return asks_volatile(unquote_plus(query_string.decode("latin-1")))


VOLATILE_NAMES = ("now", "rand", "uuid", "bnode")
UNICODE_FOLDS = frozenset("\u0130\u0131\u017f")  # the only non-ASCII characters VOLATILE's letters match (tested)
AFTER_NAME = re.compile(r"(?:\s|#[^\n\r]*)*\(")  # VOLATILE's tail


def asks_volatile(text: str) -> bool:
    """VOLATILE.search(text), found by str.find in the lower-cased text and checked where a name stands
    (the regex alone tries every position of a long query: a fifth of a millisecond for 5 KB). A text
    holding İ, ı or ſ (which the regex, ignoring case, reads as i or s) or whose lower case changes its
    length goes to the regex."""
    low = text.lower()
    if len(low) != len(text) or any(fold in text for fold in UNICODE_FOLDS):
        return VOLATILE.search(text) is not None
    for name in VOLATILE_NAMES:
        at = low.find(name)
        while at >= 0:
            start = at - 3 if name == "uuid" and low[max(0, at - 3):at] == "str" else at
            if at_word_start(low, start) and AFTER_NAME.match(text, at + len(name)):
                return True
            at = low.find(name, at + 1)
    return False


def at_word_start(text: str, at: int) -> bool:
    """A regex word boundary before text[at] (a word character): at the start or after a non-word one."""
    return at == 0 or not (text[at - 1].isalnum() or text[at - 1] == "_")


class ConditionalCache:
    """ASGI middleware: ETag, Cache-Control and Vary on successful GETs; 304 for a current
    If-None-Match before the app runs; repeated GETs answered from the result cache."""

    def __init__(self, app, services: "Services"):
        self.app = app
        self.services = services
        self.max_age = services.settings.cache_max_age
        self.cache = services.result_cache

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or scope["path"] in UNCACHED_PATHS:
            return await self.app(scope, receive, send)
        headers = scope["headers"]
        accept = b"*/*"
        if_none_match = authorization = None
        for name, value in headers:
            if name == b"accept":
                accept = value
            elif name == b"if-none-match":
                if_none_match = value
            elif name == b"authorization":
                authorization = value
        if authorization is not None:  # an answer meant for one caller is neither shared nor validated
            return await self.app(scope, receive, send)
        if volatile(scope.get("query_string", b"")):
            return await self.app(scope, receive, send)  # NOW(), RAND(), UUID(), …: a new answer every time
        version = self.services.current_version()
        if version is None:  # a store server: its content may change unseen, so nothing is cached
            return await self.app(scope, receive, send)
        self.cache.for_version(version)
        key = variant_key(version, scope, accept)
        etag = etag_of(key)
        validators = [(b"etag", etag), (b"cache-control", cache_control(self.max_age)), (b"vary", b"Accept")]
        if if_none_match is not None and matches(if_none_match, etag):
            self.cache.stats.not_modified += 1
            await send({"type": "http.response.start", "status": 304, "headers": validators})
            await send({"type": "http.response.body", "body": b""})
            return
        if self.cache.enabled:
            entry = self.cache.get(key)
            if entry is not None:
                self.cache.stats.hits += 1
                await send({"type": "http.response.start", "status": 200, "headers": entry.headers})
                await send({"type": "http.response.body", "body": entry.body if scope["method"] == "GET" else b""})
                return
            self.cache.stats.misses += 1
        await self.app(scope, receive, self.recorder(send, key, validators, scope["method"] == "GET"))

    def recorder(self, send, key: str, validators: list[tuple[bytes, bytes]], store: bool):
        """A `send` that adds the validators to a 200 answer and keeps its body for the cache."""
        state = {"headers": None, "parts": [], "size": 0}
        limit = min(self.cache.max_entry_bytes, self.cache.max_bytes)
        version = self.cache.version

        async def recording_send(message):
            if message["type"] == "http.response.start":
                if message["status"] == 200:
                    headers = [(k, v) for k, v in message.get("headers", [])
                               if k.lower() not in (b"etag", b"cache-control")]
                    headers = with_vary_accept(headers + validators[:2])
                    message = {**message, "headers": headers}
                    cacheable = store and self.cache.enabled and not any(
                        k.lower() in (b"set-cookie", b"content-encoding") for k, _ in headers)
                    state["headers"] = headers if cacheable else None
            elif message["type"] == "http.response.body" and state["headers"] is not None:
                body = message.get("body", b"")
                state["size"] += len(body)
                if state["size"] > limit:
                    state["headers"] = None
                    self.cache.stats.too_large += 1
                else:
                    state["parts"].append(body)
                    if not message.get("more_body", False) and self.cache.version == version:
                        self.cache.put(key, state["headers"], b"".join(state["parts"]))
            await send(message)
        return recording_send
