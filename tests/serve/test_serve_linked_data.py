"""Linked data: every https://w3id.org/dlkg/ IRI dereferenced on the local server, with content
negotiation, parsed back with rdflib. Expected triples are read off data/frameworks.ttl."""

from __future__ import annotations

import httpx
import pytest
import rdflib
from serve_support import DLKG, RES

RDF_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
             "application/rdf+xml": "xml"}
EXTENSIONS = {"text/turtle": "ttl", "application/n-triples": "nt", "application/ld+json": "jsonld",
              "application/rdf+xml": "rdf"}
CAFFE, BVLC = rdflib.URIRef(RES + "Caffe"), rdflib.URIRef(RES + "BVLC")
RUNS_ON = rdflib.URIRef(DLKG + "runsOn")


@pytest.mark.parametrize("media", list(RDF_TYPES))
def test_resource_303_to_its_description_in_each_type(base_url, media):
    response = httpx.get(f"{base_url}/resource/Caffe", headers={"Accept": media})
    assert response.status_code == 303
    assert response.headers["location"] == f"/data/Caffe.{EXTENSIONS[media]}"
    assert "Accept" in response.headers["vary"].split(", ")  # and Accept-Encoding (gzip)
    # Following the redirect gives the document, 200, the same triples.
    document = httpx.get(f"{base_url}/resource/Caffe", headers={"Accept": media}, follow_redirects=True)
    assert document.status_code == 200 and document.headers["content-type"].startswith(media)
    graph = rdflib.Graph().parse(data=document.content, format=RDF_TYPES[media])
    assert (CAFFE, rdflib.URIRef(DLKG + "developedBy"), BVLC) in graph
    assert (CAFFE, rdflib.RDFS.label, rdflib.Literal("Caffe", lang="en")) in graph
    assert {o for o in graph.objects(CAFFE, RUNS_ON)} == {rdflib.URIRef(RES + p) for p in ("Linux", "MacOSX", "Windows")}
    # What points at Caffe is part of its description too (its capability statements).
    assert (rdflib.URIRef(RES + "Caffe-AutomaticDifferentiation"), rdflib.URIRef(DLKG + "statementAbout"), CAFFE) in graph


def test_curl_without_following_redirects_still_gets_the_triples(base_url):
    """``curl -H 'Accept: text/turtle' /resource/Caffe`` prints Caffe's triples (the 303 carries them)."""
    response = httpx.get(f"{base_url}/resource/Caffe", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    assert (CAFFE, rdflib.URIRef(DLKG + "developedBy"), BVLC) in graph
    assert len(graph) > 20


def test_pytorch_runs_on_linux_and_mac_only(base_url):
    document = httpx.get(f"{base_url}/data/PyTorch.nt")
    graph = rdflib.Graph().parse(data=document.content, format="nt")
    pytorch = rdflib.URIRef(RES + "PyTorch")
    assert set(graph.objects(pytorch, RUNS_ON)) == {rdflib.URIRef(RES + "Linux"), rdflib.URIRef(RES + "MacOSX")}


def test_browsers_get_the_html_page(base_url):
    response = httpx.get(f"{base_url}/resource/Caffe", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 303 and response.headers["location"] == "/page/Caffe"
    page = httpx.get(f"{base_url}/resource/Caffe", headers={"Accept": "text/html"}, follow_redirects=True)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<h1>Caffe</h1>" in page.text


def test_data_document_negotiates_and_names_its_variant(base_url):
    response = httpx.get(f"{base_url}/data/BVLC", headers={"Accept": "application/ld+json"})
    assert response.status_code == 200
    assert "Accept" in response.headers["vary"].split(", ")  # and Accept-Encoding (gzip)
    assert response.headers["content-location"] == "/data/BVLC.jsonld"
    graph = rdflib.Graph().parse(data=response.content, format="json-ld")
    assert (CAFFE, rdflib.URIRef(DLKG + "developedBy"), BVLC) in graph


def test_non_framework_resources_and_unknown_ones(base_url):
    statement = httpx.get(f"{base_url}/data/Keras-SingleMachineMultiGPU.ttl")
    graph = rdflib.Graph().parse(data=statement.content, format="turtle")
    subject = rdflib.URIRef(RES + "Keras-SingleMachineMultiGPU")
    assert graph.value(subject, rdflib.URIRef(DLKG + "supportLevel")) == rdflib.URIRef(DLKG + "Conditional")
    assert httpx.get(f"{base_url}/resource/NoSuchFramework", headers={"Accept": "text/turtle"}).status_code == 404
    assert httpx.get(f"{base_url}/resource/Caffe", headers={"Accept": "image/png"}).status_code == 406


@pytest.mark.parametrize("media", list(RDF_TYPES))
def test_ontology_terms_via_the_ontology_document(base_url, media):
    response = httpx.get(f"{base_url}/ontology", headers={"Accept": media})
    assert response.status_code == 200
    assert "Accept" in response.headers["vary"].split(", ")  # and Accept-Encoding (gzip)
    assert response.headers["content-location"] == f"/ontology.{EXTENSIONS[media]}"
    graph = rdflib.Graph().parse(data=response.content, format=RDF_TYPES[media])
    assert (rdflib.URIRef(DLKG + "Framework"), rdflib.RDF.type, rdflib.OWL.Class) in graph
    assert (rdflib.URIRef("https://w3id.org/dlkg/ontology"), rdflib.RDF.type, rdflib.OWL.Ontology) in graph
    assert (rdflib.URIRef(DLKG + "runsOn"), rdflib.RDFS.label, rdflib.Literal("支持平台", lang="zh")) in graph


def test_ontology_html_has_an_anchor_per_term(base_url):
    page = httpx.get(f"{base_url}/ontology", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-location"] == "/ontology.html"
    for term in ("Framework", "runsOn", "Supported", "CapabilityStatement"):
        assert f'id="{term}"' in page.text
    assert httpx.get(f"{base_url}/ontology/1.0.0", headers={"Accept": "text/turtle"}).status_code == 200


def test_context_and_named_graphs(base_url, memory_store):
    context = httpx.get(f"{base_url}/ontology/1.0.0/context.jsonld")
    assert context.status_code == 200 and context.headers["content-type"].startswith("application/ld+json")
    assert "@context" in context.json()
    data = httpx.get(f"{base_url}/graph/data.nt")
    graph = rdflib.Graph().parse(data=data.content, format="nt")
    assert len(graph) == memory_store.count("https://w3id.org/dlkg/graph/data")
    assert httpx.get(f"{base_url}/graph/nothing").status_code == 404
