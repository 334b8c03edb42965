"""Shared pieces of the fault tests: large generated RDF files, the three store kinds, and tiny
fake HTTP servers that misbehave on purpose (drop connections, hang, answer 503, HTML or 404).

Everything binds 127.0.0.1 on free ports; every fake server serves a bounded number of
connections for a bounded time and is stopped when its ``with`` block ends.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import re
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import httpx
import pyoxigraph as ox
import pytest

from dlkg.canon import graph_digest
from dlkg.resources import DATA_GRAPH, ONTOLOGY_GRAPH
from dlkg.stores import OxigraphStore, Store
from dlkg.stores.remote import RemoteStore
from tests.support.servers import oxigraph_server, require_server, virtuoso_server

STAGING_PREFIX = "urn:dlkg:staging:"
VIRTUOSO_ENV = {"DLKG_STORE_USER": "dba", "DLKG_STORE_PASSWORD": "dba"}
#: Store kinds every applicable test runs on.
KINDS = ("embedded", "oxigraph", "virtuoso")
#: Triples in the generated large files.
N_BIG = 200_000
def _packaged_counts() -> dict[str, int]:
    # Counted by rdflib's parser, independently of the Oxigraph code under test.
    import rdflib

    from dlkg.resources import CURRENT_FILE, CURRENT_GRAPH, DATA_FILE, ONTOLOGY_FILE

    return {ONTOLOGY_GRAPH: len(rdflib.Graph().parse(ONTOLOGY_FILE)), DATA_GRAPH: len(rdflib.Graph().parse(DATA_FILE)),
            CURRENT_GRAPH: len(rdflib.Graph().parse(CURRENT_FILE))}


#: Triples the packaged graph puts into its named graphs (the ontology and the two views).
PACKAGED_COUNTS = _packaged_counts()

#: Subjects of the generated large files start with this.
BULK = "https://w3id.org/dlkg/resource/bulk/"
_BULK = BULK
_BULK_P = "https://w3id.org/dlkg/ontology#bulk"
_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


# --------------------------------------------------------------------------- environment

_LEAKY_ENV = ("DLKG_STORE_USER", "DLKG_STORE_PASSWORD", "http_proxy", "HTTP_PROXY", "https_proxy",
              "HTTPS_PROXY", "all_proxy", "ALL_PROXY")


@pytest.fixture(scope="module", autouse=True)
def _hermetic_environment() -> Iterator[None]:
    """No credentials or proxies from the developer's environment: tests that need
    credentials pass them explicitly (the ``dlkg`` processes inherit ``os.environ``)."""
    with pytest.MonkeyPatch.context() as patch:
        for name in _LEAKY_ENV:
            patch.delenv(name, raising=False)
        yield


# --------------------------------------------------------------------------- large files


def _nt_line(i: int) -> str:
    """One N-Triples line, deterministic in ``i``; IRIs, plain, language and typed literals."""
    subject = f"<{_BULK}s{i}>"
    match i % 4:
        case 0:
            return f'{subject} <{_BULK_P}Label> "bulk item {i}" .\n'
        case 1:
            return f'{subject} <{_BULK_P}Label> "条目 {i}"@zh .\n'
        case 2:
            return f'{subject} <{_BULK_P}Rank> "{i}"^^<{_XSD_INTEGER}> .\n'
        case _:
            return f"{subject} <{_BULK_P}Next> <{_BULK}s{i + 1}> .\n"


def _broken_nt_line(i: int) -> str:
    """A line that does not parse: an IRI with a space in it."""
    return f"<{_BULK}s{i}> <{_BULK_P}Next> <{_BULK}broken iri {i}> .\n"


@dataclass(frozen=True)
class BigFile:
    """A generated RDF file.

    Attributes:
        path: Where it is.
        triples: Triples it holds (counting the broken line, if any, as one).
        broken_line: 1-based number of the line that does not parse, or None.
    """

    path: Path
    triples: int
    broken_line: int | None = None


def write_ntriples(path: Path, n: int = N_BIG, *, broken_at: int | None = None) -> BigFile:
    """Write ``n`` triples as N-Triples, one per line; triple ``broken_at`` (0-based) broken."""
    with open(path, "w", encoding="utf-8") as out:
        out.writelines(_broken_nt_line(i) if i == broken_at else _nt_line(i) for i in range(n))
    return BigFile(path, n, None if broken_at is None else broken_at + 1)


def write_turtle(path: Path, n: int = N_BIG, *, broken_at: int | None = None) -> BigFile:
    """Write ``n`` triples as Turtle with prefixes, one per line after a 3-line header."""
    header = f"@prefix b: <{_BULK}> .\n@prefix bp: <{_BULK_P}> .\n\n"
    with open(path, "w", encoding="utf-8") as out:
        out.write(header)
        for i in range(n):
            if i == broken_at:
                out.write(f"b:s{i} bp:Next <{_BULK}broken iri {i}> .\n")
            elif i % 2:
                out.write(f'b:s{i} bp:Label "条目 {i}"@zh .\n')
            else:
                out.write(f"b:s{i} bp:Next b:s{i + 1} .\n")
    return BigFile(path, n, None if broken_at is None else broken_at + 1 + header.count("\n"))


@pytest.fixture(scope="session")
def big_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BigFile]:
    """Generated files: valid N-Triples (200,000 and 50,000 triples), and 200,000-triple
    N-Triples and Turtle files whose line 199,99x is broken (near the end, so nearly all of
    the file parses first)."""
    folder = tmp_path_factory.mktemp("big")
    return {
        "valid-nt": write_ntriples(folder / "valid.nt"),
        "valid-nt-50k": write_ntriples(folder / "valid-50k.nt", 50_000),
        "broken-nt": write_ntriples(folder / "broken.nt", broken_at=N_BIG - 7),
        "broken-ttl": write_turtle(folder / "broken.ttl", broken_at=N_BIG - 5),
    }


# --------------------------------------------------------------------------- store kinds


@dataclass
class StoreTarget:
    """One store of one kind, as the CLI names it (``location``) and as the library opens it.

    Attributes:
        kind: "embedded" (a folder), "oxigraph" (server) or "virtuoso" (server).
        location: The folder, or the SPARQL query URL.
        env: Extra environment for the CLI and for opening the store (credentials).
    """

    kind: str
    location: str
    env: dict[str, str] = field(default_factory=dict)

    @contextlib.contextmanager
    def opened(self) -> Iterator[Store]:
        """Open the store; on exit close it and (embedded) release the folder's lock, so the
        CLI can open it next."""
        with mock.patch.dict(os.environ, self.env):  # RemoteStore reads credentials in __init__
            store = OxigraphStore(self.location) if self.kind == "embedded" else RemoteStore(self.location)
        try:
            yield store
        finally:
            store.close()
            if isinstance(store, OxigraphStore):
                # pyoxigraph frees (and unlocks) the folder only when its Store object goes;
                # the caller's ``as`` name still holds the wrapper, so drop the Store from it.
                store._store = None  # type: ignore[assignment]
            del store
            gc.collect()

    def digest(self, graph: str) -> str:
        """Canonical SHA-256 of one named graph."""
        with self.opened() as store:
            return graph_digest(store.graph_triples(graph))

    def count(self, graph: str) -> int:
        with self.opened() as store:
            return store.count(graph)

    def staging_graphs(self) -> list[str]:
        """Graphs named ``urn:dlkg:staging:...`` that hold triples (or, embedded, that exist)."""
        query = ("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                 f'FILTER(STRSTARTS(STR(?g), "{STAGING_PREFIX}")) }}')
        if self.kind == "embedded":
            with self.opened() as store:
                native = store.native  # type: ignore[attr-defined]
                found = {g.value for g in native.named_graphs() if g.value.startswith(STAGING_PREFIX)}
                found |= {row[0].value for row in native.query(query)}
                return sorted(found)
        with httpx.Client(trust_env=False, timeout=60.0) as client:
            answer = client.get(self.location, params={"query": query},
                                headers={"Accept": "application/sparql-results+json"})
        answer.raise_for_status()
        return sorted(b["g"]["value"] for b in answer.json()["results"]["bindings"])


@pytest.fixture(scope="module")
def shared_oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StoreTarget]:
    """An in-memory Oxigraph server shared by the module's tests that never kill it."""
    require_server("oxigraph")
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph"), in_memory=True) as srv:
        yield StoreTarget("oxigraph", srv.query_url)


