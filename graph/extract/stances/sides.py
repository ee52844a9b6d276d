"""The two sides (U.S. and USSR): their IRIs, the nouns that name them, and the side of an entity."""

from __future__ import annotations

import re

from graph.read.registry import Registry


SIDE_IRIS = {"US": "org/united-states", "USSR": "org/soviet-union"}

SIDE_NOUNS = [(side, re.compile(pattern)) for side, pattern in [
    ("USSR", r"\b(?:Soviets?|USSR|U\.S\.S\.R\.?|Russians?|Moscow|Kremlin|Sov(?:s|iet)?[ ]?[Dd]el(?:egation)?|"
             r"SOVDEL|Sovs)\b(?: (?:side|[Dd]elegation|[Gg]overnment|leaders(?:hip)?|negotiators?|"
             r"representatives?|team))?"),
    ("US", r"\b(?:United States|U\.S\.(?! ?S\.R)|US(?!SR)|Americans?|Washington|U\.?S\.? ?Del(?:egation)?|USDEL)"
           r"(?:\b|(?<=\.))(?: (?:side|[Dd]elegation|[Gg]overnment|negotiators?|representatives?|team))?"),
]]


def side_code(registry: Registry, iri: str | None) -> str | None:
    """'US' / 'USSR' for an entity whose side (or which, as a government, itself) is one of the two."""
    if not iri:
        return None
    entity = registry.entities.get(iri)
    side = iri if entity is not None and entity.is_government else (entity.side if entity else None)
    for code, relative in SIDE_IRIS.items():
        if side == registry.base_iri + relative:
            return code
    return None


def side_iri(registry: Registry, code: str | None) -> str | None:
    return registry.base_iri + SIDE_IRIS[code] if code in SIDE_IRIS else None


def other(side: str | None) -> str | None:
    return {"US": "USSR", "USSR": "US"}.get(side or "")
