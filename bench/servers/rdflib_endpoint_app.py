"""rdflib-endpoint serving the same graph (loaded from an N-Quads export into an rdflib Dataset whose
default graph is the union, as in SALT-KG). Installed only in the benchmark environment.

    BENCH_NQUADS=graph.nq uvicorn --app-dir bench/servers rdflib_endpoint_app:app
"""

import os

from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint

dataset = Dataset(default_union=True)
dataset.parse(os.environ["BENCH_NQUADS"], format="nquads")
app = SparqlEndpoint(graph=dataset, title="SALT-KG via rdflib-endpoint")
