"""``dlkg.formats``: one table, one meaning per name, extension guessing, media-type lookup,
and every module that writes or negotiates formats takes its names from it."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from dlkg import formats
from dlkg.errors import UsageError


def test_every_name_alias_media_type_and_extension_means_one_format():
    seen_names: dict[str, str] = {}
    for f in formats.FORMATS.values():
        for spelling in (f.name, *f.aliases):
            assert spelling not in seen_names, (spelling, seen_names.get(spelling), f.name)
            seen_names[spelling] = f.name
    media = [m for f in formats.FORMATS.values() for m in f.media_types]
    assert len(media) == len(set(media))
    for kinds in (formats.RDF_KINDS, (formats.RESULTS,)):
        extensions = [e for f in formats.FORMATS.values() if f.kind in kinds for e in f.extensions]
        assert len(extensions) == len(set(extensions))


def test_the_names_and_what_they_are():
    assert {name: f.kind for name, f in formats.FORMATS.items()} == {
        "table": "text", "csv": "results", "tsv": "results", "json": "results", "xml": "results", "md": "text",
        "turtle": "graph", "nt": "graph", "n3": "graph", "rdfxml": "graph",
        "nq": "dataset", "trig": "dataset", "jsonld": "dataset"}
    assert formats.get("xml").results == ox.QueryResultsFormat.XML
    assert formats.get("rdfxml").rdf == ox.RdfFormat.RDF_XML
    assert formats.get("jsonld").rdf == ox.RdfFormat.JSON_LD
    assert formats.get("json").results == ox.QueryResultsFormat.JSON
    assert formats.get("md").rdf is None and formats.get("md").results is None


def test_table_agrees_with_pyoxigraph():
    # pyoxigraph's own idea of each format's media type and extension is the first we list
    for f in formats.FORMATS.values():
        native = f.rdf or f.results
        if native is not None:
            assert f.media_type == native.media_type.split(";")[0]
            assert f.extension == native.file_extension


@pytest.mark.parametrize(("path", "name"), [("a.ttl", "turtle"), ("A.TTL", "turtle"), ("x/y.nt", "nt"), ("g.nq", "nq"),
                                            ("g.trig", "trig"), ("o.owl", "rdfxml"), ("o.rdf", "rdfxml"),
                                            ("o.xml", "rdfxml"), ("d.jsonld", "jsonld"), ("n.n3", "n3")])
def test_rdf_format_from_extension(path, name):
    assert formats.from_extension(path).name == name


def test_extension_guessing_is_per_kind():
    assert formats.from_extension("r.srx") is None  # RDF by default: results files are not RDF
    assert formats.from_extension("r.srx", kinds=[formats.RESULTS]).name == "xml"
    assert formats.from_extension("r.json", kinds=[formats.RESULTS]).name == "json"
    assert formats.from_extension("r.xml", kinds=[formats.RESULTS]) is None
    assert formats.from_extension("noext") is None and formats.from_extension("a.docx") is None


@pytest.mark.parametrize(("media", "name"), [("text/turtle", "turtle"), ("application/x-turtle", "turtle"),
                                             ("application/n-triples; charset=utf-8", "nt"),
                                             ("Application/RDF+XML", "rdfxml"), ("application/ld+json", "jsonld"),
                                             ("application/sparql-results+json", "json"), ("application/json", "json"),
                                             ("text/xml", "xml"), ("text/tab-separated-values", "tsv")])
def test_format_from_media_type(media, name):
    assert formats.from_media_type(media).name == name


def test_media_type_lookup_by_kind_and_unknown():
    assert formats.from_media_type("application/xml", kinds=formats.RDF_KINDS) is None
    assert formats.from_media_type("image/png") is None


def test_aliases_are_for_protocol_hints_only():
    assert formats.lookup("TTL").name == "turtle" and formats.lookup("rdf+xml").name == "rdfxml"
    with pytest.raises(UsageError, match="unknown format 'ttl'"):
        formats.get("ttl")


def test_a_name_of_another_kind_says_what_it_is():
    with pytest.raises(UsageError) as raised:
        formats.get("json", kinds=formats.RDF_KINDS)
    assert str(raised.value) == ("format: 'json' is SPARQL Results JSON, not an RDF format "
                                 "(known: turtle, nt, n3, rdfxml, nq, trig, jsonld)")
    with pytest.raises(UsageError) as raised:
        formats.get("turtle", kinds=formats.ROW_KINDS, param="format")
    assert str(raised.value) == ("format: 'turtle' is Turtle, not a format for query results "
                                 "(known: table, csv, tsv, json, xml, md)")


def test_negotiation_offers_in_server_order():
    assert formats.offers(["json", "xml"]) == [
        ("application/sparql-results+json", "json"), ("application/sparql-results+xml", "xml"),
        ("application/json", "json"), ("application/xml", "xml"), ("text/xml", "xml")]


def test_every_user_of_format_names_takes_them_from_the_table():
    from dlkg.cli import RESULT_FORMATS
    from dlkg.export import EXPORT_FORMATS
    from dlkg.results import GRAPH_FORMATS, SELECT_FORMATS
    from dlkg.serve.protocol import FORMATS as OFFERS

    assert SELECT_FORMATS == ("table", "csv", "tsv", "json", "xml", "md")
    assert GRAPH_FORMATS == ("turtle", "nt", "jsonld", "rdfxml")
    assert RESULT_FORMATS == SELECT_FORMATS + GRAPH_FORMATS
    for name in EXPORT_FORMATS + GRAPH_FORMATS:
        assert formats.get(name).kind in formats.RDF_KINDS
    for kind, offers in OFFERS.items():
        for media, name in offers:
            assert formats.from_media_type(media).name == name, (kind, media)
