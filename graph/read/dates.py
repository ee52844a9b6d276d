"""Recognise date expressions in FRUS text and resolve them to calendar dates.

FRUS writes dates as ``May 19, 1972``, ``May 19``, ``Wednesday, May 24th`` or ``December 15th``;
a year is often left out and has to come from the document's context. A weekday, when given,
picks the year that makes it true.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

MONTHS = {name.lower(): index for index, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): index for index, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): index for index, name in enumerate(calendar.day_name)}

MONTH_RE = (r"(?P<month>January|February|March|April|May|June|July|August|September|October|"
            r"November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)")
DAY_DATE = re.compile(
    r"(?:(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?"
    + MONTH_RE + r"\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?!\d)"
    r"(?:,?\s+(?P<year>19[4-9]\d)(?!\d))?")
MONTH_YEAR = re.compile(MONTH_RE + r"\s+(?P<year>19[4-9]\d)(?!\d)")
YEAR = re.compile(r"(?<![\d–-])(19[4-9]\d)(?![\d–-])")
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class DateError(ValueError):
    """A date given by a user that is not a valid ISO date."""


@dataclass(frozen=True)
class DateMention:
    """A date written in the text, with its span and resolved value."""

    start: int
    end: int
    text: str
    value: date | None  # None when only a month and year are given
    month: tuple[int, int] | None  # (year, month) for month-precision mentions
    year_stated: bool
    weekday_checked: bool = False
    weekday_conflict: bool = False  # a stated year in which the written weekday does not fall

    @property
    def precision(self) -> str:
        return "day" if self.value else "month"

    @property
    def earliest(self) -> date:
        if self.value:
            return self.value
        year, month = self.month
        return date(year, month, 1)

    @property
    def latest(self) -> date:
        if self.value:
            return self.value
        year, month = self.month
        return date(year, month, calendar.monthrange(year, month)[1])


def parse_iso_date(value: str) -> date:
    """Parse a YYYY-MM-DD date given by a user, with a clear error."""
    if not ISO.match(value or ""):
        raise DateError(f"invalid date {value!r}: expected YYYY-MM-DD, e.g. 1972-05-20")
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise DateError(f"invalid date {value!r}: {err}") from None


def safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def year_for_weekday(month: int, day: int, weekday: int, around: int) -> int | None:
    """The year nearest `around` in which month/day falls on the given weekday."""
    for delta in (0, -1, 1, -2, 2, -3, 3):
        candidate = safe_date(around + delta, month, day)
        if candidate and candidate.weekday() == weekday:
            return around + delta
    return None


def context_year(texts: list[str]) -> int | None:
    """The most frequent year 1945–1999 in the given texts (first texts weigh more on ties)."""
    counts: dict[int, int] = {}
    for weight, text in enumerate(reversed(texts), start=1):
        for found in YEAR.finditer(text):
            year = int(found.group(1))
            counts[year] = counts.get(year, 0) + weight
    return max(counts, key=lambda y: (counts[y], y)) if counts else None


def weekday_year(month: int, day: int, weekday: int, years: tuple[int, int]) -> int | None:
    """The one year within `years` in which month/day falls on the weekday (None if none or several)."""
    found = [y for y in range(years[0], years[1] + 1)
             if (d := safe_date(y, month, day)) is not None and d.weekday() == weekday]
    return found[0] if len(found) == 1 else None


def find_dates(text: str, year: int | None, start: int = 0, end: int | None = None,
               years: tuple[int, int] | None = None) -> list[DateMention]:
    """Every day- or month-precision date written between start and end, resolved with `year`; a date
    written with its weekday and no year takes the one year of `years` (the volume's span) that fits."""
    end = len(text) if end is None else end
    mentions: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for found in DAY_DATE.finditer(text, start, end):
        month = MONTHS[found.group("month").rstrip(".").lower()]
        day = int(found.group("day"))
        stated = found.group("year")
        resolved_year = int(stated) if stated else year
        checked = conflict = False
        weekday = WEEKDAYS[found.group("weekday").lower()] if found.group("weekday") else None
        if weekday is not None and not stated and resolved_year:
            resolved_year = year_for_weekday(month, day, weekday, resolved_year) or resolved_year
            checked = True
        elif weekday is not None and not stated and years:
            resolved_year = weekday_year(month, day, weekday, years)
            checked = resolved_year is not None
        elif weekday is not None and stated:
            written = safe_date(int(stated), month, day)
            conflict = written is not None and written.weekday() != weekday
        value = safe_date(resolved_year, month, day) if resolved_year else None
        if value is None:
            continue
        mentions.append(DateMention(found.start(), found.end(), found.group(0), value, None,
                                    bool(stated), checked, conflict))
        taken.append((found.start(), found.end()))
    for found in MONTH_YEAR.finditer(text, start, end):
        if any(s <= found.start() < e for s, e in taken):
            continue
        month = MONTHS[found.group("month").rstrip(".").lower()]
        mentions.append(DateMention(found.start(), found.end(), found.group(0), None,
                                    (int(found.group("year")), month), True))
    return sorted(mentions, key=lambda m: m.start)
