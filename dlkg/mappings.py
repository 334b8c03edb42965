"""The ontology's alignment with other vocabularies as an SSSOM table.

The mappings are stated once, in the alignment section of ``ontology/dlkg.ttl``; the SSSOM
table ``ontology/dlkg.sssom.tsv`` is generated from it (``dlkg mappings``) and a test keeps the
committed copy current.

>>> "dlkg:developedBy\\tdeveloped by\\trdfs:subPropertyOf\\twdt:P178" in sssom_table()
True
"""

from __future__ import annotations

from dlkg.catalogue import internal_queries
from dlkg.namespaces import PREFIXES, curie
from dlkg.stores.oxigraph import MemoryStore, packaged_files

__all__ = ["CURIE_MAP", "sssom_table"]

#: The prefixes the SSSOM table declares, in its order (:data:`dlkg.namespaces.PREFIXES`).
CURIE_MAP: dict[str, str] = {p: PREFIXES[p] for p in ("dlkg", "doap", "owl", "rdfs", "schema", "semapv", "skos", "swo",
                                                      "wdt")}
_QUERIES = internal_queries(__file__)


def _curie(iri: str) -> str:
    return curie(iri, CURIE_MAP)


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
    for subject, subject_label, predicate, obj, object_label in _QUERIES.run(store, "sssom-mappings").rows:
        lines.append("\t".join([_curie(subject.value), subject_label.value if subject_label else "",
                                _curie(predicate.value), _curie(obj.value),
                                object_label.value if object_label else "", "semapv:ManualMappingCuration"]))
    return "\n".join(lines) + "\n"
