"""The graph in a SPARQL 1.1 server (Oxigraph server, OpenLink Virtuoso, Apache Jena Fuseki, or any
service given by its endpoints), read through the same interface as the embedded store.

Queries run as the same text on both: the default graph is the union of the named graphs (Oxigraph's
`union-default-graph`, Virtuoso with no FROM, Fuseki's `unionDefaultGraph`). Answers come back as
SPARQL JSON results or N-Triples and are parsed by pyoxigraph, so readers get the very same Python
objects as from the embedded store. Credentials come from the environment only.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import IO, Iterable, Iterator
from urllib.parse import urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from graph.config import Settings
from graph.model.store import EXPORT_FORMATS
from graph.namespaces import DCTERMS, PROV, RDF, RDFS, XSD

USER_ENV, PASSWORD_ENV = "SALTKG_STORE_USER", "SALTKG_STORE_PASSWORD"
KINDS = ("oxigraph", "virtuoso", "fuseki", "sparql")
DEFAULT_PORTS = {7878: "oxigraph", 8890: "virtuoso", 3030: "fuseki"}
LAYOUTS = {  # query, update, graph store paths under the store URL
    "oxigraph": ("/query", "/update", "/store"),
    "virtuoso": ("/sparql", "/sparql-auth", "/sparql-graph-crud-auth"),
    "fuseki": ("/query", "/update", "/data"),
}
RESULTS_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"
ACCEPT_BY_FORM = {"select": "application/sparql-results+json", "ask": "application/sparql-results+json",
                  "construct": "application/n-triples, text/turtle;q=0.8",
                  "describe": "application/n-triples, text/turtle;q=0.8"}
# Strings, IRIs and comments are skipped so that only a real query-form keyword counts.
SKIPPED = r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
FORM_TOKENS = re.compile(SKIPPED + r"|\b(select|ask|construct|describe)\b", re.IGNORECASE)
GRAPH_TOKENS = re.compile(SKIPPED + r"|\b(graph)\b", re.IGNORECASE)
GRAPH_MEDIA = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
               "text/turtle": ox.RdfFormat.TURTLE, "application/rdf+xml": ox.RdfFormat.RDF_XML,
               "text/ntriples": ox.RdfFormat.N_TRIPLES}
RESULT_MEDIA = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
                "application/json": ox.QueryResultsFormat.JSON,
                "application/sparql-results+xml": ox.QueryResultsFormat.XML}
# GROUP BY, not DISTINCT: the same graphs, but Virtuoso 7.2 took 15-30 s for SELECT DISTINCT ?g over the shipped
# data's quads (measured) and 0.03 s grouped.
GRAPHS_QUERY = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
# Graphs a Virtuoso server keeps for itself; with no FROM they would join the union default graph.
VIRTUOSO_SYSTEM_GRAPH = re.compile(r"^(http://www\.openlinksw\.com/|http://www\.w3\.org/ns/ldp#|"
                                   r"http://localuriqaserver/|https?://[^/]+/DAV/|https?://[^/]+/sparql/?$)")


# The store's version record: one small graph, replaced by every SALT-KG write (a build, an update through the
# API) in the same request as the write, read by API replicas to know when to rebuild what they derive.
VERSION_GRAPH = "graph/version"
HEX = "0123456789abcdef"


class StoreConfigError(ValueError):
    """A store URL or endpoint setting that cannot be used as given."""


class StoreUnavailable(ConnectionError):
    """The store server did not answer (down, refusing, or slower than the time limit)."""

    retry_after = 5


class StoreTimeout(StoreUnavailable):
    """The store did not finish within the time limit (enforced here, on the client side)."""


class StoreError(RuntimeError):
    """The store answered with an error that is not the query's fault."""


@dataclass(frozen=True)
class Endpoints:
    """Where a store server takes queries, updates and Graph Store Protocol requests."""

    url: str
    kind: str
    query: str
    update: str | None
    graph_store: str | None
    user: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)

    def describe(self) -> str:
        """The store for humans and /healthz: its kind and URL, never credentials."""
        return f"{self.kind} server at {self.url}"

    def auth(self) -> httpx.Auth | None:
        if not self.user:
            return None
        if self.kind == "virtuoso":
            return httpx.DigestAuth(self.user, self.password or "")
        return httpx.BasicAuth(self.user, self.password or "")


