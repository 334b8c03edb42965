"""Export: an independent JSON-LD processor (pyld) reads every JSON-LD view back to RDF that is
isomorphic to the source graph (rdflib.compare); every other format round-trips through
rdflib's parsers; output is byte-identical run to run; nothing is fetched."""

from __future__ import annotations

import json
import socket

import pytest
import rdflib
from pyld import jsonld
from rdflib.compare import isomorphic

from dlkg.export import export_graph, export_quads, schema_profile
from dlkg.jsonld import CONTEXT_URL, document_loader
from tests.conftest import run_dlkg

DLKG = "https://w3id.org/dlkg/ontology#"
RES = "https://w3id.org/dlkg/resource/"


def _graph(quads) -> rdflib.Graph:
    graph = rdflib.Graph()
    for q in quads:
        graph.add(tuple(_term(t) for t in (q.subject, q.predicate, q.object)))
    return graph


def _term(term):
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return rdflib.Literal(term.value)  # rdflib parses plain literals without a datatype
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def _pyld_to_graph(data: bytes) -> rdflib.Graph:
    document = json.loads(data)
    expanded = jsonld.expand(document, {"documentLoader": document_loader})
    nquads = jsonld.to_rdf(expanded, {"format": "application/n-quads", "documentLoader": document_loader})
    return rdflib.Graph().parse(data=nquads, format="nt")


@pytest.mark.parametrize("graph", ["ontology", "data", "all"])
def test_jsonld_round_trips_through_pyld(graph):
    data = export_graph(format="jsonld", graph=graph, context="url")
    assert json.loads(data)["@context"] == CONTEXT_URL
    assert isomorphic(_pyld_to_graph(data), _graph(export_quads(graph=graph)))


def _no_loader(url, options=None):
    raise jsonld.JsonLdError(f"this test loads no document, asked for {url}", "loading document failed")


@pytest.mark.parametrize("frame", [False, True])
def test_the_default_jsonld_is_self_contained(frame):
    """Issue 13, item 5: plain expand, with a loader that refuses every URL, gives the graph."""
    data = export_graph(format="jsonld", graph="data", frame=frame)
    document = json.loads(data)
    assert isinstance(document["@context"], dict) and document["@context"]["res"] == "https://w3id.org/dlkg/resource/"
    nquads = jsonld.to_rdf(jsonld.expand(document, {"documentLoader": _no_loader}),
                           {"format": "application/n-quads", "documentLoader": _no_loader})
    assert isomorphic(rdflib.Graph().parse(data=nquads, format="nt"), _graph(export_quads(graph="data")))
    with pytest.raises(jsonld.JsonLdError):  # the URL form needs the context fetched: what failed before
        jsonld.expand(json.loads(export_graph(format="jsonld", graph="data", context="url")),
                      {"documentLoader": _no_loader})


def test_export_context_option_on_the_command_line():
    embedded = run_dlkg("export", "--format", "jsonld", "--graph", "ontology", "--context", "embed")
    assert embedded.returncode == 0, embedded.stderr
    assert json.loads(embedded.stdout)["@context"]["@vocab"] == "https://w3id.org/dlkg/ontology#"
    by_url = run_dlkg("export", "--format", "jsonld", "--graph", "ontology", "--context", "url")
    assert json.loads(by_url.stdout)["@context"] == CONTEXT_URL
    done = run_dlkg("export", "--format", "jsonld", "--context", "inline")
    assert done.returncode == 2 and "--context" in done.stderr


def test_jsonld_reads_naturally():
    document = json.loads(export_graph(format="jsonld", graph="data"))
    keras = next(n for n in document["@graph"] if n["id"] == "res:Keras")
    assert keras["label"] == {"en": "Keras"}
    assert keras["developedBy"] == "res:FrancoisChollet"
    assert sorted(keras["runsOn"]) == ["res:Linux", "res:MacOSX", "res:Windows"]
    assert "Framework" in keras["type"]
    assert "AutomaticDifferentiation" in keras["supports"]


