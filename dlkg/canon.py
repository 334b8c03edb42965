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

__all__ = ["canonical_lines", "graph_digest", "ntriples_digest", "same_graph"]


def graph_digest(triples: Iterable[ox.Triple]) -> str:
    """SHA-256 (hex) of the graph's canonical N-Triples lines, deduplicated and sorted."""
    return ntriples_digest(ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b"")


def canonical_lines(body: bytes, *, timeout: float | None = None) -> set[bytes]:
    """The set of a graph's N-Triples lines (as Oxigraph writes them), blank nodes relabelled
    by RDFC-1.0.

    Only the lines with a blank node are canonicalized: RDFC-1.0 labels a blank node from
    the quads that mention blank nodes alone, so lines without one cannot change a label, and
    a large graph with few blank nodes never becomes Python objects. (A line whose IRI or
    literal holds ``_:`` goes through the canonicalization too; that only costs the time.)

    Args:
        body: N-Triples written by Oxigraph.
        timeout: Seconds the canonicalization may take (it runs in a worker process killed
            then: RDFC-1.0 needs exponential time on some graphs); None for no limit.

    Raises:
        TimeoutError: the canonicalization took longer than ``timeout``.

    >>> sorted(canonical_lines(b'_:x <http://e/p> _:y .\\n<http://e/s> <http://e/p> "1" .\\n'))
    [b'<http://e/s> <http://e/p> "1" .', b'_:c14n1 <http://e/p> _:c14n0 .']
    """
    lines = set(body.splitlines())
    if b"_:" not in body:
        return lines
    blank = {line for line in lines if b"_:" in line}
    lines -= blank
    if timeout is None:
        lines.update(_canonicalized(b"\n".join(blank)))
    else:
        from dlkg.worker import call_with_deadline

        lines.update(call_with_deadline(_canonicalized, b"\n".join(blank), timeout=timeout))
    return lines


def _canonicalized(ntriples: bytes) -> list[bytes]:
    dataset = ox.Dataset(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    # The dataset's str() is N-Quads written by Oxigraph: default-graph quads are N-Triples lines.
    return str(dataset).encode("utf-8").splitlines()


def ntriples_digest(body: bytes) -> str:
    """:func:`graph_digest` of a graph given as N-Triples written by Oxigraph."""
    return hashlib.sha256(b"\n".join(sorted(canonical_lines(body)))).hexdigest()


def same_graph(first: bytes, second: bytes, *, timeout: float | None = None) -> bool:
    """Whether two graphs given as N-Triples written by Oxigraph are isomorphic.

    The canonical line sets are compared directly: the answer comparing their
    :func:`ntriples_digest` values gives, without sorting or hashing. ``timeout`` applies to
    each side's canonicalization (:func:`canonical_lines`; TimeoutError past it).

    >>> same_graph(b'_:a <http://e/p> "1" .\\n', b'_:b <http://e/p> "1" .\\n_:b <http://e/p> "1" .\\n')
    True
    >>> same_graph(b'_:a <http://e/p> "1" .\\n_:b <http://e/p> "1" .\\n', b'_:a <http://e/p> "1" .\\n')
    False
    """
    return canonical_lines(first, timeout=timeout) == canonical_lines(second, timeout=timeout)
