"""Dating a document: its dateline, or an inference from what it cites and the deadlines it sets."""

from __future__ import annotations

import re
from datetime import date, timedelta

from graph.extract.text import span, within
from graph.extract.types import CrossReference, Span
from graph.read.dates import DateMention
from graph.read.reader import FrusDocument


DATELINE = re.compile(r"^(?P<place>[A-Z][\w .’'-]{1,40}?),\s+(?P<rest>.{0,80}?)\.?\s*$")

DEADLINE_CUE = re.compile(r"(?i)(not later than|no later than|deadline|target date|by|before|until)\W+(\w+\W+){0,2}$")


def find_dateline(doc: FrusDocument, dates: list[DateMention]) -> tuple[DateMention | None, str | None, Span | None]:
    """A dateline ('Washington, May 19, 1972.') in the first lines of the body, if any."""
    for start, end in doc.paragraphs[:3]:
        line = doc.text[start:end]
        if "\n" in line or len(line) > 120:
            continue
        found = DATELINE.match(line)
        if not found:
            continue
        stated = [m for m in within(dates, start, end) if m.year_stated]
        if stated or "undated" in found.group("rest").lower():
            return (stated[0] if stated else None), found.group("place"), span(doc.text, start, end)
    return None, None, None


def infer_date(doc: FrusDocument, refs: list[CrossReference], dates: list[DateMention],
               year: int | None, kind: str = "Document") -> tuple[date | None, date | None, str, list[Span]]:
    """Infer a document's date when it has no dateline.

    A message is written after every dated communication it cites and before any deadline its
    body sets; it is dated to the earliest day consistent with both. Without such evidence the
    earliest full date in the text is used, then the year of its source note.
    """
    cited = [r for r in refs if r.date]
    body_dates = within(dates, doc.body_start, doc.body_end)
    full = [m for m in body_dates if m.value and m.year_stated]
    if kind == "EditorialNote" and full:  # FRUS places an editorial note at the first event it tells of
        first = min(full, key=lambda m: m.value)
        return (first.value, first.value, f"inferred: an editorial note stands at the date of the first "
                f"event it tells of (“{first.text}”)", [span(doc.text, first.start, first.end)])
    deadlines = [m for m in body_dates if m.value and DEADLINE_CUE.search(doc.text[max(0, m.start - 40):m.start])]
    reported = [m for m in body_dates if m.value and m not in deadlines and not m.year_stated]
    if cited or reported:
        lower = max([r.date for r in cited] + [m.value for m in reported])
        sources = sorted({doc.section_of(r.start) for r in cited if r.date == lower})
        evidence = [span(doc.text, m.start, m.end) for m in dates if m.value == lower
                    and (any(r.start <= m.start <= r.end + 60 for r in cited) or m in reported)]
        reasons = []
        if sources:
            reasons.append(f"a communication it cites ({', '.join(sources)})")
        if any(m.value == lower for m in reported):
            reasons.append("an event its body reports")
        basis = f"inferred: not before {lower.isoformat()}, the latest date of {' and '.join(reasons)}"
        upper = min((m.value for m in deadlines if m.value >= lower), default=None)
        if upper:
            deadline = next(m for m in deadlines if m.value == upper)
            evidence.append(span(doc.text, deadline.start, deadline.end))
            basis += f"; not after {upper.isoformat()}, the deadline its body sets (“{deadline.text}”)"
        basis += "; dated to the earliest consistent day"
        return lower, upper or lower, basis, evidence
    if full:
        first = min(full, key=lambda m: m.value)
        return (first.value, first.value, f"inferred: the earliest full date stated in the text "
                f"(“{first.text}”)", [span(doc.text, first.start, first.end)])
    if year:
        return (date(year, 1, 1), date(year, 12, 31),
                f"inferred: the year {year} named in its source note or text; no day is known", [])
    period = volume_period(doc)
    if period:
        first, last, source = period
        return (first, last, f"inferred: only the period its FRUS volume covers ({first.isoformat()} to "
                f"{last.isoformat()}, from {source}); no date in the text", [])
    return None, None, "unknown: the text gives no date and no year", []


MONTH_NAMES = ("january february march april may june july august september october november december").split()
PERIOD = re.compile(r"(?:(?P<m1>[A-Z][a-z]+) )?(?P<y1>\d{4})[–-](?:(?P<m2>[A-Z][a-z]+) )?(?P<y2>\d{4})")


def volume_period(doc: FrusDocument) -> tuple[date, date, str] | None:
    """The period a document's volume covers: from its title ('Soviet Union, October 1971–May 1972',
    'SALT I, 1969–1972'), else the years of its volume id."""
    found = list(PERIOD.finditer(doc.metadata.get("volume_title", "")))
    if found:
        last = found[-1]
        m1, m2 = (MONTH_NAMES.index(m.lower()) + 1 if m and m.lower() in MONTH_NAMES else None
                  for m in (last.group("m1"), last.group("m2")))
        start = date(int(last.group("y1")), m1 or 1, 1)
        end_year = int(last.group("y2"))
        end = date(end_year, 12, 31) if not m2 else (date(end_year + (m2 == 12), m2 % 12 + 1, 1) - timedelta(days=1))
        return start, end, "the volume's title"
    years = volume_years(doc.volume or doc.doc_id)
    return (date(years[0], 1, 1), date(years[1], 12, 31), "the volume's years") if years else None


def volume_years(volume: str) -> tuple[int, int] | None:
    """The years a FRUS volume id covers: frus1969-76v32 → (1969, 1976)."""
    found = re.match(r"frus(\d{4})(?:-(\d{2,4}))?", volume or "")
    if not found:
        return None
    first = int(found.group(1))
    last = found.group(2)
    if not last:
        return first, first
    last_year = int(last) if len(last) == 4 else first // 100 * 100 + int(last)
    return first, last_year


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def document_date_string(not_before: date | None, not_after: date | None, basis: str) -> str | None:
    """ISO day when the evidence points to one day; the year when only a year is known."""
    if not not_before:
        return None
    if basis.startswith("inferred: the year"):
        return str(not_before.year)
    if basis.startswith("inferred: only the period"):
        return None
    if not_before.year != not_after.year:
        return None
    return not_before.isoformat()
