"""Literals with quotes, braces and update keywords, loaded through SPARQL Update (INSERT DATA
batches, the path for stores without a Graph Store endpoint), stay literals: the data arrives
unchanged and nothing else in the store is touched."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from dlkg.canon import graph_digest
from dlkg.loader import load_graph
from dlkg.stores.remote import RemoteStore

HOSTILE = ['"} } ; DROP ALL ; INSERT DATA { <http://e/x> <http://e/y> "z" } #',
           "x\n\" } UNION { ?s ?p ?o } #\\\"", "'''", '"""', "}}}} ]]] )))", "\\u0022 } ; CLEAR ALL ;"]


@pytest.mark.servers
def test_hostile_literals_through_insert_data(tmp_path):
    from tests.support.servers import oxigraph_server, require_server

    require_server("oxigraph")
    triples = [ox.Triple(ox.NamedNode(f"http://e/s{i}"), ox.NamedNode("http://e/p"), ox.Literal(value))
               for i, value in enumerate(HOSTILE)]
    path = tmp_path / "hostile.nt"
    path.write_bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
    sentinel = [ox.Triple(ox.NamedNode("http://e/keep"), ox.NamedNode("http://e/p"), ox.Literal("kept"))]
    sentinel_path = tmp_path / "sentinel.nt"
    sentinel_path.write_bytes(ox.serialize(sentinel, format=ox.RdfFormat.N_TRIPLES))
    with oxigraph_server(tmp_path / "server") as server:
        store = RemoteStore(server.query_url, gsp_url="")  # no GSP: the INSERT DATA path
        assert store.gsp_url == ""
        load_graph(store, [sentinel_path], graph="http://e/sentinel")
        report = load_graph(store, [path], graph="http://e/hostile")
        assert report.method == "update-insert+move" and report.verified and report.same_digest
        assert graph_digest(store.graph_triples("http://e/hostile")) == graph_digest(triples)
        assert graph_digest(store.graph_triples("http://e/sentinel")) == graph_digest(sentinel)