@pytest.fixture(scope="module")
def shared_virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StoreTarget]:
    """A Virtuoso server shared by the module's tests that never kill it."""
    require_server("virtuoso")
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as srv:
        yield StoreTarget("virtuoso", srv.query_url, dict(VIRTUOSO_ENV))


@pytest.fixture(params=[pytest.param("embedded"),
                        pytest.param("oxigraph", marks=pytest.mark.servers),
                        pytest.param("virtuoso", marks=pytest.mark.servers)])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> StoreTarget:
    """Each store kind in turn: a fresh embedded folder, or a shared server."""
    if request.param == "embedded":
        return StoreTarget("embedded", str(tmp_path / "store"))
    require_server(request.param)
    return request.getfixturevalue(f"shared_{request.param}")


# --------------------------------------------------------------------------- CLI output


def one_error_line(stderr: str) -> str:
    """The single ``dlkg: error: ...`` line of a failed command (fails on anything else,
    such as a traceback or several lines)."""
    lines = stderr.splitlines()
    assert len(lines) == 1, f"expected one error line, got {len(lines)}:\n{stderr}"
    assert lines[0].startswith("dlkg: error: "), stderr
    return lines[0]


# --------------------------------------------------------------------------- fake HTTP servers


@dataclass
class Request:
    """One request a fake server read."""

    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() when it had been read

    def form(self) -> dict[str, str]:
        """The body as an url-encoded form."""
        return {k: v[0] for k, v in urllib.parse.parse_qs(self.body.decode("utf-8")).items()}


