"""Settings shared by every module: base IRI, data and build folders."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BASE_IRI = "https://w3id.org/salt-kg/"


def _env_path(name: str, default: Path) -> Path:
    """Read a folder from the environment, falling back to a default."""
    value = os.environ.get(name)
    return Path(value).resolve() if value else default


@dataclass(frozen=True)
class Settings:
    """Where things live and which base IRI the graph is minted under."""

    base_iri: str = field(default_factory=lambda: os.environ.get("SALTKG_BASE_IRI", DEFAULT_BASE_IRI))
    data_dir: Path = field(default_factory=lambda: _env_path("SALTKG_DATA", PROJECT_ROOT / "data"))
    build_dir: Path = field(default_factory=lambda: _env_path("SALTKG_BUILD", PROJECT_ROOT / "build"))
    ontology_dir: Path = PROJECT_ROOT / "ontology"
    store_url: str | None = field(default_factory=lambda: os.environ.get("SALTKG_STORE") or None)

    def __post_init__(self) -> None:
        if not self.base_iri.endswith(("/", "#")):
            object.__setattr__(self, "base_iri", self.base_iri + "/")

    @property
    def corpus_dir(self) -> Path:
        return self.data_dir / "corpus"

    @property
    def curated_dir(self) -> Path:
        return self.data_dir / "curated"

    @property
    def store_path(self) -> Path:
        return self.build_dir / "store"

    def iri(self, path: str) -> str:
        """Mint an IRI under the base from a relative path such as 'person/kissinger'."""
        return self.base_iri + path
