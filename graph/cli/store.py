"""Commands on the built graph as a store: `query`, `export`, `validate`, `remove`."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pyoxigraph as ox

from graph.cli.build import details_line
from graph.cli.common import add_store_options, fail, open_graph
from graph.config import Settings
from graph.model.store import EXPORT_FORMATS, KnowledgeGraph


RESULT_FORMATS = {"json": ox.QueryResultsFormat.JSON, "csv": ox.QueryResultsFormat.CSV,
                  "tsv": ox.QueryResultsFormat.TSV, "xml": ox.QueryResultsFormat.XML}
GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
                 "jsonld": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML}


def read_query(args: argparse.Namespace) -> str:
    if args.file:
        try:
            return Path(args.file).read_text(encoding="utf-8")
        except OSError as err:
            fail(f"{args.file}: {err.strerror}")
    if args.name:
        from graph.ask.queries import PARAMETER, UnknownQuery, bind, load
        try:
            text = load(args.name)
        except UnknownQuery as err:
            fail(str(err.args[0]))
        params = dict(parse_param(given, Settings().base_iri) for given in args.param)
        missing = sorted(set(PARAMETER.findall(text)) - set(params))
        if missing:
            fail(f"named query {args.name} needs " + ", ".join(f"--param {name}=…" for name in missing))
        return bind(text, params)
    if args.param:
        fail("--param binds the parameters of a named query (--name NAME)")
    if not args.sparql:
        fail("give a query, -f FILE or --name NAME")
    return args.sparql


def parse_param(given: str, base_iri: str) -> tuple[str, ox.NamedNode | ox.Literal]:
    """NAME=VALUE: a YYYY-MM-DD date, an IRI (full, <…>, or under the base such as person/kissinger) or text."""
    name, separator, value = given.partition("=")
    if not separator or not name:
        fail(f"--param {given!r}: write NAME=VALUE, e.g. date=1972-05-20 or person=person/kissinger")
    from graph.read.dates import DateError, parse_iso_date
    from graph.ask.queries import iri, xsd_date
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return name, xsd_date(parse_iso_date(value).isoformat())
        except DateError as err:
            fail(f"--param {name}: {err}")
    if value.startswith("<") and value.endswith(">"):
        return name, iri(value[1:-1])
    if value.startswith(("http://", "https://", "urn:")):
        return name, iri(value)
    if "/" in value and " " not in value:
        return name, iri(base_iri + value)
    return name, ox.Literal(value)


def cmd_query(args: argparse.Namespace) -> int:
    kg = open_graph()
    sparql = read_query(args)
    try:
        results = kg.query(sparql)
    except SyntaxError as err:
        fail(f"SPARQL syntax error: {err}")
    out = sys.stdout.buffer
    if isinstance(results, ox.QuerySolutions):
        if args.format == "table":
            print_table(results)
        elif args.format in RESULT_FORMATS:
            results.serialize(out, RESULT_FORMATS[args.format])
        else:
            fail(f"--format {args.format} is for CONSTRUCT/DESCRIBE; use table, json, csv, tsv or xml")
    elif isinstance(results, ox.QueryBoolean):
        if args.format in RESULT_FORMATS:
            results.serialize(out, RESULT_FORMATS[args.format])
        else:
            print("true" if bool(results) else "false")
    else:
        fmt = args.format if args.format in GRAPH_FORMATS else "turtle"
        results.serialize(out, GRAPH_FORMATS[fmt])
    out.flush()
    return 0


def print_table(results: ox.QuerySolutions, width: int = 60) -> None:
    """Print SELECT results as an aligned text table."""
    names = [v.value for v in results.variables]
    rows = [[cell(row[n], width) for n in names] for row in results]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    print(" | ".join(n.ljust(w) for n, w in zip(names, widths)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(row, widths)))
    print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")


def cell(term, width: int) -> str:
    if term is None:
        return ""
    text = " ".join(str(term.value).split())
    return text if len(text) <= width else text[:width - 1] + "…"


def cmd_export(args: argparse.Namespace) -> int:
    kg = open_graph()
    if args.output:
        with open(args.output, "wb") as handle:
            kg.export(args.format, handle)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        kg.export(args.format, sys.stdout.buffer)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from graph.model.validate import validate_store
    kg = open_graph()
    if not isinstance(kg, KnowledgeGraph):
        fail("validate checks the embedded store; a build into a store server is validated before it is written")
    report = validate_store(kg.store, base_iri=Settings().base_iri)
    if report.conforms:
        print("conforms")
        return 0
    print(f"saltkg: the graph does not conform: {details_line(report.summary(), report.text, args.verbose)}",
          file=sys.stderr)
    return 1


def cmd_remove(args: argparse.Namespace) -> int:
    from graph.model.build import BuildFailed, remove_documents
    try:
        removed = remove_documents(args.ids, Settings())
    except BuildFailed as err:
        fail(str(err))
    missing = sorted(set(args.ids) - set(removed))
    for doc_id in removed:
        print(f"removed {doc_id}")
    if missing:
        fail(f"not in the graph: {', '.join(missing)}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """The `query`, `export`, `validate`, `remove` commands and their arguments."""
    p = sub.add_parser("query", help="run a SPARQL query on the built graph")
    add_store_options(p)
    p.add_argument("sparql", nargs="?")
    p.add_argument("-f", "--file", help="read the query from a .rq file")
    p.add_argument("-n", "--name", help="run a named query shipped with saltkg")
    p.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                   help="bind a parameter of the named query: date=1972-05-20, person=person/kissinger, "
                        "issue=issue/mobile-icbms (repeatable)")
    p.add_argument("--format", default="table",
                   choices=["table", "json", "csv", "tsv", "xml", "turtle", "nt", "jsonld"])
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("export", help="write the whole graph")
    add_store_options(p)
    p.add_argument("--format", default="turtle", choices=sorted(EXPORT_FORMATS))
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("validate", help="validate the built graph against the SHACL shapes")
    add_store_options(p)
    p.add_argument("-v", "--verbose", action="store_true", help="print every violation with its details "
                   "(else they go to build/shacl-report.txt)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("remove", help="remove documents (by id) from the graph")
    p.add_argument("ids", nargs="+")
    p.set_defaults(func=cmd_remove)
