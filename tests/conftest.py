"""Shared fixtures: the packaged graph in memory, and the real ``dlkg`` command in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dlkg.stores import MemoryStore

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = Path(__file__).resolve().parent / "data"
DLKG = "https://w3id.org/dlkg/ontology#"
RES = "https://w3id.org/dlkg/resource/"

PREFIXES = f"""PREFIX dlkg: <{DLKG}>
PREFIX res: <{RES}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


@pytest.fixture(scope="session")
def store() -> MemoryStore:
    """The packaged graph, in memory."""
    return MemoryStore()


def select(store, query: str, **bindings) -> list[tuple[str, ...]]:
    """Rows of plain values (IRIs shortened to their local name under res: or dlkg:)."""
    result = store.query(PREFIXES + query, bindings=bindings or None)
    return [tuple(short(t) for t in row) for row in result.rows]


def short(term) -> str:
    if term is None:
        return ""
    value = term.value
    for prefix in (RES, DLKG):
        if value.startswith(prefix):
            return value[len(prefix):]
    return value


def run_dlkg(*args: str, cwd: Path | None = None, input: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real command line (``python -m dlkg``) and capture its output."""
    return subprocess.run([sys.executable, "-m", "dlkg", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, input=input, env={**os.environ, **(env or {})}, timeout=300)


# --- every store kind, loaded with the packaged graph ------------------------------------

STORE_KINDS = ["memory", "embedded", "oxigraph-server", "virtuoso"]
VIRTUOSO_ENV = {"DLKG_STORE_USER": "dba", "DLKG_STORE_PASSWORD": "dba"}


@pytest.fixture(scope="session")
def embedded_store(tmp_path_factory):
    """An embedded on-disk Oxigraph store, loaded with ``dlkg load`` (the library call)."""
    from dlkg.loader import load
    from dlkg.stores import OxigraphStore

    store = OxigraphStore(tmp_path_factory.mktemp("embedded") / "store")
    load(store)
    yield store
    store.close()


@pytest.fixture(scope="session")
def oxigraph_server_store(tmp_path_factory):
    """A real Oxigraph server on 127.0.0.1, loaded through the Graph Store Protocol."""
    from dlkg.loader import load
    from dlkg.stores.remote import RemoteStore
    from tests.support.servers import oxigraph_server, require_server

    require_server("oxigraph")
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as server:
        store = RemoteStore(server.query_url)
        load(store)
        yield store
        store.close()


@pytest.fixture(scope="session")
def virtuoso_store(tmp_path_factory):
    """A real Virtuoso 7 on 127.0.0.1, loaded through its authenticated GSP endpoint."""
    from dlkg.loader import load
    from dlkg.stores.remote import RemoteStore
    from tests.support.servers import require_server, virtuoso_server

    require_server("virtuoso")
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        saved = {k: os.environ.get(k) for k in VIRTUOSO_ENV}
        os.environ.update(VIRTUOSO_ENV)
        try:
            store = RemoteStore(server.query_url)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        load(store)
        yield store
        store.close()


@pytest.fixture(params=STORE_KINDS)
def any_store(request):
    """The packaged graph in each store kind, for suites that must answer the same everywhere."""
    fixture = {"memory": "store", "embedded": "embedded_store", "oxigraph-server": "oxigraph_server_store",
               "virtuoso": "virtuoso_store"}[request.param]
    if request.param in ("oxigraph-server", "virtuoso"):
        request.applymarker(pytest.mark.servers)
    return request.getfixturevalue(fixture)
