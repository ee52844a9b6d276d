"""The ceiling of a Python server over pyoxigraph: a raw ASGI app with no framework, no checks, no limits,
no negotiation and no logging, its queries on eight threads (pyoxigraph releases the GIL while it
evaluates). Not a baseline to match: what the HTTP stack alone leaves of the engine on these cores.

    BENCH_STORE=build/store uvicorn --app-dir bench/servers raw:app --http httptools --loop uvloop
"""

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs

import pyoxigraph as ox

store = ox.Store.read_only(os.environ["BENCH_STORE"])
threads = ThreadPoolExecutor(8)
HEADERS = [(b"content-type", b"application/sparql-results+json")]


def run(query: str) -> bytes:
    return store.query(query, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON)


async def app(scope, receive, send) -> None:
    if scope["type"] != "http":
        return
    query = parse_qs(scope["query_string"].decode()).get("query", ["ASK {}"])[0]
    body = await asyncio.get_running_loop().run_in_executor(threads, run, query)
    await send({"type": "http.response.start", "status": 200,
                "headers": HEADERS + [(b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
