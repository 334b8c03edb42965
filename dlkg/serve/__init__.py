"""``dlkg serve``: the graph on the web, on Starlette and uvicorn.

A SPARQL 1.1 Protocol endpoint (read-only, time-limited, row-capped, CORS), linked data for
every ``https://w3id.org/dlkg/`` IRI with content negotiation, and server-rendered pages: Table
14.1 with facet filters and a zh/en switch, a page per framework, a SPARQL editor with the
canned queries, and the picture of the graph. Every asset ships with the package.

>>> from dlkg.serve import create_app
>>> app = create_app()
>>> sorted(r.path for r in app.routes if r.path.startswith("/s"))
['/sparql', '/static']
"""

from __future__ import annotations

import ipaddress
import socket
import sys
from collections.abc import Sequence
from typing import Literal

from dlkg.errors import DlkgError, UsageError
from dlkg.serve.app import DEFAULT_MAX_BODY, DEFAULT_QUERY_TIMEOUT, DEFAULT_RATE_LIMIT, DEFAULT_ROW_LIMIT, create_app
from dlkg.serve.security import LOOPBACK_HOSTS
from dlkg.serve.transport import uvicorn_config

__all__ = ["create_app", "serve", "default_hosts", "default_rate_limit"]

_WILDCARDS = ("0.0.0.0", "::", "")


def default_hosts(host: str) -> tuple[str, ...]:
    """Host names answered when none are configured: loopback names, plus ``host`` itself
    when it is a specific address or name.

    >>> default_hosts("127.0.0.1")
    ('127.0.0.1', 'localhost', '::1')
    >>> default_hosts("kg.example.org")
    ('127.0.0.1', 'localhost', '::1', 'kg.example.org')
    """
    hosts = list(LOOPBACK_HOSTS)
    if host not in _WILDCARDS and host.lower() not in hosts:
        hosts.append(host.lower())
    return tuple(hosts)


def default_rate_limit(host: str) -> tuple[int, float] | None:
    """The rate limit when none is given: none on loopback (local batch work is the owner's
    own), :data:`~dlkg.serve.app.DEFAULT_RATE_LIMIT` when listening on other interfaces.

    >>> default_rate_limit("127.0.0.1"), default_rate_limit("::1"), default_rate_limit("localhost")
    (None, None, None)
    >>> default_rate_limit("0.0.0.0")
    (120, 60.0)
    """
    name = host.lower().strip("[]")
    try:
        loopback = ipaddress.ip_address(name).is_loopback
    except ValueError:
        loopback = name == "localhost"
    return None if loopback else DEFAULT_RATE_LIMIT


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit it: asyncio sets it only on sockets it opened itself,
        # and without it each small answer waits ~40 ms for the client's delayed ACK (Nagle).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
    except (socket.gaierror, UnicodeError) as err:  # before OSError: gaierror is one
        sock.close()
        raise UsageError(f"not a host name or address: {host!r} ({err})", param="host") from None
    except OSError as err:
        sock.close()
        raise DlkgError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
    return sock


def serve(store_location: str | None = None, host: str = "127.0.0.1", port: int = 8000, *,
          allowed_hosts: Sequence[str] | None = None,
          query_timeout: float = DEFAULT_QUERY_TIMEOUT, row_limit: int | None = DEFAULT_ROW_LIMIT,
          rate_limit: tuple[int, float] | None | Literal["auto"] = "auto", max_body: int = DEFAULT_MAX_BODY,
          workers: int | None = None, log_level: str = "info") -> None:
    """Serve the graph over HTTP until interrupted (Ctrl-C stops it cleanly).

    Args:
        store_location: The store to serve, as ``--store`` names it (``None``: the packaged
            graph in memory).
        host: Address to listen on; loopback by default. Listening on all interfaces
            (``0.0.0.0``) still answers only ``allowed_hosts``.
        port: TCP port.
        allowed_hosts: Host names to answer (default: loopback names and ``host``).
        query_timeout: Seconds a query may run (503 after).
        row_limit: Most rows a result may have (500 beyond, never a cut result).
        rate_limit: ``(requests, seconds)`` per client, ``None`` for none, or ``"auto"``:
            :func:`default_rate_limit` of ``host`` (none on loopback).
        max_body: Largest request body in bytes (413 beyond).
        workers: Query worker processes for a local store (default: the number of CPUs).
        log_level: uvicorn's log level.

    Raises:
        UsageError: a bad host name or store location.
        DlkgError: the address is in use or cannot be bound; the store cannot be opened.
    """
    import uvicorn

    from dlkg.stores import open_store

    store = open_store(store_location)
    sock = _listen(host, port)
    if rate_limit == "auto":
        rate_limit = default_rate_limit(host)
    app = create_app(store, allowed_hosts=allowed_hosts or default_hosts(host),
                     query_timeout=query_timeout, row_limit=row_limit, rate_limit=rate_limit, max_body=max_body,
                     workers=workers, draw_at_start=True)
    shown = f"[{host}]" if ":" in host else host
    print(f"dlkg serve: http://{shown}:{sock.getsockname()[1]}/ (SPARQL endpoint /sparql); Ctrl-C stops",
          file=sys.stderr, flush=True)
    config = uvicorn_config(app, log_level=log_level)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn shuts down gracefully, then re-raises Ctrl-C: a normal stop
        pass
    finally:
        sock.close()
        store.close()
    print("dlkg serve: stopped", file=sys.stderr, flush=True)