def endpoints_for(url: str, kind: str | None = None, query: str | None = None, update: str | None = None,
                  graph_store: str | None = None) -> Endpoints:
    """The endpoints of a store URL: its kind from `kind`, a `kind+http://` scheme, or the default port
    (7878 Oxigraph, 8890 Virtuoso, 3030 Fuseki); explicit endpoints (or SALTKG_STORE_QUERY, _UPDATE,
    _GRAPH_STORE) override the layout."""
    kind = kind or os.environ.get("SALTKG_STORE_KIND") or None
    query = query or os.environ.get("SALTKG_STORE_QUERY") or None
    update = update or os.environ.get("SALTKG_STORE_UPDATE") or None
    graph_store = graph_store or os.environ.get("SALTKG_STORE_GRAPH_STORE") or None
    scheme, _, rest = url.partition("://")
    if "+" in scheme:
        kind, scheme = scheme.split("+", 1)
        url = f"{scheme}://{rest}"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StoreConfigError(f"store URL {url!r}: give http(s)://host:port[/dataset]")
    if parts.username or parts.password:
        raise StoreConfigError("store URL: credentials belong in SALTKG_STORE_USER and SALTKG_STORE_PASSWORD, "
                               "never in the URL")
    base = urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))
    kind = kind or DEFAULT_PORTS.get(parts.port or 0) or ("sparql" if query else None)
    if kind not in KINDS:
        raise StoreConfigError(f"store URL {url!r}: cannot tell the server's layout; write oxigraph+{url}, "
                               f"virtuoso+{url} or fuseki+{url}, or give the endpoints explicitly")
    paths = LAYOUTS.get(kind, (None, None, None))
    found = [given or (base + path if path else None) for given, path in zip((query, update, graph_store), paths)]
    if not found[0]:
        raise StoreConfigError(f"store {url!r}: give the query endpoint (--query-endpoint)")
    return Endpoints(base, kind, found[0], found[1], found[2], os.environ.get(USER_ENV) or None,
                     os.environ.get(PASSWORD_ENV) or None)


