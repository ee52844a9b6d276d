"""Server settings, read from the environment: limits, CORS, federation allowlist, admin token."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from graph.config import Settings

DEFAULT_SERVICE_HOSTS = ("query.wikidata.org", "dbpedia.org")


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_list(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = os.environ.get(name)
    if value is None:
        return default
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class ServerSettings:
    """Everything the HTTP layer bounds or allows; every field has a SALTKG_* variable."""

    graph: Settings = field(default_factory=Settings)
    store_path: Path | None = None
    query_timeout: float = field(default_factory=lambda: env_float("SALTKG_QUERY_TIMEOUT", 5.0))
    max_result_bytes: int = field(default_factory=lambda: env_int("SALTKG_MAX_RESULT_BYTES", 16 * 1024 * 1024))
    max_request_bytes: int = field(default_factory=lambda: env_int("SALTKG_MAX_REQUEST_BYTES", 256 * 1024))
    query_workers: int | None = field(default_factory=lambda: env_int("SALTKG_QUERY_WORKERS", 0) or None)
    queue_wait: float = field(default_factory=lambda: env_float("SALTKG_QUEUE_WAIT", 10.0))
    # "inline": queries on threads of the server process (only under `saltkg serve`'s supervisor, which
    # replaces a process whose query ran past the limit); "process": each query in a worker process
    query_isolation: str = field(default_factory=lambda: os.environ.get("SALTKG_QUERY_ISOLATION", "process"))
    service_hosts: tuple[str, ...] = field(default_factory=lambda: env_list("SALTKG_SERVICE_HOSTS", DEFAULT_SERVICE_HOSTS))
    cors_origins: tuple[str, ...] = field(default_factory=lambda: env_list("SALTKG_CORS_ORIGINS", ("*",)))
    admin_token: str | None = field(default_factory=lambda: os.environ.get("SALTKG_ADMIN_TOKEN") or None)
    page_limit: int = field(default_factory=lambda: env_int("SALTKG_PAGE_LIMIT", 500))
    # the HTTP/1.1 parser of `saltkg serve`: "httptools" (C, the default when installed) or "h11"
    http_parser: str = field(default_factory=lambda: os.environ.get("SALTKG_HTTP_PARSER", "httptools"))
    header_timeout: float = field(default_factory=lambda: env_float("SALTKG_HEADER_TIMEOUT", 10.0))
    max_header_bytes: int = field(default_factory=lambda: env_int("SALTKG_MAX_HEADER_BYTES", 64 * 1024))
    store_check_seconds: float = field(default_factory=lambda: env_float("SALTKG_STORE_CHECK_SECONDS", 30.0))
    # the result cache of GET answers (0 turns it off; ETags and 304s stay), and how long clients may
    # reuse an answer without asking again (0: they revalidate every time, so a rebuild shows at once)
    cache_bytes: int = field(default_factory=lambda: env_int("SALTKG_CACHE_BYTES", 64 * 1024 * 1024))
    cache_entry_bytes: int = field(default_factory=lambda: env_int("SALTKG_CACHE_ENTRY_BYTES", 4 * 1024 * 1024))
    cache_max_age: int = field(default_factory=lambda: env_int("SALTKG_CACHE_MAX_AGE", 0))

    def query_concurrency(self, threads: bool) -> int:
        """Queries run at once: SALTKG_QUERY_WORKERS, else 4 per CPU (at least 8) on query threads, whose
        engine releases the GIL only while it evaluates (more threads keep the cores busy), and one per
        CPU (at least 2) in worker processes or towards a store server."""
        if self.query_workers:
            return self.query_workers
        cpus = os.cpu_count() or 2
        return max(8, 4 * cpus) if threads else max(2, cpus)

    @property
    def store_url(self) -> str | None:
        """A store server to read instead of the embedded store (SALTKG_STORE), when one is set."""
        return None if self.store_path else self.graph.store_url

    @property
    def store(self) -> Path:
        return self.store_path or self.graph.store_path

    @property
    def search_index(self) -> Path:
        return self.store.parent / "search.sqlite"