@dataclass
class Reply:
    """What a fake server answers; ``action`` other than "answer" misbehaves instead.

    Actions: "answer" (a whole response), "drop" (close without a word), "half" (the status
    line, headers and only part of the announced body, then close), "hang" (keep the
    connection open and never answer).
    """

    status: int = 200
    body: bytes | str = b""
    content_type: str = "text/plain"
    headers: dict[str, str] = field(default_factory=dict)
    action: str = "answer"

    def to_bytes(self) -> bytes:
        body = self.body.encode("utf-8") if isinstance(self.body, str) else self.body
        length = len(body) * 4 + 100 if self.action == "half" else len(body)
        reason = {200: "OK", 201: "Created", 204: "No Content", 404: "Not Found", 429: "Too Many Requests",
                  503: "Service Unavailable"}.get(self.status, "Status")
        head = [f"HTTP/1.1 {self.status} {reason}", f"Content-Type: {self.content_type}",
                f"Content-Length: {length}", "Connection: close"]
        head += [f"{k}: {v}" for k, v in self.headers.items()]
        return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + body


Handler = Callable[[Request], Reply]


class FakeServer:
    """A tiny HTTP/1.1 server on 127.0.0.1 that answers what ``handler`` says.

    One request per connection (``Connection: close``), served one at a time. It stops by
    itself after ``max_connections`` connections or ``lifetime`` seconds, and always at the
    end of its ``with`` block; hung connections are closed then.

    Args:
        handler: Decides the reply to each request. None: close every connection right after
            reading the request line (recorded with method and path only), leaving the rest
            of the request unread.
        max_connections: Connections served before it stops listening.
        lifetime: Seconds before it stops listening.
    """

    def __init__(self, handler: Handler | None, *, max_connections: int = 40, lifetime: float = 60.0) -> None:
        self.handler = handler
        self.max_connections = max_connections
        self.lifetime = lifetime
        self.connections = 0
        self.connected_at: list[float] = []
        self.requests: list[Request] = []
        self._hung: list[socket.socket] = []
        self._stop = threading.Event()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, name=f"fake-http-{self.port}", daemon=True)

    def url(self, path: str = "/query") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def methods(self, method: str, path: str | None = None) -> list[Request]:
        """The requests read with this method (and path)."""
        return [r for r in self.requests if r.method == method and (path is None or r.path == path)]

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)
        assert not self._thread.is_alive(), "fake server thread did not stop"

    def _serve(self) -> None:
        deadline = time.monotonic() + self.lifetime
        try:
            while not self._stop.is_set() and time.monotonic() < deadline and self.connections < self.max_connections:
                try:
                    conn, _ = self._listener.accept()
                except TimeoutError:
                    continue
                self.connections += 1
                self.connected_at.append(time.monotonic())
                with contextlib.suppress(OSError):
                    self._handle(conn)
        finally:
            self._listener.close()
            # A stopped server refuses new connections at once; hung ones last until the end.
            self._stop.wait(max(0.0, deadline - time.monotonic()))
            for conn in self._hung:
                with contextlib.suppress(OSError):
                    conn.close()

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        keep = False
        try:
            if self.handler is None:
                first = self._read_until(conn, b"\r\n").split(b"\r\n", 1)[0].decode("latin-1")
                method, _, rest = first.partition(" ")
                path = urllib.parse.urlsplit(rest.split(" ", 1)[0]).path
                self.requests.append(Request(method, path, {}, {}, b"", time.monotonic()))
                return
            request = self._read_request(conn)
            self.requests.append(request)
            reply = self.handler(request)
            if reply.action == "hang":
                keep = True
                self._hung.append(conn)
            elif reply.action == "drop":
                return
            else:
                conn.sendall(reply.to_bytes())
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_WR)
        finally:
            if not keep:
                conn.close()

    @staticmethod
    def _read_until(conn: socket.socket, marker: bytes, data: bytes = b"") -> bytes:
        while marker not in data:
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
        return data

    def _read_request(self, conn: socket.socket) -> Request:
        data = self._read_until(conn, b"\r\n\r\n")
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _version = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(body) < length:
            chunk = conn.recv(min(1 << 20, length - len(body)))
            if not chunk:
                break
            body += chunk
        parts = urllib.parse.urlsplit(target)
        params = {k: v[0] for k, v in urllib.parse.parse_qs(parts.query).items()}
        return Request(method, parts.path, params, headers, body, time.monotonic())


