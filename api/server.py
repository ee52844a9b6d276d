"""HTTP/1.1 limits the ASGI app never sees, enforced in uvicorn's protocol: a request head must arrive
within a time limit (slow clients cannot hold connections), and must fit a size limit (431 for headers,
414 for a request line). Refusals are answered, then the connection is drained and closed rather than
reset. `saltkg serve` runs uvicorn with the httptools protocol so limited (C parser), or with the h11
one where httptools cannot be imported.
"""

from __future__ import annotations

import asyncio
import copy
import http
import logging
import socket

import h11
from uvicorn.config import LOGGING_CONFIG
from uvicorn.logging import AccessFormatter
from uvicorn.protocols.http.h11_impl import H11Protocol

from .settings import ServerSettings

DRAIN_SECONDS = 2.0  # how long a refused client may go on sending before the connection is closed
REASONS = {408: "Request Timeout", 414: "URI Too Long", 431: "Request Header Fields Too Large"}


def no_delay(transport) -> None:
    """Send small writes at once (TCP_NODELAY). asyncio sets it itself only on connections accepted by a
    socket it created; on the supervisor's socket (api/supervisor.py) a response's head and body would
    otherwise wait for the client's delayed acknowledgement (tens of milliseconds a request)."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass


class HeadLimits:
    """The head deadline and size limit, mixed in before a uvicorn protocol class that says when it is
    reading a request head (`reading_head`) and calls `head_done()` once a head is parsed."""

    settings = ServerSettings()
    header_timeout: float = settings.header_timeout
    max_head_bytes: int = settings.max_header_bytes

    def connection_made(self, transport) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        no_delay(transport)
        self.arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self.disarm_head_timer()
        super().connection_lost(exc)  # type: ignore[misc]

    def eof_received(self) -> bool | None:
        if self.refused:
            self.transport.close()
        return super().eof_received()  # type: ignore[misc]

    def init_limits(self) -> None:
        self.head = bytearray()
        self.head_timer: asyncio.TimerHandle | None = None
        self.refused = False

    def reading_head(self) -> bool:
        raise NotImplementedError

    def responding(self) -> bool:
        """Whether an answer to an earlier request is still being produced on this connection."""
        raise NotImplementedError

    def check_head(self, data: bytes) -> bool:
        """Before data is parsed: refuse a head grown past the limit (False: do not parse), else start
        the head's deadline."""
        if self.reading_head():
            status = self.head_refusal(data)
            if status is not None:
                self.refuse(status)
                return False
            self.arm_head_timer()
        return True

    def head_done(self) -> None:
        self.head.clear()
        self.disarm_head_timer()

    def head_refusal(self, data: bytes) -> int | None:
        """414 or 431 when the request head grows past the limit, else None."""
        start = max(0, len(self.head) - 3)
        self.head += data[: self.max_head_bytes + 4 - len(self.head)]
        end = self.head.find(b"\r\n\r\n", start)
        size = end if end >= 0 else len(self.head)
        if size <= self.max_head_bytes:
            return None
        line_end = self.head.find(b"\r\n")
        return 414 if line_end < 0 else 431

    def arm_head_timer(self) -> None:
        if self.head_timer is None and self.header_timeout > 0:
            self.head_timer = self.loop.call_later(self.header_timeout, self.head_timed_out)

    def disarm_head_timer(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def head_timed_out(self) -> None:
        """Close a connection whose request head did not arrive in time (408 if it had begun); a
        pipelined head waits while the answer before it is still being produced."""
        self.head_timer = None
        if self.transport.is_closing() or not self.reading_head():
            return
        if self.responding():
            self.arm_head_timer()
            return
        if self.head or self.unparsed_head():
            self.refuse(408)
        else:
            self.transport.close()

    def unparsed_head(self) -> bool:
        """Whether bytes of a head are held by the parser (beyond those counted here)."""
        return False

    def refuse(self, status: int) -> None:
        """Answer with `status`, stop reading the request, and close once the client is done sending."""
        limits = {408: f"the request head did not arrive within {self.header_timeout:g} s",
                  414: f"the request line exceeds {self.max_head_bytes:,} bytes",
                  431: f"the request headers exceed {self.max_head_bytes:,} bytes"}
        body = limits[status].encode()
        head = (f"HTTP/1.1 {status} {REASONS[status]}\r\ncontent-type: text/plain; charset=utf-8\r\n"
                f"content-length: {len(body)}\r\nconnection: close\r\n\r\n").encode()
        self.refused = True
        self.disarm_head_timer()
        self.head.clear()
        self.transport.write(head + body)
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(DRAIN_SECONDS, self.transport.close)


class LimitedH11Protocol(HeadLimits, H11Protocol):
    """uvicorn's h11 protocol with a request-head deadline and a request-head size limit."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.init_limits()

    def reading_head(self) -> bool:
        return self.conn.their_state is h11.IDLE

    def responding(self) -> bool:
        return False  # h11 reads the next head only once the answer before it is complete

    def unparsed_head(self) -> bool:
        return bool(self.conn.trailing_data[0])

    def data_received(self, data: bytes) -> None:
        if self.refused or not self.check_head(data):
            return  # refused: the answer is sent, the rest of the request is not read
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self.head_done()


try:  # httptools (a C parser) is a dependency; the h11 protocol serves where it cannot be imported
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # pragma: no cover
    HttpToolsProtocol = None

if HttpToolsProtocol is not None:
    class LimitedHttpToolsProtocol(HeadLimits, HttpToolsProtocol):
        """uvicorn's httptools protocol with a request-head deadline and a request-head size limit."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.init_limits()
            self.in_head = True

        def reading_head(self) -> bool:
            return self.in_head

        def responding(self) -> bool:
            return self.cycle is not None and not self.cycle.response_complete

        def data_received(self, data: bytes) -> None:
            if self.refused or not self.check_head(data):
                return
            super().data_received(data)

        def on_headers_complete(self) -> None:
            self.in_head = False
            self.head_done()
            super().on_headers_complete()

        def on_message_complete(self) -> None:
            self.in_head = True  # what comes next on this connection is another request's head
            super().on_message_complete()
else:  # pragma: no cover
    LimitedHttpToolsProtocol = None


def limited_protocol(parser: str = "httptools") -> type:
    """The protocol `saltkg serve` runs (SALTKG_HTTP_PARSER): httptools' when installed and asked for,
    else h11's; both limited."""
    if parser not in ("httptools", "h11"):
        raise ValueError(f"SALTKG_HTTP_PARSER must be httptools or h11, not {parser!r}")
    return (LimitedHttpToolsProtocol if parser == "httptools" else None) or LimitedH11Protocol


PHRASES = {status.value: status.phrase for status in http.HTTPStatus}


class PlainAccessFormatter(AccessFormatter):
    """uvicorn's access-log lines, word for word, written without its two copies of every record when
    there are no colours to add (output not a terminal): a tenth of a cheap request's time."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        if self.use_colors or self._fmt != LOGGING_CONFIG["formatters"]["access"]["fmt"]:
            return super().formatMessage(record)
        client_addr, method, full_path, http_version, status_code = record.args  # type: ignore[misc]
        code = int(status_code)
        return (f"{record.levelname}:{' ' * (8 - len(record.levelname))} {client_addr} - "
                f'"{method} {full_path} HTTP/{http_version}" {code} {PHRASES.get(code, "")}')


def log_config() -> dict:
    """uvicorn's logging configuration with the plain access formatter."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["access"]["()"] = f"{__name__}.PlainAccessFormatter"
    return config
