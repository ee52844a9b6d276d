"""Corrupted and interrupted builds (issue 11, item 10): a build killed with SIGKILL leaves no temporary
store for long, a volume cut off mid-document keeps what was read, a truncated curated file is a
one-line message, and --strict fails before the new graph replaces the old one."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.config import PROJECT_ROOT, Settings
from graph.model.build import BuildFailed, build, build_lock
from graph.model.store import KnowledgeGraph

from .conftest import DATA, FIXTURES

VOLUME = FIXTURES / "tei" / "frus1969-76v99-test.xml"


def cli(settings: Settings, *args: str, wait: bool = True):
    env = {**os.environ, "SALTKG_DATA": str(settings.data_dir), "SALTKG_BUILD": str(settings.build_dir)}
    command = [sys.executable, "-m", "graph.cli", *args]
    if not wait:
        return subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    return subprocess.run(command, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)


def temporaries(settings: Settings) -> list[Path]:
    return sorted(settings.build_dir.glob("store.tmp-*"))


def truncated_volume(folder: Path) -> Path:
    """The test volume cut off inside its second document."""
    text = VOLUME.read_text(encoding="utf-8")
    first = text.index('<div type="document"')
    second = text.index('<div type="document"', first + 1)
    path = folder / "truncated.xml"
    path.write_text(text[:second + 200], encoding="utf-8")
    return path


def test_a_build_killed_mid_way_leaves_no_temporary_store_after_the_next(settings):
    process = cli(settings, "build", "-q", str(VOLUME), wait=False)
    deadline = time.monotonic() + 120
    while not temporaries(settings) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    if process.poll() is not None:
        pytest.skip("the build finished before it could be interrupted")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert temporaries(settings), "the killed build left its temporary store"
    report = build(settings, progress=False, validate=False)
    assert temporaries(settings) == [] and report.documents > 0
    assert KnowledgeGraph.open(settings.store_path).triple_count() > 0


def test_stale_temporaries_of_dead_processes_are_removed_live_ones_kept(settings):
    settings.build_dir.mkdir(parents=True)
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = settings.build_dir / f"store.tmp-{finished.stdout.strip()}-deadbeef"
    (dead / "sub").mkdir(parents=True)
    (settings.build_dir / f"{dead.name}.search").write_text("staged")
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        alive = settings.build_dir / f"store.tmp-{sleeper.pid}-cafecafe"
        alive.mkdir()
        build(settings, progress=False, validate=False)
        assert temporaries(settings) == [alive], "a live process's temporary store is not touched"
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_second_build_at_the_same_time_is_refused(settings):
    with build_lock(settings):
        with pytest.raises(BuildFailed, match="another build is running"):
            build(settings, progress=False, validate=False)


def test_a_volume_truncated_in_its_second_document_keeps_the_first(settings, tmp_path):
    report = build(settings, [truncated_volume(tmp_path)], include_corpus=False, progress=False, validate=False)
    assert report.documents == 1
    assert len(report.errors) == 1 and "truncated.xml:" in report.errors[0] and "kept" in report.errors[0]
    assert report.volumes and report.volumes[0]["documents"] == 1
    kg = KnowledgeGraph.open(settings.store_path)
    assert kg.select("SELECT (COUNT(*) AS ?n) WHERE { ?d a <https://w3id.org/salt-kg/ontology#Document> }")[0]["n"]


def test_a_truncated_curated_file_is_one_line_naming_file_and_line(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    curated = data / "curated" / "issues.ttl"
    curated.write_text(curated.read_text(encoding="utf-8")[:1500], encoding="utf-8")
    result = cli(Settings(data_dir=data, build_dir=tmp_path / "build"), "build", "-q")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "issues.ttl" in lines[0] and "line" in lines[0]


def test_strict_fails_before_swapping_the_new_graph_in(seed_copy, tmp_path):
    settings = seed_copy
    before = KnowledgeGraph.open(settings.store_path).triple_count()
    stamp = (settings.build_dir / "build.json").read_text()
    result = cli(settings, "build", "-q", "--jobs", "1", "--strict", "--no-validate", str(truncated_volume(tmp_path)))
    assert result.returncode == 1
    assert "truncated.xml" in result.stderr and "previous graph is unchanged" in result.stderr
    assert KnowledgeGraph.open(settings.store_path).triple_count() == before
    assert (settings.build_dir / "build.json").read_text() == stamp
    assert temporaries(settings) == []
