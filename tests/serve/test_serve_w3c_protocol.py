"""The W3C SPARQL 1.1 Protocol tests (rdf-tests ``sparql/sparql11/protocol/manifest.ttl``) run
against ``dlkg serve``, request by request, over plain HTTP.

The suite is read from ``../shared/w3c/`` beside the checkout (see that folder's README); where
it is absent the tests skip with one line saying where to get it, except in CI (``CI`` or
``DLKG_REQUIRE_SERVERS`` set), where that is a failure. The tests' data (data1.nt, data2.nt,
data3.nt) is served from an in-memory store, each file in the named graph the manifest gives it.

The server is read-only, so the update tests that expect an update to succeed are expected
to be refused (403) instead: they are listed in ``KNOWN_FAILURES`` with the reason, and the
test checks that they are refused. Pass counts go to ``test-artifacts/w3c-protocol.txt`` and
to the end of the pytest report.
"""

from __future__ import annotations

import csv
import http.client
import io
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from serve_support import ARTIFACTS, ROOT, live_server, skip_or_fail

from dlkg.stores import MemoryStore

SUITE = ROOT.parent / "shared" / "w3c" / "rdf-tests" / "sparql" / "sparql11" / "protocol"
MANIFEST = SUITE / "manifest.ttl"
WHERE = ("the W3C SPARQL 1.1 Protocol tests are not at ../shared/w3c/rdf-tests/sparql/sparql11/protocol/: "
         "clone https://github.com/w3c/rdf-tests (commit ad541a5) there, see ../shared/w3c/README.md")

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
HTS = rdflib.Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

_READ_ONLY = "dlkg serve is read-only: SPARQL Update is refused with 403"
#: Tests this server does not pass, each with the reason (all by design).
KNOWN_FAILURES = {name: _READ_ONLY for name in (
    "update_dataset_default_graph", "update_dataset_default_graphs", "update_dataset_named_graphs",
    "update_dataset_full", "update_post_form", "update_post_direct", "update_base_uri")}

RESULT_TYPES = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
                "application/json": ox.QueryResultsFormat.JSON,
                "application/sparql-results+xml": ox.QueryResultsFormat.XML,
                "application/xml": ox.QueryResultsFormat.XML, "text/xml": ox.QueryResultsFormat.XML,
                "text/tab-separated-values": ox.QueryResultsFormat.TSV}
RDF_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml",
             "application/ld+json": "json-ld", "text/plain": "nt"}


@dataclass
class Request:
    method: str
    path: str
    headers: list[tuple[str, str]]
    body: bytes | None
    statuses: set[int]  # acceptable status classes: 2, 3, 4, 5
    format: str | None
    boolean: bool | None


@dataclass
class ProtocolTest:
    name: str
    title: str
    graphs: list[tuple[Path, str]] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)


def _items(graph: rdflib.Graph, head) -> list:
    return list(rdflib.collection.Collection(graph, head)) if head is not None else []


def load_manifest() -> list[ProtocolTest]:
    graph = rdflib.Graph().parse(MANIFEST, format="turtle", publicID=MANIFEST.as_uri())
    manifest = next(graph.subjects(rdflib.RDF.type, MF.Manifest))
    tests = []
    for entry in _items(graph, graph.value(manifest, MF.entries)):
        test = ProtocolTest(name=str(entry).rsplit("#", 1)[-1], title=str(graph.value(entry, MF.name)))
        for data in graph.objects(entry, UT.graphData):
            file = Path(str(graph.value(data, UT.graph)).removeprefix("file://"))
            test.graphs.append((file, str(graph.value(data, rdflib.RDFS.label))))
        action = graph.value(entry, MF.action)
        for node in _items(graph, graph.value(action, HT.requests)):
            body_node = graph.value(node, HT.body)
            body = None
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding)
            headers = [(str(graph.value(h, HT.fieldName)), str(graph.value(h, HT.fieldValue)))
                       for h in _items(graph, graph.value(node, HT.headers))]
            response = graph.value(node, HT.resp)
            statuses = {int(str(s).rsplit("StatusCode", 1)[-1][0]) for s in graph.objects(response, MF.expectedStatus)}
            expected_boolean = graph.value(response, MF.expectedBoolean)
            expected_format = graph.value(response, MF.expectedFormat)
            test.requests.append(Request(
                method=str(graph.value(node, HT.methodName)), path=str(graph.value(node, HT.absolutePath)),
                headers=headers, body=body, statuses=statuses,
                format=str(expected_format) if expected_format is not None else None,
                boolean=bool(expected_boolean.toPython()) if expected_boolean is not None else None))
        tests.append(test)
    return tests


TESTS = load_manifest() if MANIFEST.is_file() else []
RESULTS: dict[str, str] = {}  # test name -> "pass", "known: reason" or "FAIL: why"


def check_body(request: Request, content_type: str, body: bytes) -> str:
    """Why the body does not meet the expectation ('' when it does)."""
    media = content_type.split(";")[0].strip().lower()
    if request.format in ("boolean", "tabular"):
        if request.format == "boolean" and (media not in RESULT_TYPES or media == "text/tab-separated-values"):
            return f"not a boolean result format (JSON or XML): {media}"
        if media == "text/csv":
            rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
            return "" if rows and rows[0] else "empty CSV"
        if media not in RESULT_TYPES:
            return f"not a results format: {media}"
        parsed = ox.parse_query_results(body, format=RESULT_TYPES[media])
        if request.format == "boolean":
            if not isinstance(parsed, ox.QueryBoolean):
                return "not a boolean result"
            if request.boolean is not None and bool(parsed) != request.boolean:
                return f"answered {bool(parsed)}, expected {request.boolean}"
        elif not isinstance(parsed, ox.QuerySolutions):
            return "not a table of solutions"
        else:
            list(parsed)
    elif request.format == "RDF":
        if media not in RDF_TYPES:
            return f"not an RDF format: {media}"
        rdflib.Graph().parse(data=body, format=RDF_TYPES[media])
    return ""