def test_framed_nests_each_framework_and_loses_nothing():
    data = export_graph(format="jsonld", graph="data", frame=True)
    document = json.loads(data)
    top = [n for n in document["@graph"] if "Framework" in n.get("type", [])]
    assert [n["id"] for n in top] == [f"res:{f}" for f in ["Caffe", "Deeplearning4j", "Keras", "MXNet", "MatConvNet",
                                                          "PyTorch", "TensorFlow", "Theano", "Torch"]]
    keras = top[2]
    assert keras["developedBy"]["label"] == {"en": "Francois Chollet"}
    statement = next(s for s in keras["hasCapabilityStatement"] if s["capability"] == "SingleMachineMultiGPU")
    assert statement["supportLevel"] == "Conditional"
    assert statement["condition"]["zh"] == "Theano作为后端时不支持单机多卡；TensorFlow作为后端时可支持。"
    assert statement["footnote"]["marker"] == "e"
    assert [s["text"]["zh"] for s in keras["hasStrength"]] == ["受Torch启发的直观API", "可使用 Theano、TensorFlow 和 Deeplearning4j 后端", "支持自动求导"]
    assert isomorphic(_pyld_to_graph(data), _graph(export_quads(graph="data")))


def test_schema_profile_round_trips_to_the_mapping():
    data = export_graph(format="jsonld", graph="data", profile="schema")
    assert isomorphic(_pyld_to_graph(data), _graph(schema_profile(export_quads(graph="data"))))
    apps = {n["name"]: n for n in json.loads(data)["@graph"] if n.get("@type") == "SoftwareApplication"}
    assert len(apps) == 9
    # From Table 14.1: Torch is developed by three people, written in C and Lua, and runs on
    # three desktop systems plus Android and iOS.
    torch = apps["Torch"]
    assert sorted(a["@id"] for a in torch["author"]) == ["res:ClementFarabet", "res:KorayKavukcuoglu", "res:RonanCollobert"]
    assert sorted(torch["programmingLanguage"]) == ["C", "Lua"]
    assert sorted(torch["operatingSystem"]) == ["Android", "Linux", "Mac OS X", "Windows", "iOS"]
    assert sorted(apps["MXNet"]["runtimePlatform"]) == ["AWS", "JavaScript"]
    assert apps["Theano"]["runtimePlatform"] == "Cross-platform"
    assert sorted(apps["Keras"]["isBasedOn"], key=lambda b: b["@id"]) == [{"@id": f"res:{b}"} for b in ["Deeplearning4j", "TensorFlow", "Theano"]]


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("turtle", "turtle"), ("nt", "nt"), ("rdfxml", "xml")])
@pytest.mark.parametrize("graph", ["ontology", "data", "all"])
def test_triple_formats_round_trip(fmt, rdflib_format, graph):
    parsed = rdflib.Graph().parse(data=export_graph(format=fmt, graph=graph), format=rdflib_format)
    assert isomorphic(parsed, _graph(export_quads(graph=graph)))


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("nq", "nquads"), ("trig", "trig")])
def test_dataset_formats_keep_named_graphs(fmt, rdflib_format):
    dataset = rdflib.Dataset()
    dataset.parse(data=export_graph(format=fmt), format=rdflib_format)
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert names == {"https://w3id.org/dlkg/graph/ontology", "https://w3id.org/dlkg/graph/data"}
    for name in names:
        part = "ontology" if name.endswith("ontology") else "data"
        assert isomorphic(dataset.graph(rdflib.URIRef(name)), _graph(export_quads(graph=part)))


@pytest.mark.parametrize("options", [dict(format="turtle"), dict(format="jsonld"), dict(format="jsonld", frame=True),
                                     dict(format="jsonld", profile="schema"), dict(format="nq"), dict(format="trig"),
                                     dict(format="rdfxml"), dict(format="nt")])
