"""`saltkg view` and `saltkg analyse`: network and timeline views as files, and network analysis."""

from __future__ import annotations

import argparse
from pathlib import Path

from graph.cli.common import add_store_options, fail, open_graph, short_iri
from graph.config import Settings


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


def register(sub: argparse._SubParsersAction) -> None:
    """The `view`, `analyse` commands and their arguments."""
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
