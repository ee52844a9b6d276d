"""Shared fixtures: the shipped data, a registry, and graphs built into temporary folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graph.config import PROJECT_ROOT, Settings
from graph.registry import Registry

DATA = PROJECT_ROOT / "data"
FIXTURES = Path(__file__).parent / "fixtures"
SEED = DATA / "corpus" / "frus1969-76v14-d247.txt"
SHARED = PROJECT_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def registry() -> Registry:
    return Registry.load(Settings(data_dir=DATA))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings that read the shipped data and build into a temporary folder."""
    return Settings(data_dir=DATA, build_dir=tmp_path / "build")


@pytest.fixture
def fixture_data(tmp_path: Path) -> Settings:
    """A data folder with the seed plus the FRUS-style fixture documents."""
    data = tmp_path / "data"
    shutil.copytree(DATA / "curated", data / "curated")
    (data / "corpus").mkdir(parents=True)
    for path in list((DATA / "corpus").iterdir()) + list((FIXTURES / "corpus").iterdir()):
        shutil.copy(path, data / "corpus" / path.name)
    return Settings(data_dir=data, build_dir=tmp_path / "build")


@pytest.fixture(scope="session")
def built_seed(tmp_path_factory) -> Settings:
    """The shipped data built once for read-only tests."""
    from graph.build import build
    settings = Settings(data_dir=DATA, build_dir=tmp_path_factory.mktemp("seed") / "build")
    build(settings, progress=False)
    return settings
