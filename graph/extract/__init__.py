"""Extract facts from a FRUS document: metadata, mentions, dates, cross-references and events.

Everything here is a rule about FRUS documents in general (how headings name sender and
recipient, how footnotes cite earlier messages, how negotiators word proposals and refusals);
the curated registry supplies the names. Every fact keeps the span of text it came from.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date

from graph.read.dates import DateMention, context_year, find_dates
from graph.read.reader import FrusDocument
from graph.read.registry import Registry

# -- data -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A span of the document text; `text` always equals document_text[start:end]."""

    start: int
    end: int
    text: str


@dataclass
class Mention:
    """A name in the text linked to an entity or issue."""

    start: int
    end: int
    text: str
    target: str  # IRI
    kind: str  # person | organization | place | issue
    section: str
    via: str | None = None  # e.g. "anaphora"


@dataclass
class CrossReference:
    """A reference to another message or document."""

    start: int
    end: int
    text: str
    target: str  # IRI
    kind: str  # message | document
    label: str
    date: date | None = None
    sender: str | None = None
    recipient: str | None = None
    dated_here: bool = False  # the date is written beside this reference


@dataclass
class Event:
    """A dated negotiation event with actors, issues and its evidence passage."""

    type: str
    earliest: date | None
    latest: date | None
    date_basis: str
    evidence: Span
    section: str
    actors: list[str] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    message: str | None = None
    closes: list[str] = field(default_factory=list)
    resolution: str | None = None

    @property
    def date(self) -> date | None:
        return self.earliest if self.earliest == self.latest else None


@dataclass
class DocumentInfo:
    """What the extractor found about the document itself."""

    id: str
    number: int
    title: str
    type: str
    message_id: str | None
    date: str | None  # ISO date, YYYY-MM or YYYY
    date_basis: str
    not_before: date | None
    not_after: date | None
    date_evidence: list[Span]
    sender: list[str]
    recipients: list[str]
    recipient_location: str | None
    participants: list[str]
    place: str | None
    volume: str | None
    url: str | None
    source_note: str | None
    classification: str | None


@dataclass
class NewEntity:
    """A person or place named in a heading but absent from the registry."""

    iri: str
    kind: str
    label: str
    evidence: Span


@dataclass
class KnownDate:
    """A document date known from outside the text (e.g. a TEI dateline's attributes)."""

    not_before: date | None
    not_after: date | None
    basis: str
    evidence: list[Span] = field(default_factory=list)
    place: str | None = None  # the place as named, resolved through the registry


@dataclass
class Extraction:
    """Everything extracted from one document."""

    doc: FrusDocument
    document: DocumentInfo
    mentions: list[Mention]
    dates: list[DateMention]
    cross_references: list[CrossReference]
    events: list[Event]
    new_entities: list[NewEntity]
    warnings: list[str]


# -- lexicon: how FRUS documents word things ----------------------------------------------------

DOC_TYPES = [  # first match in the title wins
    ("Backchannel Message", "BackchannelMessage"), ("Memorandum of Conversation", "MemorandumOfConversation"),
    ("Decision Memorandum", "DecisionMemorandum"), ("Telegram", "Telegram"), ("Letter", "Letter"),
    ("Minutes", "Minutes"), ("Editorial Note", "EditorialNote"), ("Transcript", "TranscriptOfConversation"),
    ("Memorandum", "Memorandum"), ("Message", "Message"), ("Note", "Memorandum"),
]
MESSAGE_TYPES = {"BackchannelMessage", "Telegram", "Letter", "Message"}

