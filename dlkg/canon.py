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

__all__ = ["graph_digest"]


def graph_digest(triples: Iterable[ox.Triple]) -> str:
    """SHA-256 (hex) of the canonical, sorted N-Triples of the triples."""
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    lines = sorted(f"{q.subject} {q.predicate} {q.object} .\n" for q in dataset)
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()
