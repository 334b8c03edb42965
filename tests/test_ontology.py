"""The ontology's fixed vocabulary, its metadata and its bilingual documentation."""

from __future__ import annotations

import pytest

from tests.conftest import select

CLASSES = ["Framework", "Agent", "Organization", "Person", "ProgrammingLanguage", "Platform", "OperatingSystem",
           "MobilePlatform", "CloudPlatform", "JavaScriptRuntime", "CrossPlatform", "Capability",
           "CapabilityStatement", "Assessment", "Strength", "Weakness", "MobileFramework"]
OBJECT_PROPERTIES = ["developedBy", "implementedIn", "runsOn", "hasInterface", "hasBackend", "modelZoo", "supports",
                     "doesNotSupport", "hasCapabilityStatement", "capability", "supportLevel", "hasStrength", "hasWeakness"]
CAPABILITIES = ["AutomaticDifferentiation", "PretrainedModels", "CNNDevelopment", "RNNDevelopment",
                "SingleMachineMultiGPU", "MultiMachineMultiGPU", "CommercialSupport"]


def test_ontology_header(store):
    rows = select(store, """PREFIX owl: <http://www.w3.org/2002/07/owl#>
        SELECT DISTINCT ?version ?info WHERE { <https://w3id.org/dlkg/ontology> a owl:Ontology ;
            owl:versionIRI ?version ; owl:versionInfo ?info ; dcterms:title ?t ; dcterms:license ?l }""")
    assert rows == [("https://w3id.org/dlkg/ontology/1.0.0", "1.0.0")]


@pytest.mark.parametrize("name", CLASSES)
def test_class(store, name):
    assert store.query(f"ASK {{ <https://w3id.org/dlkg/ontology#{name}> a <http://www.w3.org/2002/07/owl#Class> }}").boolean


@pytest.mark.parametrize("name", OBJECT_PROPERTIES)
def test_object_property(store, name):
    assert store.query(f"ASK {{ <https://w3id.org/dlkg/ontology#{name}> a <http://www.w3.org/2002/07/owl#ObjectProperty> }}").boolean


@pytest.mark.parametrize("name", CAPABILITIES)
def test_capability_is_documented_in_en_and_zh(store, name):
    rows = select(store, f"""SELECT (GROUP_CONCAT(DISTINCT LANG(?l); separator=",") AS ?langs) WHERE {{
        dlkg:{name} a dlkg:Capability ; rdfs:label ?l ; rdfs:comment ?c ; rdfs:isDefinedBy ?o . }}""")
    assert sorted(rows[0][0].split(",")) == ["en", "zh"]


def test_support_levels_and_defined_classes(store):
    assert select(store, "SELECT ?l WHERE { ?l a dlkg:SupportLevel } ORDER BY ?l") == [
        ("Conditional",), ("NotSupported",), ("Supported",)]
    rows = select(store, """PREFIX owl: <http://www.w3.org/2002/07/owl#>
        SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c owl:equivalentClass/owl:intersectionOf ?list }""")
    assert int(rows[0][0]) >= 4
