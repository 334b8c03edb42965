"""The HTTP connection layer of ``dlkg serve``: uvicorn's configuration, in one place, and a
read deadline uvicorn lacks.

uvicorn (0.30 to 0.55 at least) starts its keep-alive timer only after a response: a client
that connects and sends nothing, or sends half a request line and stops, holds its
connection for ever, and each such connection counts against ``limit_concurrency``. So a
handful of idle sockets used to deny service (issue 13, item 6). :class:`GuardedProtocol`
gives every request a deadline to arrive in full (request line, headers and body), counted
from the connection's start or from the end of the previous response; past it the
connection is closed (with ``408 Request Timeout`` if part of a request had arrived). It
also caps the request line and headers at :data:`MAX_HEAD` bytes (431 beyond): uvicorn's
``h11_max_incomplete_event_size`` does not apply to the httptools parser, which took 200 KB.

>>> config = uvicorn_config(lambda scope, receive, send: None, read_timeout=3.0)
>>> config.http.read_timeout, config.limit_concurrency, config.timeout_keep_alive
(3.0, 1000, 5)
>>> len(_response(431, "too large")) > 0
True
"""

from __future__ import annotations

import asyncio

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["GuardedProtocol", "uvicorn_config", "DEFAULT_READ_TIMEOUT", "KEEP_ALIVE", "MAX_CONNECTIONS"]

#: Seconds a client has to send a whole request (line, headers, body).
DEFAULT_READ_TIMEOUT = 10.0
#: Seconds an idle keep-alive connection stays open after a response.
KEEP_ALIVE = 5
#: Connections (and requests in progress) beyond which uvicorn answers 503. Idle and slow
#: clients are closed by the read deadline, so this only bounds file descriptors.
MAX_CONNECTIONS = 1000
#: Bytes of request line and headers accepted.
MAX_HEAD = 64 * 1024

_REASONS = {408: "Request Timeout", 431: "Request Header Fields Too Large"}


def _response(status: int, message: str) -> bytes:
    body = (message + "\n").encode()
    return (f"HTTP/1.1 {status} {_REASONS[status]}\r\ncontent-type: text/plain; charset=utf-8\r\n"
            f"x-content-type-options: nosniff\r\nx-frame-options: DENY\r\nreferrer-policy: same-origin\r\n"
            f"connection: close\r\ncontent-length: {len(body)}\r\n\r\n").encode() + body


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline for each request to arrive in full."""

    #: Seconds; :func:`uvicorn_config` makes a subclass with the configured value.
    read_timeout: float = DEFAULT_READ_TIMEOUT

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._partial = False  # some bytes of the awaited request have arrived
        self._head = 0  # bytes of the request line and headers so far

    def _arm(self) -> None:
        self._disarm()
        self._partial = False
        self._deadline = self.loop.call_later(self.read_timeout, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        # A response already under way (a request whose body is still coming) is left to finish.
        if self.cycle is not None and not self.cycle.response_complete and self.cycle.response_started:
            return
        if self._partial:
            self.transport.write(_response(408, "the request did not arrive within the time limit"))
        self.transport.close()

    def _count(self, size: int) -> None:
        self._head += size
        if self._head > MAX_HEAD and not self.transport.is_closing():
            self.transport.write(_response(431, f"request line and headers over {MAX_HEAD:,} bytes"))
            self.transport.close()

    def on_message_begin(self) -> None:
        self._head = 0
        super().on_message_begin()

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)
        super().on_header(name, value)

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if data and self._deadline is not None:
            self._partial = True
        super().data_received(data)

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        waiting = not self.pipeline  # a pipelined request has already arrived
        super().on_response_complete()
        if waiting and not self.transport.is_closing():
            self._arm()


def _log_config() -> dict:
    """uvicorn's logging, with a plain time-stamped access line: its own access formatter
    copies every record to colour it, a third of the server's time per small query."""
    from uvicorn.config import LOGGING_CONFIG

    formatters = {**LOGGING_CONFIG["formatters"],
                  "access": {"()": "logging.Formatter", "fmt": "%(asctime)s %(message)s"}}
    return {**LOGGING_CONFIG, "formatters": formatters}


def uvicorn_config(app, *, read_timeout: float = DEFAULT_READ_TIMEOUT, log_level: str = "info",
                   lifespan: str = "auto") -> uvicorn.Config:
    """The uvicorn configuration ``dlkg serve`` runs with (the tests use the same).

    Args:
        app: The ASGI application.
        read_timeout: Seconds a client has to send a whole request; the connection is closed
            after that.
        log_level: uvicorn's log level.
        lifespan: uvicorn's lifespan mode.
    """
    protocol = type("GuardedProtocol", (GuardedProtocol,), {"read_timeout": read_timeout})
    return uvicorn.Config(app, http=protocol, log_level=log_level, log_config=_log_config(), lifespan=lifespan,
                          proxy_headers=False,
                          server_header=False, timeout_keep_alive=KEEP_ALIVE, limit_concurrency=MAX_CONNECTIONS,
                          h11_max_incomplete_event_size=64 * 1024)
