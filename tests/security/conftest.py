"""A local listener that records every connection: proof that nothing was fetched."""

from __future__ import annotations

import socket
import threading

import pytest


class Listener:
    """A TCP server on 127.0.0.1 that answers a tiny Turtle document to any HTTP request and
    counts connections; it stops with the test."""

    BODY = b"<http://example.org/fetched> <http://example.org/p> \"fetched\" .\n"

    def __init__(self) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.2)
        self.port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._socket.accept()
            except OSError:
                continue
            self.connections += 1
            with conn:
                conn.settimeout(1)
                try:
                    conn.recv(65536)
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/turtle\r\nContent-Length: "
                                 + str(len(self.BODY)).encode() + b"\r\nConnection: close\r\n\r\n" + self.BODY)
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._socket.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()
