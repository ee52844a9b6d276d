"""The graph's version: an id written next to the store, new on every build, update and removal.

HTTP caches key their answers on it (ETags, the server's result cache), so whatever changes the
store must call `bump_version` after the change is in place. The file is replaced atomically
(a new inode each time), so a reader notices a change from `os.stat` alone.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path


def version_path(store_path: Path) -> Path:
    """Where the version id of the store at `store_path` lives (beside it, not inside it)."""
    store_path = Path(store_path)
    return store_path.with_name(store_path.name + ".version")


def bump_version(store_path: Path) -> str:
    """Write a fresh version id for the store (atomically) and return it."""
    version = f"{time.time_ns():x}-{uuid.uuid4().hex[:12]}"
    target = version_path(store_path)
    staged = target.with_name(f"{target.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:6]}")
    staged.write_text(version + "\n", encoding="ascii")
    os.replace(staged, target)
    return version


def read_version(store_path: Path) -> str:
    """The store's version id; for a store built before versions were written, one derived from the
    store folder's identity (inode and change time), which a rebuild's swap also changes."""
    try:
        return version_path(store_path).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        try:
            info = os.stat(store_path)
        except FileNotFoundError:
            return "missing"
        return f"unversioned-{info.st_ino:x}-{info.st_ctime_ns:x}"


class VersionWatch:
    """Reads the version file again only when its stat changes (a few microseconds a call)."""

    def __init__(self, store_path: Path):
        self.store_path = Path(store_path)
        self.file = version_path(self.store_path)
        self.stamp: tuple | None = None
        self.version = read_version(self.store_path)
        self.stamp = self.stat()

    def stat(self) -> tuple:
        try:
            info = os.stat(self.file)
            return (info.st_ino, info.st_mtime_ns, info.st_size)
        except FileNotFoundError:
            try:
                info = os.stat(self.store_path)
                return ("store", info.st_ino, info.st_ctime_ns)
            except FileNotFoundError:
                return ("missing",)

    def current(self) -> str:
        """The version now on disk."""
        stamp = self.stat()
        if stamp != self.stamp:
            self.stamp = stamp
            self.version = read_version(self.store_path)
        return self.version
