"""dlkg's own JSON-LD writer (dlkg/jsonld.py): every packaged graph and a graph with every kind
of term (tests/data/jsonld/every-term.ttl) read back by pyld (expand + toRdf, no document
loaded) give the graph the N-Triples export gives (compared as graphs, rdflib.compare); the
terms compact as JSON-LD 1.1 says (worked out by hand below); the same graph gives the same
bytes; what the context cannot say is one clear error."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from pyld import jsonld
from rdflib.compare import isomorphic

from dlkg.errors import InputError
from dlkg.export import export_graph
from dlkg.resources import DATA_GRAPH
from dlkg.stores import MemoryStore
from tests.conftest import run_dlkg

EVERY_TERM = Path(__file__).resolve().parent / "data" / "jsonld" / "every-term.ttl"


def _no_loader(url, options=None):
    raise jsonld.JsonLdError(f"this test loads no document, asked for {url}", "loading document failed")


def _pyld_graph(data: bytes) -> rdflib.Graph:
    nquads = jsonld.to_rdf(jsonld.expand(json.loads(data), {"documentLoader": _no_loader}),
                           {"format": "application/n-quads", "documentLoader": _no_loader})
    return rdflib.Graph().parse(data=nquads, format="nt")


def _nt_graph(**options) -> rdflib.Graph:
    return rdflib.Graph().parse(data=export_graph(format="nt", **options).decode(), format="nt")


@pytest.fixture(scope="module")
def every_term() -> MemoryStore:
    return MemoryStore(files=[(EVERY_TERM, ox.NamedNode(DATA_GRAPH))])


@pytest.mark.parametrize("frame", [False, True])
def test_every_term_kind_round_trips_through_pyld(every_term, frame):
    data = export_graph(format="jsonld", graph="data", store=every_term, frame=frame)
    expected = _nt_graph(graph="data", store=every_term)
    assert len(expected) == 55
    assert isomorphic(_pyld_graph(data), expected)


@pytest.mark.parametrize("view", [None, "current"])
@pytest.mark.parametrize("graph", ["ontology", "data", "all"])
@pytest.mark.parametrize("frame", [False, True])
def test_every_packaged_graph_round_trips_through_pyld(graph, frame, view):
    data = export_graph(format="jsonld", graph=graph, frame=frame, view=view)
    expected = _nt_graph(graph=graph, view=view)
    assert len(expected) > 100
    assert isomorphic(_pyld_graph(data), expected)


def test_terms_compact_as_the_context_says(every_term):
    document = json.loads(export_graph(format="jsonld", graph="data", store=every_term))
    nodes = {node["id"]: node for node in document["@graph"]}
    # IRIs first (http < https), then blank nodes by their canonical label.
    assert list(nodes)[:2] == ["http://example.org/Elsewhere", "res:Thing"]
    assert all(key.startswith("_:c14n") for key in list(nodes)[2:])
    thing = nodes["res:Thing"]
    # rdf:type is @type, vocabulary-relative where @vocab reaches; a literal object cannot be
    # a @type and stays an rdf:type statement.
    assert thing["type"][:2] == ["http://example.org/Kind", "Framework"] and thing["type"][2].startswith("_:c14n")
    assert thing["rdf:type"] == "not a class"
    # A language map holds the tagged labels; the untagged one goes under the compact IRI.
    assert thing["label"] == {"en": ["Thing", "Thingy"], "zh": "东西"}
    assert thing["rdfs:label"] == "no language"
    # @type: @id and @vocab terms: IRIs as strings; dlkg:label cannot be "label" (a term).
    assert thing["runsOn"][:2] == ["http://example.org/Elsewhere", "res:Linux"]
    assert thing["supports"] == ["http://example.org/Capability", "CNNDevelopment", "dlkg:id", "dlkg:label"]
    assert thing["dlkg:developedBy"] == "a literal where an IRI is expected"
    assert thing["dlkg:label"] == "a vocabulary IRI whose local name is a term"
    assert thing["dlkg:a:b"] == "colon in the local name"
    # The term's own datatype is a string; another datatype is a value object.
    assert thing["position"] == "3"
    assert thing["dlkg:position"] == {"@value": "2.5", "@type": "xsd:decimal"}
    assert thing["http://example.org/flag"] == [{"@value": "false", "@type": "xsd:boolean"},
                                                 {"@value": "true", "@type": "xsd:boolean"}]
    assert thing["http://example.org/custom"] == {"@value": "x y", "@type": "http://example.org/datatype"}
    assert thing["marker"][0] == {"@value": "m", "@language": "en-gb"}
    assert thing["urn:x-dlkg:p"] == {"id": "urn:x-dlkg:o"}
    assert nodes["http://example.org/Elsewhere"] == {
        "id": "http://example.org/Elsewhere",
        "dlkg:date": [{"@value": "2020", "@type": "xsd:gYear"}, {"@value": "2020-01-01", "@type": "xsd:date"}]}


def test_framed_cycle_of_blank_nodes_stops_at_the_node_above(every_term):
    document = json.loads(export_graph(format="jsonld", graph="data", store=every_term, frame=True))
    thing = document["@graph"][0]
    assert thing["id"] == "res:Thing"
    place = thing["runsOn"][2]
    other = place["next"]
    assert other["label"] == {"en": "other"}
    assert other["next"] == {"id": place["id"]}


@pytest.mark.parametrize("options", [dict(), dict(frame=True), dict(context="url")])
def test_same_graph_same_bytes(every_term, options):
    first = export_graph(format="jsonld", graph="data", store=every_term, **options)
    again = export_graph(format="jsonld", graph="data", store=MemoryStore(files=[(EVERY_TERM, ox.NamedNode(DATA_GRAPH))]),
                         **options)
    assert first == again


def test_an_iri_the_context_cannot_write_is_one_clear_error(tmp_path):
    source = tmp_path / "odd.nt"
    source.write_text("<res:odd> <http://example.org/p> \"1\" .\n")
    store = MemoryStore(files=[(source, ox.NamedNode(DATA_GRAPH))])
    with pytest.raises(InputError, match="the IRI res:odd cannot be written in JSON-LD with this context"):
        export_graph(format="jsonld", graph="data", store=store)
    folder = tmp_path / "store"
    assert run_dlkg("load", "--into", str(folder), "--graph", DATA_GRAPH, str(source)).returncode == 0
    target = tmp_path / "out.jsonld"
    done = run_dlkg("export", "--format", "jsonld", "--graph", "data", "--store", str(folder), "-o", str(target))
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "res:odd" in done.stderr
    assert not target.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["odd.nt", "store"]


def test_streamed_file_is_what_export_graph_gives(tmp_path):
    target = tmp_path / "graph.jsonld"
    done = run_dlkg("export", "--format", "jsonld", "-o", str(target))
    assert done.returncode == 0, done.stderr
    assert target.read_bytes() == export_graph(format="jsonld")


def test_a_term_stands_for_its_iri_where_a_vocabulary_iri_is_read():
    """dlkg:listProperty is ``@type: @vocab``: its value dlkg:developedBy is the term
    ``developedBy`` (expanded as a vocabulary IRI, a term gives its own IRI); as a key no term
    fits, the same IRI is ``dlkg:developedBy`` (the term would coerce the values)."""
    document = json.loads(export_graph(format="jsonld", graph="data"))
    column = next(n for n in document["@graph"] if n["id"] == "res:Table14-1-developer")
    assert column == {"id": "res:Table14-1-developer", "type": ["owl:NamedIndividual", "TableColumn"],
                      "isPartOf": "res:Table14-1", "label": {"en": "Developer", "zh": "开发者"},
                      "listProperty": "developedBy", "position": "2"}
