"""Bounded remote I/O (``dlkg/stores/http.py``), against small loopback servers written for
these tests (``tests/support/loopback.py``) and a real Oxigraph server behind an auth proxy:

- a 2 GB answer is refused (exit 1, one line) with the client's peak memory under 300 MB,
  for a query and for the Graph Store read-back of a load; the real 1 GiB default cap;
- ``--timeout 5`` ends an answer that trickles in a byte every 2 s within 7 s;
- a store demanding HTTP Basic, and one demanding Digest (in a realm other than Virtuoso's):
  ``dlkg load`` and ``dlkg query`` both pass with DLKG_STORE_USER / DLKG_STORE_PASSWORD.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dlkg.errors import UsageError
from dlkg.stores.http import max_response_bytes
from tests.conftest import ROOT
from tests.faults.conftest import one_error_line
from tests.support.loopback import GIB, AuthProxy, huge_answer, trickle
from tests.support.servers import oxigraph_server, require_server

#: The flagship query's answer on the packaged graph (column "name"), worked out by hand from
#: data/frameworks.ttl: the frameworks with a Python interface that run on Android.
FLAGSHIP = ["Deeplearning4j", "MXNet"]
USER, PASSWORD = "reader", "s3cret pass"
MAX_RSS_BYTES = 300 * 1024**2


@pytest.fixture(autouse=True)
def _hermetic(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DLKG_STORE_USER", "DLKG_STORE_PASSWORD", "DLKG_MAX_RESPONSE_BYTES", "http_proxy", "HTTP_PROXY",
                 "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


def _dlkg(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess, float]:
    """Run ``dlkg ARGS``; the finished process and the wall-clock seconds it took."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "dlkg", *args], cwd=ROOT, text=True, capture_output=True,
                          env={**os.environ, **(env or {})}, timeout=300)
    return done, time.monotonic() - started


def _in_fresh_process(code: str) -> tuple[subprocess.CompletedProcess, int]:
    """Run the measuring step in its own interpreter, so RUSAGE_CHILDREN sees only that child."""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, text=True, capture_output=True, timeout=400,
                          env=os.environ.copy())
    assert done.returncode == 0, done.stderr
    returncode, peak, stderr = done.stdout.split("\n", 2)
    return subprocess.CompletedProcess([], int(returncode), "", stderr), int(peak)


_MEASURE = """
import os, resource, subprocess, sys
proc = subprocess.run([sys.executable, "-m", "dlkg", *{args!r}], capture_output=True, text=True,
                      env={{**os.environ, **{env!r}}}, timeout=300)
print(proc.returncode)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)
print(proc.stderr, end="")
"""


def _measured(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess, int]:
    """``dlkg ARGS`` as a grandchild; its exit code, stderr and peak RSS alone."""
    return _in_fresh_process(_MEASURE.format(args=list(args), env=env or {}))


@pytest.fixture(scope="module")
def oxigraph_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_server("oxigraph")
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph"), in_memory=True) as server:
        yield server.base_url


# --------------------------------------------------------------------------- size cap


def test_a_2gb_query_answer_is_refused_under_300mb() -> None:
    """A store answering 2 GB of SPARQL JSON (chunked, generated as it goes): the query exits
    1 with one line naming the URL and the 1 GiB cap, and never held the answer in memory."""
    with huge_answer(2 * GIB) as base:
        done, peak = _measured("query", "python-on-android", "--store", f"{base}/sparql")
    assert done.returncode == 1, done.stderr
    line = one_error_line(done.stderr)
    assert f"{base}/sparql" in line and "larger than 1 GiB" in line and "DLKG_MAX_RESPONSE_BYTES" in line, line
    assert peak < MAX_RSS_BYTES, f"peak RSS {peak / 1024**2:.0f} MB"


