"""The server's guards, as small ASGI middlewares: Host names, cross-origin reads, body size,
per-client rate limit, and security headers on every response.

- :class:`HostCheck`: only the configured host names (loopback by default) are answered, so
  a DNS-rebinding page cannot talk to a server on the user's machine (400 otherwise).
- :class:`Cors`: the read-only documents and the query endpoint may be read (and queried by
  POST) from any origin.
- :class:`BodyLimit`: request bodies over the cap get 413, whether announced by
  ``Content-Length`` or streamed.
- :class:`RateLimit`: a token bucket per client address; an empty bucket gets 429 with
  ``Retry-After``. Static assets are not counted. ``dlkg serve`` uses it only off loopback
  by default (:func:`dlkg.serve.default_rate_limit`).
- :class:`SecurityHeaders`: ``nosniff``, no framing, a same-origin referrer policy.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterable

__all__ = ["HostCheck", "Cors", "BodyLimit", "RateLimit", "SecurityHeaders", "LOOPBACK_HOSTS",
           "host_name"]

#: Host names accepted when none are configured.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


async def _plain(send, status: int, message: str, headers: Iterable[tuple[str, str]] = ()) -> None:
    body = (message.rstrip("\n") + "\n").encode("utf-8")
    raw = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
           (b"x-content-type-options", b"nosniff")]
    raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def host_name(host_header: str | None) -> str:
    """The host name of a Host header, without the port (IPv6 brackets removed), lower-cased.

    >>> host_name("[::1]:8000"), host_name("LocalHost:80"), host_name("127.0.0.1")
    ('::1', 'localhost', '127.0.0.1')
    """
    value = (host_header or "").strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else ""
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class HostCheck:
    """Answer only requests whose Host header names an allowed host (``*.example.org`` allowed)."""

    def __init__(self, app, allowed_hosts: Iterable[str]) -> None:
        self.app = app
        self.allowed = tuple(h.lower().strip("[]") for h in allowed_hosts)

    def allows(self, host: str) -> bool:
        for pattern in self.allowed:
            if pattern == "*" or host == pattern or (pattern.startswith("*.") and host.endswith(pattern[1:])):
                return True
        return False

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and not self.allows(host_name(_header(scope, b"host"))):
            await _plain(send, 400, "host name not served here (the server accepts only its configured host names)")
            return
        await self.app(scope, receive, send)


class Cors:
    """Cross-origin reads for browser tools (YASGUI, Comunica in a page): every response under
    ``paths`` carries ``Access-Control-Allow-Origin: *``, and a preflight there is answered.

    Everything under these paths is read-only (a SPARQL query is a read; updates are refused
    with 403), and ``*`` never lets a browser send credentials, so any site may read and may
    POST a query: SPARQL clients POST long queries.
    """

    HEADERS = ((b"access-control-allow-origin", b"*"),
               (b"access-control-expose-headers", b"Content-Type, Content-Location, ETag, Link, Retry-After"))

    def __init__(self, app, paths: tuple[str, ...], post_paths: tuple[str, ...] = ()) -> None:
        self.app = app
        self.paths = paths
        self.post_paths = post_paths

    def covers(self, path: str) -> bool:
        """Whether ``path`` is one of the paths (or under one ending in ``/``).

        >>> Cors(None, ("/sparql", "/data/")).covers("/data/Caffe"), Cors(None, ("/sparql",)).covers("/sparqlx")
        (True, False)
        """
        return any(path == p or (p.endswith("/") and path.startswith(p)) or path.startswith(p + ".")
                   or path.startswith(p + "/") for p in self.paths)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or not self.covers(scope["path"]):
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            methods = "GET, HEAD, POST, OPTIONS" if scope["path"] in self.post_paths else "GET, HEAD, OPTIONS"
            headers = [(k.decode(), v.decode()) for k, v in self.HEADERS]
            headers += [("Allow", methods), ("Access-Control-Allow-Methods", methods),
                        ("Access-Control-Allow-Headers", "Accept, Content-Type"), ("Access-Control-Max-Age", "600")]
            await send({"type": "http.response.start", "status": 204,
                        "headers": [(k.lower().encode(), v.encode()) for k, v in headers]})
            await send({"type": "http.response.body", "body": b""})
            return

        async def with_cors(event):
            if event["type"] == "http.response.start":
                event = {**event, "headers": _merged(event.get("headers", []), self.HEADERS)}
            await send(event)

        await self.app(scope, receive, with_cors)


def _merged(headers, extra) -> list:
    present = {k.lower() for k, _ in headers}
    return list(headers) + [(k, v) for k, v in extra if k not in present]


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Refuse request bodies larger than ``max_body`` bytes with 413."""

    def __init__(self, app, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = f"request body too large (the limit is {self.max_body:,} bytes)"
        length = _header(scope, b"content-length")
        if length is not None:
            try:
                announced = int(length)
            except ValueError:
                await _plain(send, 400, "malformed Content-Length")
                return
            if announced > self.max_body:
                await _plain(send, 413, message, [("Connection", "close")])
                return
        received = 0
        started = False

        async def limited_receive():
            nonlocal received
            event = await receive()
            if event["type"] == "http.request":
                received += len(event.get("body", b""))
                if received > self.max_body:
                    raise _TooLarge
            return event

        async def tracking_send(event):
            nonlocal started
            if event["type"] == "http.response.start":
                started = True
            await send(event)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _plain(send, 413, message, [("Connection", "close")])


class RateLimit:
    """A token bucket per client address: ``requests`` per ``period`` seconds, bursts up to
    ``requests``. Paths under ``exempt`` (static assets) are free."""

    def __init__(self, app, requests: int, period: float, exempt: tuple[str, ...] = ("/static/",),
                 max_clients: int = 10_000) -> None:
        self.app = app
        self.capacity = float(requests)
        self.rate = requests / period
        self.exempt = exempt
        self.max_clients = max_clients
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, client: str, now: float | None = None) -> float:
        """Take one token for ``client``; 0 if granted, else the seconds until one is free."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, stamp = self._buckets.get(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - stamp) * self.rate)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._buckets[client] = (tokens, now)
                wait = (1.0 - tokens) / self.rate
            if len(self._buckets) > self.max_clients:  # forget the fullest (idlest) buckets
                full = [k for k, (t, s) in self._buckets.items()
                        if min(self.capacity, t + (now - s) * self.rate) >= self.capacity]
                for key in full[: len(full) // 2 + 1]:
                    self._buckets.pop(key, None)
        return wait

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(self.exempt):
            client = (scope.get("client") or ("unknown", 0))[0]
            wait = self.take(client)
            if wait > 0:
                seconds = max(1, math.ceil(wait))
                await _plain(send, 429, f"too many requests from {client}; retry after {seconds} s",
                             [("Retry-After", str(seconds))])
                return
        await self.app(scope, receive, send)


class SecurityHeaders:
    """Headers every response carries, errors included (pages add their own
    Content-Security-Policy); the application puts it outside Starlette's own error handler,
    so a 500 carries them too."""

    HEADERS = ((b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
               (b"referrer-policy", b"same-origin"))

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(event):
            if event["type"] == "http.response.start":
                event = {**event, "headers": _merged(event.get("headers", []), self.HEADERS)}
            await send(event)

        await self.app(scope, receive, with_headers)
