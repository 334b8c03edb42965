"""The server's guards: read-only, Host and Origin checks, CORS on /sparql only, body cap, rate
limit, query checks and limits, and that it keeps serving after hostile requests."""

from __future__ import annotations

import multiprocessing
import os
import socket
import time

import httpx
import pytest
from serve_support import live_server

ASK = {"query": "ASK {}"}


def healthy(url: str) -> bool:
    response = httpx.get(f"{url}/sparql", params=ASK, timeout=10)
    return response.status_code == 200 and response.json()["boolean"] is True


# -- Host and Origin --------------------------------------------------------------------------

@pytest.mark.parametrize("host, status", [("evil.example:{port}", 400), ("evil.example", 400), ("127.0.0.2:{port}", 400),
                                          ("localhost:{port}", 200), ("127.0.0.1:{port}", 200), ("[::1]:{port}", 200)])
def test_only_loopback_host_names_are_answered(base_url, host, status):
    """A DNS-rebinding page reaches the server under its own host name: refused."""
    port = base_url.rsplit(":", 1)[1]
    response = httpx.get(f"{base_url}/sparql", params=ASK, headers={"Host": host.format(port=port)})
    assert response.status_code == status


def test_configured_host_names(memory_store):
    with live_server(memory_store, allowed_hosts=["kg.example.org", "*.mirror.example"]) as running:
        ok = httpx.get(f"{running.url}/sparql", params=ASK, headers={"Host": "kg.example.org"})
        mirror = httpx.get(f"{running.url}/sparql", params=ASK, headers={"Host": "eu.mirror.example"})
        loopback = httpx.get(f"{running.url}/sparql", params=ASK)
        assert (ok.status_code, mirror.status_code, loopback.status_code) == (200, 200, 400)


