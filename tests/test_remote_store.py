"""Which way :class:`RemoteStore` writes a load, and how it reads the graph back.

- Replacing an *empty* graph on a server whose Graph Store writes are all or nothing
  (Oxigraph, told by its ``Server`` header, or ``atomic_gsp_writes=True``) is one POST
  straight into the target (``method == "gsp-post"``); anything else stages and moves
  (``gsp-put+move``, ``gsp-put+add``), and so does every load on Virtuoso, whose writes are
  not atomic. (A kill in the middle of such a direct POST: ``tests/faults/test_load_faults.py``.)
- That POST is retried only where an ASK shows the target still empty: applied but the
  answer lost, it is not sent again; refused unapplied (503), it is.
- The read-back digest reads the graph as N-Triples with a Graph Store GET, and gives the
  digest the CONSTRUCT read gives, on both servers.

Real servers where it matters (``tests/support/servers.py``); the request sequence itself is
checked against a small fake Graph Store (``tests/faults/conftest.py``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from dlkg.canon import ntriples_digest
from dlkg.errors import StoreError
from dlkg.loader import load_graph
from dlkg.sparql import query_form
from dlkg.resources import DATA_FILE, ONTOLOGY_FILE
from dlkg.stores.base import Store
from dlkg.stores.remote import RemoteStore
from tests.conftest import VIRTUOSO_ENV
from tests.faults.conftest import FakeServer, MiniGraphStore, Reply, digest_of_file
from tests.support.servers import oxigraph_server, require_server, virtuoso_server

SMALL_NT = (
    "<http://e/s1> <http://e/p> \"one\" .\n"
    "<http://e/s2> <http://e/p> \"two\"@en .\n"
    "<http://e/s3> <http://e/p> <http://e/s1> .\n"
)
#: Literals a server may write differently (escapes, non-ASCII, language tags, datatypes),
#: and blank nodes; all in canonical lexical forms, which every store keeps as they are.
TRICKY_TTL = """@prefix e: <http://e/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
e:s e:p "tab\\there \\"quoted\\" back\\\\slash\\nnewline" , "é ü 条目 😀"@zh , "x"@en-GB ,
        "42"^^xsd:integer , "2.5"^^xsd:decimal , "true"^^xsd:boolean , "2020-01-01"^^xsd:date ,
        "\\u0001 control" , "" .
e:s e:q [ e:r "nested" ; e:r [ e:r "deeper" ] ] , ( "a" "b" ) .
"""


@pytest.fixture(autouse=True)
def _no_credentials_or_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DLKG_STORE_USER", "DLKG_STORE_PASSWORD", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("remote-files")
    (folder / "small.nt").write_text(SMALL_NT, encoding="utf-8")
    (folder / "tricky.ttl").write_text(TRICKY_TTL, encoding="utf-8")
    return {"small": folder / "small.nt", "tricky": folder / "tricky.ttl", "ontology": ONTOLOGY_FILE,
            "data": DATA_FILE}


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_server("oxigraph")
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph"), in_memory=True) as server:
        yield server.query_url


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_server("virtuoso")
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server.query_url


def _graph() -> str:
    return f"http://e/graph/{uuid.uuid4().hex}"


def _updates(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every SPARQL Update the store sends (the MOVE or ADD of a staged load)."""
    sent: list[str] = []
    real = RemoteStore.update

    def spy(self, update: str, *, what: str) -> None:
        if not update.startswith("DROP"):  # the clean-up of a failed load
            sent.append(update.split(" ", 1)[0])
        return real(self, update, what=what)

    monkeypatch.setattr(RemoteStore, "update", spy)
    return sent


def _staging_graphs(store: RemoteStore) -> list[str]:
    """Graphs named ``urn:dlkg:...`` (staging, probe) that hold triples."""
    query = 'SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "urn:dlkg:")) }'
    return [row[0].value for row in store._run(query, default_graphs=()).rows]  # all graphs, not dlkg's two


# --------------------------------------------------------------------------- real servers: the paths


