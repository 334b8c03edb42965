"""Helpers for the server tests: real ``dlkg serve`` applications under uvicorn on 127.0.0.1.

Every server runs in a background thread on a free port and is stopped at the end; queries
run in real forked worker processes, exactly as under ``dlkg serve``.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from dlkg.serve import create_app

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
RES = "https://w3id.org/dlkg/resource/"
DLKG = "https://w3id.org/dlkg/ontology#"
#: What CI sets: a missing browser or W3C suite is a failure there, a skip elsewhere.


def packaged_triples() -> int:
    """Triples of the packaged graph a server answers by default, counted by rdflib from the
    files (the ontology and the data share no triple, so the union holds their sum)."""
    import rdflib

    from dlkg.resources import DATA_FILE, ONTOLOGY_FILE

    return len(rdflib.Graph().parse(ONTOLOGY_FILE)) + len(rdflib.Graph().parse(DATA_FILE))


REQUIRED = bool(os.environ.get("CI") or os.environ.get("DLKG_REQUIRE_SERVERS"))


def skip_or_fail(message: str) -> None:
    """Skip with one line, or fail when CI requires everything."""
    if REQUIRED:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


class LiveServer:
    """A uvicorn server for one ASGI app, in a thread, on a free loopback port."""

    def __init__(self, app, **config) -> None:
        import uvicorn

        from dlkg.serve.transport import uvicorn_config

        self.app = app
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as dlkg serve's own socket
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        # The configuration dlkg serve runs with.
        self.server = uvicorn.Server(uvicorn_config(app, log_level="warning", lifespan="on", **config))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]},
                                       name=f"uvicorn-{self.port}", daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(15)
        self.socket.close()


@contextmanager
def live_server(store=None, *, read_timeout: float | None = None, **options) -> Iterator[LiveServer]:
    """A running ``dlkg serve`` app (no rate limit unless given); ``read_timeout`` as
    :func:`dlkg.serve.transport.uvicorn_config`'s."""
    options.setdefault("rate_limit", None)
    config = {} if read_timeout is None else {"read_timeout": read_timeout}
    server = LiveServer(create_app(store, **options), **config).start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def dlkg_serve(*args: str) -> Iterator[str]:
    """A real ``dlkg serve`` process (the command line, uvicorn configured as shipped) on a
    free loopback port; yields its base URL and stops it with Ctrl-C at the end."""
    import signal
    import subprocess
    import sys

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "dlkg", "serve", "--port", str(port), *args], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=5)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"dlkg serve did not start: {process.stderr.read() if process.poll() else ''}")
                time.sleep(0.1)
        yield url
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
