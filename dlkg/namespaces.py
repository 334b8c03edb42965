"""Every namespace prefix dlkg uses, once, and the one place that writes prefix declarations.

:data:`PREFIXES` feeds SPARQL ``PREFIX`` blocks (:func:`sparql_prologue`, prepended to the
internal ``.rq`` queries), Turtle/TriG/RDF-XML output (``prefixes=`` of pyoxigraph's writers),
CURIEs on pages and in the SSSOM table (:func:`curie`), and rdflib graphs (:func:`bind`).

>>> curie("https://w3id.org/dlkg/ontology#runsOn"), curie("http://example.org/x")
('dlkg:runsOn', 'http://example.org/x')
>>> print(sparql_prologue(["dlkg", "rdfs"]))
PREFIX dlkg: <https://w3id.org/dlkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
<BLANKLINE>
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from dlkg.resources import DLKG, RES

__all__ = ["PREFIXES", "OUTPUT_PREFIXES", "DLKG", "RES", "RDF", "RDFS", "OWL", "XSD", "SKOS", "PROV", "DCTERMS", "SCHEMA",
           "sparql_prologue", "curie", "bind"]

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"

#: Every prefix, dlkg's own first (shortening an IRI tries them in this order).
PREFIXES: dict[str, str] = {
    "dlkg": DLKG,
    "res": RES,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "prov": PROV,
    "dcterms": DCTERMS,
    "schema": SCHEMA,
    "doap": "http://usefulinc.com/ns/doap#",
    "wdt": "http://www.wikidata.org/prop/direct/",
    "swo": "http://www.ebi.ac.uk/swo/",
    "vann": "http://purl.org/vocab/vann/",
    "semapv": "https://w3id.org/semapv/vocab/",
}

#: The prefixes written into Turtle, TriG and RDF/XML output (those dlkg's graph uses); kept
#: as they were so that exports stay byte-identical.
OUTPUT_PREFIXES: dict[str, str] = {p: PREFIXES[p] for p in
                                   ("dlkg", "res", "rdf", "rdfs", "owl", "xsd", "skos", "prov", "dcterms")}


def sparql_prologue(prefixes: Iterable[str] | None = None) -> str:
    """A SPARQL ``PREFIX`` block for these prefixes (all of them when None), one line each."""
    chosen = PREFIXES if prefixes is None else {p: PREFIXES[p] for p in prefixes}
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in chosen.items())


def curie(iri: str, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """The IRI as ``prefix:local`` by the first namespace it starts with; unchanged if none does."""
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def bind(graph, prefixes: Iterable[str] = ("dlkg", "res")) -> None:
    """Bind prefixes on an rdflib graph (for its serializers)."""
    for prefix in prefixes:
        graph.bind(prefix, PREFIXES[prefix])