TRIGGERS: list[tuple[str, re.Pattern]] = [(name, re.compile(pattern)) for name, pattern in [
    ("Demarche", r"(?i)d[ée]marche"),
    ("Deadline", r"(?i)\b(not later than|no later than|deadline|target date)\b"),
    ("UnilateralStatement", r"(?i)\bunilateral statements?\b"),
    ("Rejection", r"(?i)\b(cannot|can not|could not|will not|would not|won[’']t)(,? of course,?)? "
                  r"(yield|accept|agree|budge)|\brefus|\breject|\bunacceptable\b|\bincomprehensible\b|"
                  r"\bno [“\"]?give[”\"]?"),
    ("Agreement", r"(?i)\b(agreed|reached agreement|signed|initialed)\b"),
    ("Proposal", r"(?i)\bpropos|\bcould we say\b|\bwe could (say|reach|offer|agree)\b|\bsuggest|\boffer|"
                 r"\btabled?\b|\bcompromise\b|\bformulation\b"),
    ("IssueRaised", r"(?i)\blisted\b|\bremaining (items|issues|obstacles)\b|\boutstanding issues\b|"
                    r"\bresidual issues\b|\braised\b"),
    ("PositionStatement", r"(?i)\binsist|\bcontend|\bpress(ed)? for\b|\bstated\b|\bsaid\b|\breported\b|"
                          r"\bstressed\b|\bmaintain|\bargued\b|\bposition\b"),
    ("Meeting", r"(?i)\bmet with\b|\bmeeting\b|\bluncheon\b|\bdinner\b"),
]]
NEEDS_NO_ISSUE = {"Demarche", "Deadline", "Meeting"}
DEADLINE_CUE = re.compile(r"(?i)(not later than|no later than|deadline|target date|by|before|until)\W+(\w+\W+){0,2}$")
FIRST_PERSON = re.compile(r"\b(I|we|We|us|our|Our)\b")
SECOND_PERSON_CUE = re.compile(r"\byou\s+\w*\s*$")
ANAPHORA = re.compile(r"\b[Tt]he (latter|former)(?: (item|issue|point|question|matter|one))?\b")
ABBREVIATIONS = {"U.S", "Dr", "Mr", "Mrs", "Gen", "Lt", "Col", "Adm", "No", "Nos", "p.m", "a.m", "St",
                 "Amb", "Sen", "Rep", "Gov", "Jr", "Sr", "Vol", "Doc", "i.e", "e.g", "cf", "U.S.S.R", "Ibid"}
SENTENCE_END = re.compile(r"[.!?][”’\"')]?\d{0,2}(?=\s+[A-Z“\"(\[])")

MESSAGE_REF = re.compile(
    r"(?i)\b(?P<kind>backchannel messages?|messages?|telegrams?|cables?|letters?)\s+(?:No\.\s*)?"
    r"(?P<id>(?-i:WH)\s?\d{3,6}|(?-i:[A-Z]{2,8}(?: [A-Z]{2,8})?) \d{2,6}|\d{2,6})(?!\d)")
YOUR_REF = re.compile(r"\b[Yy]our (?P<id>(?:WH\s?)?\d{2,6})(?=[.,;:)\s]|$)")
DOCUMENT_REF = re.compile(r"\bDocuments? (?P<n>\d{1,4})(?!\d)")
FRUS_VOLUME = (r"Foreign Relations(?: of the United States)?, (?P<first>\d{4})[–-](?P<last>\d{2,4}), "
               r"[Vv]ol(?:\.|ume) (?P<vol>[IVXLC]+)\b")
FRUS_CITATION = re.compile(  # "Foreign Relations, 1969–1976, Vol. XXXII, SALT I, 1969–1972, Documents 317 and 316"
    FRUS_VOLUME + r"(?:(?P<rest>(?:(?!\.\s)[^;()])*?),? Documents? (?P<docs>\d{1,4}(?:(?:, | and |, and )\d{1,4})*))?")
FOOTNOTE_REF = re.compile(r"\b[Ff]ootnote (?P<n>\d{1,3})(?!\d)(?!,? (?:Document|thereto))")
ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
DATELINE = re.compile(r"^(?P<place>[A-Z][\w .’'-]{1,40}?),\s+(?P<rest>.{0,80}?)\.?\s*$")
ARCHIVE_NAME = re.compile(r"\s+(Presidential (Materials|Library)|Papers|Library)\b")
PARTICIPANTS = re.compile(r"(?m)^\s*(PARTICIPANTS|Participants|PRESENT|Present):?\s*$")


# -- helpers ----------------------------------------------------------------------------------

