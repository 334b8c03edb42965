"""The one deterministic order over RDF terms, triples and quads (rows, exports and pages
sort by it, so the same data always gives the same bytes).

>>> a, b = ox.NamedNode("http://x/a"), ox.NamedNode("http://x/b")
>>> [t.object.value for t in sorted_triples([ox.Triple(a, a, b), ox.Triple(a, a, a), ox.Triple(a, a, a)])]
['http://x/a', 'http://x/b']
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

__all__ = ["sort_key", "triple_key", "quad_key", "sorted_triples", "sorted_quads"]


def sort_key(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph | None) -> tuple:
    """A total, deterministic order over terms: unbound (and the default graph) first, then
    IRIs, blank nodes, literals, quoted triples."""
    if term is None or isinstance(term, ox.DefaultGraph):
        return (0, "", "")
    if isinstance(term, ox.NamedNode):
        return (1, term.value, "")
    if isinstance(term, ox.BlankNode):
        return (2, term.value, "")
    if isinstance(term, ox.Literal):
        return (3, term.value, term.language or term.datatype.value)
    return (4, str(term), "")


def triple_key(triple: ox.Triple | ox.Quad) -> tuple:
    """The sort key of a triple (or of a quad's triple): subject, predicate, object."""
    return (sort_key(triple.subject), sort_key(triple.predicate), sort_key(triple.object))


def quad_key(quad: ox.Quad) -> tuple:
    """The sort key of a quad: graph name, then its triple."""
    return (sort_key(quad.graph_name), *triple_key(quad))


def sorted_triples(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The distinct triples in order."""
    return sorted(set(triples), key=triple_key)


def sorted_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads in order (duplicates kept: a dataset has none)."""
    return sorted(quads, key=quad_key)
