"""The server's guards, as one ASGI middleware: Host names, cross-origin reads, body size,
per-client rate limit, and security headers on every response.

One layer rather than one middleware per guard: each layer's call and ``send`` wrapper cost
a request about as much as the query engine takes for a small answer (issue 12), so
:class:`Guard` checks everything a request needs before the application sees it and adds
every header in a single ``send`` wrapper.

- Host names: only the configured host names (loopback by default) are answered, so a
  DNS-rebinding page cannot talk to a server on the user's machine (400 otherwise).
- Cross-origin reads: the read-only documents and the query endpoint may be read (and
  queried by POST) from any origin.
- Body size: request bodies over the cap get 413, whether announced by ``Content-Length``
  or streamed.
- Rate limit (:class:`RateLimit`): a token bucket per client address; an empty bucket gets
  429 with ``Retry-After``. Static assets are not counted. ``dlkg serve`` uses it only off
  loopback by default (:func:`dlkg.serve.default_rate_limit`).
- Security headers: ``nosniff``, no framing, a same-origin referrer policy, on every
  response, errors included (pages add their own Content-Security-Policy).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterable

__all__ = ["Guard", "RateLimit", "LOOPBACK_HOSTS", "host_name"]

#: Host names accepted when none are configured.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


async def _plain(send, status: int, message: str, headers: Iterable[tuple[str, str]] = ()) -> None:
    body = (message.rstrip("\n") + "\n").encode("utf-8")
    raw = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
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


class _TooLarge(BaseException):
    """A body past the cap, raised from ``receive`` through the application to :class:`Guard`.

    Not an ``Exception``: the application's error handler inside the guard would answer it
    with a 500 first."""


class RateLimit:
    """A token bucket per client address: ``requests`` per ``period`` seconds, bursts up to
    ``requests``. Paths under ``exempt`` (static assets) are free."""

    def __init__(self, requests: int, period: float, *, exempt: tuple[str, ...] = ("/static/",),
                 max_clients: int = 10_000) -> None:
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




def _merged(headers, extra) -> list:
    present = {k.lower() for k, _ in headers}
    return list(headers) + [(k, v) for k, v in extra if k not in present]


class Guard:
    """Every guard of :mod:`dlkg.serve.security` as one ASGI middleware, placed outside the
    application's own error handler so that a 500 carries the headers too.

    Args:
        app: The ASGI application guarded.
        allowed_hosts: Host names answered (``*.example.org`` patterns, ``*`` for any).
        cors_paths: Read-only paths any origin may read (a path ending in ``/`` covers those
            under it); a preflight there is answered.
        cors_post_paths: Those of them any origin may also POST to (SPARQL clients POST long
            queries; a query is a read, updates are refused).
        max_body: Largest request body, in bytes.
        rate_limit: The per-client token buckets, or ``None``.
    """

    SECURITY_HEADERS = ((b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
                        (b"referrer-policy", b"same-origin"))
    CORS_HEADERS = ((b"access-control-allow-origin", b"*"),
                    (b"access-control-expose-headers", b"Content-Type, Content-Location, ETag, Link, Retry-After"))

    def __init__(self, app, *, allowed_hosts: Iterable[str], cors_paths: tuple[str, ...] = (),
                 cors_post_paths: tuple[str, ...] = (), max_body: int, rate_limit: RateLimit | None = None) -> None:
        self.app = app
        self.allowed = tuple(h.lower().strip("[]") for h in allowed_hosts)
        self.cors_paths = cors_paths
        self.cors_post_paths = cors_post_paths
        self.max_body = max_body
        self.rate_limit = rate_limit

    def allows(self, host: str) -> bool:
        """Whether ``host`` (a bare host name) is served.

        >>> guard = Guard(None, allowed_hosts=["localhost", "*.example.org"], max_body=0)
        >>> guard.allows("localhost"), guard.allows("a.example.org"), guard.allows("evil.test")
        (True, True, False)
        """
        for pattern in self.allowed:
            if pattern == "*" or host == pattern or (pattern.startswith("*.") and host.endswith(pattern[1:])):
                return True
        return False

    def covers(self, path: str) -> bool:
        """Whether ``path`` is open to other origins: one of the paths, or under one.

        >>> guard = Guard(None, allowed_hosts=[], cors_paths=("/sparql", "/data/"), max_body=0)
        >>> guard.covers("/data/Caffe"), guard.covers("/sparql.json"), guard.covers("/sparqlx")
        (True, True, False)
        """
        return any(path == p or (p.endswith("/") and path.startswith(p)) or path.startswith(p + ".")
                   or path.startswith(p + "/") for p in self.cors_paths)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        extra = self.SECURITY_HEADERS + self.CORS_HEADERS if self.covers(path) else self.SECURITY_HEADERS
        started = False

        async def guarded_send(event) -> None:
            nonlocal started
            if event["type"] == "http.response.start":
                started = True
                event = {**event, "headers": _merged(event.get("headers", []), extra)}
            await send(event)

        host = length = None
        for key, value in scope["headers"]:
            if key == b"host":
                host = value.decode("latin-1")
            elif key == b"content-length":
                length = value.decode("latin-1")
        if not self.allows(host_name(host)):
            await _plain(guarded_send, 400, "host name not served here (the server accepts only its configured host names)")
            return
        if scope["method"] == "OPTIONS" and extra is not self.SECURITY_HEADERS:
            await self._preflight(path, guarded_send)
            return
        if self.rate_limit is not None and not path.startswith(self.rate_limit.exempt):
            client = (scope.get("client") or ("unknown", 0))[0]
            wait = self.rate_limit.take(client)
            if wait > 0:
                seconds = max(1, math.ceil(wait))
                await _plain(guarded_send, 429, f"too many requests from {client}; retry after {seconds} s",
                             [("Retry-After", str(seconds))])
                return
        too_large = f"request body too large (the limit is {self.max_body:,} bytes)"
        if length is not None:
            try:
                announced = int(length)
            except ValueError:
                await _plain(guarded_send, 400, "malformed Content-Length")
                return
            if announced > self.max_body:
                await _plain(guarded_send, 413, too_large, [("Connection", "close")])
                return
        received = 0

        async def limited_receive():
            nonlocal received
            event = await receive()
            if event["type"] == "http.request":
                received += len(event.get("body", b""))
                if received > self.max_body:
                    raise _TooLarge
            return event

        try:
            await self.app(scope, limited_receive, guarded_send)
        except _TooLarge:
            if not started:
                await _plain(guarded_send, 413, too_large, [("Connection", "close")])

    async def _preflight(self, path: str, send) -> None:
        methods = "GET, HEAD, POST, OPTIONS" if path in self.cors_post_paths else "GET, HEAD, OPTIONS"
        headers = [("Allow", methods), ("Access-Control-Allow-Methods", methods),
                   ("Access-Control-Allow-Headers", "Accept, Content-Type"), ("Access-Control-Max-Age", "600")]
        await send({"type": "http.response.start", "status": 204,
                    "headers": [(k.lower().encode(), v.encode()) for k, v in headers]})
        await send({"type": "http.response.body", "body": b""})