def span(text: str, start: int, end: int) -> Span:
    """A Span with its quote, trimmed of surrounding white space."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end, text[start:end])


def slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def text_regions(doc: FrusDocument) -> list[tuple[int, int]]:
    """Body paragraphs and footnote texts: the regions in which sentences are found."""
    return list(doc.paragraphs) + [(note.start, note.end) for note in doc.footnotes]


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans within [start, end), not splitting after common abbreviations."""
    sentences, cursor = [], start
    for found in SENTENCE_END.finditer(text, start, end):
        word = re.search(r"([\w.]+)\.?$", text[max(start, found.start() - 12):found.start() + 1])
        token = word.group(1).rstrip(".") if word else ""
        if token in ABBREVIATIONS or (len(token) == 1 and token.isupper()):
            continue
        sentences.append((cursor, found.end()))
        cursor = found.end()
    if cursor < end:
        sentences.append((cursor, end))
    return [(s.start, s.end) for s in (span(text, a, b) for a, b in sentences) if s.end > s.start]


def within(items, start: int, end: int):
    return [item for item in items if start <= item.start and item.end <= end]


# -- dates ------------------------------------------------------------------------------------

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
               year: int | None) -> tuple[date | None, date | None, str, list[Span]]:
    """Infer a document's date when it has no dateline.

    A message is written after every dated communication it cites and before any deadline its
    body sets; it is dated to the earliest day consistent with both. Without such evidence the
    earliest full date in the text is used, then the year of its source note.
    """
    cited = [r for r in refs if r.date]
    body_dates = within(dates, doc.body_start, doc.body_end)
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
    full = [m for m in body_dates if m.value and m.year_stated]
    if full:
        first = min(full, key=lambda m: m.value)
        return (first.value, first.value, f"inferred: the earliest full date stated in the text "
                f"(“{first.text}”)", [span(doc.text, first.start, first.end)])
    if year:
        return (date(year, 1, 1), date(year, 12, 31),
                f"inferred: the year {year} named in its source note or text; no day is known", [])
    span_years = volume_years(doc.volume or doc.doc_id)
    if span_years:
        first, last = span_years
        return (date(first, 1, 1), date(last, 12, 31),
                f"inferred: only the years its FRUS volume covers ({first}–{last}); no date in the text", [])
    return None, None, "unknown: the text gives no date and no year", []


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


# -- names ------------------------------------------------------------------------------------

def find_entity_mentions(doc: FrusDocument, registry: Registry, on: date | None,
                         warnings: list[str]) -> list[Mention]:
    """Every registry name in the text, resolved to one entity (role phrases by date)."""
    raw = []
    for found in registry.alias_pattern.finditer(doc.text):
        raw.append((found, registry.candidates(found.group(0), on)))
    certain = {c[0] for _, c in raw if len(c) == 1}
    mentions = []
    for found, candidates in raw:
        if ARCHIVE_NAME.match(doc.text, found.end()) or inside_longer_name(doc.text, found):
            continue
        if len(candidates) > 1:
            known = [c for c in candidates if c in certain]
            if len(known) != 1:
                warnings.append(f"{doc.path}:{doc.line_of(found.start())}: ambiguous name "
                                f"{found.group(0)!r} ({', '.join(registry.relative(c) for c in candidates)}); "
                                f"not linked")
                continue
            candidates = known
        if not candidates:
            continue
        target = candidates[0]
        by_role = registry.alias_for(found.group(0)) not in registry.entities[target].aliases
        mentions.append(Mention(found.start(), found.end(), found.group(0), target,
                                registry.entities[target].kind, doc.section_of(found.start()),
                                "role" if by_role else None))
    return mentions


NAME_BEFORE = re.compile(r"(?:\b[A-Z]\.|\b[A-Z][a-z]+)[ \t]$")
NAME_AFTER = re.compile(r"[ \t][A-Z][a-z]+\b(?![.:])")


def inside_longer_name(text: str, found: re.Match) -> bool:
    """A one-word alias that is part of another name ('Scott' in 'B. Scott Custer') or a one-letter
    alias inside an abbreviation ('K' in 'U.K.')."""
    if len(found.group(0)) == 1:
        return text[found.start() - 1:found.start()] == "." or text[found.end():found.end() + 1] == "."
    if " " in found.group(0) or "[" in found.group(0):
        return False
    before = NAME_BEFORE.search(text, max(0, found.start() - 20), found.start())
    after = NAME_AFTER.match(text, found.end())
    initial_before = bool(before) and before.group(0).strip().endswith(".") and len(before.group(0).strip()) == 2
    return initial_before or (bool(before) and bool(after))


