"""Every result format is parsed back by an independent reader: SPARQL results parsers
(rdflib) for json and xml, the csv module for csv and tsv, rdflib for the RDF formats."""

from __future__ import annotations

import csv
import io

import pytest
import rdflib
from rdflib.query import Result

from dlkg.errors import UsageError
from dlkg.query import run_canned, run_sparql
from dlkg.results import format_result

EXPECTED = [("https://w3id.org/dlkg/resource/Deeplearning4j", "Deeplearning4j"),
            ("https://w3id.org/dlkg/resource/MXNet", "MXNet")]


@pytest.fixture(scope="module")
def flagship(store):
    return run_canned("python-on-android", store=store)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_sparql_results_formats(flagship, fmt):
    parsed = Result.parse(io.BytesIO(format_result(flagship, fmt)), format=fmt)
    assert [str(v) for v in parsed.vars] == ["framework", "label"]
    rows = [(str(row[0]), str(row[1])) for row in parsed]
    assert rows == EXPECTED
    assert all(row[1].language == "en" for row in parsed)


def test_csv(flagship):
    rows = list(csv.reader(io.StringIO(format_result(flagship, "csv").decode())))
    assert rows == [["framework", "label"], *map(list, EXPECTED)]


def test_tsv(flagship):
    rows = list(csv.reader(io.StringIO(format_result(flagship, "tsv").decode()), delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows[0] == ["?framework", "?label"]
    assert rows[1:] == [[f"<{iri}>", f'"{label}"@en'] for iri, label in EXPECTED]


def test_markdown_and_table(flagship):
    md = format_result(flagship, "md").decode().splitlines()
    assert md[0] == "| framework | label |"
    assert md[2] == "| https://w3id.org/dlkg/resource/Deeplearning4j | Deeplearning4j |"
    table = format_result(flagship, "table").decode()
    assert "Deeplearning4j" in table and "2 row(s)" in table


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_ask(store, fmt):
    result = run_sparql("ASK { <https://w3id.org/dlkg/resource/Theano> <https://w3id.org/dlkg/ontology#runsOn> "
                        "<https://w3id.org/dlkg/resource/CrossPlatform> }", store=store)
    assert Result.parse(io.BytesIO(format_result(result, fmt)), format=fmt).askAnswer is True


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_construct_formats(store, fmt, rdflib_format):
    result = run_sparql("CONSTRUCT { ?f <http://example.org/on> ?p } WHERE { "
                        "?f <https://w3id.org/dlkg/ontology#runsOn> ?p . "
                        "?p a <https://w3id.org/dlkg/ontology#MobilePlatform> }", store=store)
    graph = rdflib.Graph().parse(data=format_result(result, fmt), format=rdflib_format)
    # Android: Deeplearning4j, MXNet, Torch; iOS: MXNet, Torch
    assert len(graph) == 5


def test_describe(store):
    result = run_sparql("DESCRIBE <https://w3id.org/dlkg/resource/PyTorch>", store=store)
    graph = rdflib.Graph().parse(data=format_result(result, "nt"), format="nt")
    developer = rdflib.URIRef("https://w3id.org/dlkg/ontology#developedBy")
    assert list(graph.objects(rdflib.URIRef("https://w3id.org/dlkg/resource/PyTorch"), developer)) == [
        rdflib.URIRef("https://w3id.org/dlkg/resource/Facebook")]


def test_format_must_fit_result(flagship, store):
    with pytest.raises(UsageError):
        format_result(flagship, "turtle")
    with pytest.raises(UsageError):
        format_result(run_sparql("CONSTRUCT WHERE { ?s a ?o } LIMIT 1", store=store), "csv")


def test_cli_format_choices_match_the_writers():
    from dlkg.cli import RESULT_FORMATS
    from dlkg.results import GRAPH_FORMATS, SELECT_FORMATS

    assert RESULT_FORMATS == SELECT_FORMATS + GRAPH_FORMATS