class RemoteGraph:
    """A SALT-KG graph held by a SPARQL 1.1 server, with the embedded store's read interface."""

    path = None

    def __init__(self, endpoints: Endpoints, timeout: float = 30.0, connect_timeout: float = 2.0,
                 base_iri: str | None = None):
        self.endpoints = endpoints
        self.timeout = timeout
        self.version_graph = version_graph(base_iri or Settings().base_iri)
        self.client = httpx.Client(timeout=httpx.Timeout(timeout, connect=connect_timeout), auth=endpoints.auth(),
                                   follow_redirects=False)
        self._excluded: tuple[str, ...] | None = None

    @classmethod
    def open(cls, url: str, timeout: float = 30.0, base_iri: str | None = None, **endpoint_options) -> "RemoteGraph":
        return cls(endpoints_for(url, **endpoint_options), timeout, base_iri=base_iri)

    def __repr__(self) -> str:
        return f"RemoteGraph({self.endpoints.describe()})"

    def describe(self) -> str:
        return self.endpoints.describe()

    def content_changed(self) -> None:
        """Forget what readers cached on this graph object (such as a negotiation's chronology): the
        server's content changed, where an embedded store would have been reopened as a new object."""
        for key in [k for k in vars(self) if k.startswith("_") and k != "_excluded"]:
            del self.__dict__[key]

    # -- the read interface of KnowledgeGraph -------------------------------------------------------

    def query(self, sparql: str, substitutions: dict | None = None, default_graphs: Iterable[str] = (),
              named_graphs: Iterable[str] = (), timeout: float | None = None, max_bytes: int | None = None,
              union_default: bool = True):
        """Run a query on the server; SELECT/ASK give pyoxigraph results, CONSTRUCT/DESCRIBE triples.
        With `max_bytes`, an answer larger than that raises OverflowError before it is parsed; with
        `union_default` False and no default graphs given, the query's own FROM (or the server) decides."""
        if substitutions:
            sparql = with_values(sparql, substitutions)
        content_type, body = self.post_query(sparql, list(default_graphs), list(named_graphs), timeout, max_bytes,
                                             union_default)
        return parse_answer(content_type, body)

    def select(self, sparql: str, substitutions: dict | None = None) -> list[dict[str, object]]:
        """A SELECT query's rows as dicts of Python values (IRIs and lexical forms as str)."""
        results = self.query(sparql, substitutions)
        names = [v.value for v in results.variables]
        return [dict(zip(names, [None if term is None else term.value for term in row])) for row in results]

    def triple_count(self) -> int:
        """Triples of the union default graph, the store's version record not counted."""
        record = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{self.version_graph}> {{ ?s ?p ?o }} }}"
        return int(self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]) - int(self.select(record)[0]["n"])

    def quad_count(self) -> int:
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self.own_graphs_filter()} }}"
        return int(self.select(query)[0]["n"])

    def named_graphs(self) -> list[str]:
        query = f"SELECT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self.own_graphs_filter()} }} GROUP BY ?g"
        return sorted(r["g"] for r in self.select(query))

    def store_version(self) -> str | None:
        """The id of the last SALT-KG write to the store (its version record), None when there is none."""
        rows = self.select(f"SELECT ?id WHERE {{ GRAPH <{self.version_graph}> {{ <{self.version_graph}> "
                           f"<{DCTERMS}identifier> ?id }} }}")
        return min(str(row["id"]) for row in rows) if rows else None

    def content_digest(self) -> str:
        """A digest of every quad (the version record aside), computed by the store: the count and the sum
        of the first 32 bits of each quad's SHA-1, so no order is needed. For changes made by other tools,
        which leave the version record alone; it reads the whole store (13,700 quads: 0.4-2 s, measured)."""
        def text(term: str) -> str:
            return (f'IF(isLITERAL({term}), CONCAT(STR({term}), "@", LANG({term}), "^", STR(DATATYPE({term}))), '
                    f'IF(isBLANK({term}), "_", STR({term})))')
        number = " + ".join(f'STRLEN(STRBEFORE("{HEX}", SUBSTR(?h, {i}, 1))) * {16 ** (8 - i)}' for i in range(1, 9))
        row = self.select(f"SELECT (COUNT(*) AS ?quads) (SUM({number}) AS ?sum) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                          f"{self.own_graphs_filter()} BIND (SHA1(CONCAT({text('?s')}, ' ', STR(?p), ' ', "
                          f"{text('?o')}, ' ', STR(?g))) AS ?h) }}")[0]
        return f"{row['quads']}-{row['sum']}"

    def export(self, fmt: str, output: IO[bytes]) -> None:
        """Write the whole graph: triple formats get the union, dataset formats keep named graphs."""
        rdf_format = EXPORT_FORMATS[fmt]
        if rdf_format.supports_datasets:
            ox.serialize(self.quads(), output, format=rdf_format)
        else:
            ox.serialize(self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"), output, format=rdf_format)

    def quads(self) -> Iterator[ox.Quad]:
        for row in self.query(f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self.own_graphs_filter()} }}"):
            yield ox.Quad(row["s"], row["p"], row["o"], row["g"])

    def as_rdflib(self):
        """rdflib's own SPARQLStore speaks to a server directly; use it over `self.endpoints.query`."""
        raise StoreConfigError("the rdflib view wraps the embedded store only; for a store server use "
                               f"rdflib.plugins.stores.sparqlstore.SPARQLStore({self.endpoints.query!r})")

    # -- protocol ---------------------------------------------------------------------------------

    def post_query(self, sparql: str, default_graphs: list[str], named_graphs: list[str],
                   timeout: float | None = None, max_bytes: int | None = None,
                   union_default: bool = True) -> tuple[str, bytes]:
        """POST a query by the SPARQL 1.1 Protocol; (content type, body), failures mapped to
        StoreUnavailable / StoreTimeout / SyntaxError / OverflowError."""
        union = union_default and not default_graphs
        form: dict[str, str | list[str]] = {"query": self.dialect(sparql, not union)}
        if default_graphs:
            form["default-graph-uri"] = default_graphs
        if named_graphs:
            form["named-graph-uri"] = named_graphs
        limit = timeout or self.timeout
        if self.endpoints.kind == "oxigraph" and union:
            form["union-default-graph"] = ""
        if self.endpoints.kind == "virtuoso":
            form["timeout"] = str(int(limit * 1000))
        request = self.client.build_request("POST", self.endpoints.query, data=form,
                                            headers={"Accept": ACCEPT_BY_FORM.get(query_form(sparql),
                                                                                  RESULTS_ACCEPT)},
                                            timeout=httpx.Timeout(limit, connect=min(2.0, limit)))
        deadline = time.monotonic() + limit
        try:
            response = self.client.send(request, stream=True, auth=None)
            try:
                body = read_capped(response, max_bytes, deadline)
            finally:
                response.close()
        except httpx.ConnectTimeout as err:
            raise StoreUnavailable(f"{self.describe()} is not reachable: {err}") from None
        except httpx.TimeoutException:
            raise StoreTimeout(f"{self.describe()} did not answer within the time limit of {limit:g} s") from None
        except httpx.TransportError as err:
            raise StoreUnavailable(f"{self.describe()} is not reachable: {err}") from None
        if response.status_code == 400:
            raise SyntaxError(body.decode("utf-8", "replace").strip()[:2000] or "the store refused the query")
        if response.headers.get("x-sql-state") == "S1TAT":  # Virtuoso's partial "anytime" answer
            raise StoreTimeout(f"{self.describe()} stopped the query at the time limit of {limit:g} s")
        check(response, body)
        return response.headers.get("content-type", ""), body

    def send(self, method: str, url: str, use_auth: bool = True, **options) -> httpx.Response:
        """One HTTP exchange with the store; a store that is down or too slow is StoreUnavailable."""
        if not use_auth:
            options["auth"] = None
        try:
            return self.client.request(method, url, **options)
        except httpx.ConnectTimeout as err:
            raise StoreUnavailable(f"{self.describe()} is not reachable: {err}") from None
        except httpx.TimeoutException:
            raise StoreTimeout(f"{self.describe()} did not answer within the time limit of "
                               f"{options['timeout'].read if 'timeout' in options else self.timeout:g} s") from None
        except httpx.TransportError as err:
            raise StoreUnavailable(f"{self.describe()} is not reachable: {err}") from None

    def dialect(self, sparql: str, explicit_dataset: bool) -> str:
        """The query as this server needs it for the union-default-graph semantics: Virtuoso's own
        bookkeeping graphs are excluded from its default graph, the query text itself is unchanged. Not
        for a query with a GRAPH pattern: Virtuoso then finds nothing in GRAPH <g> at all, so such a
        query sees Virtuoso's graphs too (the methods below leave them out themselves)."""
        if self.endpoints.kind != "virtuoso" or explicit_dataset or mentions_graph(sparql):
            return sparql
        return "".join(f"define input:default-graph-exclude <{g}>\n" for g in self.excluded_graphs()) + sparql

    def own_graphs_filter(self) -> str:
        """A FILTER keeping ?g to the graph's own graphs, for queries over GRAPH ?g: not the store's version
        record, nor the server's own graphs (Virtuoso's)."""
        excluded = (self.excluded_graphs() if self.endpoints.kind == "virtuoso" else ()) + (self.version_graph,)
        return f"FILTER (?g NOT IN ({', '.join(f'<{g}>' for g in excluded)}))"

    def excluded_graphs(self) -> tuple[str, ...]:
        """Virtuoso's system graphs (its RDF views, DAV, sample ontologies), found once."""
        if self._excluded is None:
            response = self.send("POST", self.endpoints.query, use_auth=False, headers={"Accept": RESULTS_ACCEPT},
                                 data={"query": GRAPHS_QUERY})
            check(response)
            graphs = [row["g"].value for row in parse_answer(response.headers.get("content-type", ""),
                                                             response.content)]
            self._excluded = tuple(sorted(g for g in graphs if VIRTUOSO_SYSTEM_GRAPH.match(g)))
        return self._excluded

    def update(self, sparql: str, timeout: float | None = None) -> None:
        """Send a SPARQL Update (one request, which the store applies as one transaction)."""
        if not self.endpoints.update:
            raise StoreConfigError(f"{self.describe()}: no update endpoint configured (--update-endpoint)")
        response = self.send("POST", self.endpoints.update, content=sparql.encode("utf-8"),
                             headers={"Content-Type": "application/sparql-update"},
                             timeout=httpx.Timeout(timeout or max(self.timeout, 600), connect=5.0))
        if response.status_code == 400:
            raise StoreError(f"{self.describe()} refused the update: {response.text.strip()[:2000]}")
        check(response)

    def close(self) -> None:
        self.client.close()


def version_graph(base_iri: str) -> str:
    return base_iri + VERSION_GRAPH


def version_update(base_iri: str, version: str | None = None) -> str:
    """SPARQL Update operations replacing the store's version record with a new id (a UUID) and time, to be
    sent in the same request as the write they mark."""
    graph = f"<{version_graph(base_iri)}>"
    now = datetime.now(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")
    return (f"DROP SILENT GRAPH {graph} ;\nINSERT DATA {{ GRAPH {graph} {{\n"
            f"{graph} <{RDF}type> <{PROV}Entity> ;\n"
            f'  <{DCTERMS}identifier> "{version or uuid.uuid4()}" ;\n'
            f'  <{PROV}generatedAtTime> "{now}"^^<{XSD}dateTime> ;\n'
            f'  <{RDFS}comment> "The version of the SALT-KG graph in this store: a new identifier for every build '
            f'written here and every update through the SALT-KG API." }} }}\n')


LAST_TOKEN = re.compile(SKIPPED + r"|(\S)")


def followed_by(update: str, more: str) -> str:
    """One update request of `update`'s operations and then `more`'s (a new line first, so that a comment
    ending `update` does not swallow them; no second ';' after a trailing one)."""
    last = None
    for found in LAST_TOKEN.finditer(update):
        if not found.group(0).startswith("#"):
            last = found.group(0)
    return f"{update}\n{'' if last in (None, ';') else ';'}\n{more}"


def mentions_graph(sparql: str) -> bool:
    """Whether the keyword GRAPH occurs outside strings, IRIs and comments."""
    return any(found.group(1) for found in GRAPH_TOKENS.finditer(sparql))


def query_form(sparql: str) -> str | None:
    """select, ask, construct or describe: the first query-form keyword outside strings, IRIs and comments
    (servers such as Virtuoso answer a CONSTRUCT in a results format when one is acceptable)."""
    for found in FORM_TOKENS.finditer(sparql):
        if found.group(1):
            return found.group(1).lower()
    return None


def read_capped(response: httpx.Response, max_bytes: int | None, deadline: float) -> bytes:
    """The response body, refused past `max_bytes` and stopped past the deadline (a slow trickle too)."""
    parts, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            raise OverflowError(max_bytes)
        if time.monotonic() > deadline:
            raise httpx.ReadTimeout("deadline passed while reading the answer")
        parts.append(chunk)
    return b"".join(parts)


def check(response: httpx.Response, body: bytes | None = None) -> None:
    """Raise for a failed answer: 502/503/504 mean the store is unavailable, other codes are errors."""
    if response.status_code < 300:
        return
    text = (body.decode("utf-8", "replace") if body is not None else response.text).strip()[:1000]
    if response.status_code in (502, 503, 504):
        raise StoreUnavailable(f"the store answered {response.status_code}: {text}")
    if response.status_code in (401, 403):
        raise StoreError(f"the store refused access ({response.status_code}); check {USER_ENV} and "
                         f"{PASSWORD_ENV}: {text}")
    raise StoreError(f"the store answered {response.status_code}: {text}")


def parse_answer(content_type: str, body: bytes):
    """pyoxigraph results (SELECT/ASK) or a list of triples (CONSTRUCT/DESCRIBE) from a response."""
    media = content_type.split(";")[0].strip().lower()
    if media in RESULT_MEDIA:
        return ox.parse_query_results(body, format=RESULT_MEDIA[media])
    if media in GRAPH_MEDIA:
        return TripleResults(ox.Triple(q.subject, q.predicate, q.object)
                             for q in ox.parse(body, format=GRAPH_MEDIA[media]))
    raise StoreError(f"the store answered in an unexpected format {media!r}")


class TripleResults(list):
    """CONSTRUCT/DESCRIBE triples from a server, serialisable like pyoxigraph's QueryTriples."""

    def serialize(self, output: IO[bytes] | None = None, format: ox.RdfFormat = ox.RdfFormat.N_TRIPLES):
        return ox.serialize(self, output, format=format)


def with_values(sparql: str, substitutions: dict) -> str:
    """Bind variables as the embedded store's substitutions do, with a trailing VALUES block."""
    names = list(substitutions)
    values = " ".join(str(substitutions[name]) for name in names)
    return f"{sparql}\nVALUES ({' '.join('?' + n for n in names)}) {{ ({values}) }}"
