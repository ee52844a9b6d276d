"""Debian packages the tests need (Chromium, Virtuoso), installed with apt-get when running as root.

`make test` runs test files in several worker processes at once (pytest-xdist), so two of them may
want apt-get at the same moment: installs here take a lock of their own and wait for dpkg's."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

LOCK = Path(tempfile.gettempdir()) / "saltkg-tests-apt.lock"
WAIT_FOR_DPKG = ["-o", "DPkg::Lock::Timeout=600"]


def can_install() -> bool:
    """True when apt-get exists and this process is root."""
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get") is not None


def apt_install(packages: Sequence[str], options: Sequence[str] = ()) -> subprocess.CompletedProcess:
    """`apt-get install -y` of `packages`, after `apt-get update` when the first try fails (a fresh
    machine's lists may be empty or stale); one install at a time across the test workers."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", *WAIT_FOR_DPKG, "install", "-y", "-q", *options, *packages]
    with open(LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            subprocess.run(["apt-get", *WAIT_FOR_DPKG, "update", "-q"], env=env, capture_output=True, timeout=900)
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    return done
