"""The build manifest: what a graph was built from, so `saltkg build --if-changed` keeps a graph the
user built and rebuilds it only when its own inputs changed.

`build/inputs.json` records the paths the build was given (resolved), whether data/corpus was
included, and a SHA-256 of every file read: each document and its JSON sidecar, the curated
registry and people database, the ontology and shapes, and the reading/extraction/model code. A rebuild uses the
recorded paths, never only data/, so a graph built with extra inputs stays that graph.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from graph.config import Settings

MANIFEST_NAME = "inputs.json"
CODE_DIRS = ("read", "extract", "model")


@dataclass
class Manifest:
    """The inputs of one built graph."""

    paths: list[str]
    include_corpus: bool
    files: dict[str, str] = field(default_factory=dict)
    amended: bool = False  # changed after the build by --update or remove: never rebuilt automatically

    def to_json(self) -> dict:
        return {"paths": self.paths, "include_corpus": self.include_corpus, "amended": self.amended,
                "files": self.files}


def manifest_path(settings: Settings) -> Path:
    return settings.build_dir / MANIFEST_NAME


def digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


def code_files() -> list[Path]:
    """The code that turns inputs into the graph (a change to it changes the graph too)."""
    root = Path(__file__).resolve().parent.parent
    return sorted(p for name in CODE_DIRS for p in (root / name).rglob("*.py"))


def watched_files(settings: Settings, documents: Iterable[Path]) -> list[Path]:
    """Every file a build reads: documents with their sidecars, curated data, ontology, code."""
    files = []
    for path in documents:
        files.append(Path(path))
        sidecar = Path(path).with_suffix(".json")
        if sidecar.exists() and sidecar != Path(path):
            files.append(sidecar)
    files += sorted(settings.curated_dir.glob("*.ttl")) + sorted(settings.ontology_dir.glob("*.ttl"))
    files += sorted((settings.data_dir / "people").glob("*"))  # the people database the build draws on
    return files + code_files()


def fingerprint(files: Iterable[Path]) -> dict[str, str]:
    """Path → SHA-256 for the files that exist ('missing' for those that do not)."""
    return {str(Path(p).resolve()): digest(Path(p)) if Path(p).is_file() else "missing" for p in files}


def write(settings: Settings, paths: Iterable[Path], include_corpus: bool, documents: Iterable[Path],
          amended: bool = False) -> Manifest:
    """Record what the graph just built was built from."""
    manifest = Manifest([str(Path(p).resolve()) for p in paths], include_corpus,
                        fingerprint(watched_files(settings, documents)), amended)
    manifest_path(settings).write_text(json.dumps(manifest.to_json(), indent=1, ensure_ascii=False), encoding="utf-8")
    return manifest


def read(settings: Settings) -> Manifest | None:
    """The manifest of the current graph, or None when there is none (or it cannot be read)."""
    try:
        data = json.loads(manifest_path(settings).read_text(encoding="utf-8"))
        return Manifest(list(data["paths"]), bool(data["include_corpus"]), dict(data["files"]), bool(data.get("amended")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def mark_amended(settings: Settings, more_paths: Iterable[Path] = ()) -> None:
    """Note that the graph was changed in place (documents added or removed after the build)."""
    manifest = read(settings)
    if manifest is None:
        return
    manifest.amended = True
    manifest.paths += [str(Path(p).resolve()) for p in more_paths if str(Path(p).resolve()) not in manifest.paths]
    manifest_path(settings).write_text(json.dumps(manifest.to_json(), indent=1, ensure_ascii=False), encoding="utf-8")


def changes(settings: Settings, manifest: Manifest, documents: Iterable[Path]) -> list[str]:
    """What differs between the recorded inputs and the files now: changed, added or removed files."""
    now = fingerprint(watched_files(settings, documents))
    found = [f"changed: {p}" for p, h in now.items() if p in manifest.files and manifest.files[p] != h]
    found += [f"new: {p}" for p in now if p not in manifest.files]
    found += [f"gone: {p}" for p in manifest.files if p not in now]
    return sorted(found)
