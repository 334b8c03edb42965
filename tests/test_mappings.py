"""The SSSOM table is generated from the ontology, and the alignment keeps the ontology OWL 2 DL."""

from __future__ import annotations

from dlkg.mappings import sssom_table
from dlkg.resources import ONTOLOGY_DIR
from tests.conftest import select


def test_committed_sssom_table_is_current():
    assert (ONTOLOGY_DIR / "dlkg.sssom.tsv").read_text(encoding="utf-8") == sssom_table(), \
        "run: dlkg mappings -o ontology/dlkg.sssom.tsv"


def test_wikidata_alignment():
    rows = {tuple(line.split("\t")[i] for i in (0, 2, 3)) for line in sssom_table().splitlines() if not line.startswith("#")}
    assert ("dlkg:developedBy", "rdfs:subPropertyOf", "wdt:P178") in rows
    assert ("dlkg:implementedIn", "owl:equivalentProperty", "wdt:P277") in rows
    assert ("dlkg:runsOn", "rdfs:subPropertyOf", "wdt:P400") in rows
    assert ("dlkg:runsOn", "skos:closeMatch", "wdt:P306") in rows
    assert ("dlkg:Framework", "rdfs:subClassOf", "schema:SoftwareApplication") in rows


def test_property_axioms_only_between_object_properties(store):
    rows = select(store, """PREFIX owl: <http://www.w3.org/2002/07/owl#>
        SELECT ?p ?q WHERE { VALUES ?axiom { owl:equivalentProperty rdfs:subPropertyOf }
            ?p ?axiom ?q .
            FILTER NOT EXISTS { ?p a owl:ObjectProperty . ?q a owl:ObjectProperty } }""")
    assert rows == []


def test_literal_valued_counterparts_are_close_matches_only(store):
    # schema:operatingSystem and doap:os take literals: never subPropertyOf/equivalentProperty.
    rows = select(store, """PREFIX owl: <http://www.w3.org/2002/07/owl#>
        SELECT ?p WHERE { ?p rdfs:subPropertyOf|owl:equivalentProperty ?q .
            VALUES ?q { <https://schema.org/operatingSystem> <http://usefulinc.com/ns/doap#os> } }""")
    assert rows == []
    assert store.query("PREFIX owl: <http://www.w3.org/2002/07/owl#> ASK { <http://www.w3.org/2004/02/skos/core#closeMatch> a owl:AnnotationProperty }").boolean
