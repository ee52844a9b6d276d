"""The served HTTP/1.1 layer (issue 11, item 9): slow clients are cut off after the head deadline, an
oversized header is refused with 431 and an oversized request line with 414 (answered, not reset),
and ordinary requests on the same server are unaffected."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from graph.config import PROJECT_ROOT

from .conftest import free_port

HEADER_TIMEOUT = 1.5


@pytest.fixture(scope="module", params=["httptools", "h11"])
def server(built_seed, request):
    """`saltkg serve` with a short head deadline, on a free loopback port, with each HTTP parser."""
    port = free_port()
    env = {**os.environ, "SALTKG_BUILD": str(built_seed.build_dir), "SALTKG_DATA": str(built_seed.data_dir),
           "SALTKG_HEADER_TIMEOUT": str(HEADER_TIMEOUT), "SALTKG_QUERY_WORKERS": "1",
           "SALTKG_HTTP_PARSER": request.param}
    process = subprocess.Popen([sys.executable, "-m", "graph.cli", "serve", "--port", str(port)], env=env,
                               cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/favicon.ico", timeout=1).status_code == 204:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("server did not start")
    yield port
    process.terminate()
    process.wait(timeout=10)


def exchange(port: int, request: bytes, timeout: float = 10) -> bytes:
    """Send raw bytes and read the whole answer (until the server closes)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
        return received


def test_a_slow_client_is_cut_off_after_the_head_deadline(server):
    with socket.create_connection(("127.0.0.1", server), timeout=10) as connection:
        connection.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
        started = time.monotonic()
        answer = b""
        try:
            for _ in range(40):  # one header line every 0.25 s, never the blank line
                time.sleep(0.25)
                connection.sendall(b"X-Slow: 1\r\n")
        except OSError:
            pass
        connection.settimeout(10)
        try:
            while chunk := connection.recv(65536):
                answer += chunk
        except OSError:
            pass
        waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert waited < 40 * 0.25, "closed before the client finished trickling"


def test_a_silent_connection_is_closed(server):
    with socket.create_connection(("127.0.0.1", server), timeout=10) as connection:
        assert connection.recv(1024) == b""


def test_a_100_kb_header_is_refused_with_431(server):
    answer = exchange(server, b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 431"), answer[:200]


def test_a_200_kb_request_line_is_refused_with_414(server):
    answer = exchange(server, b"GET /sparql?query=" + b"a" * 200_000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 414"), answer[:200]


def test_ordinary_requests_and_large_posts_still_work(server):
    with httpx.Client(base_url=f"http://127.0.0.1:{server}", timeout=30) as client:
        assert client.get("/").status_code == 200
        query = "ASK { ?s ?p ?o }" + " " * 100_000  # a large body is not a large head
        answer = client.post("/sparql", content=query, headers={"Content-Type": "application/sparql-query",
                                                                "Accept": "application/sparql-results+json"})
        assert answer.status_code == 200 and answer.json()["boolean"] is True
        assert client.head("/sparql").status_code == 200


def test_keep_alive_and_pipelined_requests_are_answered_in_order(server):
    """Two requests sent in one write on one connection (pipelining), then a third on the same connection
    after a pause of half the head deadline: each answered in order, none cut off as a slow head."""
    ask = b"GET /sparql?query=ASK%7B%3Fs%3Fp%3Fo%7D HTTP/1.1\r\nHost: localhost\r\nAccept: application/sparql-results+json\r\n\r\n"
    missing = b"GET /no/such/page HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n\r\n"
    with socket.create_connection(("127.0.0.1", server), timeout=10) as connection:
        connection.sendall(ask + missing)
        received = read_answers(connection, 2)
        assert [line.split(b" ")[1] for line in received] == [b"200", b"404"], received
        time.sleep(HEADER_TIMEOUT / 2)
        connection.sendall(ask)
        assert read_answers(connection, 1)[0].startswith(b"HTTP/1.1 200")


def read_answers(connection: socket.socket, count: int) -> list[bytes]:
    """The status lines of `count` answers read from a kept-alive connection (bodies by content-length)."""
    buffer, lines = b"", []
    while len(lines) < count:
        while b"\r\n\r\n" not in buffer:
            chunk = connection.recv(65536)
            assert chunk, f"connection closed after {len(lines)} answers"
            buffer += chunk
        head, buffer = buffer.split(b"\r\n\r\n", 1)
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:"))
        while len(buffer) < length:
            buffer += connection.recv(65536)
        buffer = buffer[length:]
        lines.append(head.split(b"\r\n")[0])
    return lines


def test_an_unknown_http_parser_is_refused_clearly(built_seed):
    env = {**os.environ, "SALTKG_BUILD": str(built_seed.build_dir), "SALTKG_HTTP_PARSER": "fast"}
    done = subprocess.run([sys.executable, "-m", "graph.cli", "serve", "--port", str(free_port())], env=env,
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "SALTKG_HTTP_PARSER must be httptools or h11" in done.stderr


@pytest.mark.parametrize("status", [200, 304, 404, 503, 599])
def test_access_lines_are_uvicorns_word_for_word(status):
    """The access log is kept: the plain formatter writes exactly uvicorn's line (colours off)."""
    import logging
    import logging.config

    from uvicorn.logging import AccessFormatter

    from api.server import PlainAccessFormatter, log_config
    config = log_config()
    fmt = config["formatters"]["access"]["fmt"]
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", "/sparql?query=ASK%7B%7D", "1.1", status), None)
    plain = PlainAccessFormatter(fmt, use_colors=False).format(record)
    assert plain == AccessFormatter(fmt, use_colors=False).format(record)
    assert config["formatters"]["access"]["()"] == "api.server.PlainAccessFormatter"
