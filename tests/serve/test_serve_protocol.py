"""The SPARQL 1.1 Protocol at /sparql, through SPARQLWrapper and plain HTTP, against a running server.

Expected answers come from the data (data/frameworks.ttl) or from the library's own run of
the same query (``run_canned``, what ``dlkg query`` prints), never from the server itself.
"""

from __future__ import annotations

import io
import subprocess
import sys
import time
import urllib.error

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from serve_support import DLKG, RES, ROOT
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, POSTDIRECTLY, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from dlkg.catalogue import Catalogue
from dlkg.query import bind_parameters, run_canned
from dlkg.sparql import bind_values

PREFIXES = f"PREFIX dlkg: <{DLKG}>\nPREFIX res: <{RES}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
ON_IOS = PREFIXES + "SELECT ?f WHERE { ?f dlkg:runsOn res:iOS }"
CAFFE_DEVELOPER = PREFIXES + "CONSTRUCT { res:Caffe dlkg:developedBy ?d } WHERE { res:Caffe dlkg:developedBy ?d }"
RDF_FORMATS = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
               "application/rdf+xml": "xml"}


def wrapper(base_url: str, query: str, fmt=JSON, method=None) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{base_url}/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    if method is not None:
        client.setMethod(POST)
        if method == POSTDIRECTLY:
            client.setRequestMethod(POSTDIRECTLY)
    return client


def json_rows(answer: dict) -> list[tuple]:
    names = answer["head"]["vars"]
    return [tuple((b[n]["type"], b[n]["value"], b[n].get("xml:lang"), b[n].get("datatype")) if n in b else None
                  for n in names) for b in answer["results"]["bindings"]]


def library_rows(result) -> list[tuple]:
    out = []
    for row in result.rows:
        cells = []
        for term in row:
            if term is None:
                cells.append(None)
            elif isinstance(term, ox.NamedNode):
                cells.append(("uri", term.value, None, None))
            elif isinstance(term, ox.BlankNode):
                cells.append(("bnode", term.value, None, None))
            else:
                datatype = term.datatype.value
                plain = term.language or datatype == "http://www.w3.org/2001/XMLSchema#string"
                cells.append(("literal", term.value, term.language, None if plain else datatype))
        out.append(tuple(cells))
    return out


# -- the same answers as dlkg query ----------------------------------------------------------

@pytest.mark.parametrize("name", Catalogue().names())
def test_every_canned_query_answers_as_dlkg_query(base_url, memory_store, name):
    """SPARQLWrapper gets exactly the rows run_canned gives (bindings, order, terms)."""
    query = Catalogue().get(name)
    text = bind_values(query.text, bind_parameters(query, {}))
    answer = wrapper(base_url, text, JSON).queryAndConvert()
    expected = run_canned(name, store=memory_store)
    assert answer["head"]["vars"] == list(expected.variables)
    assert json_rows(answer) == library_rows(expected)


def test_csv_bytes_equal_the_command_line(base_url):
    """``dlkg query python-on-android --format csv`` and the endpoint's CSV are the same bytes."""
    cli = subprocess.run([sys.executable, "-m", "dlkg", "query", "python-on-android", "--format", "csv"],
                         capture_output=True, cwd=ROOT, timeout=120, check=True).stdout
    query = Catalogue().get("python-on-android").text
    served = httpx.get(f"{base_url}/sparql", params={"query": query}, headers={"Accept": "text/csv"}).content
    assert served == cli
    assert b"Deeplearning4j" in served and b"MXNet" in served


# -- methods ------------------------------------------------------------------------------------

@pytest.mark.parametrize("method", [None, POST, POSTDIRECTLY], ids=["GET", "POST-form", "POST-direct"])
def test_each_method(base_url, method):
    answer = wrapper(base_url, ON_IOS, JSON, method).queryAndConvert()
    assert sorted(b["f"]["value"] for b in answer["results"]["bindings"]) == [RES + "MXNet", RES + "Torch"]


def test_post_form_and_direct_with_plain_http(base_url):
    form = httpx.post(f"{base_url}/sparql", data={"query": ON_IOS})
    direct = httpx.post(f"{base_url}/sparql", content=ON_IOS.encode(),
                        headers={"Content-Type": "application/sparql-query"})
    get = httpx.get(f"{base_url}/sparql", params={"query": ON_IOS})
    assert form.status_code == direct.status_code == get.status_code == 200
    assert form.json() == direct.json() == get.json()


# -- result formats -------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, media", [(JSON, "application/sparql-results+json"),
                                        (XML, "application/sparql-results+xml"),
                                        (CSV, "text/csv"), (TSV, "text/tab-separated-values")])
