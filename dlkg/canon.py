"""A canonical digest of a graph: equal for isomorphic graphs, whatever the blank-node labels.

Blank nodes are renamed by Oxigraph's RDF canonicalization (RDFC-1.0), then the N-Triples
lines are sorted and hashed with SHA-256.

>>> a = [ox.Triple(ox.BlankNode("x"), ox.NamedNode("http://e/p"), ox.Literal("1"))]
>>> b = [ox.Triple(ox.BlankNode("y"), ox.NamedNode("http://e/p"), ox.Literal("1"))]
>>> graph_digest(a) == graph_digest(b) != graph_digest([])
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import pyoxigraph as ox

__all__ = ["graph_digest", "ntriples_digest"]


def graph_digest(triples: Iterable[ox.Triple]) -> str:
    """SHA-256 (hex) of the graph's canonical N-Triples lines, deduplicated and sorted."""
    return ntriples_digest(ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b"")


def ntriples_digest(body: bytes) -> str:
    """:func:`graph_digest` of a graph given as N-Triples written by Oxigraph.

    Only a graph with blank nodes is canonicalized (RDFC-1.0); other lines are hashed as
    they are, so a large blank-node-free graph never becomes Python objects.
    """
    if b"_:" in body:  # blank nodes (or a literal holding "_:", which only costs the time)
        dataset = ox.Dataset(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        body = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in dataset],
                            format=ox.RdfFormat.N_TRIPLES) or b""
    return hashlib.sha256(b"\n".join(sorted(set(body.splitlines())))).hexdigest()
