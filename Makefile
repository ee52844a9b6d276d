# Two entry points: `make serve` (build the graph from data/ and serve it) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install build serve test clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

build: $(STAMP)
	$(BIN)/saltkg build

serve: build
	$(BIN)/saltkg serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build