def test_select_in_each_format(base_url, fmt, media):
    answer = wrapper(base_url, ON_IOS, fmt).query()
    assert answer.response.headers["Content-Type"].startswith(media)
    body = answer.response.read()
    if fmt == CSV:  # lossy by design: plain values, no term types (Oxigraph does not read it back)
        import csv

        assert list(csv.reader(io.StringIO(body.decode()))) == [["f"], [RES + "MXNet"], [RES + "Torch"]]
        return
    kind = {JSON: ox.QueryResultsFormat.JSON, XML: ox.QueryResultsFormat.XML, TSV: ox.QueryResultsFormat.TSV}[fmt]
    solutions = ox.parse_query_results(body, format=kind)
    assert sorted(s["f"].value for s in solutions) == [RES + "MXNet", RES + "Torch"]


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_ask_in_each_format(base_url, fmt):
    yes = wrapper(base_url, PREFIXES + "ASK { res:PyTorch dlkg:runsOn res:Linux }", fmt).queryAndConvert()
    no = wrapper(base_url, PREFIXES + "ASK { res:PyTorch dlkg:runsOn res:Windows }", fmt).queryAndConvert()
    if fmt == JSON:
        assert yes["boolean"] is True and no["boolean"] is False
    else:
        ns = "{http://www.w3.org/2005/sparql-results#}boolean"
        assert yes.getElementsByTagName("boolean")[0].firstChild.data == "true", ns
        assert no.getElementsByTagName("boolean")[0].firstChild.data == "false"


@pytest.mark.parametrize("media", list(RDF_FORMATS))
@pytest.mark.parametrize("query", [CAFFE_DEVELOPER, PREFIXES + "DESCRIBE res:BVLC"], ids=["CONSTRUCT", "DESCRIBE"])
def test_graph_results_in_each_format(base_url, media, query):
    response = httpx.post(f"{base_url}/sparql", data={"query": query}, headers={"Accept": media})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    graph = rdflib.Graph().parse(data=response.content, format=RDF_FORMATS[media])
    caffe, bvlc = rdflib.URIRef(RES + "Caffe"), rdflib.URIRef(RES + "BVLC")
    if "CONSTRUCT" in query:
        assert set(graph) == {(caffe, rdflib.URIRef(DLKG + "developedBy"), bvlc)}
    else:
        assert (bvlc, rdflib.RDFS.label, rdflib.Literal("BVLC", lang="en")) in graph


@pytest.mark.parametrize("fmt, rdflib_format", [(TURTLE, "turtle"), (XML, "xml"), (JSONLD, "json-ld")])
def test_sparqlwrapper_construct_formats(base_url, fmt, rdflib_format):
    """SPARQLWrapper's own Accept headers for CONSTRUCT (RDF/XML is its default)."""
    answer = wrapper(base_url, CAFFE_DEVELOPER, fmt).query()
    graph = rdflib.Graph().parse(data=answer.response.read(), format=rdflib_format)
    assert (rdflib.URIRef(RES + "Caffe"), rdflib.URIRef(DLKG + "developedBy"), rdflib.URIRef(RES + "BVLC")) in graph


def test_format_parameter_and_not_acceptable(base_url):
    csv = httpx.get(f"{base_url}/sparql", params={"query": ON_IOS, "format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    refused = httpx.get(f"{base_url}/sparql", params={"query": ON_IOS}, headers={"Accept": "image/png"})
    assert refused.status_code == 406 and "application/sparql-results+json" in refused.text
    ask_csv = httpx.get(f"{base_url}/sparql", params={"query": "ASK {}"}, headers={"Accept": "text/csv"})
    assert ask_csv.status_code == 406
    # SPARQLWrapper's N3 asks for N3 or N-Triples or Turtle: it gets N-Triples, which N3 reads.
    n3 = wrapper(base_url, CAFFE_DEVELOPER, N3).query()
    graph = rdflib.Graph().parse(data=n3.response.read(), format="n3")
    assert (rdflib.URIRef(RES + "Caffe"), rdflib.URIRef(DLKG + "developedBy"), rdflib.URIRef(RES + "BVLC")) in graph


# -- errors ---------------------------------------------------------------------------------------

def test_malformed_query_is_400_with_the_parsers_message(base_url):
    response = httpx.get(f"{base_url}/sparql", params={"query": "SELECT ?x WHERE {\n  ?x ?y\n}"})
    assert response.status_code == 400
    # The parser's position: line 3 (the closing brace where an object was due).
    assert response.text.startswith("query:3:")
    with pytest.raises(QueryBadFormed) as caught:
        wrapper(base_url, "SELECT ?x WHERE { ?x ?y }", JSON).query()
    assert "query:1:" in str(caught.value)


@pytest.mark.parametrize("request_kwargs", [
    {"method": "POST", "content": b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
     "headers": {"Content-Type": "application/sparql-update"}},
    {"method": "POST", "data": {"update": "CLEAR ALL"}},
    {"method": "GET", "params": {"update": "CLEAR ALL"}},
    {"method": "POST", "data": {"query": "DELETE WHERE { ?s ?p ?o }"}},
    {"method": "POST", "data": {"query": "PREFIX a: <http://x/>\nINSERT DATA { a:b a:c a:d }"}},
], ids=["direct", "form", "GET", "as-query", "as-query-with-prefix"])
def test_updates_are_refused(base_url, memory_store, request_kwargs):
    before = memory_store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0].value
    kwargs = dict(request_kwargs)
    response = httpx.request(kwargs.pop("method"), f"{base_url}/sparql", **kwargs)
    assert response.status_code == 403
    assert "read-only" in response.text or "is an update" in response.text
    assert memory_store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0].value == before


