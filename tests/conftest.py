"""Shared fixtures: the shipped data, a registry, and graphs built into temporary folders."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from graph.config import PROJECT_ROOT, Settings
from graph.read.registry import Registry

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
    from graph.model.build import build
    settings = Settings(data_dir=DATA, build_dir=tmp_path_factory.mktemp("seed") / "build")
    build(settings, progress=False)
    return settings


@pytest.fixture(scope="session")
def built_shared_corpus(tmp_path_factory):
    """../shared/corpus built once with the shipped data, serially and validated: (report, settings)."""
    if not (SHARED / "corpus").is_dir():
        pytest.skip("../shared/corpus is not present")
    from graph.model.build import build
    settings = Settings(data_dir=DATA, build_dir=tmp_path_factory.mktemp("shared-corpus") / "build")
    return build(settings, [SHARED / "corpus"], progress=False), settings


@pytest.fixture
def seed_copy(built_seed, tmp_path: Path) -> Settings:
    """A private copy of the built shipped data in a temporary folder, for tests that change or rebuild
    it (a copy of the session's build: the same graph, manifest and stamps as a build there would give)."""
    shutil.copytree(built_seed.build_dir, tmp_path / "build")
    return Settings(data_dir=built_seed.data_dir, build_dir=tmp_path / "build")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(settings: Settings, **env: str):
    """`saltkg serve` on a free loopback port over a built graph; its URL, the server stopped afterwards."""
    port = free_port()
    env = {**os.environ, "SALTKG_BUILD": str(settings.build_dir), "SALTKG_DATA": str(settings.data_dir), **env}
    process = subprocess.Popen([sys.executable, "-m", "graph.cli", "serve", "--port", str(port)], env=env,
                               cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(url + "/", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        process.kill()
        raise RuntimeError("server did not answer within 60 s")
    try:
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def live_server(built_seed):
    """`saltkg serve` over the built seed, stopped after the session."""
    with serving(built_seed) as url:
        yield url
