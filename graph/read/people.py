"""Read the Office of the Historian's people records (GitHub ``HistoryAtState/people``).

One XML file per person (``data/…/NNNNNN.xml``): the database id, the preferred name, alternate
names, every printed form with the history.state.gov pages that print it, titles taken from
printed names, birth and death years, a VIAF authority, and the persons-list descriptions (remarks)
with the pages that print each. A page of the form ``…/historicaldocuments/{volume}/persons#{id}``
is the person's entry in that FRUS volume's persons list (the ids TEI volumes use in
``persName/@corresp``). Names are "Family, Given Middle"; Chinese names and the Department's own
pages print them in natural order without a comma.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from graph.read.reader import ReadError
from graph.read.tei import split_name

PEOPLE_FILE = Path("people") / "hsg-people.ttl.gz"  # the shipped import, under the data folder
HSG_SITE = "https://history.state.gov/"
LIST_URL = re.compile(r"^https://history\.state\.gov/historicaldocuments/(?P<volume>[^/#]+)/persons#(?P<entry>\S+)$")
DEPARTMENT_URL = re.compile(r"^https://history\.state\.gov/departmenthistory/people/[\w.-]+$")
RECORD_ID = re.compile(r"^\d{6,}$")
PARENTHESES = re.compile(r"\s*\(([^)]*)\)")
QUOTED = re.compile(r"[“\"]\s*([^”\"]+?)\s*[”\"]")
SUFFIX_WORDS = {"ii", "iii", "iv", "jr", "sr"}


class PeopleReadError(ReadError):
    """A people record that cannot be read; names the file and line."""


@dataclass(frozen=True)
class ListEntry:
    """The person's entry in one FRUS volume's persons list."""

    volume: str  # frus1969-76v32
    entry: str  # p_SGC_1: the id the volume's TEI uses for the person
    url: str


@dataclass
class Sourced:
    """A printed name, title or description with the history.state.gov pages that print it."""

    text: str
    urls: list[str] = field(default_factory=list)


@dataclass
class PeopleRecord:
    """One person of the database, as its record gives it."""

    id: str
    path: Path
    preferred: str
    alternates: list[str] = field(default_factory=list)
    printed: list[Sourced] = field(default_factory=list)
    titles: list[Sourced] = field(default_factory=list)
    remarks: list[Sourced] = field(default_factory=list)
    birth_year: int | None = None
    death_year: int | None = None
    viaf: str | None = None

    @property
    def urls(self) -> list[str]:
        """Every history.state.gov page the record names, in record order, once each."""
        found = [u for group in (self.printed, self.titles, self.remarks) for item in group for u in item.urls]
        return list(dict.fromkeys(u for u in found if u.startswith(HSG_SITE)))

    @property
    def entries(self) -> list[ListEntry]:
        """The persons-list entries the record cites (one per volume and id)."""
        found = (LIST_URL.match(u) for u in self.urls)
        return [ListEntry(m.group("volume"), m.group("entry"), m.group(0)) for m in found if m]

    @property
    def volumes(self) -> list[str]:
        """The FRUS volumes whose persons lists name the person, sorted."""
        return sorted({e.volume for e in self.entries})

    @property
    def department_pages(self) -> list[str]:
        """The person's pages among the Department's principal officers and chiefs of mission."""
        return [u for u in self.urls if DEPARTMENT_URL.match(u)]

    @property
    def label(self) -> str:
        """The preferred name in natural order: 'Gerard Coad Smith'."""
        return natural_forms(self.preferred)[0]

    def variants(self) -> list[str]:
        """Every other name the record gives (alternates and printed forms), in natural order, once each."""
        names = [n for raw in [self.preferred, *self.alternates, *(p.text for p in self.printed)]
                 for n in natural_forms(raw)]
        return [n for n in dict.fromkeys(names) if n != self.label]


def clean(value: str | None) -> str:
    return re.sub(r"\s+", " ", value or "").strip()


def parse_printed(printed: str) -> tuple[str, str, list[str], str | None, str | None]:
    """'Irwin, John N. II' or 'Thompson, Llewellyn E. “Tommy”' → surname, given, surname variants,
    nickname, suffix: the TEI persons-list parse (graph.read.tei.split_name), with a suffix or a
    quoted nickname inside the given names taken out."""
    surname, given, variants, nickname, suffix, _ = split_name(printed)
    quoted = QUOTED.search(given)
    if quoted:
        nickname = nickname or clean(quoted.group(1))
        given = clean(given[:quoted.start()] + " " + given[quoted.end():])
    words = given.split()
    for word in [w for w in words if w.lower().rstrip(".") in SUFFIX_WORDS]:
        words.remove(word)
        suffix = suffix or word.rstrip(".") if word.lower().rstrip(".") in ("ii", "iii", "iv") else suffix or word
    return surname, " ".join(words), variants, nickname, suffix


def natural_forms(printed: str) -> list[str]:
    """A printed name in natural order, then the forms its parentheses give: 'Kornienko (Korniyenko),
    Georgi M.' → ['Georgi M. Kornienko', 'Georgi M. Korniyenko']; 'Deng Xiaoping (Teng Hsiao-ping)'
    → ['Deng Xiaoping', 'Teng Hsiao-ping']."""
    printed = clean(printed).rstrip(",;")
    if "," not in printed:
        inside = [clean(p) for p in PARENTHESES.findall(printed) if clean(p)]
        plain = clean(QUOTED.sub("", PARENTHESES.sub("", printed)))
        return [n for n in dict.fromkeys([strip_stop(plain), *map(strip_stop, inside)]) if n]
    surname, given, variants, nickname, suffix = parse_printed(printed)
    tail = [suffix] if suffix else []
    forms = [" ".join([given, surname, *tail]).strip()]
    forms += [" ".join([given, variant, *tail]).strip() for variant in variants]
    if nickname:
        forms.append(f"{nickname} {surname}")
    return [f for f in dict.fromkeys(clean(f) for f in forms) if f]


def strip_stop(name: str) -> str:
    """Drop a stray final full stop ('Teng Hsiao-p’ing.'), not an initial's ('Henry A.')."""
    last = name.split()[-1] if name.split() else ""
    return name[:-1] if name.endswith(".") and len(last) > 2 else name