def sparql_count_json(n: int) -> Reply:
    """A SPARQL JSON result with one binding ``?n``."""
    body = json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": [
        {"n": {"type": "literal", "datatype": _XSD_INTEGER, "value": str(n)}}]}})
    return Reply(200, body, "application/sparql-results+json")


class MiniGraphStore:
    """A handler that behaves like an Oxigraph server for dlkg's loads: ``/store`` PUT, POST
    and GET of N-Triples, ``/update`` MOVE/ADD/DROP, ``/query`` triple counts, ASKs and
    CONSTRUCTs of one graph. It answers the first ``fail_first`` PUTs with ``status`` (and
    ``Retry-After``), and every request with a ``Server`` header when ``server`` is given.

    ``post_faults`` says how the first POSTs to ``/store`` go wrong, one word each:
    "unapplied" (``status`` and ``Retry-After``, nothing stored), "applied-drop" (stored,
    then the connection closed without an answer, as when a server dies after committing).

    Attributes:
        graphs: Graph IRI -> its N-Triples lines (a POST adds lines, duplicates included).
        put_times: When each PUT arrived (monotonic seconds).
        post_times: When each POST to ``/store`` arrived.
    """

    def __init__(self, *, fail_first: int = 0, status: int = 503, retry_after: str | None = "1",
                 server: str | None = None, post_faults: tuple[str, ...] = ()) -> None:
        self.fail_first = fail_first
        self.status = status
        self.retry_after = retry_after
        self.server = server
        self.post_faults = post_faults
        self.graphs: dict[str, list[bytes]] = {}
        self.put_times: list[float] = []
        self.post_times: list[float] = []
        self.lock = threading.Lock()

    def counts(self) -> dict[str, int]:
        """Graph IRI -> number of triples."""
        return {graph: len(lines) for graph, lines in self.graphs.items()}

    def __call__(self, request: Request) -> Reply:
        with self.lock:
            reply = self._answer(request)
        if self.server is not None:
            reply.headers["Server"] = self.server
        return reply

    def _answer(self, request: Request) -> Reply:
        if request.method == "GET" and request.path == "/store":
            if request.params.get("graph") not in self.graphs:
                return Reply(404, "no such graph")
            lines = self.graphs[request.params["graph"]]
            return Reply(200, b"".join(line + b"\n" for line in lines), "application/n-triples")
        if request.method == "PUT" and request.path == "/store":
            self.put_times.append(request.at)
            if len(self.put_times) <= self.fail_first:
                headers = {"Retry-After": self.retry_after} if self.retry_after is not None else {}
                return Reply(self.status, "busy, come back later", headers=headers)
            self.graphs[request.params["graph"]] = [line for line in request.body.splitlines() if line.strip()]
            return Reply(201)
        if request.method == "POST" and request.path == "/store":
            self.post_times.append(request.at)
            fault = self.post_faults[len(self.post_times) - 1] if len(self.post_times) <= len(self.post_faults) else None
            if fault == "unapplied":
                headers = {"Retry-After": self.retry_after} if self.retry_after is not None else {}
                return Reply(self.status, "busy, come back later", headers=headers)
            graph = request.params["graph"]
            self.graphs[graph] = self.graphs.get(graph, []) + [line for line in request.body.splitlines() if line.strip()]
            return Reply(204, action="drop" if fault == "applied-drop" else "answer")
        if request.method == "POST" and request.path == "/update":
            update = " ".join(request.form().get("update", "").split())
            if match := re.fullmatch(r"MOVE <([^>]+)> TO <([^>]+)>", update):
                self.graphs[match[2]] = self.graphs.pop(match[1], [])
            elif match := re.fullmatch(r"ADD <([^>]+)> TO <([^>]+)> ; DROP (?:SILENT )?GRAPH <([^>]+)>", update):
                self.graphs[match[2]] = self.graphs.get(match[2], []) + self.graphs.pop(match[1], [])
            elif match := re.fullmatch(r"DROP SILENT GRAPH <([^>]+)>", update):
                self.graphs.pop(match[1], None)
            else:
                return Reply(400, f"unexpected update: {update}")
            return Reply(204)
        if request.path == "/query":
            query = request.params.get("query") or request.form().get("query", "")
            # The graph: named in a GRAPH pattern, or bound to ?_graph in a VALUES block; the
            # form: the first word after comments and the PREFIX lines.
            match = re.search(r"GRAPH <([^>]+)>|VALUES \(\?_graph\) \{ \(<([^>]+)>\)", query)
            lines = self.graphs.get(match[1] or match[2], []) if match else []
            form = " ".join(line for line in query.splitlines()
                            if not line.lstrip().startswith(("#", "PREFIX", "prefix"))).lstrip().upper()
            if form.startswith("CONSTRUCT"):
                return Reply(200, b"".join(line + b"\n" for line in lines), "application/n-triples")
            if form.startswith("ASK"):
                return Reply(200, json.dumps({"head": {}, "boolean": bool(lines)}), "application/sparql-results+json")
            return sparql_count_json(len(lines))
        return Reply(404, "no such page")


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def digest_of_file(path: Path) -> str:
    """Canonical digest of the triples of an RDF file."""
    fmt = ox.RdfFormat.TURTLE if path.suffix == ".ttl" else ox.RdfFormat.N_TRIPLES
    return graph_digest(ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=path, format=fmt))
