"""The `saltkg` command line: build, import-people, extract, query, export, validate, status, views, analysis,
serve."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import pyoxigraph as ox

from graph.config import PROJECT_ROOT, Settings
from graph.model.remote import StoreConfigError, StoreError, StoreUnavailable
from graph.model.store import EXPORT_FORMATS, KnowledgeGraph, StoreMissing
from graph.read.registry import RegistryError

RESULT_FORMATS = {"json": ox.QueryResultsFormat.JSON, "csv": ox.QueryResultsFormat.CSV,
                  "tsv": ox.QueryResultsFormat.TSV, "xml": ox.QueryResultsFormat.XML}
GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
                 "jsonld": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML}


class CommandError(Exception):
    """A user-facing error: printed to stderr, exit status 1 (2 for usage)."""


def fail(message: str) -> None:
    raise CommandError(message)


# -- build / extract ----------------------------------------------------------------------------

def cmd_build(args: argparse.Namespace) -> int:
    from graph.model.build import BuildFailed, build, build_if_changed
    from graph.model.parallel import default_jobs
    options = {"write_mode": args.store_write, "jobs": args.jobs or default_jobs()}
    try:
        if args.if_changed and not args.update:
            report, why = build_if_changed(Settings(), [Path(p) for p in args.paths], include_corpus=not args.no_corpus,
                                           validate=not args.no_validate, progress=not args.quiet, strict=args.strict,
                                           **options)
            print(("built: " if report else "not built: ") + why)
            if report is None:
                return 0
        else:
            report = build(Settings(), [Path(p) for p in args.paths], include_corpus=not args.no_corpus,
                           validate=not args.no_validate, progress=not args.quiet, update=args.update,
                           strict=args.strict, **options)
    except BuildFailed as err:
        if err.report is not None:
            print_problems(err.report)
        fail(f"build failed; the previous graph is unchanged: {err}")
    print_problems(report)
    print_build_summary(report)
    return 0


def print_problems(report) -> None:
    for line in report.errors:
        print(f"error: {line}", file=sys.stderr)
    for line in report.warnings:
        print(f"warning: {line}", file=sys.stderr)


def print_build_summary(report) -> None:
    print(f"built {report.store} in {report.seconds:.2f} s")
    print(f"  documents  {report.documents} read, {len(report.errors)} failed, {len(report.warnings)} warnings")
    print(f"  triples    {report.triples} ({report.quads} quads in named graphs)")
    print("  entities   " + ", ".join(f"{k} {v}" for k, v in sorted(report.entities.items())))
    print(f"  issues     {report.issues}")
    print(f"  events     {sum(report.events.values())}: " + ", ".join(f"{k} {v}" for k, v in report.events.items()))
    if report.conforms is not None:
        print(f"  SHACL      {'conforms' if report.conforms else f'{report.violations} violations'}")


def cmd_import_people(args: argparse.Namespace) -> int:
    from graph.model.people import import_people
    from graph.read.people import PeopleReadError
    try:
        report = import_people(Path(args.path), Settings(), commit=args.commit,
                               out=Path(args.output) if args.output else None)
    except PeopleReadError as err:
        fail(str(err))
    for line in report.errors:
        print(f"error: {line}", file=sys.stderr)
    for line in report.notes:
        print(f"note: {line}", file=sys.stderr)
    if not report.bytes:
        fail(f"nothing written; {report.path} is unchanged")
    print(f"wrote {report.path} ({report.bytes / 1024:.0f} KiB): {report.records} records read, "
          f"{len(report.errors)} failed")
    print(f"  joined to curated people  {len(report.merged)}: "
          + ", ".join(sorted(iri.rsplit("/", 1)[-1] for iri in report.merged.values())))
    print(f"  new persons               {report.minted}")
    return 1 if args.strict and report.errors else 0


def cmd_extract(args: argparse.Namespace) -> int:
    from graph.extract import extract, to_json
    from graph.read.reader import ReadError, read_document
    from graph.read.registry import Registry
    registry = Registry.load(Settings(), people=True)
    status = 0
    for path in args.paths:
        try:
            result = extract(read_document(path), registry)
        except ReadError as err:
            print(f"error: {err}", file=sys.stderr)
            status = 1
            continue
        data = to_json(result, registry)
        if args.json:
            print(json.dumps(data, ensure_ascii=False, indent=None if args.compact else 2))
        else:
            print_extraction(data)
    return status


def print_extraction(data: dict) -> None:
    doc = data["document"]
    print(f"{doc['id']}: {doc['title']}")
    print(f"  type {doc['type']}, message {doc['message_id']}, date {doc['date']} ({doc['date_basis']})")
    print(f"  from {doc['sender']} to {', '.join(doc['recipients'])}")
    for key in ("persons", "organizations", "places", "issues"):
        print(f"  {key}: " + ", ".join(f"{e['id']} ×{len(e['mentions'])}" for e in data[key]))
    for event in data["events"]:
        when = event["date"] or f"{event['earliest']}/{event['latest']}"
        print(f"  {when} {event['type']}: {event['evidence']['text'][:100]}")


# -- query / export ----------------------------------------------------------------------------

def open_graph() -> KnowledgeGraph:
    """The graph the commands read: the store server named by --store / SALTKG_STORE, else build/store."""
    settings = Settings()
    if settings.store_url:
        from graph.model.remote import RemoteGraph, StoreConfigError
        try:
            return RemoteGraph.open(settings.store_url)
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
    report = validate_store(kg.store)
    print("conforms" if report.conforms else f"{report.violations} violations\n{report.text}")
    return 0 if report.conforms else 1


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


def short_iri(iri: str | None) -> str | None:
    """An IRI under the configured base as its relative path ('issue/mobile-icbms')."""
    base = Settings().base_iri
    return iri[len(base):] if iri and iri.startswith(base) else iri


def cmd_unresolved(args: argparse.Namespace) -> int:
    from graph.read.dates import DateError
    from graph.ask.status import UnknownNegotiation, unresolved_on
    kg = open_graph()
    try:
        answer = unresolved_on(kg, args.on, args.negotiation)
    except (DateError, UnknownNegotiation) as err:
        fail(str(err.args[0]) if isinstance(err, KeyError) else str(err))
    if args.format == "json":
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
        return 0
    scope = answer.negotiation
    if scope:
        print(f"{scope.label} ({scope.begins} – {scope.ends}, {len(scope.issues)} issues in its scheme)")
    print(f"Unresolved on {answer.on}: {len(answer.issues)} issue(s) "
          f"(an issue closed on that very day is not counted as unresolved)")
    if answer.note:
        print(f"  {answer.note}")
    print_context(answer.context)
    for issue in answer.issues:
        broader = f" (narrower of {', '.join(short_iri(b) for b in issue.broader)})" if issue.broader else ""
        print(f"\n* {issue.label}  [{short_iri(issue.issue)}]{broader}")
        origin = "curated chronology" if issue.since_origin == "curated" else "an extracted document"
        if issue.since_latest and issue.since_latest != issue.since:
            print(f"    open since between {issue.since} and {issue.since_latest} (its first evidence, from {origin}, "
                  f"is dated only within these bounds)")
        else:
            print(f"    open since {issue.since} (first evidence, from {origin})")
        if issue.note:
            print(f"    note: {issue.note}")
        for evidence in issue.evidence:
            print(f"    [curated] {evidence['dates']}  {evidence['label']} — source: {evidence['citation']}")
        for position in issue.positions:
            where = (f"{short_iri(position.document)} [{position.start}:{position.end}]" if position.document
                     else f"source: {position.citation}")
            quote = " ".join((position.quote or "").split())
            said = f"“{quote}” — " if quote else ""
            via = (f" (via narrower issue {', '.join(short_iri(i) for i in position.via)})"
                   if position.via else "")
            print(f"    [{position.origin}] latest {short_iri(position.side)} position, {position.date}, "
                  f"{position.type}{via}: {said}{where}")
    if answer.closed:
        print(f"\nClosed on or before {answer.on}:")
        for closed in answer.closed:
            how = "closed WITHOUT agreement" if closed.status == "ClosedWithoutAgreement" else closed.status.lower()
            print(f"  {closed.label}  [{short_iri(closed.issue)}]: {how} on {closed.closed_on} — {closed.closing_label}")
    sources = answer.sources
    extracted = sources["extracted_documents"]
    print(f"\nSources: curated chronology — {sources['curated_chronology']['events']} cited event(s) (context, "
          f"evidence, positions, closings); extracted documents — {extracted['positions']} quoted position(s) from "
          f"{len(extracted['documents'])} document(s)")
    return 0


def print_context(context: dict) -> None:
    """The curated chronology's word on the day: rounds in session, events of the day, before and after."""
    for event in context.get("in_session", []):
        certainty = "" if event["certain"] else " (possibly: its opening or close is known only within bounds)"
        print(f"  in session: {event['label']}, {event['dates']}{certainty} — source: {event['citation']}")
    for event in context.get("on_the_day", []):
        print(f"  that day: {event['label']} ({event['dates']}) — source: {event['citation']}")
    for key, word in (("previous", "before"), ("next", "next")):
        if context.get(key):
            print(f"  {word}: {context[key]['label']} ({context[key]['dates']})")


