"""Dating undated documents from the rest of the corpus.

FRUS conventions: a message cited elsewhere with its date ("In backchannel message 408 to Kissinger,
May 19, …") is dated by that citation when the message itself is printed undated; otherwise a volume
prints its documents in date order, so an undated document lies between its dated neighbours. A
document no rule dates stays undated, with only the bounds its evidence gives.
"""

from __future__ import annotations

from datetime import date

from graph.extract import extract
from graph.extract.references import message_iri
from graph.extract.types import Extraction, KnownDate
from graph.read.registry import Registry


def has_day(result: Extraction) -> bool:
    """True when the document is dated to one day by its own text."""
    info = result.document
    return info.day is not None and not info.date_basis.startswith("inferred: only the period")


def own_message(result: Extraction, registry: Registry) -> str | None:
    info = result.document
    return message_iri(registry, info.message_id, info.sender[0]) if info.message_id and info.sender else None


def cited_message_dates(results: list[Extraction]) -> dict[str, tuple[date, str]]:
    """Message IRI → (date, citing document) for every message cited with its date written beside it."""
    found: dict[str, tuple[date, str]] = {}
    for result in results:
        for ref in result.cross_references:
            if ref.kind == "message" and ref.date and ref.dated_here:
                found.setdefault(ref.target, (ref.date, result.document.id))
    return found


def corpus_dates(results: list[Extraction], registry: Registry) -> dict[str, KnownDate]:
    """Document id → a better date for each document its own text leaves without a day."""
    cited = cited_message_dates(results)
    better: dict[str, KnownDate] = {}
    for result in results:
        if has_day(result):
            continue
        message = own_message(result, registry)
        if message in cited:
            day, source = cited[message]
            better[result.document.id] = KnownDate(
                day, day, f"inferred: the date given where document {source} cites this message "
                          f"({result.document.message_id}) with its date")
    dated = sorted((r.document.volume or "", r.document.number, r.document.not_before) for r in results
                   if has_day(r))
    for result in results:
        info = result.document
        if has_day(result) or info.id in better or not info.volume:
            continue
        before = [(n, d) for v, n, d in dated if v == info.volume and n < info.number]
        after = [(n, d) for v, n, d in dated if v == info.volume and n > info.number]
        bound = neighbour_bounds(info.not_before, info.not_after, before[-1] if before else None,
                                 after[0] if after else None)
        if bound:
            better[info.id] = bound
    return better


def neighbour_bounds(low: date | None, high: date | None, before: tuple[int, date] | None,
                     after: tuple[int, date] | None) -> KnownDate | None:
    """The interval between the dated neighbours (narrowed by the document's own bounds), if narrower."""
    if not before and not after:
        return None
    start = max(d for d in (low, before[1] if before else None) if d) if (low or before) else None
    end = min(d for d in (high, after[1] if after else None) if d) if (high or after) else None
    if start and end and start > end:
        start, end = (before[1], after[1]) if before and after else (start, start)
    if (start, end) == (low, high):
        return None
    parts = [f"not before document {before[0]} ({before[1]})" if before else None,
             f"not after document {after[0]} ({after[1]})" if after else None]
    basis = ("inferred from its place in the volume (FRUS prints documents in date order): "
             + ", ".join(p for p in parts if p))
    return KnownDate(start, end, basis)


def redate(results: list[Extraction], registry: Registry) -> list[Extraction]:
    """The extractions again, those that other documents date re-extracted with that date."""
    better = corpus_dates(results, registry)
    return [extract(r.doc, registry, better[r.document.id]) if r.document.id in better else r for r in results]