def test_two_exports_are_byte_identical(options):
    assert export_graph(**options) == export_graph(**options)


def test_xml_is_not_rdfxml_one_line_exit_2():
    # "xml" means SPARQL Results XML everywhere; the export names RDF/XML "rdfxml" and says so.
    done = run_dlkg("export", "--format", "xml")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "dlkg: error: --format: 'xml' is SPARQL Results XML, not an RDF format "
        "(for RDF/XML use 'rdfxml'; known: jsonld, turtle, nt, nq, trig, rdfxml)"]


def test_rdfxml_from_the_command_line_is_rdfxml():
    done = run_dlkg("export", "--format", "rdfxml", "--graph", "data")
    assert done.returncode == 0
    graph = rdflib.Graph().parse(data=done.stdout, format="xml")
    assert (rdflib.URIRef(RES + "Torch"), rdflib.URIRef(DLKG + "runsOn"), rdflib.URIRef(RES + "iOS")) in graph


def test_byte_identical_across_processes():
    first = run_dlkg("export", "--format", "turtle", "--graph", "ontology")
    second = run_dlkg("export", "--format", "turtle", "--graph", "ontology")
    assert first.returncode == 0 and first.stdout == second.stdout
    assert "_:" in first.stdout  # the ontology's blank nodes are there, canonically named


def test_inferred_adds_the_defined_class_members():
    graph = rdflib.Graph().parse(data=export_graph(format="nt", graph="data", inferred=True), format="nt")
    mobile = sorted(str(s) for s in graph.subjects(rdflib.RDF.type, rdflib.URIRef(DLKG + "MobileFramework")))
    assert mobile == [RES + "Deeplearning4j", RES + "MXNet", RES + "Torch"]


def test_never_touches_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for options in [dict(format="jsonld"), dict(format="jsonld", frame=True), dict(format="jsonld", profile="schema")]:
        _pyld_to_graph(export_graph(**options))


def test_remote_context_is_refused():
    with pytest.raises(jsonld.JsonLdError):
        jsonld.expand({"@context": "http://127.0.0.1:9/context.jsonld", "a": 1}, {"documentLoader": document_loader})


@pytest.mark.parametrize(("args", "words"), [
    (["export", "--format", "pdf"], "pdf"),
    (["export", "--graph", "nothing"], "nothing"),
    (["export", "--format", "turtle", "--frame"], "--frame applies to plain JSON-LD"),
])
def test_bad_requests_exit_2(args, words):
    done = run_dlkg(*args)
    assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr


def test_unwritable_output_leaves_no_file(tmp_path):
    target = tmp_path / "no" / "such" / "folder" / "out.jsonld"
    done = run_dlkg("export", "--format", "jsonld", "-o", str(target))
    assert done.returncode == 2 and "cannot write" in done.stderr
    assert not target.exists() and not (tmp_path / "no").exists()


def test_cli_export_to_file(tmp_path):
    target = tmp_path / "graph.jsonld"
    done = run_dlkg("export", "--format", "jsonld", "--frame", "-o", str(target))
    assert done.returncode == 0, done.stderr
    assert json.loads(target.read_text())["@graph"][0]["id"] == "res:Caffe"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.jsonld"]


def test_framing_keeps_each_double_once():
    import io

    import pyoxigraph as ox

    from dlkg.jsonld import context_document, frame_document, write_document

    framework = ox.NamedNode(RES + "X")
    triples = [ox.Triple(framework, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(DLKG + "Framework")),
               ox.Triple(framework, ox.NamedNode("http://example.org/score"),
                         ox.Literal("1.5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")))]
    out = io.BytesIO()
    write_document(out, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).splitlines(),
                   context_document()["@context"], context_value={}, frame=frame_document())
    assert json.loads(out.getvalue())["@graph"] == [
        {"id": "res:X", "type": "Framework",
         "http://example.org/score": {"@value": "1.5", "@type": "xsd:double"}}]
