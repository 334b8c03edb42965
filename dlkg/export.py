"""Serializing triples and graphs, with the project's prefixes and in a deterministic order."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from dlkg.resources import DLKG, RES
from dlkg.stores.base import sort_key

__all__ = ["PREFIXES", "serialize_triples"]

#: Prefixes used when writing Turtle.
PREFIXES = {
    "dlkg": DLKG,
    "res": RES,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
}

_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}


def serialize_triples(triples: Iterable[ox.Triple], format: str = "turtle") -> bytes:
    """Triples as Turtle or N-Triples, sorted, so that the same triples give the same bytes.

    >>> t = ox.Triple(ox.NamedNode(RES + "Torch"), ox.NamedNode(PREFIXES["rdf"] + "type"), ox.NamedNode(DLKG + "MobileFramework"))
    >>> print(serialize_triples([t], "nt").decode().strip())
    <https://w3id.org/dlkg/resource/Torch> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/dlkg/ontology#MobileFramework> .
    """
    ordered = sorted(set(triples), key=lambda t: (sort_key(t.subject), sort_key(t.predicate), sort_key(t.object)))
    prefixes = PREFIXES if format == "turtle" else None
    return ox.serialize(ordered, format=_FORMATS[format], prefixes=prefixes)
