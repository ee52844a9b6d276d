"""`saltkg serve`: the built graph over HTTP."""

from __future__ import annotations

import argparse
import sys

from graph.cli.common import add_store_options, open_graph


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve with uvicorn's httptools protocol (h11 where httptools is missing) as limited by api.server
    (head deadline and size; both set by SALTKG_HEADER_TIMEOUT and SALTKG_MAX_HEADER_BYTES), on uvloop
    where it is installed, in a server process that api.supervisor keeps running (and replaces when a
    query runs past the time limit)."""
    import math

    import uvicorn

    from api import supervisor
    from api.settings import ServerSettings
    kg = open_graph()  # fail early and clearly if nothing is built or the store URL is unusable
    if hasattr(kg, "describe"):
        print(f"serving the graph in the {kg.describe()}", file=sys.stderr)
    from api.server import limited_protocol, log_config
    settings = ServerSettings()
    try:
        protocol = limited_protocol(settings.http_parser)
    except ValueError as err:
        print(f"saltkg serve: {err}", file=sys.stderr)
        return 2
    grace = math.ceil(settings.query_timeout) + 2  # a request in hand may still run a query
    config = uvicorn.Config("api.app:create_app", factory=True, host=args.host, port=args.port, log_level="info",
                            log_config=log_config(), http=protocol, timeout_keep_alive=5,
                            timeout_graceful_shutdown=grace,
                            h11_max_incomplete_event_size=protocol.max_head_bytes + 1024)
    return supervisor.serve(config, grace)


def register(sub: argparse._SubParsersAction) -> None:
    """The `serve` command and its arguments."""
    p = sub.add_parser("serve", help="serve the built graph over HTTP")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    add_store_options(p)
    p.set_defaults(func=cmd_serve)