def test_cross_site_post_of_a_query_is_allowed(base_url):
    """Queries are read-only: a page of any site may POST one (YASGUI does) and read the answer;
    an update stays refused whoever sends it (issue 13, item 9: it was 403)."""
    for origin in ("https://yasgui.example", "null", base_url):
        response = httpx.post(f"{base_url}/sparql", data=ASK, headers={"Origin": origin})
        assert response.status_code == 200 and response.json()["boolean"] is True, origin
        assert response.headers["access-control-allow-origin"] == "*"
    update = httpx.post(f"{base_url}/sparql", data={"update": "CLEAR ALL"}, headers={"Origin": "https://evil.example"})
    assert update.status_code == 403 and "read-only" in update.text
    preflight = httpx.options(f"{base_url}/sparql", headers={"Origin": "https://yasgui.example",
                                                             "Access-Control-Request-Method": "POST",
                                                             "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["access-control-allow-methods"].split(", ")
    assert "Content-Type" in preflight.headers["access-control-allow-headers"]


def test_cross_site_get_is_allowed_with_cors(base_url):
    response = httpx.get(f"{base_url}/sparql", params=ASK, headers={"Origin": "https://yasgui.example"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize("path", ["/resource/Caffe", "/data/Caffe.ttl", "/data/Caffe", "/ontology", "/ontology.nt",
                                  "/ontology/1.0.0/context.jsonld", "/graph/data.ttl", "/sparql?query=ASK%7B%7D"])
def test_cors_on_read_only_documents(base_url, path):
    """Browser tools read linked data cross-site (item 9: no CORS on /resource, /data)."""
    response = httpx.get(f"{base_url}{path}", headers={"Origin": "https://tool.example", "Accept": "text/turtle, */*;q=0.1"})
    assert response.status_code in (200, 303)
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = httpx.options(f"{base_url}{path.split('?')[0]}",
                              headers={"Origin": "https://tool.example", "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 204 and "GET" in preflight.headers["access-control-allow-methods"]


def test_no_cors_on_pages(base_url):
    for path in ("/", "/page/Caffe", "/editor", "/static/dlkg.css"):
        response = httpx.get(f"{base_url}{path}", headers={"Origin": "https://yasgui.example"})
        assert "access-control-allow-origin" not in response.headers, path


def test_security_headers(base_url):
    page = httpx.get(f"{base_url}/")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in page.headers["content-security-policy"]


# -- body cap and rate limit --------------------------------------------------------------------

def test_body_over_the_cap_is_413(strict_server):
    big = "ASK {}" + " " * 5000
    announced = httpx.post(f"{strict_server.url}/sparql", content=big.encode(),
                           headers={"Content-Type": "application/sparql-query"})
    assert announced.status_code == 413 and "4,096 bytes" in announced.text

    def chunks():
        for _ in range(10):
            yield b" " * 1000

    streamed = httpx.post(f"{strict_server.url}/sparql", content=chunks(),
                          headers={"Content-Type": "application/sparql-query"})
    assert streamed.status_code == 413
    assert healthy(strict_server.url)


def test_rate_limit_answers_429_with_retry_after(memory_store):
    with live_server(memory_store, rate_limit=(5, 60.0)) as running:
        statuses = [httpx.get(f"{running.url}/sparql", params=ASK).status_code for _ in range(5)]
        assert statuses == [200] * 5
        limited = httpx.get(f"{running.url}/sparql", params=ASK)
        assert limited.status_code == 429
        assert int(limited.headers["retry-after"]) >= 1
        assert "too many requests" in limited.text
        # Static assets are not counted: a page's CSS still loads.
        assert httpx.get(f"{running.url}/static/dlkg.css").status_code == 200


# -- query checks and limits --------------------------------------------------------------------

@pytest.mark.parametrize("query, message", [
    ("SELECT * WHERE " + "{ " * 100 + "?s ?p ?o" + " }" * 100, "nests deeper than 64"),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE is refused"),
    ("SELECT * FROM <http://example.org/remote.ttl> WHERE { ?s ?p ?o }", "FROM <http://example.org/remote.ttl> is refused"),
    ("ASK {}" + " " * 100_001, "the limit is 100,000"),
    ("LOAD <http://example.org/x.ttl>", "is an update"),
], ids=["nesting", "service", "from", "length", "load"])
def test_guard_refuses(base_url, query, message):
    response = httpx.post(f"{base_url}/sparql", content=query.encode(),
                          headers={"Content-Type": "application/sparql-query"})
    assert response.status_code in (400, 403)
    assert message in response.text


def test_timeout_kills_and_replaces_the_worker(strict_server):
    executor = strict_server.app.state.server.executor
    before = set(executor.worker_pids)
    assert len(before) == 3
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    started = time.monotonic()
    response = httpx.post(f"{strict_server.url}/sparql", data={"query": slow}, timeout=30)
    assert response.status_code == 503 and "time limit of 2 s" in response.text
    assert time.monotonic() - started < 8
    deadline = time.monotonic() + 10
    while len(executor.worker_pids) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)  # the replacement is forked by the pool's own thread
    after = set(executor.worker_pids)
    assert len(after) == 3 and len(before - after) == 1  # one worker killed, one new in its place
    (killed,) = before - after
    with pytest.raises(ProcessLookupError):
        os.kill(killed, 0)  # killed and reaped, not left as a zombie
    assert multiprocessing.active_children() == []
    # The next query answers, from the pool as it is now (Table 14.1: Caffe has a Python interface).
    answer = httpx.get(f"{strict_server.url}/sparql", timeout=10, params={
        "query": "ASK { <https://w3id.org/dlkg/resource/Caffe> <https://w3id.org/dlkg/ontology#hasInterface> "
                 "<https://w3id.org/dlkg/resource/Python> }"}, headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200 and answer.json()["boolean"] is True


def test_concurrent_slow_queries_do_not_block_others(strict_server):
    """Another client's two slow queries (from 127.0.0.2) leave a worker for this one."""
    import concurrent.futures

    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    other = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=30)
    with other, concurrent.futures.ThreadPoolExecutor(3) as pool:
        futures = [pool.submit(other.get, f"{strict_server.url}/sparql", params={"query": slow})
                   for _ in range(2)]
        time.sleep(0.3)
        started = time.monotonic()
        assert healthy(strict_server.url)
        assert time.monotonic() - started < 1.5
        assert [f.result().status_code for f in futures] == [503, 503]


# -- hostile requests -----------------------------------------------------------------------------

def raw(url: str, payload: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as conn:
        conn.sendall(payload)
        chunks = []
        try:
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                chunks.append(data)
        except (TimeoutError, ConnectionResetError):
            pass
    return b"".join(chunks)


def test_keeps_serving_after_hostile_requests(base_url):
    port = base_url.rsplit(":", 1)[1]
    assert raw(base_url, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n").startswith((b"HTTP/1.1 400", b""))
    assert raw(base_url, b"GET /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n")[:12] \
        in (b"HTTP/1.1 400", b"HTTP/1.1 431", b"")
    assert raw(base_url, f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: abc\r\n\r\n".encode())[:12] \
        in (b"HTTP/1.1 400", b"")
    half = raw(base_url, f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/sparql-query\r\n"
                         f"Content-Length: 100\r\nConnection: close\r\n\r\nASK".encode())
    assert half == b"" or half.startswith(b"HTTP/1.1")
    deep = "ASK " + "{" * 20_000 + "}" * 20_000
    assert httpx.post(f"{base_url}/sparql", content=deep.encode(),
                      headers={"Content-Type": "application/sparql-query"}).status_code == 400
    assert httpx.get(f"{base_url}/resource/" + "%00" * 10).status_code in (400, 404)
    assert httpx.get(f"{base_url}/page/../../etc/passwd").status_code == 404
    assert httpx.get(f"{base_url}/docs/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert healthy(base_url)
