"""The build folder as builds share it: one build at a time (a lock), and the temporary stores a build
writes into before its result is swapped in (left-overs of killed builds are removed)."""

from __future__ import annotations

import os
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

try:
    import fcntl
except ImportError:  # not on Windows: builds there are not locked against each other
    fcntl = None

import pyoxigraph as ox

from graph.config import Settings

if TYPE_CHECKING:
    from graph.model.build import BuildReport
    from graph.model.validate import ValidationReport


class BuildFailed(Exception):
    """The build did not produce a graph worth keeping; the previous one is untouched."""

    def __init__(self, message: str, report: "BuildReport | None" = None,
                 validation: "ValidationReport | None" = None):
        super().__init__(message)
        self.report = report
        self.validation = validation


LOCK_NAME = "build.lock"
TEMPORARY_PREFIX = "store.tmp-"


@contextmanager
def build_lock(settings: Settings) -> Iterator[None]:
    """Hold the build folder's lock (one build or removal at a time), first clearing the temporary
    stores that builds killed mid-way left behind. A second build meanwhile is refused clearly."""
    settings.build_dir.mkdir(parents=True, exist_ok=True)
    path = settings.build_dir / LOCK_NAME
    with open(path, "a+", encoding="utf-8") as handle:
        if fcntl is not None:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                raise BuildFailed(f"another build is running in {settings.build_dir} (pid {holder}); "
                                  "wait for it to finish") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            remove_stale_temporaries(settings.build_dir)
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)


def remove_stale_temporaries(build_dir: Path) -> list[Path]:
    """Delete temporary stores (and staged search indexes) whose building process is gone."""
    removed = []
    for path in build_dir.glob(TEMPORARY_PREFIX + "*"):
        owner = path.name[len(TEMPORARY_PREFIX):].split("-", 1)[0]
        if owner.isdigit() and int(owner) != os.getpid() and process_alive(int(owner)):
            continue  # a live process not taking the lock (an older saltkg) still builds there
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def temporary_store_path(settings: Settings) -> Path:
    """A fresh, unused path beside the store for building into."""
    settings.build_dir.mkdir(parents=True, exist_ok=True)
    return settings.build_dir / f"store.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def open_working_store(settings: Settings, temporary: Path, update: bool) -> ox.Store:
    """A fresh store, or for updates a copy of the current one, at the temporary path."""
    if update:
        if not settings.store_path.exists():
            raise BuildFailed(f"{settings.store_path}: no graph to update; run `saltkg build` first")
        ox.Store.read_only(str(settings.store_path)).backup(str(temporary))
    return ox.Store(str(temporary))