@pytest.fixture(scope="module")
def protocol_server():
    if not MANIFEST.is_file():
        skip_or_fail(WHERE)
    files = {}
    for test in TESTS:
        for path, graph in test.graphs:
            files[graph] = path
    store = MemoryStore(files=[(path, ox.NamedNode(graph)) for graph, path in sorted(files.items())])
    with live_server(store) as running:
        yield running


def send(server, request: Request) -> tuple[int, str, bytes]:
    path = request.path
    if path.startswith("/sparql/"):  # the manifest's endpoint path, mapped onto ours
        path = "/sparql" + path[len("/sparql/"):]
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.putrequest(request.method, path, skip_accept_encoding=True)
        for name, value in request.headers:
            connection.putheader(name, value)
        if request.body is not None:
            connection.putheader("Content-Length", str(len(request.body)))
        connection.endheaders(request.body)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


@pytest.mark.skipif(not TESTS, reason="(no suite: see test_suite_is_present)")
@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_w3c_protocol(protocol_server, test: ProtocolTest):
    if test.name in KNOWN_FAILURES:
        status, _, body = send(protocol_server, test.requests[0])
        assert status == 403, f"an update should be refused (403), got {status}: {body[:200]!r}"
        RESULTS[test.name] = f"known: {KNOWN_FAILURES[test.name]}"
        return
    for number, request in enumerate(test.requests, 1):
        status, content_type, body = send(protocol_server, request)
        if status // 100 not in request.statuses:
            RESULTS[test.name] = f"FAIL: request {number} got {status}"
            pytest.fail(f"{test.title}: request {number} ({request.method} {request.path[:80]}) got {status}, "
                        f"expected {sorted(request.statuses)}xx: {body[:300]!r}")
        problem = check_body(request, content_type, body) if status // 100 == 2 else ""
        if problem:
            RESULTS[test.name] = f"FAIL: request {number}: {problem}"
            pytest.fail(f"{test.title}: request {number}: {problem}")
    RESULTS[test.name] = "pass"


KASEI = "http://kasei.us/2009/09/sparql/data/"


@pytest.mark.skipif(not TESTS, reason="(no suite: see test_suite_is_present)")
def test_protocol_dataset_replaces_the_default(protocol_server):
    """Beyond the suite: the dataset parameters really narrow the dataset, and override FROM."""
    import httpx

    def ask(query: str, **params) -> bool:
        response = httpx.get(f"{protocol_server.url}/sparql", params={"query": query, **params})
        assert response.status_code == 200, response.text
        return response.json()["boolean"]

    about = "ASK {{ <" + KASEI + "{0}.rdf> a ?type }}"
    assert ask(about.format("data1")) and ask(about.format("data2"))  # no dataset: the union
    assert ask(about.format("data1"), **{"default-graph-uri": KASEI + "data1.rdf"})
    assert not ask(about.format("data2"), **{"default-graph-uri": KASEI + "data1.rdf"})
    # Only named graphs given: the default graph is empty, GRAPH reaches just those.
    assert not ask("ASK { ?s ?p ?o }", **{"named-graph-uri": KASEI + "data1.rdf"})
    assert ask("ASK { GRAPH <" + KASEI + "data1.rdf> { ?s ?p ?o } }", **{"named-graph-uri": KASEI + "data1.rdf"})
    assert not ask("ASK { GRAPH <" + KASEI + "data2.rdf> { ?s ?p ?o } }", **{"named-graph-uri": KASEI + "data1.rdf"})
    # FROM picks the default graph, unless the protocol names a dataset.
    from_three = "ASK FROM <" + KASEI + "data3.rdf> { <" + KASEI + "data3.rdf> a ?type }"
    assert ask(from_three)
    assert not ask(from_three, **{"named-graph-uri": KASEI + "data1.rdf"})


def test_suite_is_present():
    """One line saying where to get the suite when it is not there (a failure in CI)."""
    if not MANIFEST.is_file():
        skip_or_fail(WHERE)
    assert len(TESTS) == 34


def summary() -> list[str]:
    """Pass counts for the report (written to test-artifacts/w3c-protocol.txt)."""
    if not RESULTS:
        return []
    passed = sum(1 for r in RESULTS.values() if r == "pass")
    known = sorted(n for n, r in RESULTS.items() if r.startswith("known"))
    failed = sorted(n for n, r in RESULTS.items() if r.startswith("FAIL"))
    lines = [f"W3C SPARQL 1.1 Protocol tests against dlkg serve: {passed} passed, {len(failed)} failed, "
             f"{len(known)} known failures (refused as expected), of {len(TESTS)}"]
    lines += [f"  known failure {name}: {KNOWN_FAILURES[name]}" for name in known]
    lines += [f"  FAILED {name}: {RESULTS[name]}" for name in failed]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "w3c-protocol.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines
