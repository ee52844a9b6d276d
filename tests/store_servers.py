"""Real store servers for the tests: Oxigraph server (PyPI `oxigraph`) and OpenLink Virtuoso (Debian's
`virtuoso-opensource`), each on a free loopback port in a temporary folder."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port
from tests.system_packages import apt_install, can_install


def wait_until(check, seconds: float, what: str, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with status {process.returncode}")
        try:
            if check():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not come up within {seconds:g} s")


def oxigraph_binary() -> str:
    """The `oxigraph` command of the dev extra (beside this Python), or skip saying how to get it."""
    found = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if not found:
        pytest.skip("the Oxigraph server is not installed: pip install oxigraph (in the dev extra)")
    return found


class ServerProcess:
    """A store server run as a child process: killed outright, or stopped (and killed if it lingers).
    Killed, Oxigraph loses nothing committed; Virtuoso rolls its transaction log forward on restart."""

    process: subprocess.Popen | None = None
    stop_seconds = 10.0

    def kill(self) -> None:
        """SIGKILL: no chance to finish what it was doing."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=self.stop_seconds)
            except subprocess.TimeoutExpired:
                self.kill()


class OxigraphServer(ServerProcess):
    """`oxigraph serve` over a folder; can be killed and restarted on the same data and port."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.url = f"oxigraph+http://127.0.0.1:{self.port}"
        self.http = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> "OxigraphServer":
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(self.folder / "data"),
                                         "--bind", f"127.0.0.1:{self.port}", "--union-default-graph"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: httpx.get(self.http + "/query", params={"query": "ASK {}"}, timeout=1).status_code
                   == 200, 30, "oxigraph serve", self.process)
        return self



VIRTUOSO_INI = """[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = {sql_port}
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., {folder}
ThreadCleanupInterval = 0
ResourcesCleanupInterval = 0
MaxQueryMem = 200M

[HTTPServer]
ServerPort = {http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 8
ServerThreads = 8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 60
DefaultQuery = select distinct ?Concept where {{[] a ?Concept}} LIMIT 100
DeferInferenceRulesInit = 0
"""


def virtuoso_binary() -> str:
    """`virtuoso-t`, installed with apt-get when running as root; otherwise skip saying why."""
    found = shutil.which("virtuoso-t")
    if found:
        return found
    if not can_install():
        pytest.skip("OpenLink Virtuoso is not installed and this is not root: apt-get install virtuoso-opensource")
    install = apt_install(["virtuoso-opensource"])
    found = shutil.which("virtuoso-t")
    if not found:
        pytest.skip(f"OpenLink Virtuoso could not be installed: {install.stderr[-500:]}")
    return found


class VirtuosoServer(ServerProcess):
    """A private Virtuoso instance (own virtuoso.ini, database and ports) in a temporary folder."""

    password = "dba"
    stop_seconds = 30.0

    def __init__(self, folder: Path):
        self.folder = folder
        self.sql_port, self.http_port = free_port(), free_port()
        self.url = f"virtuoso+http://127.0.0.1:{self.http_port}"
        self.http = f"http://127.0.0.1:{self.http_port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> "VirtuosoServer":
        binary = virtuoso_binary()
        self.folder.mkdir(parents=True, exist_ok=True)
        ini = self.folder / "virtuoso.ini"
        ini.write_text(VIRTUOSO_INI.format(folder=self.folder, sql_port=self.sql_port, http_port=self.http_port))
        self.process = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=self.folder,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: httpx.get(self.http + "/sparql", params={"query": "ASK {}"}, timeout=2).status_code
                   == 200, 120, "virtuoso-t", self.process)
        return self

