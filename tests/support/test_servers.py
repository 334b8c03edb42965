"""Tests of the real triple-store server fixtures in ``tests/support/servers.py``.

Every test talks to a real server process (Oxigraph and Virtuoso); nothing is mocked
except, in ``test_require_server_*``, the lookup of the executables. A missing server
skips its tests with a one-line reason, or fails them when ``DLKG_REQUIRE_SERVERS=1``.
Tests that start servers carry the ``servers`` marker (``-m "not servers"`` leaves them out).

The ``test_quirk_*`` tests pin down server behaviour that client code must handle.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from SPARQLWrapper import DIGEST, JSON, POST, SPARQLWrapper

from . import servers as S
from .servers import (
    OXIGRAPH_SKIP_REASON,
    VIRTUOSO_SKIP_REASON,
    RunningServer,
    ServerKind,
    ServerStartError,
    is_port_free,
    kill_server,
    oxigraph_server,
    require_server,
    restart_server,
    start_server,
)

KINDS = ("oxigraph", "virtuoso")
EX = "http://example.org/dlkg/"

TURTLE_3 = b"""@prefix ex: <http://example.org/dlkg/> .
ex:alice ex:knows ex:bob ;
    ex:name "Alice"@en .
ex:bob ex:age 42 .
"""
TURTLE_2 = b"""@prefix ex: <http://example.org/dlkg/> .
ex:carol ex:knows ex:dave .
ex:dave ex:name "Dave" .
"""


def _graph() -> str:
    return f"{EX}graph/{uuid.uuid4().hex}"


def _http() -> httpx.Client:
    return httpx.Client(trust_env=False, timeout=30.0)


def _select(server: RunningServer, query: str) -> dict:
    sw = SPARQLWrapper(server.query_url)
    sw.setReturnFormat(JSON)
    sw.setQuery(query)
    result = sw.query()
    content_type = result.response.info()["Content-Type"]
    assert content_type.startswith("application/sparql-results+json"), content_type
    data = result.convert()
    assert isinstance(data, dict)
    return data


def _count(server: RunningServer, graph: str) -> int:
    data = _select(server, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(data["results"]["bindings"][0]["n"]["value"])


def _put(server: RunningServer, graph: str, body: bytes, content_type: str = "text/turtle"):
    with _http() as client:
        return client.put(
            server.graph_url(graph),
            content=body,
            headers={"Content-Type": content_type},
            auth=server.httpx_auth(),
        )


def _update(server: RunningServer, update: str, *, anonymous: bool = False) -> None:
    """Run SPARQL Update through SPARQLWrapper (Digest auth when the server needs it)."""
    if anonymous:
        assert server.anonymous_update_url is not None
        sw = SPARQLWrapper(server.query_url, updateEndpoint=server.anonymous_update_url)
    else:
        sw = SPARQLWrapper(server.query_url, updateEndpoint=server.update_url)
        if server.auth_scheme == "digest":
            sw.setHTTPAuth(DIGEST)
            sw.setCredentials(server.username, server.password)
    sw.setMethod(POST)
    sw.setQuery(update)
    response = sw.query().response
    assert response.status in (200, 204), response.status


def _pid_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _assert_stopped(server: RunningServer) -> None:
    assert _pid_gone(server.pid), f"{server.kind} pid {server.pid} still exists"
    assert is_port_free(server.port), f"{server.kind} HTTP port {server.port} still taken"
    if server.sql_port is not None:
        assert is_port_free(server.sql_port), f"SQL port {server.sql_port} still taken"


@pytest.fixture(scope="module", params=KINDS)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """One server of each kind, shared by the tests of this module."""
    kind = request.param
    require_server(kind)
    with start_server(kind, tmp_path_factory.mktemp(kind)) as srv:
        yield srv


# --------------------------------------------------------------------------- basics


@pytest.mark.servers
def test_server_facts(server: RunningServer) -> None:
    assert server.base_url == f"http://127.0.0.1:{server.port}"
    assert server.data_dir.is_dir() and server.log_path.is_file()
    assert not _pid_gone(server.pid)
    if server.kind == "virtuoso":
        assert (server.username, server.password, server.auth_scheme) == ("dba", "dba", "digest")
        assert server.update_url.endswith("/sparql-auth")
        assert server.gsp_url.endswith("/sparql-graph-crud-auth")
        assert server.sql_port is not None
    else:
        assert (server.username, server.password, server.auth_scheme) == (None, None, None)
        assert type(server.httpx_auth()) is httpx.Auth  # no-op: sends no credentials


@pytest.mark.servers
def test_select_through_sparqlwrapper(server: RunningServer) -> None:
    data = _select(server, "SELECT ?one WHERE { BIND(1 AS ?one) }")
    assert data["head"]["vars"] == ["one"]
    assert [b["one"]["value"] for b in data["results"]["bindings"]] == ["1"]


@pytest.mark.servers
def test_gsp_put_then_count(server: RunningServer) -> None:
    graph = _graph()
    first = _put(server, graph, TURTLE_3)
    assert first.status_code in (200, 201, 204), first.text
    assert _count(server, graph) == 3
    again = _put(server, graph, TURTLE_2)  # PUT replaces the graph
    assert again.status_code in (200, 201, 204), again.text
    assert _count(server, graph) == 2


@pytest.mark.servers
def test_update_insert_data(server: RunningServer) -> None:
    graph = _graph()
    _update(
        server,
        f"PREFIX ex: <{EX}> INSERT DATA {{ GRAPH <{graph}> {{ ex:s ex:p ex:o . ex:s ex:p 7 }} }}",
    )
    assert _count(server, graph) == 2


@pytest.mark.servers
def test_anonymous_update(server: RunningServer) -> None:
    assert server.anonymous_update, "anonymous SPARQL Update should be available"
    graph = _graph()
    _update(server, f"INSERT DATA {{ GRAPH <{graph}> {{ <{EX}a> <{EX}b> 'c' }} }}", anonymous=True)
    assert _count(server, graph) == 1


# --------------------------------------------------------------------------- lifecycle


@pytest.mark.servers
@pytest.mark.parametrize("kind", KINDS)
def test_stop_frees_port_and_process(kind: ServerKind, tmp_path: Path) -> None:
    require_server(kind)
    with start_server(kind, tmp_path) as srv:
        assert _select(srv, "ASK {}")["boolean"] is True
    _assert_stopped(srv)
    with pytest.raises(RuntimeError, match="not managed"):
        kill_server(srv)


class _Boom(Exception):
    pass


@pytest.mark.servers
@pytest.mark.parametrize("kind", KINDS)
def test_stop_when_body_raises(kind: ServerKind, tmp_path: Path) -> None:
    require_server(kind)
    with pytest.raises(_Boom), start_server(kind, tmp_path) as srv:
        raise _Boom
    _assert_stopped(srv)


@pytest.mark.servers
@pytest.mark.parametrize("kind", KINDS)
def test_kill_and_restart_keep_data(kind: ServerKind, tmp_path: Path) -> None:
    require_server(kind)
    graph, graph_u = _graph(), _graph()
    with start_server(kind, tmp_path) as srv:
        assert _put(srv, graph, TURTLE_3).status_code in (200, 201, 204)
        _update(srv, f"INSERT DATA {{ GRAPH <{graph_u}> {{ <{EX}x> <{EX}y> <{EX}z> }} }}")
        killed = srv
        kill_server(srv)
        assert _pid_gone(killed.pid)
        with _http() as client, pytest.raises(httpx.ConnectError):
            client.get(srv.query_url, params={"query": "ASK {}"})

        srv = restart_server(srv)
        assert srv.pid != killed.pid
        assert (srv.port, srv.query_url, srv.data_dir) == (
            killed.port,
            killed.query_url,
            killed.data_dir,
        )
        assert _count(srv, graph) == 3
        assert _count(srv, graph_u) == 1
        _update(srv, f"INSERT DATA {{ GRAPH <{graph_u}> {{ <{EX}x> <{EX}y> 2 }} }}")
        assert _count(srv, graph_u) == 2
        assert srv.anonymous_update == killed.anonymous_update
        if srv.anonymous_update:
            _update(
                srv, f"INSERT DATA {{ GRAPH <{graph_u}> {{ <{EX}x> <{EX}y> 3 }} }}", anonymous=True
            )
            assert _count(srv, graph_u) == 3
    _assert_stopped(srv)


@pytest.mark.servers
def test_oxigraph_in_memory_loses_data_on_restart(tmp_path: Path) -> None:
    require_server("oxigraph")
    graph = _graph()
    with oxigraph_server(tmp_path, in_memory=True) as srv:
        assert _put(srv, graph, TURTLE_3).status_code == 201
        assert _count(srv, graph) == 3
        assert not (srv.data_dir / "store").exists()
        kill_server(srv)
        srv = restart_server(srv)
        assert _count(srv, graph) == 0
    _assert_stopped(srv)


@pytest.mark.servers
def test_start_failure_reports_log_tail(tmp_path: Path) -> None:
    require_server("oxigraph")
    with (
        pytest.raises(ServerStartError) as info,
        oxigraph_server(tmp_path, extra_args=["--no-such-option"]),
    ):
        pass  # pragma: no cover
    message = str(info.value)
    assert "exited with code" in message
    assert "--no-such-option" in message.split("--- last lines of", 1)[1]


# --------------------------------------------------------------------------- skip / fail


@pytest.mark.parametrize(
    ("kind", "finder", "reason"),
    [
        ("oxigraph", "_oxigraph_executable", OXIGRAPH_SKIP_REASON),
        ("virtuoso", "_virtuoso_executable", VIRTUOSO_SKIP_REASON),
    ],
)
def test_require_server_skips_or_fails(
    kind: ServerKind, finder: str, reason: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(S, finder, lambda: None)
    assert not S.have_server(kind)
    assert "\n" not in reason and "install" in reason

    monkeypatch.delenv(S.REQUIRE_SERVERS_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        require_server(kind)
    assert skipped.value.msg == reason

    monkeypatch.setenv(S.REQUIRE_SERVERS_ENV, "1")
    with pytest.raises(pytest.fail.Exception) as failed:
        require_server(kind)
    assert failed.value.msg == reason


# --------------------------------------------------------------------------- quirks


@pytest.mark.servers
def test_quirk_malformed_put(server: RunningServer) -> None:
    """Oxigraph: 400, old graph kept. Virtuoso: 500, old graph REPLACED by the
    triples parsed before the error (PUT is not atomic)."""
    graph = _graph()
    assert _put(server, graph, TURTLE_3).status_code in (200, 201, 204)
    bad = b'@prefix ex: <http://example.org/dlkg/> .\nex:new ex:p ex:o .\nex:bad ex:p "open .\n'
    response = _put(server, graph, bad)
    if server.kind == "oxigraph":
        assert response.status_code == 400
        assert _count(server, graph) == 3
    else:
        assert response.status_code == 500
        assert "SP029" in response.text  # HTML page with the SQL state and parser message
        assert _count(server, graph) == 1


@pytest.mark.servers
def test_quirk_ntriples_put_and_json_literals(server: RunningServer) -> None:
    """Both accept application/n-triples. Virtuoso's JSON results use the pre-1.1
    type "typed-literal" for typed literals; Oxigraph uses "literal" + datatype."""
    graph = _graph()
    nt = f'<{EX}s> <{EX}p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'.encode()
    assert _put(server, graph, nt, "application/n-triples").status_code in (200, 201, 204)
    data = _select(server, f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    term = data["results"]["bindings"][0]["o"]
    assert term["value"] == "1"
    assert term["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"
    assert term["type"] == ("typed-literal" if server.kind == "virtuoso" else "literal")


@pytest.mark.servers
@pytest.mark.parametrize("server", ["virtuoso"], indirect=True)
def test_quirk_virtuoso_gsp_parameters(server: RunningServer) -> None:
    """Virtuoso: graph-uri= works like graph=; a PUT with neither answers 200 with an
    HTML help page, stores nothing and leaves its body unread on the kept-alive
    connection (the next request there gets 501); Basic auth gets 401."""
    graph = _graph()
    with _http() as client:
        put = client.put(
            server.gsp_url,
            params={"graph-uri": graph},
            content=TURTLE_3,
            headers={"Content-Type": "text/turtle"},
            auth=server.httpx_auth(),
        )
        assert put.status_code == 201
        assert _count(server, graph) == 3
        no_graph = client.put(
            server.gsp_url,
            content=TURTLE_2,
            headers={"Content-Type": "text/turtle"},
            auth=server.httpx_auth(),
        )
        assert no_graph.status_code == 200 and "<html" in no_graph.text
        poisoned = client.get(server.query_url, params={"query": "ASK {}"})
        assert poisoned.status_code == 501
    with _http() as client:
        basic = client.put(
            server.graph_url(graph),
            content=TURTLE_2,
            headers={"Content-Type": "text/turtle"},
            auth=httpx.BasicAuth("dba", "dba"),
        )
        assert basic.status_code == 401
    assert _count(server, graph) == 3