def cmd_timeline(args: argparse.Namespace) -> int:
    from graph.ask.status import UnknownIssue, negotiation_of, resolve_issue, timeline
    kg = open_graph()
    try:
        issue = resolve_issue(kg, args.issue, Settings().base_iri)
    except UnknownIssue as err:
        fail(str(err.args[0]))
    entries = timeline(kg, issue)
    scope = negotiation_of(kg, issue)
    if args.format == "json":
        print(json.dumps({"issue": issue, "negotiation": scope.to_json() if scope else None, "events": entries},
                         ensure_ascii=False, indent=2))
        return 0
    where = f" in {scope.label}" if scope else ""
    print(f"Timeline of {short_iri(issue)}{where} ({len(entries)} events; [curated] chronology, [extracted] documents)")
    for entry in entries:
        when = entry["earliest"] if entry["earliest"] == entry["latest"] else f"{entry['earliest']}..{entry['latest']}"
        closing = f" → {entry['resolution']}" if entry["resolution"] else ""
        print(f"\n{when}  [{entry['origin']}] {entry['type']}{closing}  ({'; '.join(entry['issues'])})")
        if entry["actors"]:
            print(f"    actors: {entry['actors']}")
        if entry["quote"]:
            print(f"    “{' '.join(entry['quote'].split())}” — {short_iri(entry['document'])} "
                  f"[{entry['start']}:{entry['end']}]")
        elif entry["citation"]:
            print(f"    {entry['label']}\n    source: {entry['citation']}")
    return 0