@pytest.mark.servers
def test_oxigraph_empty_graph_takes_one_post_then_replacing_and_appending_stage(
        oxigraph: str, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    updates = _updates(monkeypatch)
    graph = _graph()
    with RemoteStore(oxigraph) as store:
        first = load_graph(store, [files["ontology"]], graph=graph)
        assert (first.method, first.verified, first.same_digest) == ("gsp-post", True, True), first
        assert updates == [], "no staging graph, no MOVE"

        again = load_graph(store, [files["small"]], graph=graph)  # not empty now: stage and MOVE
        assert (again.method, again.stored, again.same_digest) == ("gsp-put+move", 3, True), again
        assert updates == ["MOVE"]

        added = load_graph(store, [files["tricky"]], graph=graph, replace=False)
        assert added.method == "gsp-put+add" and added.stored == 3 + added.triples, added
        assert updates == ["MOVE", "ADD"]
        assert _staging_graphs(store) == []


@pytest.mark.servers
def test_oxigraph_told_not_atomic_stages_even_an_empty_graph(
        oxigraph: str, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    updates = _updates(monkeypatch)
    with RemoteStore(oxigraph, atomic_gsp_writes=False) as store:
        report = load_graph(store, [files["small"]], graph=_graph())
    assert (report.method, report.verified, report.same_digest) == ("gsp-put+move", True, True), report
    assert updates == ["MOVE"]


@pytest.mark.servers
def test_virtuoso_always_stages(virtuoso: str, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Virtuoso's PUT commits in parts, so even an empty graph gets staging and MOVE; an
    append (ADD, then the staging graph dropped) works on it too."""
    for name, value in VIRTUOSO_ENV.items():
        monkeypatch.setenv(name, value)
    updates = _updates(monkeypatch)
    graph = _graph()
    with RemoteStore(virtuoso) as store:
        first = load_graph(store, [files["ontology"]], graph=graph)
        assert (first.method, first.verified, first.same_digest) == ("gsp-put+move", True, True), first
        added = load_graph(store, [files["small"]], graph=graph, replace=False)
        assert added.method == "gsp-put+add" and added.stored == first.triples + 3, added
        assert updates == ["MOVE", "ADD"]
        assert _staging_graphs(store) == []


# --------------------------------------------------------------------------- real servers: the read-back


@pytest.mark.servers
@pytest.mark.parametrize("kind", ["oxigraph", "virtuoso"])
@pytest.mark.parametrize("name", ["tricky", "ontology", "data"])
def test_graph_store_get_gives_the_construct_digest(
        kind: str, name: str, files: dict[str, Path], request: pytest.FixtureRequest,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The graph read as N-Triples through a Graph Store GET has the canonical digest the
    CONSTRUCT read (the way before) gives, and the file's; Virtuoso's N-Triples (tabs,
    ``\\U`` escapes) parse too."""
    url = request.getfixturevalue(kind)
    if kind == "virtuoso":
        for key, value in VIRTUOSO_ENV.items():
            monkeypatch.setenv(key, value)
    graph = _graph()
    with RemoteStore(url) as store:
        report = load_graph(store, [files[name]], graph=graph)
        assert report.verified and report.same_digest, report
        by_get = store.graph_ntriples(graph)
        by_construct = Store.graph_ntriples(store, graph)
    assert ntriples_digest(by_get) == ntriples_digest(by_construct) == digest_of_file(files[name])
    if name == "tricky":
        assert b"\\U" not in by_get and b"\t" not in by_get, "Oxigraph's writer, whatever the server wrote"


@pytest.mark.servers
@pytest.mark.parametrize("kind", ["oxigraph", "virtuoso"])
def test_graph_store_get_of_a_missing_graph_is_empty(kind: str, request: pytest.FixtureRequest,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    url = request.getfixturevalue(kind)
    if kind == "virtuoso":
        for key, value in VIRTUOSO_ENV.items():
            monkeypatch.setenv(key, value)
    with RemoteStore(url) as store:
        assert store.graph_ntriples(_graph()) == b""


# --------------------------------------------------------------------------- the request sequence (fake)


@pytest.mark.parametrize("server, option, direct", [
    pytest.param(f"Oxigraph/{ox.__version__}", None, True, id="oxigraph"),
    pytest.param("nginx/1.25, Oxigraph/0.4.11", None, True, id="oxigraph-behind-a-proxy"),
    pytest.param("Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu", None, False, id="virtuoso"),
    pytest.param(None, None, False, id="no-server-header"),
    pytest.param(None, True, True, id="told-atomic"),
    pytest.param(f"Oxigraph/{ox.__version__}", False, False, id="told-not-atomic"),
])
def test_direct_post_only_where_writes_are_atomic(files: dict[str, Path], server: str | None, option: bool | None,
                                             direct: bool) -> None:
    graph = _graph()
    fake_store = MiniGraphStore(server=server)
    with FakeServer(fake_store) as fake, RemoteStore(fake.url("/query"), atomic_gsp_writes=option) as store:
        report = load_graph(store, [files["small"]], graph=graph)
    assert report.verified and report.same_digest, report
    assert fake_store.counts() == {graph: 3}
    puts = [r.params["graph"] for r in fake.methods("PUT")]
    posts = [r.params["graph"] for r in fake.methods("POST", "/store")]
    updates = [r.form()["update"].split(" ", 1)[0] for r in fake.methods("POST", "/update")]
    probes = [r for r in fake.methods("GET", "/store") if r.params["graph"].startswith("urn:dlkg:probe:")]
    assert len(probes) == (1 if option is None else 0), "one probe, and only when not told"
    if direct:
        assert (report.method, posts, puts, updates) == ("gsp-post", [graph], [], []), (posts, puts, updates)
    else:
        assert report.method == "gsp-put+move" and updates == ["MOVE"] and posts == [], (posts, puts, updates)
        assert len(puts) == 1 and puts[0].startswith("urn:dlkg:staging:"), puts


def _asks(fake: FakeServer) -> int:
    return sum(1 for r in fake.requests if r.path == "/query"
               and query_form(r.params.get("query") or r.form().get("query", "")) == "ask")


def test_direct_post_applied_but_answer_lost_is_not_sent_again(files: dict[str, Path]) -> None:
    """The server stores the POST, then the connection drops before the answer: an ASK finds
    the graph not empty, so the POST is not sent again (a second copy would add every blank
    node again); the read-back shows the graph is exactly the file."""
    graph = _graph()
    fake_store = MiniGraphStore(server=f"Oxigraph/{ox.__version__}", post_faults=("applied-drop",))
    with FakeServer(fake_store) as fake, RemoteStore(fake.url("/query")) as store:
        report = load_graph(store, [files["tricky"]], graph=graph)
        asks = _asks(fake)
    assert (report.method, report.verified, report.same_digest) == ("gsp-post", True, True), report
    assert len(fake_store.post_times) == 1, "no second POST after one that was applied"
    assert asks == 2, "one ASK before (is the target empty?), one after the lost answer"
    assert fake_store.counts() == {graph: report.triples}


def test_direct_post_refused_unapplied_is_retried_once_the_graph_is_seen_empty(files: dict[str, Path]) -> None:
    """A 503 (with Retry-After: 1), nothing stored: the ASK finds the graph still empty, and
    the POST goes again, after at least the second the server asked for."""
    graph = _graph()
    fake_store = MiniGraphStore(server=f"Oxigraph/{ox.__version__}", post_faults=("unapplied",))
    with FakeServer(fake_store) as fake, RemoteStore(fake.url("/query")) as store:
        report = load_graph(store, [files["tricky"]], graph=graph)
        asks = _asks(fake)
    assert (report.method, report.verified, report.same_digest) == ("gsp-post", True, True), report
    assert len(fake_store.post_times) == 2 and asks == 2
    assert fake_store.post_times[1] - fake_store.post_times[0] >= 1.0, "Retry-After is a floor"
    assert fake_store.counts() == {graph: report.triples}


def test_direct_post_refused_for_good_is_not_retried(files: dict[str, Path]) -> None:
    """A 413 (too large) says the POST was not applied, and that sending it again will not
    help: one POST, no ASK after it, one line naming the URL."""
    graph = _graph()
    fake_store = MiniGraphStore(server=f"Oxigraph/{ox.__version__}", post_faults=("unapplied",), status=413)
    with FakeServer(fake_store) as fake, RemoteStore(fake.url("/query")) as store, \
            pytest.raises(StoreError) as caught:
        load_graph(store, [files["small"]], graph=graph)
    message = str(caught.value)
    assert "\n" not in message and fake.url("/store") in message and "413" in message, message
    assert len(fake_store.post_times) == 1 and _asks(fake) == 1


def test_direct_post_into_a_dead_server_gives_up_with_one_line(files: dict[str, Path]) -> None:
    """Every POST answered 503 and the graph stays empty: at most 4 POSTs, then one line."""
    graph = _graph()
    fake_store = MiniGraphStore(server=f"Oxigraph/{ox.__version__}", post_faults=("unapplied",) * 9,
                                retry_after="0")
    with FakeServer(fake_store) as fake, RemoteStore(fake.url("/query")) as store, \
            pytest.raises(StoreError) as caught:
        load_graph(store, [files["small"]], graph=graph)
    message = str(caught.value)
    assert "\n" not in message and fake.url("/store") in message and "after 4 attempts" in message, message
    assert len(fake_store.post_times) == 4 and fake_store.counts() == {}


def test_non_empty_graph_is_staged_even_where_writes_are_atomic(files: dict[str, Path]) -> None:
    graph = _graph()
    fake_store = MiniGraphStore(server=f"Oxigraph/{ox.__version__}")
    fake_store.graphs[graph] = [b"<http://e/old> <http://e/p> <http://e/o> ."]
    with FakeServer(fake_store) as fake, RemoteStore(fake.url("/query")) as store:
        report = load_graph(store, [files["small"]], graph=graph)
    assert (report.method, report.stored, report.same_digest) == ("gsp-put+move", 3, True), report
    assert [r.params["graph"][:17] for r in fake.methods("PUT")] == ["urn:dlkg:staging:"]


def test_graph_store_get_answering_html_is_one_line() -> None:
    html = Reply(200, "<html><body>hello</body></html>", "text/html")
    with FakeServer(lambda request: html) as fake, RemoteStore(fake.url("/query")) as store, \
            pytest.raises(StoreError) as caught:
        store.graph_ntriples("http://e/g")
    message = str(caught.value)
    assert "\n" not in message and fake.url("/store") in message and "text/html" in message, message


def test_graph_store_get_cut_short_is_one_line() -> None:
    body = "<http://e/s> <http://e/p> \"unfinished"
    with FakeServer(lambda request: Reply(200, body, "application/n-triples")) as fake, \
            RemoteStore(fake.url("/query")) as store, pytest.raises(StoreError) as caught:
        store.graph_ntriples("http://e/g")
    message = str(caught.value)
    assert "\n" not in message and fake.url("/store") in message and "does not parse" in message, message
