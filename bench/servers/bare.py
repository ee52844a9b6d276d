"""The baseline server: a bare FastAPI sync handler calling pyoxigraph directly (no limits, no negotiation).

    BENCH_STORE=build/store uvicorn --app-dir bench/servers bare:app
"""

import os

import pyoxigraph as ox
from fastapi import FastAPI
from fastapi.responses import Response

from graph.ask import queries

store = ox.Store.read_only(os.environ["BENCH_STORE"])
app = FastAPI()


@app.get("/sparql")
def sparql(query: str) -> Response:
    results = store.query(query, use_default_graph_as_union=True)
    return Response(results.serialize(format=ox.QueryResultsFormat.JSON), media_type="application/sparql-results+json")


@app.get("/issues")
def issues(unresolved_on: str) -> Response:
    """The two named queries SALT-KG's /issues?unresolved_on= runs, their results side by side."""
    day = {"date": queries.xsd_date(unresolved_on)}
    parts = [store.query(queries.bind(queries.load(name), day), use_default_graph_as_union=True)
             .serialize(format=ox.QueryResultsFormat.JSON) for name in ("unresolved-on-date", "issue-status-on-date")]
    return Response(b'{"unresolved":' + parts[0] + b',"status":' + parts[1] + b"}", media_type="application/json")
