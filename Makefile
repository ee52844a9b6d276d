# `make serve` serves the graph, building it first only when there is none or the inputs it was built from
# changed (a graph built with extra inputs is kept, or rebuilt from those same inputs);
# `make build` always rebuilds from data/; `make test` runs the suite; `make bench` the benchmarks.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install build serve test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

build: $(STAMP)
	$(BIN)/saltkg build

serve: $(STAMP)
	$(BIN)/saltkg build --if-changed
	$(BIN)/saltkg serve --host $(HOST) --port $(PORT)

# test files spread over worker processes (pytest-xdist), a file's tests together on one worker
test: $(STAMP)
	$(BIN)/python -m pytest -n auto --maxprocesses 4 --dist loadfile

# Benchmarks: their own environment, with rdflib-endpoint for comparison (never a project dependency).
BENCH_VENV := .venv-bench

$(BENCH_VENV)/.installed: pyproject.toml Makefile
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -e '.[dev]' rdflib-endpoint oxigraph
	touch $@

bench: $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python bench/build_bench.py
	$(BENCH_VENV)/bin/python bench/query_bench.py
	$(BENCH_VENV)/bin/python bench/http_bench.py --documents 350 10000
	$(BENCH_VENV)/bin/saltkg evaluate

clean:
	rm -rf $(VENV) $(BENCH_VENV) build
