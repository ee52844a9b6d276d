"""The `saltkg` command line: build, import-people, extract, query, export, validate, remove, unresolved,
timeline, view, analyse, evaluate, serve. One module per command group registers its commands."""

from __future__ import annotations

import argparse
import sys

from graph.cli import ask, build, draw, evaluate, extract, people, serve, store
from graph.cli.common import CommandError, apply_store_options
from graph.model.remote import StoreConfigError, StoreError, StoreUnavailable
from graph.read.registry import RegistryError

GROUPS = (build, people, extract, store, ask, draw, evaluate, serve)  # in the order `saltkg --help` lists them


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="saltkg", description="SALT-KG: a knowledge graph of the SALT I "
                                  "negotiations from FRUS documents.")
    sub = top.add_subparsers(dest="command", required=True)
    for group in GROUPS:
        group.register(sub)
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