def line_of(text: str, needle: str) -> int | None:
    """The 1-based line of the first occurrence of `needle` in the file's text."""
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def sourced(element: ET.Element, child: str) -> Sourced:
    """A name/title/remark element with its source-url children."""
    holder = element.find(child)
    text = clean("".join(holder.itertext())) if holder is not None else ""
    return Sourced(text, [clean(u.text) for u in element.findall("source-url") if clean(u.text)])


def year(element: ET.Element | None, path: Path, text: str, tag: str) -> int | None:
    value = clean(element.text if element is not None else None)
    if not value:
        return None
    if not re.fullmatch(r"\d{3,4}", value):
        raise PeopleReadError(path, f"<{tag}> is not a year: {value!r}", line_of(text, f"<{tag}>"))
    return int(value)


def read_record(path: Path | str) -> PeopleRecord:
    """Parse one record; raises PeopleReadError naming the file and line when it cannot."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise PeopleReadError(path, f"cannot read: {err}") from None
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as err:
        raise PeopleReadError(path, f"not well-formed XML: {err}", err.position[0]) from None
    if root.tag != "person":
        raise PeopleReadError(path, f"root element is <{root.tag}>, not <person>", line_of(text, f"<{root.tag}"))
    record_id = clean(root.findtext("id"))
    if not RECORD_ID.match(record_id):
        raise PeopleReadError(path, f"no numeric <id> (found {record_id!r})",
                               line_of(text, "<id>") or line_of(text, "<person") or 1)
    preferred = clean(root.findtext("names/preferred/name"))
    if not preferred:
        raise PeopleReadError(path, "no <names>/<preferred>/<name>", line_of(text, "<preferred") or 1)
    viaf = clean(root.findtext("authorities/authority[@service='viaf']")) or None
    return PeopleRecord(
        id=record_id, path=path, preferred=preferred,
        alternates=[clean("".join(n.itertext())) for n in root.findall("names/alternates/name") if clean(n.text)],
        printed=[s for s in (sourced(o, "name") for o in root.findall("names/originals/original")) if s.text],
        titles=[s for s in (sourced(t, "name") for t in root.findall("names/titles-from-name/title")) if s.text],
        remarks=[s for s in (sourced(r, "p") for r in root.findall("remarks/remark")) if s.text],
        birth_year=year(root.find("birth-year"), path, text, "birth-year"),
        death_year=year(root.find("death-year"), path, text, "death-year"),
        viaf=viaf if viaf and viaf.isdigit() else None)


def record_paths(root: Path | str) -> list[Path]:
    """Every record under a folder (the repository, its data/ folder, or any part), by id; a file as given."""
    root = Path(root)
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise PeopleReadError(root, "no such folder or file")
    return sorted(root.rglob("*.xml"), key=lambda p: (p.stem, str(p)))


def iter_records(root: Path | str, errors: list[str]) -> Iterator[PeopleRecord]:
    """Read every record under `root`; a bad record is reported into `errors` and the rest go on."""
    seen: dict[str, Path] = {}
    for path in record_paths(root):
        try:
            record = read_record(path)
        except PeopleReadError as err:
            errors.append(str(err))
            continue
        if record.id in seen:
            errors.append(f"{path}:{line_of(path.read_text(encoding='utf-8'), '<id>')}: id {record.id} "
                          f"already read from {seen[record.id]}; skipped")
            continue
        seen[record.id] = path
        yield record


__all__ = ["ListEntry", "PeopleReadError", "PeopleRecord", "Sourced", "iter_records", "natural_forms", "parse_printed",
           "read_record", "record_paths"]
