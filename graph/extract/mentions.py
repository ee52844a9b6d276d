"""Names in the text: registry people, organisations and places, issues, and issue anaphora."""

from __future__ import annotations

import re
from datetime import date

from graph.extract.text import within
from graph.extract.types import Mention
from graph.read.reader import FrusDocument
from graph.read.registry import Registry


ANAPHORA = re.compile(r"\b[Tt]he (latter|former)(?: (item|issue|point|question|matter|one))?\b")

ARCHIVE_NAME = re.compile(r"\s+(Presidential (Materials|Library)|Papers|Library)\b")


def find_entity_mentions(doc: FrusDocument, registry: Registry, on: date | None, until: date | None,
                         warnings: list[str]) -> list[Mention]:
    """Every registry name in the text, resolved to one entity (role phrases by the holder over the
    document's dates, which for an undated document is its volume's period)."""
    raw = []
    for found in registry.alias_pattern.finditer(doc.text):
        raw.append((found, registry.candidates(found.group(0), on, until)))
    certain = {c[0] for _, c in raw if len(c) == 1}
    mentions = []
    for found, candidates in raw:
        if ARCHIVE_NAME.match(doc.text, found.end()) or inside_longer_name(doc.text, found):
            continue
        if len(candidates) > 1:
            known = [c for c in candidates if c in certain]
            if len(known) != 1:  # the curated registry's own reading of a name outweighs the database's
                known = [c for c in candidates if registry.entities[c].origin == "curated"]
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
    issues = [issue for issue in registry.issues.values() if issue.regex is not None]
    for candidate in registry.issue_starts.finditer(doc.text, doc.heading_start):  # where any issue may match
        for issue in issues:
            match = issue.regex.match(doc.text, candidate.start())
            if match:
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