def find_issue_mentions(doc: FrusDocument, registry: Registry) -> list[Mention]:
    """Issue mentions by the issues' patterns; overlapping matches keep the longest."""
    found = []
    for issue in registry.issues.values():
        if issue.regex is None:
            continue
        for match in issue.regex.finditer(doc.text, doc.heading_start):
            found.append(Mention(match.start(), match.end(), match.group(0), issue.iri, "issue",
                                 doc.section_of(match.start())))
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept, last_end = [], -1
    for mention in found:
        if mention.start >= last_end:
            kept.append(mention)
            last_end = mention.end
    return kept


def resolve_anaphora(doc: FrusDocument, sentences: list[tuple[int, int]],
                     issues: list[Mention]) -> list[Mention]:
    """'the latter item' / 'the former' refer to the last / first issue of the sentence before."""
    resolved = []
    for index, (start, end) in enumerate(sentences):
        for found in ANAPHORA.finditer(doc.text, start, end):
            if index == 0:
                continue
            previous = within(issues, *sentences[index - 1])
            if not previous:
                continue
            target = previous[-1] if found.group(1) == "latter" else previous[0]
            resolved.append(Mention(found.start(), found.end(), found.group(0), target.target, "issue",
                                    doc.section_of(found.start()), via="anaphora"))
    return resolved


# -- heading ----------------------------------------------------------------------------------

def document_type(title: str) -> str:
    return next((cls for key, cls in DOC_TYPES if key.lower() in title.lower()), "Document")


def split_heading(title: str, inside_name=lambda offset: False) -> tuple[str, str, str]:
    """Split 'TYPE From SENDER to RECIPIENT' at the first ' to ' that is not inside a name
    (a ' to ' after a parenthesised name is preferred)."""
    found = re.search(r"\bFrom\b", title)
    if not found:
        return title, "", ""
    rest = title[found.end():]
    splits = list(re.finditer(r"\)\s+to\s+", rest)) or [
        m for m in re.finditer(r"\s+to\s+", rest) if not inside_name(found.end() + m.start())]
    if not splits:
        return title[:found.start()], rest, ""
    split = splits[0]
    cut = split.start() + (1 if rest[split.start()] == ")" else 0)
    return title[:found.start()], rest[:cut], rest[split.end():]


def heading_people(doc: FrusDocument, registry: Registry, segment_start: int, segment_end: int,
                   mentions: list[Mention], on: date | None, new: list[NewEntity]) -> list[str]:
    """People a heading segment names: parenthesised names first, else names or role phrases."""
    text = doc.text
    people: list[str] = []
    for found in re.finditer(r"\(([^()]+)\)", text[segment_start:segment_end]):
        start = segment_start + found.start(1)
        for part in re.split(r",\s*|\s+and\s+", found.group(1)):
            part_start = text.find(part, start, segment_end)
            candidates = [c for c in registry.candidates(part, on) if registry.entities[c].kind == "person"]
            if candidates:
                people.append(candidates[0])
            elif part and part[0].isupper():
                iri = registry.base_iri + "person/" + slug(part)
                people.append(iri)
                new.append(NewEntity(iri, "person", part, span(text, part_start, part_start + len(part))))
    if not people:
        named = [m for m in within(mentions, segment_start, segment_end) if m.kind != "place"]
        persons = [m.target for m in named if m.kind == "person"]
        people = persons or [m.target for m in named]
    return list(dict.fromkeys(people))


def parse_heading(doc: FrusDocument, registry: Registry, mentions: list[Mention], on: date | None,
                  new: list[NewEntity]) -> tuple[str, list[str], list[str], str | None]:
    """Document type, senders, recipients and the recipient's location from the title."""
    base = doc.heading_start
    names = [m for m in within(mentions, base, doc.heading_end)]
    kind, sender_part, recipient_part = split_heading(
        doc.title, lambda offset: any(m.start < base + offset < m.end for m in names))
    sender_start = base + doc.title.find(sender_part) if sender_part else base
    recipient_start = base + doc.title.rfind(recipient_part) if recipient_part else doc.heading_end
    senders = heading_people(doc, registry, sender_start, sender_start + len(sender_part), mentions, on, new) \
        if sender_part else []
    recipients = heading_people(doc, registry, recipient_start, doc.heading_end, mentions, on, new) \
        if recipient_part else []
    location = None
    located = re.search(r"\bin ([A-Z][\w’'-]+(?: [A-Z][\w’'-]+)?)", recipient_part)
    if located:
        places = [m for m in within(mentions, recipient_start, doc.heading_end) if m.kind == "place"]
        location = places[0].target if places else None
    return document_type(kind or doc.title), senders, recipients, location