def test_timeout_stops_the_query_and_says_so(strict_server):
    """A query that would run for hours is stopped at the 2 s limit and reported as a timeout."""
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.monotonic()
    response = httpx.get(f"{strict_server.url}/sparql", params={"query": slow}, timeout=30)
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert "time limit of 2 s" in response.text
    assert 1.9 < elapsed < 8
    with pytest.raises(urllib.error.HTTPError) as caught:
        wrapper(strict_server.url, slow, JSON).query()
    assert caught.value.code == 503
    # The server goes on answering.
    assert httpx.get(f"{strict_server.url}/sparql", params={"query": "ASK {}"}).json()["boolean"] is True


def test_row_limit_is_an_error_not_a_cut(strict_server):
    """50 rows are allowed; 51 or more is a 422 that says so, never 50 rows with a 200, and not
    a 500 (issue 13, item 16: nothing failed; the client can page with LIMIT)."""
    fifty = httpx.get(f"{strict_server.url}/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 50"})
    assert fifty.status_code == 200 and len(fifty.json()["results"]["bindings"]) == 50
    more = httpx.get(f"{strict_server.url}/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o }"})
    assert more.status_code == 422
    assert "more than 50 rows" in more.text
    triples = httpx.get(f"{strict_server.url}/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert triples.status_code == 422 and "more than 50 triples" in triples.text
    with pytest.raises(urllib.error.HTTPError) as caught:
        wrapper(strict_server.url, "SELECT ?s WHERE { ?s ?p ?o }", JSON).query()
    assert caught.value.code == 422


@pytest.mark.parametrize("method, kwargs, status", [
    ("PUT", {"params": {"query": "ASK {}"}}, 405),
    ("POST", {"content": b"ASK {}", "headers": {"Content-Type": "text/plain"}}, 415),
    ("POST", {"content": b"ASK {}"}, 415),
    ("GET", {"params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
    ("POST", {"data": {"default-graph-uri": "https://w3id.org/dlkg/graph/data"}}, 400),
    ("POST", {"content": "ASK {}".encode("utf-16"), "headers": {"Content-Type": "application/sparql-query; charset=UTF-16"}}, 415),
    ("POST", {"content": b"ASK { \xff }", "headers": {"Content-Type": "application/sparql-query"}}, 400),
], ids=["PUT", "text-plain", "no-type", "two-queries", "no-query", "utf16", "not-utf8"])
def test_protocol_errors(base_url, method, kwargs, status):
    assert httpx.request(method, f"{base_url}/sparql", **kwargs).status_code == status


def test_browser_without_query_gets_the_editor(base_url):
    response = httpx.get(f"{base_url}/sparql", headers={"Accept": "text/html"})
    assert response.status_code == 303 and response.headers["location"] == "/editor"
    chromium = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
    assert httpx.get(f"{base_url}/sparql", headers={"Accept": chromium}).status_code == 303


# -- the dataset ----------------------------------------------------------------------------------

def test_default_graph_is_the_union_and_dataset_parameters_narrow_it(base_url):
    ask = PREFIXES + "ASK { res:Caffe a dlkg:Framework . dlkg:Framework a <http://www.w3.org/2002/07/owl#Class> }"
    url = f"{base_url}/sparql"
    assert httpx.get(url, params={"query": ask}).json()["boolean"] is True  # data and ontology together
    only_data = httpx.get(url, params={"query": ask, "default-graph-uri": "https://w3id.org/dlkg/graph/data"})
    assert only_data.json()["boolean"] is False
    graphs = PREFIXES + "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    named = httpx.get(url, params={"query": graphs, "named-graph-uri": "https://w3id.org/dlkg/graph/ontology"})
    assert [b["g"]["value"] for b in named.json()["results"]["bindings"]] == ["https://w3id.org/dlkg/graph/ontology"]
    every = httpx.get(url, params={"query": graphs}).json()["results"]["bindings"]
    # Every named graph the store holds: the book's two and the current view's (issue 14).
    assert sorted(b["g"]["value"] for b in every) == ["https://w3id.org/dlkg/graph/current",
                                                       "https://w3id.org/dlkg/graph/data",
                                                       "https://w3id.org/dlkg/graph/ontology"]


def test_relative_iris_resolve_against_the_endpoint(base_url):
    response = httpx.post(f"{base_url}/sparql", content=b"CONSTRUCT { <s> <p> 1 } WHERE {}",
                          headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"})
    assert response.status_code == 200
    assert response.text.startswith(f"<{base_url}/s> <{base_url}/p> ")


def test_service_is_refused(base_url):
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    response = httpx.get(f"{base_url}/sparql", params={"query": query})
    assert response.status_code == 400 and "SERVICE is refused" in response.text