def test_a_2gb_graph_store_read_back_is_refused_under_300mb(oxigraph_url: str, tmp_path: Path) -> None:
    """``dlkg load`` into a store whose Graph Store GET of the loaded graph (the read-back)
    answers 2 GB: exit 1, one line naming the Graph Store URL and the cap, peak RSS under
    300 MB. The write itself went through to the real server (behind the proxy)."""
    graph = "http://example.org/graph/huge-read-back"
    small = tmp_path / "small.nt"
    small.write_text('<http://e/s> <http://e/p> "one" .\n<http://e/s> <http://e/p> "two" .\n', encoding="utf-8")
    with AuthProxy(oxigraph_url, scheme="basic", user=USER, password=PASSWORD, huge_graph=graph) as proxy:
        done, peak = _measured("load", str(small), "--graph", graph, "--into", f"{proxy.url}/query",
                               env={"DLKG_STORE_USER": USER, "DLKG_STORE_PASSWORD": PASSWORD})
    assert done.returncode == 1, done.stderr
    line = one_error_line(done.stderr)
    assert "Graph Store GET" in line and f"{proxy.url}/store" in line and "larger than 1 GiB" in line, line
    assert peak < MAX_RSS_BYTES, f"peak RSS {peak / 1024**2:.0f} MB"


def test_the_cap_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert max_response_bytes() == 1024**3
    monkeypatch.setenv("DLKG_MAX_RESPONSE_BYTES", "5000")
    assert max_response_bytes() == 5000
    monkeypatch.setenv("DLKG_MAX_RESPONSE_BYTES", "lots")
    with pytest.raises(UsageError, match="DLKG_MAX_RESPONSE_BYTES must be a positive whole number"):
        max_response_bytes()


def test_a_bad_cap_is_one_line_exit_2() -> None:
    with huge_answer(10) as base:
        done, _ = _dlkg("query", "python-on-android", "--store", f"{base}/sparql",
                           env={"DLKG_MAX_RESPONSE_BYTES": "-1"})
    assert done.returncode == 2, done.stderr
    assert "DLKG_MAX_RESPONSE_BYTES" in one_error_line(done.stderr)


# --------------------------------------------------------------------------- deadline


def test_timeout_ends_a_trickling_answer() -> None:
    """A store sending its answer a byte every 2 s (status line included): ``--timeout 5``
    ends the query within 7 s, retries and all, exit 1 with one line naming the limit."""
    answer = (b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nContent-Length: 60\r\n\r\n"
              b'{"head":{"vars":["f"]},"results":{"bindings":[]}}         ')
    with trickle(answer, every=2.0) as base:
        done, elapsed = _dlkg("query", "python-on-android", "--store", f"{base}/sparql", "--timeout", "5")
    assert done.returncode == 1, done.stderr
    line = one_error_line(done.stderr)
    assert f"{base}/sparql" in line and "time limit of 5 s" in line, line
    assert elapsed < 7, f"took {elapsed:.1f} s"


# --------------------------------------------------------------------------- credentials


@pytest.mark.parametrize("scheme", ["basic", "digest"])
def test_load_and_query_answer_basic_and_digest(oxigraph_url: str, scheme: str) -> None:
    """A store behind a proxy demanding ``scheme``: without credentials a query is refused
    (exit 1, one line); with DLKG_STORE_USER / DLKG_STORE_PASSWORD, ``dlkg load`` of the
    packaged graph is verified and the flagship query answers Deeplearning4j and MXNet, every
    request having passed the proxy's check."""
    env = {"DLKG_STORE_USER": USER, "DLKG_STORE_PASSWORD": PASSWORD}
    with AuthProxy(oxigraph_url, scheme=scheme, user=USER, password=PASSWORD) as proxy:
        url = f"{proxy.url}/query"
        refused, _ = _dlkg("query", "python-on-android", "--store", url)
        loaded, _ = _dlkg("load", "--into", url, env=env)
        answered, _ = _dlkg("query", "python-on-android", "--store", url, "--format", "csv", env=env)
        wrong, _ = _dlkg("query", "python-on-android", "--store", url,
                            env={"DLKG_STORE_USER": USER, "DLKG_STORE_PASSWORD": "wrong"})
    assert refused.returncode == 1 and "refused the credentials (401)" in one_error_line(refused.stderr)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.count("read-back: verified") == 3, loaded.stdout  # ontology, data, current view
    assert answered.returncode == 0, answered.stderr
    assert [row.split(",")[1] for row in answered.stdout.splitlines()[1:]] == FLAGSHIP, answered.stdout
    assert wrong.returncode == 1 and "refused the credentials (401)" in one_error_line(wrong.stderr)
    assert proxy.authenticated and set(proxy.authenticated) == {scheme}
