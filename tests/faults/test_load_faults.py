"""Fault tests for ``dlkg load`` (and the query side of a wrong or sick endpoint).

What the project promises:

- a load that fails midway (a broken line deep in a large file, the server killed during the
  load, the connection dropped) leaves the target graph exactly as it was: the canonical
  digest of the graph (:func:`dlkg.canon.graph_digest`) is compared before and after;
- a server that is down, slow or refuses gives one clear line naming the URL and the cause,
  exit 1, after bounded retries with backoff for connection errors and 5xx; ``--timeout``
  bounds every request;
- a wrong endpoint (HTML page, 404, not SPARQL) is named as such.

Store kinds: the embedded folder store (:class:`dlkg.stores.OxigraphStore`), the Oxigraph
server and Virtuoso (real processes, see ``tests/support/servers.py``). Misbehaving servers
are tiny fakes on 127.0.0.1 (``conftest.FakeServer``).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from dlkg.canon import graph_digest
from dlkg.errors import InputError, StoreError
from dlkg.loader import load, load_graph
from dlkg.resources import DATA_GRAPH, ONTOLOGY_GRAPH
from dlkg.stores import MemoryStore
from dlkg.stores.remote import RemoteStore
from tests.conftest import ROOT, run_dlkg
from tests.faults.conftest import (
    PACKAGED_COUNTS,
    VIRTUOSO_ENV,
    BigFile,
    FakeServer,
    MiniGraphStore,
    Reply,
    StoreTarget,
    digest_of_file,
    free_port,
    one_error_line,
)
from tests.support.servers import kill_server, require_server, restart_server, start_server

FLAGSHIP = ["Deeplearning4j", "MXNet"]  # python-on-android on the packaged graph
SMALL_NT = (
    "<https://w3id.org/dlkg/resource/x1> <https://w3id.org/dlkg/ontology#note> \"one\" .\n"
    "<https://w3id.org/dlkg/resource/x2> <https://w3id.org/dlkg/ontology#note> \"two\"@en .\n"
    "<https://w3id.org/dlkg/resource/x3> <https://w3id.org/dlkg/ontology#note> <https://w3id.org/dlkg/resource/x1> .\n"
)


@pytest.fixture(scope="module")
def packaged_digests() -> dict[str, str]:
    """Digests of the packaged ontology, data and current-view graphs (from the in-memory store)."""
    store = MemoryStore()
    return {graph: graph_digest(store.graph_triples(graph)) for graph in PACKAGED_COUNTS}


def _prepare(target: StoreTarget) -> None:
    """Load the packaged graph through the library (quicker than a ``dlkg`` process)."""
    with target.opened() as store:
        reports = load(store)
    assert [r.verified for r in reports] == [True] * len(PACKAGED_COUNTS), reports  # the ontology and the two views


def _load_packaged(target: StoreTarget) -> None:
    """Load the packaged graph with the real command."""
    done = run_dlkg("load", "--into", target.location, env=target.env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("read-back: verified") == len(PACKAGED_COUNTS), done.stdout


def _gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in zip(times, times[1:])]


# =========================================================================== 1. broken line


@pytest.mark.parametrize("name", ["broken-nt", "broken-ttl"])
def test_broken_line_deep_in_large_file_leaves_graph_unchanged(
        target: StoreTarget, big_files: dict[str, BigFile], name: str) -> None:
    """CLI: a 200,000-triple file broken near its end is refused with exit 2 and
    ``file:line:col``; the data graph keeps its exact digest and no staging graph is left."""
    bad = big_files[name]
    _prepare(target)
    before, count_before = target.digest(DATA_GRAPH), target.count(DATA_GRAPH)
    assert count_before == PACKAGED_COUNTS[DATA_GRAPH]

    done = run_dlkg("load", str(bad.path), "--into", target.location, "--graph", DATA_GRAPH, env=target.env)

    assert done.returncode == 2, done.stderr
    line = one_error_line(done.stderr)
    assert line.startswith(f"dlkg: error: {bad.path}:{bad.broken_line}:"), line
    assert done.stdout == ""
    assert target.digest(DATA_GRAPH) == before
    assert target.count(DATA_GRAPH) == count_before
    assert target.staging_graphs() == []


def _input_error(call) -> tuple[str | None, int | None, int, str]:
    """Path, line, exit code and message of the InputError ``call()`` raises (the exception
    itself is not kept: its traceback would hold an embedded store, and its lock, open)."""
    try:
        call()
    except InputError as err:
        return err.path, err.line, err.exit_code, str(err)
    pytest.fail("no InputError raised")


def test_broken_line_appending_or_into_empty_graph_changes_nothing(
        target: StoreTarget, big_files: dict[str, BigFile]) -> None:
    """Library: the same refusal when appending (``replace=False``: ADD instead of MOVE) and
    when the target graph is empty (the embedded store then loads straight into it, and must
    empty it again; the Oxigraph server would get one POST straight into it, never sent)."""
    bad = big_files["broken-nt"]
    _prepare(target)
    empty_graph = f"https://w3id.org/dlkg/graph/test-empty-{uuid.uuid4().hex}"
    with target.opened() as store:
        before = graph_digest(store.graph_triples(DATA_GRAPH))
        errors = [_input_error(lambda: load(store, [bad.path], graph=DATA_GRAPH, replace=False))]
        errors.append(_input_error(lambda: load(store, [bad.path], graph=empty_graph)))
        if target.kind == "embedded":
            assert ox.NamedNode(empty_graph) not in set(store.native.named_graphs())  # type: ignore[attr-defined]
        assert graph_digest(store.graph_triples(DATA_GRAPH)) == before
        assert store.count(empty_graph) == 0
    for path, line, exit_code, message in errors:
        assert (path, line, exit_code) == (str(bad.path), bad.broken_line, 2), message
    assert target.staging_graphs() == []


# =========================================================================== 2. killed mid-load


def _expect_old_or_new(after: str, before: str, new_file: Path) -> None:
    """The graph is the old one or the new one, never a mix."""
    if after != before:
        assert after == digest_of_file(new_file), "the target graph is neither the old nor the new graph"


def _load_killed_midway(srv, path: Path, graph: str, in_flight: threading.Event, what: str) -> dict[str, object]:
    """Load ``path`` into ``graph`` on the server in a thread, SIGKILL the server once
    ``in_flight`` is set (by a spy on the request named ``what``), and wait for the load to
    give up; ``{"report": ...}`` or ``{"error": ...}``."""
    outcome: dict[str, object] = {}

    def run() -> None:
        store = RemoteStore(srv.query_url)
        try:
            outcome["report"] = load_graph(store, [path], graph=graph)
        except BaseException as err:  # noqa: BLE001 - examined by the caller
            outcome["error"] = err
        finally:
            store.close()

    loader = threading.Thread(target=run, name="loader", daemon=True)
    loader.start()
    deadline = time.monotonic() + 120
    while not in_flight.wait(0.05):
        assert loader.is_alive() and time.monotonic() < deadline, f"the {what} never started: {outcome}"
    time.sleep(0.3)  # let the request reach the server
    kill_server(srv)
    loader.join(120)
    assert not loader.is_alive(), "the load did not give up after the server died"
    return outcome


def _spy_on_graph_store(monkeypatch: pytest.MonkeyPatch, method: str, attempts: list[str],
                        in_flight: threading.Event, graph: str | None = None) -> None:
    """Record each ``method`` request to a Graph Store endpoint (one naming a graph) in ``attempts``
    ("sending", then "answered STATUS" or "error NAME") and set ``in_flight`` when one goes
    out; with ``graph``, check that it writes into that graph."""
    real_stream = httpx.Client.stream

    @contextlib.contextmanager
    def spying_stream(self, verb, url, *args, **kwargs):
        if verb != method or "graph" not in (kwargs.get("params") or {}):
            with real_stream(self, verb, url, *args, **kwargs) as response:
                yield response
            return
        if graph is not None:
            assert kwargs["params"]["graph"] == graph, f"the {method} should go straight into the target: {kwargs}"
        attempts.append("sending")
        in_flight.set()
        try:
            with real_stream(self, verb, url, *args, **kwargs) as response:
                attempts[-1] = f"answered {response.status_code}"
                yield response
        except httpx.TransportError as err:
            attempts[-1] = f"error {type(err).__name__}"
            raise

    monkeypatch.setattr(httpx.Client, "stream", spying_stream)


@pytest.mark.servers
@pytest.mark.parametrize("phase", ["put", "move"])
@pytest.mark.parametrize("kind", ["oxigraph", "virtuoso"])
def test_server_killed_during_load_keeps_old_graph(
        kind: str, phase: str, tmp_path: Path, big_files: dict[str, BigFile],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """SIGKILL the server while the 200,000-triple PUT (or the MOVE of a 50,000-triple staging
    graph) is in flight, restart it: the load failed with one line naming the URL; the data
    graph is the old one (digest; after a kill during the MOVE the new one would do too, never
    a mix), and the store answers queries as before."""
    require_server(kind)
    env = VIRTUOSO_ENV if kind == "virtuoso" else {}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    # The PUT of 200,000 triples takes seconds; the MOVE of 50,000 takes seconds too, and
    # staging them first is quicker.
    big = big_files["valid-nt" if phase == "put" else "valid-nt-50k"]

    with start_server(kind, tmp_path) as srv:
        with RemoteStore(srv.query_url) as store:
            load(store)
            before = graph_digest(store.graph_triples(DATA_GRAPH))

        in_flight = threading.Event()
        attempts: list[str] = []  # outcome of each PUT attempt of the big load
        if phase == "put":
            _spy_on_graph_store(monkeypatch, "PUT", attempts, in_flight)
        else:
            real_update = RemoteStore.update

            def spying_update(self, update: str, *, what: str) -> None:
                if update.startswith("MOVE"):
                    in_flight.set()
                return real_update(self, update, what=what)

            monkeypatch.setattr(RemoteStore, "update", spying_update)

        outcome = _load_killed_midway(srv, big.path, DATA_GRAPH, in_flight, phase.upper())
        error = outcome.get("error")
        assert isinstance(error, StoreError), f"the load should fail with StoreError, got {outcome}"
        message = str(error)
        assert "\n" not in message and srv.base_url in message, message
        if phase == "put":
            assert attempts[0].startswith("error"), f"the kill should hit the PUT in flight: {attempts}"
            assert len(attempts) == 4 and all(a.startswith("error") for a in attempts), attempts
            assert "after 4 attempts" in message, message

        srv = restart_server(srv)
        target = StoreTarget(kind, srv.query_url, dict(env))
        after = target.digest(DATA_GRAPH)
        if phase == "put":
            assert after == before
            assert target.staging_graphs() == [], "a PUT cut short leaves no staging graph"
        else:
            _expect_old_or_new(after, before, big.path)
            # The clean-up could not reach the dead server: the staging graph may stay (unseen
            # by dlkg's queries, which read only dlkg's two graphs).
            assert len(target.staging_graphs()) <= 1
        assert target.count(ONTOLOGY_GRAPH) == PACKAGED_COUNTS[ONTOLOGY_GRAPH]
        if after == before:
            answer = run_dlkg("query", "python-on-android", "--store", srv.query_url, "--format", "csv")
            assert answer.returncode == 0, answer.stderr
            assert [row.split(",")[1] for row in answer.stdout.splitlines()[1:]] == FLAGSHIP


@pytest.mark.servers
def test_server_killed_during_direct_post_leaves_empty_graph(
        tmp_path: Path, big_files: dict[str, BigFile], monkeypatch: pytest.MonkeyPatch) -> None:
    """Oxigraph, a load into an empty graph, which POSTs straight into the target (no staging
    graph: the server writes a request in one transaction): SIGKILL the server while the
    200,000-triple POST is in flight, restart it: the load failed with one line naming the
    URL (the POST lost, and the ASK that would tell whether it applied could not reach the
    server either), the target graph is still empty (not part of the file), the other graphs
    are as they were, and loading again goes the same way and is verified."""
    require_server("oxigraph")
    big = big_files["valid-nt"]
    fresh = f"https://w3id.org/dlkg/graph/test-direct-{uuid.uuid4().hex}"
    with start_server("oxigraph", tmp_path) as srv:
        with RemoteStore(srv.query_url) as store:
            load(store)
            before = graph_digest(store.graph_triples(DATA_GRAPH))

        in_flight = threading.Event()
        attempts: list[str] = []
        _spy_on_graph_store(monkeypatch, "POST", attempts, in_flight, graph=fresh)
        outcome = _load_killed_midway(srv, big.path, fresh, in_flight, "POST")
        error = outcome.get("error")
        assert isinstance(error, StoreError), f"the load should fail with StoreError, got {outcome}"
        message = str(error)
        assert "\n" not in message and f"{srv.base_url}/store" in message, message
        assert "whether it was applied is unknown" in message and "after 4 attempts" in message, message
        assert len(attempts) == 1 and attempts[0].startswith("error"), \
            f"the kill should hit the one POST in flight, and no second POST go out unchecked: {attempts}"

        srv = restart_server(srv)
        target = StoreTarget("oxigraph", srv.query_url)
        assert target.count(fresh) == 0, "a POST cut short must leave nothing of the file"
        assert target.staging_graphs() == []
        assert target.digest(DATA_GRAPH) == before
        assert target.count(ONTOLOGY_GRAPH) == PACKAGED_COUNTS[ONTOLOGY_GRAPH]

        monkeypatch.undo()
        with target.opened() as store:
            report = load_graph(store, [big.path], graph=fresh)
        assert (report.method, report.stored, report.same_digest) == ("gsp-post", big.triples, True), report


# =========================================================================== 3-6. sick servers
#
# Every case below waits on purpose (retries with backoff, Retry-After, time limits), so they
# run side by side: one ``dlkg`` process per case, each against its own fake server (or a port
# nothing listens on), all started together by the ``sick`` fixture; each test checks one case.

RETRY_GRAPH = "https://w3id.org/dlkg/graph/test-retry"


@dataclass
class Case:
    """One ``dlkg`` run against one sick server, and what came of it."""

    argv: list[str]
    fake: FakeServer | None = None
    store: MiniGraphStore | None = None
    url: str = ""  # the URL the command was pointed at
    env: dict[str, str] = field(default_factory=dict)
    returncode: int | None = None
    stdout: str = ""
    stderr: str = ""
    elapsed: float = 0.0


@pytest.fixture(scope="module")
def sick(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Case]:
    small = tmp_path_factory.mktemp("small") / "small.nt"
    small.write_text(SMALL_NT, encoding="utf-8")
    hang = lambda request: Reply(action="hang")  # noqa: E731
    fakes = {
        "drop:close-on-accept": FakeServer(None),
        "drop:drop-after-request": FakeServer(lambda request: Reply(action="drop")),
        "drop:half-response": FakeServer(lambda request: Reply(201, "created " * 20, action="half")),
        "retry:503": FakeServer(MiniGraphStore(fail_first=2, status=503, retry_after="1")),
        "retry:429": FakeServer(MiniGraphStore(fail_first=2, status=429, retry_after="1")),
        "retry:503-forever": FakeServer(MiniGraphStore(fail_first=10**6, status=503, retry_after="1")),
        "slow:load": FakeServer(hang),
        "slow:query": FakeServer(hang),
    }
    cases: dict[str, Case] = {}
    for name, fake in fakes.items():
        store = fake.handler if isinstance(fake.handler, MiniGraphStore) else None
        if name.startswith("retry:"):
            argv = ["load", str(small), "--into", fake.url("/query"), "--graph", RETRY_GRAPH]
        elif name == "slow:query":
            argv = ["query", "python-on-android", "--store", fake.url("/sparql"), "--timeout", "1"]
        else:
            argv = ["load", "--into", fake.url("/query")] + (["--timeout", "1"] if name == "slow:load" else [])
        cases[name] = Case(argv, fake, store, argv[argv.index("--store" if "--store" in argv else "--into") + 1])
    down = {name: f"http://127.0.0.1:{free_port()}{path}" for name, path in
            [("down:load", "/query"), ("down:query", "/sparql"), ("down:credentials", "/sparql")]}
    cases["down:load"] = Case(["load", "--into", down["down:load"]], url=down["down:load"])
    cases["down:query"] = Case(["query", "python-on-android", "--store", down["down:query"]], url=down["down:query"])
    cases["down:credentials"] = Case(["load", "--into", down["down:credentials"]], url=down["down:credentials"],
                                     env=dict(VIRTUOSO_ENV))

    with contextlib.ExitStack() as stack:
        for fake in fakes.values():
            stack.enter_context(fake)
        running = {}
        for name, case in cases.items():
            proc = subprocess.Popen([sys.executable, "-m", "dlkg", *case.argv], cwd=ROOT, text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    env={**os.environ, **case.env})
            running[name] = (proc, time.monotonic())
        deadline = time.monotonic() + 120
        while running and time.monotonic() < deadline:
            for name, (proc, started) in list(running.items()):
                if proc.poll() is not None:
                    cases[name].elapsed = time.monotonic() - started
                    cases[name].stdout, cases[name].stderr = proc.communicate()
                    cases[name].returncode = proc.returncode
                    del running[name]
            time.sleep(0.01)
        for proc, _ in running.values():
            proc.kill()
            proc.communicate()
    assert not running, f"still running after 120 s: {sorted(running)}"
    return cases


def _failed_with_one_line(case: Case, *needles: str) -> str:
    assert case.returncode == 1, (case.returncode, case.stderr)
    line = one_error_line(case.stderr)
    for needle in needles:
        assert needle in line, f"{needle!r} not in {line!r}"
    return line


# --------------------------------------------------------------------------- 3. dropped connections


@pytest.mark.parametrize("mode, causes", [
    # unread request bytes make the close a reset; without them it is a plain close
    pytest.param("close-on-accept", ("Connection reset", "disconnected without sending a response"),
                 id="close-on-accept"),
    pytest.param("drop-after-request", ("disconnected without sending a response",), id="drop-after-request"),
    pytest.param("half-response", ("without sending complete message body",), id="half-response"),
])
def test_connection_dropped_fails_after_bounded_retries(sick: dict[str, Case], mode: str,
                                                        causes: tuple[str, ...]) -> None:
    """A server that closes each connection (right after the request line, after the whole
    request, or halfway through its answer): exit 1, one line naming the URL and the cause,
    after more than one and at most 4 tries of the PUT, with growing waits in between. Besides
    the PUTs, only the one-try probe of the Graph Store endpoint (which server is it?) and at
    most one clean-up request."""
    case = sick[f"drop:{mode}"]
    assert case.fake is not None
    line = _failed_with_one_line(case, f"{case.fake.base}/store", "after 4 attempts")
    assert any(cause in line for cause in causes), line
    puts = case.fake.methods("PUT", "/store")
    assert 1 < len(puts) <= 4, [(r.method, r.path) for r in case.fake.requests]
    others = [(r.method, r.path) for r in case.fake.requests if r.method != "PUT"]
    assert others in ([("GET", "/store")], [("GET", "/store"), ("POST", "/update")]), \
        f"one probe and at most one clean-up request, never retried: {others}"
    gaps = _gaps([r.at for r in puts])
    assert all(gap >= 0.2 for gap in gaps) and gaps[-1] > gaps[0], f"no growing backoff: {gaps}"
    assert sum(gaps) < 8, f"retries should stop soon: {gaps}"
    assert case.elapsed < 20, f"took {case.elapsed:.1f} s"


@pytest.mark.parametrize("mode", ["drop-after-request", "half-response"])
def test_connection_dropped_during_query_fails_with_one_line(mode: str) -> None:
    """A query whose connection is dropped (no answer, or half an answer): exit 1 with one
    line naming the URL, not a traceback."""
    handler = {"drop-after-request": lambda request: Reply(action="drop"),
               "half-response": lambda request: Reply(200, '{"head": {"vars": ["x"]}, ', "application/sparql-results+json",
                                                      action="half")}[mode]
    with FakeServer(handler) as fake:
        done = run_dlkg("query", "python-on-android", "--store", fake.url("/sparql"))
    assert done.returncode == 1
    assert fake.url("/sparql") in one_error_line(done.stderr)


# --------------------------------------------------------------------------- 4. server down


def test_server_down_load_fails_with_one_line_in_bounded_time(sick: dict[str, Case]) -> None:
    """Nothing listens: exit 1, one line naming the URL and "Connection refused", after
    4 tries with backoff (so not at once), in bounded time."""
    case = sick["down:load"]
    base = case.url.rsplit("/", 1)[0]
    _failed_with_one_line(case, f"{base}/", "Connection refused", "after 4 attempts")
    assert 0.5 < case.elapsed < 20, f"retries should back off, boundedly: {case.elapsed:.1f} s"


def test_server_down_query_fails_with_one_line(sick: dict[str, Case]) -> None:
    """Nothing listens, a query: one line naming the URL and "Connection refused"."""
    case = sick["down:query"]
    _failed_with_one_line(case, case.url, "Connection refused")
    assert case.elapsed < 15, f"took {case.elapsed:.1f} s"


def test_server_down_with_credentials_fails_with_one_line(sick: dict[str, Case]) -> None:
    """The same with credentials set (a Virtuoso-style ``/sparql`` URL, Digest auth)."""
    case = sick["down:credentials"]
    _failed_with_one_line(case, case.url.rsplit("/", 1)[0], "Connection refused")


# --------------------------------------------------------------------------- 5. 503 / 429


@pytest.mark.parametrize("status", [503, 429])
def test_retry_after_then_success(sick: dict[str, Case], status: int) -> None:
    """The PUT is answered ``status`` with ``Retry-After: 1`` twice, then accepted: the load
    retries, waits between tries, and succeeds with the read-back verified; the staging graph
    was moved into place and none is left."""
    case = sick[f"retry:{status}"]
    assert case.returncode == 0, case.stderr
    assert f"loaded 3 triples into <{RETRY_GRAPH}>" in case.stdout, case.stdout
    assert "read-back: verified (count and canonical digest)" in case.stdout, case.stdout
    assert case.store is not None
    assert len(case.store.put_times) == 3
    assert case.store.counts() == {RETRY_GRAPH: 3}
    gaps = _gaps(case.store.put_times)
    assert all(0.45 <= gap < 5 for gap in gaps), gaps


@pytest.mark.parametrize("status", [503, 429])
def test_retry_after_is_waited_in_full(sick: dict[str, Case], status: int) -> None:
    """``Retry-After: 1`` means: not before one second has passed."""
    store = sick[f"retry:{status}"].store
    assert store is not None
    gaps = _gaps(store.put_times)
    assert len(gaps) == 2 and all(gap >= 1.0 for gap in gaps), gaps


def test_503_forever_gives_up_after_bounded_retries(sick: dict[str, Case]) -> None:
    """Always 503: exit 1 after exactly 4 tries, one line naming the URL and the status;
    nothing was stored."""
    case = sick["retry:503-forever"]
    assert case.fake is not None and case.store is not None
    _failed_with_one_line(case, f"{case.fake.base}/store", "HTTP 503", "after 4 attempts")
    assert len(case.store.put_times) == 4
    assert case.store.counts() == {}
    assert sum(_gaps(case.store.put_times)) < 6, case.store.put_times
    assert case.elapsed < 20, f"took {case.elapsed:.1f} s"


# --------------------------------------------------------------------------- 6. slow server


def test_slow_server_load_times_out(sick: dict[str, Case]) -> None:
    """A server that accepts and never answers, with ``--timeout 1``: exit 1, one line naming
    the URL and saying it timed out at the limit. The limit bounds each request with its
    retries, so the PUT went out once, and no retry began after the limit had passed."""
    case = sick["slow:load"]
    assert case.fake is not None
    _failed_with_one_line(case, f"{case.fake.base}/store", "timed out (time limit 1 s)")
    assert len(case.fake.methods("PUT")) == 1
    assert case.elapsed < 15, f"took {case.elapsed:.1f} s"


def test_slow_server_query_times_out(sick: dict[str, Case]) -> None:
    """The same server, a query with ``--timeout 1``: one line naming the URL and the limit."""
    case = sick["slow:query"]
    line = _failed_with_one_line(case, case.url)
    assert "time limit" in line or "timed out" in line, line
    assert case.elapsed < 15, f"took {case.elapsed:.1f} s"


# =========================================================================== 7. wrong endpoint

HTML_PAGE = "<!DOCTYPE html><html><head><title>Welcome</title></head><body><h1>Hello</h1></body></html>"


def test_html_page_is_not_a_sparql_endpoint() -> None:
    """A web page answering 200 with HTML: a query and a load each fail with one line saying
    the URL is not a SPARQL endpoint."""
    with FakeServer(lambda request: Reply(200, HTML_PAGE, "text/html; charset=utf-8")) as fake:
        done = run_dlkg("query", "python-on-android", "--store", fake.url("/sparql"))
        loaded = run_dlkg("load", "--into", fake.url("/query"))
    assert done.returncode == 1
    line = one_error_line(done.stderr)
    assert "not a SPARQL endpoint" in line and fake.url("/sparql") in line and "HTML" in line, line
    assert loaded.returncode == 1
    line = one_error_line(loaded.stderr)
    assert "not a SPARQL endpoint" in line and fake.url("/query") in line, line


@pytest.mark.parametrize("content_type, body", [pytest.param("text/plain", "hello world", id="text"),
                                                 pytest.param("application/json", '{"hello": 1}', id="json")])
def test_non_sparql_answer_is_named(content_type: str, body: str) -> None:
    """A 200 answer that is not SPARQL results (plain text, some JSON) names the endpoint as
    not a SPARQL endpoint, rather than as a cut-short answer."""
    with FakeServer(lambda request: Reply(200, body, content_type)) as fake:
        done = run_dlkg("query", "python-on-android", "--store", fake.url("/sparql"))
    assert done.returncode == 1
    line = one_error_line(done.stderr)
    assert "not a SPARQL endpoint" in line and fake.url("/sparql") in line, line


def test_404_is_named() -> None:
    """A 404: the query names it (not a SPARQL endpoint, 404), the load names the 404 of the
    Graph Store URL, and does not retry it."""
    with FakeServer(lambda request: Reply(404, "no such page")) as fake:
        done = run_dlkg("query", "python-on-android", "--store", fake.url("/sparql"))
        loaded = run_dlkg("load", "--into", fake.url("/query"))
    assert done.returncode == 1
    line = one_error_line(done.stderr)
    assert "404" in line and "not a SPARQL endpoint" in line and fake.url("/sparql") in line, line
    assert loaded.returncode == 1
    line = one_error_line(loaded.stderr)
    assert "404" in line and fake.url("/store") in line, line
    assert len(fake.methods("PUT")) == 1, "a 404 is not retried"


# =========================================================================== 8. loading twice


def test_loading_twice_gives_same_count_and_digest(target: StoreTarget, packaged_digests: dict[str, str]) -> None:
    """Loading the packaged graph twice (replace) leaves the same triples each time: the
    counts and digests equal those of the packaged graph, and no staging graph is left."""
    for _ in range(2):
        _load_packaged(target)
        with target.opened() as store:
            for graph, count in PACKAGED_COUNTS.items():
                assert store.count(graph) == count, graph
                assert graph_digest(store.graph_triples(graph)) == packaged_digests[graph], graph
    assert target.staging_graphs() == []
