"""HTTP/1.1 limits the ASGI app never sees, enforced in uvicorn's h11 protocol: a request head must
arrive within a time limit (slow clients cannot hold connections), and must fit a size limit (431 for
headers, 414 for a request line). Refusals are answered, then the connection is drained and closed
rather than reset. `saltkg serve` runs uvicorn with this protocol.
"""

from __future__ import annotations

import asyncio
import socket

import h11
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


class LimitedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a request-head deadline and a request-head size limit."""

    settings = ServerSettings()
    header_timeout: float = settings.header_timeout
    max_head_bytes: int = settings.max_header_bytes

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.head = bytearray()
        self.head_timer: asyncio.TimerHandle | None = None
        self.refused = False

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        no_delay(transport)
        self.arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self.disarm_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.refused:
            return  # drained: the answer is sent, the rest of the request is not read
        reading_head = self.conn.their_state is h11.IDLE
        if reading_head:
            status = self.head_refusal(data)
            if status is not None:
                self.refuse(status)
                return
            self.arm_head_timer()
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self.head.clear()
            self.disarm_head_timer()

    def eof_received(self) -> bool | None:
        if self.refused:
            self.transport.close()
        return super().eof_received()

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
        """Close a connection whose request head did not arrive in time (408 if it had begun)."""
        self.head_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        if self.head or self.conn.trailing_data[0]:
            self.refuse(408)
        else:
            self.transport.close()

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