def find_message_id(doc: FrusDocument) -> str | None:
    """The channel number a message opens with ('WH 21372.', '408.') or carries in its title."""
    titled = re.search(r"\b(?:Telegram|Message|Cable)\s+(\d{1,6})\b", doc.title)
    if titled:
        return titled.group(1)
    for start, end in doc.paragraphs[:2]:
        found = re.match(r"(WH\s?\d{3,6}|[A-Z]{2,8}\s\d{2,6}|\d{1,6})\.\s", doc.text[start:end + 1])
        if found:
            return found.group(1)
    return None


def find_participants(doc: FrusDocument, mentions: list[Mention]) -> list[str]:
    """People listed under PARTICIPANTS (memoranda of conversation, minutes)."""
    found = PARTICIPANTS.search(doc.text, doc.body_start, doc.body_end)
    if not found:
        return []
    block = re.search(r"(?s)(.*?)(\n\s*\n(?!\s*[•·*-]))", doc.text[found.end():doc.body_end] + "\n\n")
    end = found.end() + (block.end(1) if block else 0)
    return list(dict.fromkeys(m.target for m in within(mentions, found.end(), end) if m.kind == "person"))


# -- cross-references ------------------------------------------------------------------------

def message_iri(registry: Registry, message_id: str, sender: str | None) -> str:
    """Messages with a channel prefix are unique by number; bare numbers are per sender."""
    key = slug(message_id)
    if key.isdigit() and sender:
        key = f"{sender.rstrip('/').rsplit('/', 1)[-1]}-{key}"
    return registry.base_iri + "message/" + key


def find_cross_references(doc: FrusDocument, registry: Registry, dates: list[DateMention],
                          mentions: list[Mention], sentences: list[tuple[int, int]],
                          senders: list[str], recipients: list[str]) -> list[CrossReference]:
    """Cited messages (with their date, sender and recipient where written) and documents."""
    refs: list[CrossReference] = []
    people = [m for m in mentions if m.kind == "person"]
    for start, end in sentences:
        for found in MESSAGE_REF.finditer(doc.text, start, end):
            after = doc.text[found.end():end]
            recipient = None
            to = re.match(r"\s+(?:to|for)\s+", after)
            if to:
                named = [m for m in within(people, found.end(), found.end() + 40)]
                recipient = named[0].target if named else None
            others = [m.target for m in within(people, start, end) if m.target != recipient]
            sender = others[0] if others else None
            when = next((m for m in within(dates, found.end(), min(end, found.end() + 60)) if m.value), None)
            refs.append(CrossReference(found.start(), found.end(), found.group(0),
                                       message_iri(registry, found.group("id"), sender), "message",
                                       found.group("id"), when.value if when else None, sender, recipient,
                                       dated_here=bool(when)))
        for found in YOUR_REF.finditer(doc.text, start, end):
            if any(r.start <= found.start("id") < r.end for r in refs):
                continue
            sender = recipients[0] if recipients else None
            recipient = senders[0] if senders else None
            refs.append(CrossReference(found.start(), found.end(), found.group(0),
                                       message_iri(registry, found.group("id"), sender), "message",
                                       found.group("id"), None, sender, recipient))
        refs.extend(frus_citations(doc, registry, start, end))
        for found in DOCUMENT_REF.finditer(doc.text, start, end):
            if not doc.volume or any(r.start <= found.start() < r.end for r in refs):
                continue
            number = found.group("n")
            refs.append(CrossReference(found.start(), found.end(), found.group(0),
                                       registry.base_iri + f"document/{doc.volume}-d{number}", "document",
                                       f"Document {number}"))
        for found in FOOTNOTE_REF.finditer(doc.text, start, end):
            refs.append(CrossReference(found.start(), found.end(), found.group(0),
                                       registry.base_iri + f"document/{doc.doc_id}", "footnote",
                                       f"footnote {found.group('n')}"))
    return merge_message_dates(refs)


