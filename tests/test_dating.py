"""Dates without placeholders: weekdays fix years, cited messages date undated ones, FRUS order bounds
the rest, editorial notes stand at their first event; constructed documents."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from graph.extract import extract
from graph.extract.corpus_dates import redate
from graph.read.dates import find_dates
from graph.read.reader import read_text


def document(registry, number: int, title: str, body: str, footnotes: str = ""):
    text = f"{number}. {title}1\n\n{body}\n\n  1. Source: National Archives, RG 59. Secret.{footnotes}\n"
    return extract(read_text(Path(f"d{number}.txt"), text, {"volume": "frus1969-76v32"}), registry)


def test_a_weekday_fixes_the_year_within_the_volume_span():
    [mention] = find_dates("no later than Wednesday, May 24th.", None, years=(1969, 1976))
    assert mention.value == date(1972, 5, 24) and mention.weekday_checked


def test_a_year_contradicting_the_weekday_is_reported(registry):
    result = document(registry, 10, "Memorandum for the Record",
                      "Washington, May 24, 1972.\n\nThe meeting on Friday, May 24, 1972 discussed mobile ICBMs.")
    assert any("names a weekday" in w for w in result.warnings)


def test_an_undated_message_takes_the_date_another_document_cites_it_with(registry):
    undated = document(registry, 20, "Backchannel Message From the Head of the Delegation (Smith) to the "
                                     "President’s Assistant (Kissinger)", "408. The Soviets refused to define heavy missiles.")
    citing = document(registry, 21, "Backchannel Message From Kissinger to Smith", "Just received your 408.2",
                      footnotes="\n  2. In backchannel message 408 to Kissinger, May 19, 1972, Smith reported on "
                                "the Soviet refusal.")
    assert undated.document.date is None
    dated = {r.document.id: r for r in redate([undated, citing], registry)}
    assert dated[undated.document.id].document.date == "1972-05-19"
    assert "cites this message" in dated[undated.document.id].document.date_basis


def test_frus_order_bounds_an_undated_document_between_its_neighbours(registry):
    before = document(registry, 30, "Telegram From the Delegation to the Department of State",
                      "Vienna, April 11, 1972.\n\nSemenov raised ABM levels.")
    middle = document(registry, 31, "Memorandum for the Record", "Undated.\n\nThe delegation discussed SLBMs.")
    after = document(registry, 32, "Telegram From the Delegation to the Department of State",
                     "Vienna, April 20, 1972.\n\nSemenov raised SLBMs.")
    redated = {r.document.id: r for r in redate([before, middle, after], registry)}[middle.document.id].document
    assert redated.date is None  # still undated: no placeholder day
    assert (redated.not_before, redated.not_after) == (date(1972, 4, 11), date(1972, 4, 20))
    assert "date order" in redated.date_basis


def test_an_editorial_note_stands_at_its_first_event(registry):
    note = document(registry, 40, "Editorial Note", "The talks opened in Helsinki on November 17, 1969. In a "
                                                    "November 18 letter, Smith reported his first impressions.")
    assert note.document.date == "1969-11-17"


def test_an_undated_document_is_bounded_by_its_volume_period_and_resolves_roles_within_it(registry):
    text = ("50. Memorandum for the Record1\n\nThe President wants the delegation to press on mobile ICBMs.\n\n"
            "  1. Source: National Archives. Secret.\n")
    metadata = {"volume": "frus1969-76v14", "volume_title": "Foreign Relations of the United States, 1969–1976, "
                "Volume XIV, Soviet Union, October 1971–May 1972"}
    result = extract(read_text(Path("d50.txt"), text, metadata), registry)
    info = result.document
    assert info.date is None and (info.not_before, info.not_after) == (date(1971, 10, 1), date(1972, 5, 31))
    assert "only the period its FRUS volume covers" in info.date_basis
    president = next(m for m in result.mentions if m.text == "The President")
    assert registry.relative(president.target) == "person/nixon"