def cmd_view(args: argparse.Namespace) -> int:
    """Write a self-contained view: the network (whole, as of a date, ego, document) or the timeline."""
    from graph.draw import drawing
    from graph.draw import network
    from graph.read.dates import DateError, parse_iso_date
    kg = open_graph()
    try:
        for value in (args.as_of, args.at, args.date_from, args.date_to):
            if value:
                parse_iso_date(value)
    except DateError as err:
        fail(str(err))
    output = Path(args.output)
    if args.timeline:
        svg = drawing.timeline_svg(drawing.issue_spans(kg), args.at or args.as_of, args.date_from, args.date_to)
        output.write_text(svg if output.suffix == ".svg" else drawing.timeline_page(svg, args.at or args.as_of, False),
                          encoding="utf-8")
        print(f"wrote {output}")
        return 0
    try:
        graph = network.project(kg, args.negotiation)
    except network.UnknownNegotiation as err:
        fail(str(err.args[0]))
    scope = graph.graph.get("negotiation", "every negotiation")
    subtitle = f"{scope}, the whole negotiation"
    if args.as_of:
        graph = network.as_of(graph, kg, args.as_of)
        subtitle = f"{scope} as of {args.as_of}"
    kinds = set(args.types.split(",")) if args.types else None
    if kinds and kinds - set(network.KINDS):
        fail(f"unknown node type(s) {', '.join(sorted(kinds - set(network.KINDS)))}; use {', '.join(network.KINDS)}")
    title = f"{scope} network"
    if args.target:
        center = args.target if args.target.startswith("http") else Settings().base_iri + args.target
        try:
            if graph.nodes.get(center, {}).get("kind") == "document":
                graph = network.document_view(graph, center)
            else:
                graph = network.ego(graph, center, args.hops)
        except network.UnknownNode as err:
            fail(str(err.args[0]))
        title = graph.nodes[center]["label"]
    graph = network.filtered(graph, kinds, args.date_from, args.date_to, args.search)
    notes = []
    if not args.isolated:
        graph, hidden = network.without_isolated(graph)
        if hidden:
            notes.append({"text": f"{hidden} node(s) with no link left out (--isolated draws them)."})
    output.write_text(drawing.network_page(graph, title, subtitle, notes=notes), encoding="utf-8")
    print(f"wrote {output} ({graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges)")
    return 0


