"""What every command shares: the user-facing error, the graph the commands read, the store options."""

from __future__ import annotations

import argparse

from graph.config import Settings
from graph.model.store import KnowledgeGraph, StoreMissing


class CommandError(Exception):
    """A user-facing error: printed to stderr, exit status 1 (2 for usage)."""


def fail(message: str) -> None:
    raise CommandError(message)


def open_graph() -> KnowledgeGraph:
    """The graph the commands read: the store server named by --store / SALTKG_STORE, else build/store."""
    settings = Settings()
    if settings.store_url:
        from graph.model.remote import RemoteGraph, StoreConfigError
        try:
            return RemoteGraph.open(settings.store_url, base_iri=settings.base_iri)
        except StoreConfigError as err:
            fail(str(err))
    try:
        return KnowledgeGraph.open(settings.store_path)
    except StoreMissing as err:
        fail(str(err))


STORE_OPTIONS = {"store": "SALTKG_STORE", "store_kind": "SALTKG_STORE_KIND", "query_endpoint": "SALTKG_STORE_QUERY",
                 "update_endpoint": "SALTKG_STORE_UPDATE", "graph_store_endpoint": "SALTKG_STORE_GRAPH_STORE"}


def add_store_options(p: argparse.ArgumentParser) -> None:
    """--store URL and the explicit endpoint options (credentials only from the environment)."""
    p.add_argument("--store", metavar="URL", help="a SPARQL 1.1 store server instead of the embedded store in "
                   "build/ (env SALTKG_STORE): http://host:7878 Oxigraph, http://host:8890 Virtuoso, "
                   "http://host:3030/DATASET Fuseki, or kind+http://… on other ports; credentials from "
                   "SALTKG_STORE_USER / SALTKG_STORE_PASSWORD")
    p.add_argument("--store-kind", choices=["oxigraph", "virtuoso", "fuseki", "sparql"],
                   help="the server's URL layout when the port does not tell")
    p.add_argument("--query-endpoint", metavar="URL", help="the store's SPARQL query endpoint")
    p.add_argument("--update-endpoint", metavar="URL", help="the store's SPARQL update endpoint")
    p.add_argument("--graph-store-endpoint", metavar="URL", help="the store's Graph Store Protocol endpoint")


def apply_store_options(args: argparse.Namespace) -> None:
    """Store options go to the environment, where Settings, the API and worker processes read them."""
    import os
    for option, variable in STORE_OPTIONS.items():
        value = getattr(args, option, None)
        if value:
            os.environ[variable] = value


def short_iri(iri: str | None) -> str | None:
    """An IRI under the configured base as its relative path ('issue/mobile-icbms')."""
    base = Settings().base_iri
    return iri[len(base):] if iri and iri.startswith(base) else iri