def roman(numeral: str) -> int:
    values = [ROMAN[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def frus_citations(doc: FrusDocument, registry: Registry, start: int, end: int) -> list[CrossReference]:
    """Citations of FRUS volumes ('Foreign Relations, 1969–1976, Vol. XV, …'), with any documents named."""
    refs = []
    for found in FRUS_CITATION.finditer(doc.text, start, end):
        last = found.group("last")
        volume = f"frus{found.group('first')}-{last[-2:]}v{roman(found.group('vol'))}"
        if not found.group("docs"):
            refs.append(CrossReference(found.start(), found.end(), found.group(0),
                                       registry.base_iri + f"volume/{volume}", "volume", volume))
            continue
        for number in re.finditer(r"\d+", found.group("docs")):
            refs.append(CrossReference(found.start(), found.end(), found.group(0),
                                       registry.base_iri + f"document/{volume}-d{number.group(0)}", "document",
                                       f"{volume}, Document {number.group(0)}"))
    return refs


def merge_message_dates(refs: list[CrossReference]) -> list[CrossReference]:
    """A message cited twice ('your 408' and 'message 408 …, May 19') shares what each knows."""
    by_target: dict[str, CrossReference] = {}
    for ref in refs:
        known = by_target.setdefault(ref.target, ref)
        if known is not ref:
            known.date = known.date or ref.date
            ref.date = ref.date or known.date
    return refs


# -- events -----------------------------------------------------------------------------------

def classify(sentence: str, has_issue: bool, has_date_after) -> tuple[str, re.Match] | None:
    """The first event type whose trigger occurs in the sentence (and whose needs are met)."""
    for name, pattern in TRIGGERS:
        found = pattern.search(sentence)
        if not found:
            continue
        if name == "Deadline" and not has_date_after(found.end()):
            continue
        if name not in NEEDS_NO_ISSUE and not has_issue:
            continue
        return name, found
    return None


def sentence_actors(doc: FrusDocument, sentence: str, start: int, trigger: re.Match,
                    mentions: list[Mention], senders: list[str], recipients: list[str]) -> list[str]:
    """Named people and organisations of the sentence, plus the sender for 'I'/'we' and the
    recipient when the trigger is 'you suggest' / 'you propose'."""
    actors = [m.target for m in mentions if m.kind in ("person", "organization")]
    if SECOND_PERSON_CUE.search(sentence[:trigger.start()]):
        actors = recipients + actors
    elif FIRST_PERSON.search(re.sub(r"“[^”]*”", "", sentence)) and doc.section_of(start) == "body":
        actors = senders + actors
    return list(dict.fromkeys(actors))


def event_dates(doc_info: DocumentInfo, kind: str, sentence_dates: list[DateMention], trigger_end: int,
                section: str, doc_id: str) -> tuple[date | None, date | None, str]:
    """An event's date: the date set (deadlines), the date written in its sentence, or the document's."""
    dated = [m for m in sentence_dates if m.value]
    if kind == "Deadline":
        chosen = next((m for m in dated if m.start >= trigger_end), None)
        if chosen:
            return chosen.value, chosen.value, f"stated: the date set (“{chosen.text}”)"
    if dated:
        chosen = dated[0]
        return chosen.value, chosen.value, f"stated in the passage (“{chosen.text}”)"
    months = [m for m in sentence_dates if m.month]
    if months:
        chosen = months[0]
        return chosen.earliest, chosen.latest, f"stated to the month in the passage (“{chosen.text}”)"
    if doc_info.not_before:
        when = date.fromisoformat(doc_info.date) if doc_info.date and len(doc_info.date) == 10 else None
        earliest = doc_info.not_before if section.startswith("footnote") or not when else when
        latest = when or doc_info.not_after
        return earliest, latest, f"the date of the reporting document {doc_id}"
    return None, None, "unknown"


def extract_events(doc: FrusDocument, info: DocumentInfo, sentences, entity_mentions, issue_mentions,
                   dates, refs, registry: Registry) -> list[Event]:
    """One event per sentence with a trigger, plus a MessageSent event per dated cited message."""
    events: list[Event] = []
    for start, end in sentences:
        sentence = doc.text[start:end]
        names = within(entity_mentions, start, end)
        issues = list(dict.fromkeys(m.target for m in within(issue_mentions, start, end)))
        places = list(dict.fromkeys(m.target for m in names if m.kind == "place"))
        sentence_dates = within(dates, start, end)
        section = doc.section_of(start)
        evidence = span(doc.text, start, end)
        for ref in within(refs, start, end):
            if ref.kind == "message" and ref.dated_here:
                actors = [a for a in (ref.sender, ref.recipient) if a]
                events.append(Event("MessageSent", ref.date, ref.date, f"stated in the passage "
                                    f"({ref.date.isoformat()})", evidence, section, actors, issues, [],
                                    message=ref.target))
        found = classify(sentence, bool(issues),
                         lambda offset: any(m.start - start >= offset for m in sentence_dates if m.value))
        if not found:
            continue
        kind, trigger = found
        earliest, latest, basis = event_dates(info, kind, sentence_dates, start + trigger.end(), section, info.id)
        actors = sentence_actors(doc, sentence, start, trigger, names, info.sender, info.recipients)
        events.append(Event(kind, earliest, latest, basis, evidence, section, actors, issues, places))
    if info.type in MESSAGE_TYPES and info.sender and info.not_before:
        heading = span(doc.text, doc.heading_start, doc.heading_end)
        when = date.fromisoformat(info.date) if info.date and len(info.date) == 10 else None
        events.insert(0, Event("MessageSent", when or info.not_before, when or info.not_after,
                               f"the date of the document ({info.date_basis})", heading, "heading",
                               info.sender + info.recipients,
                               list(dict.fromkeys(m.target for m in issue_mentions)),
                               [info.recipient_location] if info.recipient_location else [],
                               message=(message_iri(registry, info.message_id, info.sender[0])
                                        if info.message_id else None)))
    return events


# -- the whole document ------------------------------------------------------------------------

def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def document_date_string(not_before: date | None, not_after: date | None, basis: str) -> str | None:
    """ISO day when the evidence points to one day; the year when only a year is known."""
    if not not_before:
        return None
    if basis.startswith("inferred: the year"):
        return str(not_before.year)
    if not_before.year != not_after.year:
        return None
    return not_before.isoformat()


def extract(doc: FrusDocument, registry: Registry, known: KnownDate | None = None) -> Extraction:
    """Run every extraction step over one document (its date taken from `known` when given)."""
    warnings = list(doc.warnings)
    text = doc.text
    source = text[doc.source_note.start:doc.source_note.end] if doc.source_note else ""
    year = context_year([source, doc.title, text[doc.body_start:doc.body_end]])
    dates = find_dates(text, year, doc.heading_start)
    sentences = [s for region in text_regions(doc) for s in split_sentences(text, *region)]

    # names need a date (role phrases); message citations need names: first pass with the year.
    first_guess = date(year, 7, 1) if year else None
    provisional = find_entity_mentions(doc, registry, first_guess, [])
    new: list[NewEntity] = []
    kind, senders, recipients, location = parse_heading(doc, registry, provisional, first_guess, new)
    refs = find_cross_references(doc, registry, dates, provisional, sentences, senders, recipients)

    stated, place, dateline = find_dateline(doc, dates)
    if known:
        not_before, not_after, basis, evidence = known.not_before, known.not_after, known.basis, known.evidence
        place = known.place or place
    elif stated:
        not_before = not_after = stated.value or stated.earliest
        basis, evidence = f"stated in the dateline (“{dateline.text}”)", [dateline]
    else:
        not_before, not_after, basis, evidence = infer_date(doc, refs, dates, year)
        if dateline:
            basis = f"the dateline says undated (“{dateline.text}”); " + basis
            evidence = [dateline] + evidence
    mentions = find_entity_mentions(doc, registry, not_before, warnings)
    new = []
    kind, senders, recipients, location = parse_heading(doc, registry, mentions, not_before, new)
    refs = find_cross_references(doc, registry, dates, mentions, sentences, senders, recipients)
    place_iri = None
    if place:
        candidates = [c for c in registry.candidates(place, not_before) if registry.entities[c].kind == "place"]
        place_iri = candidates[0] if candidates else None

    issue_mentions = find_issue_mentions(doc, registry)
    issue_mentions = sorted(issue_mentions + resolve_anaphora(doc, sentences, issue_mentions),
                            key=lambda m: m.start)
    info = DocumentInfo(
        id=doc.doc_id, number=doc.number, title=doc.title, type=kind, message_id=find_message_id(doc),
        date=(iso(not_before) if not_before == not_after else None) if known else
        document_date_string(not_before, not_after, basis), date_basis=basis,
        not_before=not_before, not_after=not_after, date_evidence=evidence,
        sender=senders, recipients=recipients, recipient_location=location,
        participants=find_participants(doc, mentions), place=place_iri, volume=doc.volume, url=doc.url,
        source_note=source or None, classification=doc.classification)
    events = extract_events(doc, info, sentences, mentions, issue_mentions, dates, refs, registry)
    if not not_before:
        warnings.append(f"{doc.path}: no date could be stated or inferred; its undated events are left out")
        events = [e for e in events if e.earliest and e.latest]
    return Extraction(doc, info, mentions + issue_mentions, dates, refs, events, new, warnings)


# -- JSON contract ------------------------------------------------------------------------------

def to_json(result: Extraction, registry: Registry) -> dict:
    """The JSON contract of `saltkg extract --json` (DESIGN.md)."""
    rel = registry.relative
    info = result.document

    def grouped(kind: str) -> list[dict]:
        out: dict[str, dict] = {}
        for mention in result.mentions:
            if mention.kind != kind:
                continue
            entry = out.setdefault(mention.target, entity_json(mention.target, kind, registry, result))
            item = {"start": mention.start, "end": mention.end, "text": mention.text, "section": mention.section}
            if mention.via:
                item["via"] = mention.via
            entry["mentions"].append(item)
        return list(out.values())

    return {
        "document": {
            "id": info.id, "number": info.number, "title": info.title, "type": info.type,
            "message_id": info.message_id, "date": info.date, "date_basis": info.date_basis,
            "date_not_before": iso(info.not_before), "date_not_after": iso(info.not_after),
            "date_evidence": [asdict(s) for s in info.date_evidence],
            "sender": rel(info.sender[0]) if len(info.sender) == 1 else [rel(s) for s in info.sender],
            "recipients": [rel(r) for r in info.recipients],
            "recipient_location": rel(info.recipient_location) if info.recipient_location else None,
            "participants": [rel(p) for p in info.participants],
            "volume": info.volume, "url": info.url, "classification": info.classification,
        },
        "persons": grouped("person"),
        "organizations": grouped("organization"),
        "places": grouped("place"),
        "issues": grouped("issue"),
        "dates": [{"date": m.value.isoformat() if m.value else f"{m.month[0]}-{m.month[1]:02d}",
                   "text": m.text, "start": m.start, "end": m.end} for m in result.dates],
        "cross_references": [{"text": r.text, "target": rel(r.target), "kind": r.kind,
                              "date": iso(r.date), "sender": rel(r.sender) if r.sender else None,
                              "recipient": rel(r.recipient) if r.recipient else None,
                              "start": r.start, "end": r.end} for r in result.cross_references],
        "events": [{"type": e.type, "date": iso(e.date), "earliest": iso(e.earliest), "latest": iso(e.latest),
                    "date_basis": e.date_basis, "actors": [rel(a) for a in e.actors],
                    "issues": [rel(i) for i in e.issues], "places": [rel(p) for p in e.places],
                    "message": rel(e.message) if e.message else None,
                    "evidence": asdict(e.evidence)} for e in result.events],
        "warnings": result.warnings,
    }


def entity_json(iri: str, kind: str, registry: Registry, result: Extraction) -> dict:
    """The id, label and external links of an entity or issue."""
    if kind == "issue":
        issue = registry.issues[iri]
        return {"id": registry.relative(iri), "label": issue.label,
                "broader": [registry.relative(b) for b in issue.broader], "mentions": []}
    entity = registry.entities.get(iri)
    label = entity.label if entity else next((n.label for n in result.new_entities if n.iri == iri), iri)
    return {"id": registry.relative(iri), "label": label,
            "same_as": entity.same_as if entity else [], "see_also": entity.see_also if entity else [],
            "mentions": []}


__all__ = ["Extraction", "extract", "to_json"]
