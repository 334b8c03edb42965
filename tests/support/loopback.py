"""Small loopback HTTP servers that misbehave on purpose, or guard a real one, for the tests
of remote HTTP (``tests/test_http.py``).

- :func:`huge_answer`: answers every request 200 with a chunked body of ``size`` bytes,
  generated on the fly (never stored);
- :func:`trickle`: sends its whole answer, status line included, one byte every ``every``
  seconds;
- :class:`AuthProxy`: demands HTTP Basic or Digest (RFC 7616, MD5, ``qop=auth``) and passes
  authenticated requests to a real server (Oxigraph); optionally answers one Graph Store
  GET with a huge body instead.

Every server binds 127.0.0.1 on a free port, serves from daemon threads and stops at the end
of its ``with`` block.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.client
import http.server
import secrets
import threading
import urllib.parse
from collections.abc import Callable, Iterator

__all__ = ["AuthProxy", "huge_answer", "send_chunked", "serve", "trickle", "GIB"]

GIB = 1024**3
_BLOCK = 1024**2


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextlib.contextmanager
def serve(handle: Callable[[http.server.BaseHTTPRequestHandler], None]) -> Iterator[str]:
    """Serve every request with ``handle(request_handler)``; yields the base URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            handle(self)

        do_POST = do_PUT = do_DELETE = do_GET

        def log_message(self, *args: object) -> None:  # quiet
            pass

    server = _Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, name="loopback-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def _read_request_body(handler: http.server.BaseHTTPRequestHandler) -> bytes:
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""


def send_chunked(handler: http.server.BaseHTTPRequestHandler, content_type: str, head: bytes, block: bytes,
                 size: int) -> None:
    """A 200 answer of ``size`` bytes: ``head``, then ``block`` again and again, chunked."""
    handler.close_connection = True
    handler.send_response(200)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Transfer-Encoding", "chunked")
    handler.send_header("Connection", "close")
    handler.end_headers()
    framed = b"%x\r\n%s\r\n" % (len(block), block)
    sent = 0
    with contextlib.suppress(OSError):  # the client hangs up once it has had enough
        if head:  # an empty chunk would end the body
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(head), head))
            sent += len(head)
        while sent + len(block) <= size:
            handler.wfile.write(framed)
            sent += len(block)
        handler.wfile.write(b"0\r\n\r\n")


def _json_rows_block() -> bytes:
    row = b'{"f":{"type":"literal","value":"' + b"x" * 60 + b'"}},'
    return row * (_BLOCK // len(row))


@contextlib.contextmanager
def huge_answer(size: int = 2 * GIB) -> Iterator[str]:
    """A "SPARQL endpoint" answering every request with SPARQL JSON results of ``size`` bytes
    (valid rows, never ending before ``size``); yields its base URL."""
    head = b'{"head":{"vars":["f"]},"results":{"bindings":['
    block = _json_rows_block()

    def handle(handler: http.server.BaseHTTPRequestHandler) -> None:
        _read_request_body(handler)
        send_chunked(handler, "application/sparql-results+json", head, block, size)

    with serve(handle) as url:
        yield url


@contextlib.contextmanager
def trickle(body: bytes, *, every: float = 2.0) -> Iterator[str]:
    """Answers every request with ``body`` (a whole HTTP response, status line first), one
    byte every ``every`` seconds; yields the base URL."""
    stop = threading.Event()

    def handle(handler: http.server.BaseHTTPRequestHandler) -> None:
        _read_request_body(handler)
        handler.close_connection = True
        with contextlib.suppress(OSError):
            for byte in body:
                if stop.wait(every):
                    return
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()

    with serve(handle) as url:
        try:
            yield url
        finally:
            stop.set()


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


class AuthProxy:
    """A proxy in front of a real server that lets only authenticated requests through.

    Args:
        upstream: The real server's base URL (``http://127.0.0.1:PORT``).
        scheme: ``"basic"`` or ``"digest"``.
        user, password: The one account it knows.
        realm: The realm it names in its challenges.
        huge_graph: A graph IRI whose Graph Store GET is answered with ``huge_size`` bytes of
            N-Triples (generated, chunked) instead of going upstream.

    Attributes:
        url: Its base URL, once entered.
        authenticated: Requests that passed, by scheme used.
        refused: Requests answered 401.
    """

    def __init__(self, upstream: str, *, scheme: str, user: str, password: str, realm: str = "dlkg test",
                 huge_graph: str | None = None, huge_size: int = 2 * GIB) -> None:
        self.upstream = urllib.parse.urlsplit(upstream)
        self.scheme, self.user, self.password, self.realm = scheme, user, password, realm
        self.huge_graph, self.huge_size = huge_graph, huge_size
        self.authenticated: list[str] = []
        self.refused = 0
        self.url = ""
        self._nonce = secrets.token_hex(16)
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> AuthProxy:
        self.url = self._stack.enter_context(serve(self._handle))
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def _allowed(self, method: str, header: str) -> bool:
        kind, _, rest = header.partition(" ")
        if self.scheme == "basic" and kind.lower() == "basic":
            return base64.b64decode(rest.strip()).decode("utf-8") == f"{self.user}:{self.password}"
        if self.scheme == "digest" and kind.lower() == "digest":
            fields = {}
            for part in _split_fields(rest):
                key, _, value = part.partition("=")
                fields[key.strip().lower()] = value.strip().strip('"')
            if fields.get("username") != self.user or fields.get("nonce") != self._nonce:
                return False
            ha1 = _md5(f"{self.user}:{self.realm}:{self.password}")
            ha2 = _md5(f"{method}:{fields.get('uri', '')}")
            expected = _md5(f"{ha1}:{self._nonce}:{fields.get('nc', '')}:{fields.get('cnonce', '')}:auth:{ha2}")
            return fields.get("qop") == "auth" and secrets.compare_digest(expected, fields.get("response", ""))
        return False

    def _challenge(self) -> str:
        if self.scheme == "basic":
            return f'Basic realm="{self.realm}"'
        return f'Digest realm="{self.realm}", nonce="{self._nonce}", qop="auth", algorithm=MD5'

    def _handle(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        body = _read_request_body(handler)
        if not self._allowed(handler.command, handler.headers.get("Authorization", "")):
            self.refused += 1
            handler.send_response(401)
            handler.send_header("WWW-Authenticate", self._challenge())
            handler.send_header("Content-Type", "text/plain")
            handler.send_header("Content-Length", "12")
            handler.end_headers()
            handler.wfile.write(b"unauthorized")
            return
        self.authenticated.append(self.scheme)
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(handler.path).query)
        if handler.command == "GET" and self.huge_graph and query.get("graph") == [self.huge_graph]:
            line = b"<http://e/s> <http://e/p> \"" + b"y" * 90 + b"\" .\n"
            send_chunked(handler, "application/n-triples", b"", line * (_BLOCK // len(line)), self.huge_size)
            return
        connection = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=120)
        try:
            headers = {k: v for k, v in handler.headers.items() if k.lower() not in ("authorization", "host",
                                                                                    "connection", "transfer-encoding")}
            headers["Content-Length"] = str(len(body))
            connection.request(handler.command, handler.path, body=body, headers=headers)
            answer = connection.getresponse()
            data = answer.read()
            handler.send_response(answer.status)
            for key, value in answer.getheaders():
                if key.lower() not in ("content-length", "transfer-encoding", "connection"):
                    handler.send_header(key, value)
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        finally:
            connection.close()


def _split_fields(text: str) -> list[str]:
    """Split a Digest header's fields at commas outside quotes."""
    parts, current, quoted = [], [], False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part for part in parts if part.strip()]

