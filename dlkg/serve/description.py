"""The SPARQL 1.1 Service Description of the endpoint, answered at ``GET /sparql`` with no query.

https://www.w3.org/TR/sparql11-service-description/: an ``sd:Service`` with its
``sd:endpoint`` (the URL it was asked at), the supported language (SPARQL 1.1 Query; the
endpoint is read-only), the result formats it writes (those of :mod:`dlkg.serve.protocol`),
the ``sd:UnionDefaultGraph`` feature (queries see every graph), and the default dataset with
VoID triple counts, read from the store by ``queries/service-dataset.rq``. Clients such as
Comunica read it to recognise a SPARQL endpoint.

>>> from dlkg.stores import MemoryStore
>>> triples = service_description(MemoryStore(), "http://127.0.0.1:8000/sparql")
>>> endpoint = ox.NamedNode("http://127.0.0.1:8000/sparql")
>>> ox.Triple(endpoint, SD_ENDPOINT, endpoint) in triples
True
"""

from __future__ import annotations

import pyoxigraph as ox

from dlkg.catalogue import internal_queries
from dlkg.namespaces import RDF
from dlkg.serve.protocol import FORMATS

__all__ = ["service_description", "SD", "FORMAT_IRIS"]

SD = "http://www.w3.org/ns/sparql-service-description#"
SD_ENDPOINT = ox.NamedNode(SD + "endpoint")
_W3C_FORMATS = "http://www.w3.org/ns/formats/"
#: The W3C format IRI (https://www.w3.org/ns/formats/) of each result format dlkg writes.
FORMAT_IRIS = {"json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV",
               "tsv": "SPARQL_Results_TSV", "turtle": "Turtle", "nt": "N-Triples", "jsonld": "JSON-LD",
               "rdfxml": "RDF_XML"}

_QUERIES = internal_queries(__file__)


def service_description(store, endpoint: str) -> list[ox.Triple]:
    """The triples that describe the endpoint at ``endpoint`` serving ``store``.

    Args:
        store: The served :class:`~dlkg.stores.Store`.
        endpoint: The endpoint's absolute URL (as the client asked it).
    """
    service = ox.NamedNode(endpoint)

    def sd(term: str) -> ox.NamedNode:
        return ox.NamedNode(SD + term)

    triples = [ox.Triple(service, ox.NamedNode(RDF + "type"), sd("Service")),
               ox.Triple(service, SD_ENDPOINT, service),
               ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
               ox.Triple(service, sd("feature"), sd("UnionDefaultGraph"))]
    written = dict.fromkeys(name for offers in FORMATS.values() for _, name in offers)
    triples += [ox.Triple(service, sd("resultFormat"), ox.NamedNode(_W3C_FORMATS + FORMAT_IRIS[name]))
                for name in written]
    triples += _QUERIES.run(store, "service-dataset", endpoint=service).triples
    return triples