def cmd_analyse(args: argparse.Namespace) -> int:
    """Network analysis: central actors, shortest path, components, GraphML/GEXF export."""
    from graph.draw import network
    graph = network.project(open_graph(), args.negotiation)
    base = Settings().base_iri

    def full(value: str) -> str:
        return value if value.startswith("http") else base + value

    try:
        if args.analysis == "central":
            for rank in network.most_central(graph, top=args.top):
                print(f"{rank.score:8.4f}  {rank.label}  [{short_iri(rank.iri)}]")
        elif args.analysis == "path":
            if len(args.args) != 2:
                fail("path needs two entities, e.g. person/kissinger issue/mobile-icbms")
            steps = network.shortest_path(graph, full(args.args[0]), full(args.args[1]))
            if not steps:
                print("no path")
            for step in steps:
                arrow = f"-[{step['relation']}]->" if step["direction"] == "forward" else f"<-[{step['relation']}]-"
                print(f"{step['from_label']} {arrow} {step['to_label']}")
        elif args.analysis == "components":
            for component in network.components(graph):
                print(f"{component['size']:5d}  {component['kinds']}  e.g. {'; '.join(component['sample'][:3])}")
        else:
            if len(args.args) != 1:
                fail("export needs one file name ending in .graphml or .gexf")
            print(f"wrote {network.export(graph, args.args[0])}")
    except (network.UnknownNode, ValueError) as err:
        fail(str(err.args[0]))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Score the extractor against hand-annotated gold folders and the editors' TEI markup; print the
    tables, write JSON."""
    settings = Settings()
    given = [Path(p) for p in args.volumes]
    shared = PROJECT_ROOT.parent / "shared"
    if given:
        gold_dirs = [p for p in given if (p / "positions.json").exists()]
        volumes = [p for p in given if p not in gold_dirs]
    else:
        gold_dirs = [d for d in [shared / "corpus" / "gold"] if (d / "positions.json").exists()]
        volumes = sorted((shared / "tei").glob("*.xml"))
    if not gold_dirs and not volumes:
        fail("nothing to evaluate: give gold folders (with positions.json) or TEI volumes; none found in ../shared/")
    output = Path(args.output or settings.build_dir / "evaluation.json")
    output.parent.mkdir(parents=True, exist_ok=True)
    report: dict = {}
    for gold_dir in gold_dirs:
        report[str(gold_dir)] = evaluate_gold_folder(gold_dir, settings, args.quiet)
    if volumes:
        report["tei"] = evaluate_tei(volumes, settings, args)
    output.write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")
    print(f"details: {output}")
    return 0


def evaluate_gold_folder(gold_dir: Path, settings: Settings, quiet: bool) -> dict:
    """Score plain-text documents against one gold folder; print its table."""
    from tqdm import tqdm

    from graph.evaluate.gold import evaluate_gold, gold_table
    from graph.read.reader import ReadError
    from graph.read.registry import Registry
    with tqdm(desc="gold documents", unit="doc", disable=quiet, leave=False) as bar:
        try:
            result = evaluate_gold(gold_dir, Registry.load(settings, people=True), settings.data_dir / "evaluation",
                                   bar.update)
        except (ReadError, OSError, ValueError, KeyError) as err:
            fail(f"{gold_dir}: {err}")
    print(gold_table(result))
    return result.to_json()


def evaluate_tei(paths: list[Path], settings: Settings, args: argparse.Namespace) -> dict:
    """Score against the editors' TEI markup; print its table."""
    from tqdm import tqdm

    from graph import evaluate as evaluation_module
    from graph.read.reader import ReadError
    from graph.read.registry import Registry
    with tqdm(desc="documents", unit="doc", disable=args.quiet, leave=False) as bar:
        try:
            result = evaluation_module.evaluate(paths, Registry.load(settings), not args.no_volume_lists, bar.update)
        except ReadError as err:
            fail(str(err))
    judgements = {}
    for volume in result.volumes:
        found = Path(args.adjudication) if args.adjudication else evaluation_module.adjudication_for(
            volume, settings.data_dir / "evaluation")
        if found:
            judgements.update(evaluation_module.load_adjudication(found))
    if judgements:
        evaluation_module.adjudicate(result, judgements)
    print(evaluation_module.table(result))
    temporary = settings.build_dir / "evaluation-tei.json"
    evaluation_module.write_json(result, temporary)
    return json.loads(temporary.read_text(encoding="utf-8"))


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve with uvicorn's h11 protocol as limited by api.server (head deadline and size; both set by
    SALTKG_HEADER_TIMEOUT and SALTKG_MAX_HEADER_BYTES), in a server process that api.supervisor keeps
    running (and replaces when a query runs past the time limit)."""
    import math

    import uvicorn
    from uvicorn.importer import import_from_string

    from api import supervisor
    from api.settings import ServerSettings
    kg = open_graph()  # fail early and clearly if nothing is built or the store URL is unusable
    if hasattr(kg, "describe"):
        print(f"serving the graph in the {kg.describe()}", file=sys.stderr)
    protocol = import_from_string("api.server:LimitedH11Protocol")
    grace = math.ceil(ServerSettings().query_timeout) + 5  # a request in hand may still run a query
    config = uvicorn.Config("api.app:create_app", factory=True, host=args.host, port=args.port, log_level="info",
                            http=protocol, timeout_keep_alive=5, timeout_graceful_shutdown=grace,
                            h11_max_incomplete_event_size=protocol.max_head_bytes + 1024)
    return supervisor.serve(config, grace)


# -- parser -----------------------------------------------------------------------------------

def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="saltkg", description="SALT-KG: a knowledge graph of the SALT I "
                                  "negotiations from FRUS documents.")
    sub = top.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="build the graph from data/corpus and any paths given")
    p.add_argument("paths", nargs="*", help="more documents or folders")
    p.add_argument("--no-corpus", action="store_true", help="do not include data/corpus")
    p.add_argument("--update", action="store_true", help="re-extract only the given documents into the "
                   "existing graph")
    p.add_argument("--strict", action="store_true", help="on any error or warning, exit 1 and keep the previous graph")
    p.add_argument("--if-changed", action="store_true",
                   help="build only if there is no graph or the inputs it was built from changed (then rebuild from "
                        "those same inputs); `make serve` uses this")
    p.add_argument("--no-validate", action="store_true", help="skip SHACL validation")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument("--jobs", "-j", type=int, metavar="N", help="extract in N worker processes (default: the CPU "
                   "count; 1 extracts in this process); the graph is the same either way")
    p.add_argument("--store-write", choices=["auto", "transaction", "graphs"], default="auto",
                   help="with --store: one update transaction (readers see the old graph until the new one is "
                   "whole) or one Graph Store PUT per named graph (for builds too big for one transaction); "
                   "auto (default): graphs for Virtuoso, transaction otherwise")
    add_store_options(p)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("import-people", help="convert the Office of the Historian's people records "
                       "(HistoryAtState/people) into data/people/hsg-people.ttl.gz")
    p.add_argument("path", help="the records: the repository, its data/ folder, or any part of it")
    p.add_argument("--commit", help="the upstream commit they were copied from (default: as the "
                   "folder's README states it)")
    p.add_argument("-o", "--output", help="file to write (default: data/people/hsg-people.ttl.gz)")
    p.add_argument("--strict", action="store_true", help="exit non-zero when a record could not be read")
    p.set_defaults(func=cmd_import_people)

    p = sub.add_parser("extract", help="print what the extractor finds in documents")
    p.add_argument("paths", nargs="+")
    p.add_argument("--json", action="store_true", help="the JSON contract, one object per document")
    p.add_argument("--compact", action="store_true", help="one line per document with --json")
    p.set_defaults(func=cmd_extract)

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
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("remove", help="remove documents (by id) from the graph")
    p.add_argument("ids", nargs="+")
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("unresolved", help="negotiation issues unresolved on a date, with their evidence")
    add_store_options(p)
    p.add_argument("--on", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--negotiation", help="which negotiation (salt-i, salt-ii); default SALT I")
    p.add_argument("--format", default="text", choices=["text", "json"])
    p.set_defaults(func=cmd_unresolved)

    p = sub.add_parser("timeline", help="the dated history of one issue (and its narrower issues)")
    add_store_options(p)
    p.add_argument("issue", help="issue id, e.g. heavy-missile-definition")
    p.add_argument("--format", default="text", choices=["text", "json"])
    p.set_defaults(func=cmd_timeline)

    p = sub.add_parser("view", help="write an interactive network view or the issue timeline as a file")
    add_store_options(p)
    p.add_argument("target", nargs="?", help="an entity, issue or document (person/kissinger, "
                   "document/frus1969-76v14-d247); omitted: the whole network")
    p.add_argument("-o", "--output", required=True, help="file to write (.html; .svg for --timeline)")
    p.add_argument("--timeline", action="store_true", help="the issue timeline chart instead of the network")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", help="the network as it stood on a day")
    p.add_argument("--at", metavar="YYYY-MM-DD", help="the date line on the timeline")
    p.add_argument("--hops", type=int, default=1, help="links around the target (default 1)")
    p.add_argument("--types", help="comma-separated node types to keep")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    p.add_argument("--search", help="keep nodes whose label contains this, with their neighbours")
    p.add_argument("--negotiation", help="which negotiation to draw (salt-i, salt-ii); default SALT I")
    p.add_argument("--isolated", action="store_true", help="also draw nodes with no link (left out by default)")
    p.set_defaults(func=cmd_view)

    p = sub.add_parser("analyse", help="network analysis: central, path A B, components, export FILE")
    add_store_options(p)
    p.add_argument("analysis", choices=["central", "path", "components", "export"])
    p.add_argument("args", nargs="*")
    p.add_argument("--top", type=int, default=10)
    p.add_argument("--negotiation", help="which negotiation (salt-i, salt-ii); default SALT I")
    p.set_defaults(func=cmd_analyse)

    p = sub.add_parser("evaluate", help="score the extractor against gold annotations of plain-text documents "
                       "and the editors' markup of TEI volumes")
    p.add_argument("volumes", nargs="*", help="gold folders (holding positions.json, annotations.json) and FRUS "
                   "TEI files (default: ../shared/corpus/gold and ../shared/tei/*.xml)")
    p.add_argument("-o", "--output", help="JSON file to write (default: build/evaluation.json)")
    p.add_argument("--no-volume-lists", action="store_true",
                   help="do not give the extractor the volume's persons and terms lists")
    p.add_argument("--adjudication", help="judgements of mentions the gold lacks (default: "
                   "data/evaluation/{volume}.adjudication.json when present)")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("serve", help="serve the built graph over HTTP")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    add_store_options(p)
    p.set_defaults(func=cmd_serve)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    apply_store_options(args)
    try:
        return args.func(args)
    except CommandError as err:
        print(f"saltkg: error: {err}", file=sys.stderr)
        return 1
    except RegistryError as err:
        print(f"saltkg: error: the curated registry cannot be read: {err}", file=sys.stderr)
        return 1
    except (StoreUnavailable, StoreError, StoreConfigError) as err:
        done = " (the served graph is unchanged)" if args.command == "build" else ""
        print(f"saltkg: error: {err}{done}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
