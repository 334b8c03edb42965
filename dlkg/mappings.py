"""The ontology's alignment with other vocabularies as an SSSOM table.

The mappings are stated once, in the alignment section of ``ontology/dlkg.ttl``; the SSSOM
table ``ontology/dlkg.sssom.tsv`` is generated from it (``dlkg mappings``) and a test keeps the
committed copy current.

>>> "dlkg:developedBy\\tdeveloped by\\trdfs:subPropertyOf\\twdt:P178" in sssom_table()
True
"""

from __future__ import annotations

from dlkg.stores.oxigraph import MemoryStore, packaged_files

__all__ = ["CURIE_MAP", "sssom_table"]

CURIE_MAP = {
    "dlkg": "https://w3id.org/dlkg/ontology#",
    "doap": "http://usefulinc.com/ns/doap#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "semapv": "https://w3id.org/semapv/vocab/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "swo": "http://www.ebi.ac.uk/swo/",
    "wdt": "http://www.wikidata.org/prop/direct/",
}

_QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?subject ?subjectLabel ?predicate ?object ?objectLabel WHERE {
    VALUES ?predicate { rdfs:subClassOf rdfs:subPropertyOf owl:equivalentClass owl:equivalentProperty skos:closeMatch }
    ?subject ?predicate ?object .
    FILTER(isIRI(?object) && STRSTARTS(STR(?subject), "https://w3id.org/dlkg/ontology#")
           && !STRSTARTS(STR(?object), "https://w3id.org/dlkg/") && !STRSTARTS(STR(?object), "http://www.w3.org/"))
    OPTIONAL { ?subject rdfs:label ?subjectLabel . FILTER(LANG(?subjectLabel) = "en") }
    OPTIONAL { ?object rdfs:label ?objectLabel . FILTER(LANG(?objectLabel) = "en") }
} ORDER BY ?subject ?predicate ?object
"""


def _curie(iri: str) -> str:
    for prefix, namespace in CURIE_MAP.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def sssom_table() -> str:
    """The mappings of the packaged ontology as SSSOM TSV (metadata block, then rows)."""
    store = MemoryStore(packaged_files()[:1])
    lines = [
        "# curie_map:",
        *(f"#   {prefix}: {namespace}" for prefix, namespace in CURIE_MAP.items()),
        "# mapping_set_id: https://w3id.org/dlkg/ontology/dlkg.sssom.tsv",
        "# mapping_set_description: Alignment of the dlkg ontology, generated from ontology/dlkg.ttl by `dlkg mappings`.",
        "# license: https://creativecommons.org/licenses/by/4.0/",
        "subject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\tmapping_justification",
    ]
    for subject, subject_label, predicate, obj, object_label in store.query(_QUERY).rows:
        lines.append("\t".join([_curie(subject.value), subject_label.value if subject_label else "",
                                _curie(predicate.value), _curie(obj.value),
                                object_label.value if object_label else "", "semapv:ManualMappingCuration"]))
    return "\n".join(lines) + "\n"
