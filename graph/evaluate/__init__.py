"""Measuring extraction: against the editors' TEI markup (tei) and against hand-annotated gold files
of plain-text documents (gold)."""

from graph.evaluate.tei import (Evaluation, Score, adjudicate, adjudication_for, evaluate, load_adjudication,
                                table, write_json)

__all__ = ["Evaluation", "Score", "adjudicate", "adjudication_for", "evaluate", "load_adjudication", "table",
           "write_json"]
