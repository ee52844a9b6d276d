"""`saltkg serve`: a supervisor that keeps a server process answering on a socket the supervisor holds.

The supervisor binds the listening socket and runs the server (uvicorn and the app) in a child process
on it. Queries run on threads of that child (api/inline.py), and a query past the time limit cannot be
stopped there, so the child asks for a successor: the supervisor starts one, and once it is ready tells
the old child to stop (uvicorn's graceful shutdown: no new connections, the requests it holds are
finished), killing it after a grace period. A child that dies is replaced; starts are at least
REPLACE_EVERY seconds apart and back off after failed ones. Connections made meanwhile wait in the
socket's backlog: none is refused. A child whose supervisor is gone stops.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from multiprocessing.connection import Connection, wait
from socket import socket

import uvicorn

logger = logging.getLogger("uvicorn.error")
STARTUP_FAILURE = 3  # uvicorn's exit code when the app could not start
STARTUP_SECONDS = 120.0  # a child not ready by then is killed (and counts as a failed start)
REPLACE_EVERY = 5.0  # at most one start per this many seconds: a client cannot make the server restart faster

CHANNEL: Connection | None = None  # in a supervised child: its end of the pipe to the supervisor
_asked = threading.Event()


def supervised() -> bool:
    """Whether this process is a server child with a supervisor that can replace it."""
    return CHANNEL is not None


def request_replacement(reason: str) -> None:
    """Ask the supervisor (once) to start a successor and then stop this process."""
    if CHANNEL is None or _asked.is_set():
        return
    _asked.set()
    logger.warning("asking for a fresh server process: %s", reason)
    try:
        CHANNEL.send(("retire", reason))
    except OSError:
        pass


class ReadyServer(uvicorn.Server):
    """uvicorn's server that tells the supervisor when it accepts connections."""

    async def startup(self, sockets: list[socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if CHANNEL is not None and not self.should_exit:
            CHANNEL.send(("ready", os.getpid()))


def child_main(config: uvicorn.Config, sockets: list[socket], channel: Connection) -> None:
    """A server child: run uvicorn on the supervisor's socket; exit hard at the end, which also ends
    any query thread still running."""
    global CHANNEL
    CHANNEL = channel
    os.environ.setdefault("SALTKG_QUERY_ISOLATION", "inline")
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the supervisor, which stops the children
    config.configure_logging()
    server = ReadyServer(config)
    threading.Thread(target=watch_supervisor, args=(channel, server), daemon=True).start()
    code = 0
    try:
        server.run(sockets=sockets)
        code = 0 if server.started else STARTUP_FAILURE
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:
        logger.exception("the server process failed")
        code = 1
    finally:
        logging.shutdown()
        os._exit(code)


def watch_supervisor(channel: Connection, server: uvicorn.Server) -> None:
    """Stop gracefully when the supervisor's end of the pipe closes (the supervisor is gone)."""
    try:
        while True:
            channel.recv()
    except (EOFError, OSError):
        server.should_exit = True


class Child:
    """One server process and the supervisor's end of its pipe."""

    def __init__(self, context, config: uvicorn.Config, sock: socket):
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=child_main, args=(config, [sock], theirs), name="saltkg-server")
        self.process.start()
        theirs.close()
        self.ready = False
        self.retiring = False
        self.started = time.monotonic()
        self.stop_deadline: float | None = None

    def stop(self, grace: float) -> None:
        """Graceful stop now; killed if still running after `grace` seconds."""
        if self.stop_deadline is None and self.process.is_alive():
            os.kill(self.process.pid, signal.SIGTERM)
            self.stop_deadline = time.monotonic() + grace


class Supervisor:
    """Keeps one ready server child; replaces a child that retires or dies, with a pause between starts
    (REPLACE_EVERY) and a growing one after failed starts; gives up when the first child cannot start."""

    def __init__(self, config: uvicorn.Config, grace: float):
        self.config = config
        self.grace = grace
        self.context = multiprocessing.get_context("spawn")
        self.children: list[Child] = []
        self.should_exit = threading.Event()
        self.exit_code = 0
        self.replacements = 0
        self.failures = 0  # children in a row that ended before they were ready
        self.ever_ready = False
        self.next_start = 0.0

    def run(self) -> int:
        sock = self.config.bind_socket()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: self.should_exit.set())
        logger.info("supervisor [%d] serving on %s:%d", os.getpid(), self.config.host, self.config.port)
        try:
            while not self.should_exit.is_set():
                self.keep_one_serving(sock)
                self.tick()
        finally:
            self.stop_all()
            sock.close()
        return self.exit_code

    def tick(self) -> None:
        """Wait for a message or a child's end (at most half a second), then act on it."""
        waitables = [c.connection for c in self.children] + [c.process.sentinel for c in self.children]
        wait(waitables, timeout=0.5)
        for child in list(self.children):
            self.read_messages(child)
        now = time.monotonic()
        for child in list(self.children):
            if not child.process.is_alive():
                self.reap(child)
            elif child.stop_deadline is not None and now > child.stop_deadline:
                logger.warning("server process [%d] did not stop within %g s; killed", child.process.pid, self.grace)
                child.process.kill()
            elif not child.ready and now > child.started + STARTUP_SECONDS:
                logger.error("server process [%d] was not ready within %g s; killed", child.process.pid, STARTUP_SECONDS)
                child.process.kill()

    def keep_one_serving(self, sock: socket) -> None:
        """Start a child when none is serving (or starting) that is not retiring, once the pause is over."""
        if self.should_exit.is_set() or any(c.process.is_alive() and not c.retiring for c in self.children):
            return
        now = time.monotonic()
        if now < self.next_start:
            return
        if self.children:
            self.replacements += 1
        self.children.append(Child(self.context, self.config, sock))
        self.next_start = now + REPLACE_EVERY

    def read_messages(self, child: Child) -> None:
        try:
            while child.connection.poll():
                kind, value = child.connection.recv()
                if kind == "ready":
                    child.ready, self.ever_ready, self.failures = True, True, 0
                    for old in self.children:
                        if old is not child and old.retiring:
                            old.stop(self.grace)
                elif kind == "retire" and not child.retiring:
                    child.retiring = True
                    logger.warning("server process [%d] asked to be replaced: %s", child.process.pid, value)
        except (EOFError, OSError):
            pass

    def reap(self, child: Child) -> None:
        """A child ended: forget it; a child that ended before it was ready makes the next start wait
        longer, and ends the supervisor when no child has ever been ready (the app cannot start)."""
        child.process.join()
        self.children.remove(child)
        child.connection.close()
        code = child.process.exitcode
        if self.should_exit.is_set():
            return
        if not child.ready:
            self.failures += 1
            logger.error("a server process could not start (exit code %s)", code)
            if not self.ever_ready:
                self.exit_code = STARTUP_FAILURE
                self.should_exit.set()
            self.next_start = time.monotonic() + min(60.0, 2.0 ** self.failures)
        elif child.stop_deadline is None and not child.retiring:
            logger.error("server process [%d] died (exit code %s); starting another", child.process.pid, code)

    def stop_all(self) -> None:
        for child in self.children:
            child.stop(self.grace)
        deadline = time.monotonic() + self.grace
        for child in self.children:
            child.process.join(timeout=max(0.1, deadline - time.monotonic()))
            if child.process.is_alive():
                child.process.kill()
                child.process.join()


def serve(config: uvicorn.Config, grace: float) -> int:
    """Run the supervisor until SIGINT or SIGTERM; the exit code (3 when no server could start)."""
    return Supervisor(config, grace).run()
