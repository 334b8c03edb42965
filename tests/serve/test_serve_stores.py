"""The server over the other store kinds: an embedded on-disk Oxigraph store (queries in a
killed worker process, as in memory) and a remote SPARQL endpoint (a real Oxigraph server)."""

from __future__ import annotations

import httpx
import pytest
from serve_support import RES, live_server

from dlkg.query import run_canned

QUERY = "python-on-android"


def check_server(url: str, store) -> None:
    page = httpx.get(f"{url}/", params={"lang": "en", "interface": "Python", "platform": "Android"})
    assert page.status_code == 200
    assert page.text.count("<tr data-framework=") == 2
    from dlkg.catalogue import Catalogue

    answer = httpx.get(f"{url}/sparql", params={"query": Catalogue().get(QUERY).text}).json()
    assert [b["label"]["value"] for b in answer["results"]["bindings"]] == run_canned(QUERY, store=store).values("label")
    turtle = httpx.get(f"{url}/data/Caffe.ttl")
    assert turtle.status_code == 200 and b"res:BVLC" in turtle.content
    assert httpx.get(f"{url}/page/Caffe", params={"lang": "en"}).status_code == 200


def test_embedded_store(embedded_store):
    with live_server(embedded_store, query_timeout=2.0) as running:
        check_server(running.url, embedded_store)
        slow = httpx.get(f"{running.url}/sparql", timeout=30,
                         params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
        assert slow.status_code == 503 and "time limit" in slow.text
        assert httpx.get(f"{running.url}/sparql", params={"query": "ASK {}"}).json()["boolean"] is True


@pytest.mark.servers
def test_remote_store(oxigraph_server_store):
    with live_server(oxigraph_server_store) as running:
        check_server(running.url, oxigraph_server_store)
        # Protocol datasets reach the remote store: Caffe runs on Linux in the data graph, and
        # the ontology graph says nothing about Caffe.
        ask = ("ASK { <https://w3id.org/dlkg/resource/Caffe> <https://w3id.org/dlkg/ontology#runsOn> "
               "<https://w3id.org/dlkg/resource/Linux> }")
        for graph, expected in [("https://w3id.org/dlkg/graph/data", True), ("https://w3id.org/dlkg/graph/ontology", False)]:
            answer = httpx.get(f"{running.url}/sparql", params={"query": ask, "default-graph-uri": graph})
            assert answer.status_code == 200 and answer.json()["boolean"] is expected
