"""A document's dateline: its place and the validated date or date-time of its @when / @from–@to."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime

from graph.read.tei.elements import TEI, text_of
from graph.read.tei.flatten import Flattener
from graph.read.tei.types import Dateline


def validated_time(value: str, text: str, problems: list[str], where: str) -> tuple[date | None, str | None]:
    """Parse an ISO date or date-time from a dateline attribute; mend minutes/seconds swapped when
    the printed time shows it (the source has '16:00:05' for 4:05 p.m.)."""
    try:
        if "T" not in value:
            return date.fromisoformat(value[:10]), None
        stamp = datetime.fromisoformat(value)
    except ValueError:
        problems.append(f"{where}: dateline date {value!r} is not a valid ISO date or date-time; ignored")
        return None, None
    if stamp.second and not stamp.minute:
        shown = f"{(stamp.hour - 1) % 12 + 1}:{stamp.second:02d}"
        if shown in text:
            problems.append(f"{where}: dateline time {value!r} has minutes and seconds swapped (the text "
                            f"says {shown}); read as {stamp.hour:02d}:{stamp.second:02d}:00")
            stamp = stamp.replace(minute=stamp.second, second=0)
        else:
            problems.append(f"{where}: dateline time {value!r} has seconds but no minutes; kept as given")
    return stamp.date(), stamp.isoformat()


def read_dateline(elem: ET.Element, flat: Flattener, start: int, where: str) -> Dateline:
    """The dateline just written: its place and the validated @when / @from–@to of its date."""
    text = flat.text[start:flat.length].strip()
    place_elem = elem.find(f".//{TEI}placeName")
    date_elem = elem.find(f".//{TEI}date")
    line = Dateline(start, start + len(text), text, text_of(place_elem) if place_elem is not None else None,
                    undated=date_elem is None and "undated" in text.lower())
    if date_elem is None:
        return line
    line.raw = {k: v for k, v in date_elem.attrib.items() if k in ("when", "from", "to", "notBefore", "notAfter")}
    shown = text_of(date_elem)
    first = line.raw.get("when") or line.raw.get("from") or line.raw.get("notBefore")
    last = line.raw.get("when") or line.raw.get("to") or line.raw.get("notAfter")
    if first:
        line.earliest, line.start_time = validated_time(first, shown, line.problems, where)
    if last:
        line.latest, line.end_time = validated_time(last, shown, line.problems, where)
    if line.earliest and line.latest and line.latest < line.earliest:
        line.problems.append(f"{where}: dateline ends ({line.latest}) before it starts ({line.earliest}); "
                             f"the range is ignored")
        line.latest = line.earliest
    if line.earliest and not line.latest:
        line.latest = line.earliest
    return line


def fix_dateline_span(dateline: Dateline, text: str) -> Dateline:
    """Point the dateline span at its text exactly (blocks may start after a separator)."""
    found = text.find(dateline.text, max(0, dateline.start - 2))
    if found >= 0:
        dateline.start, dateline.end = found, found + len(dateline.text)
    return dateline
