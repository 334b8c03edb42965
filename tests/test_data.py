"""Facts of data/frameworks.ttl against the source, counted and read by hand from the seed."""

from __future__ import annotations

import pytest

from tests.conftest import select

# Section 14.2: ✓ and X bullets per framework, counted in the seed (Torch's three middle
# lines lost their marks; READING.md reads two as strengths, one as a weakness).
BULLETS = {
    "Caffe": (4, 7), "Deeplearning4j": (6, 2), "Keras": (3, 0), "MXNet": (1, 1), "MatConvNet": (3, 2),
    "TensorFlow": (3, 2), "Theano": (4, 4), "Torch": (3, 3), "PyTorch": (0, 0),
}


@pytest.mark.parametrize("framework", BULLETS)
def test_bullets_per_framework(store, framework):
    strengths, weaknesses = BULLETS[framework]
    rows = select(store, """SELECT (COUNT(DISTINCT ?s) AS ?s_n) (COUNT(DISTINCT ?w) AS ?w_n) WHERE {
        OPTIONAL { ?f dlkg:hasStrength ?s } OPTIONAL { ?f dlkg:hasWeakness ?w } }""",
                  f=_iri(framework))
    assert rows == [(str(strengths), str(weaknesses))]


def test_bullet_total_and_languages(store):
    rows = select(store, """SELECT ?a (COUNT(?t) AS ?n) WHERE { ?a a ?kind ; dlkg:text ?t .
        VALUES ?kind { dlkg:Strength dlkg:Weakness } } GROUP BY ?a""")
    assert len(rows) == sum(s + w for s, w in BULLETS.values()) == 48
    assert {n for _, n in rows} == {"2"}


def test_bullet_text_is_the_source_chinese(store):
    rows = select(store, 'SELECT ?a WHERE { ?a dlkg:text "不适合循环网络"@zh ; a dlkg:Weakness ; prov:wasDerivedFrom res:Section14-2-1 }')
    assert rows == [("Caffe-bullet-7",)]
    rows = select(store, 'SELECT ?f WHERE { ?f dlkg:hasStrength ?a . ?a dlkg:text "PyTorch为Torch提供了更便利的接口"@zh }')
    assert rows == [("Torch",)]


def test_forty_five_table_statements(store):
    rows = select(store, """SELECT (COUNT(?s) AS ?n) WHERE { ?s a dlkg:CapabilityStatement ; dlkg:column ?c ;
        prov:wasDerivedFrom res:Table14-1 }""")
    assert rows == [("45",)]


def test_keras_multi_gpu_is_conditional(store):
    rows = select(store, """SELECT ?level ?printed ?with ?without ?marker WHERE {
        res:Keras dlkg:hasCapabilityStatement ?s . ?s dlkg:capability dlkg:SingleMachineMultiGPU ;
        dlkg:supportLevel ?level ; dlkg:printedSupportLevel ?printed ; dlkg:supportedWith ?with ;
        dlkg:notSupportedWith ?without ; dlkg:footnote/dlkg:marker ?marker }""")
    assert rows == [("Conditional", "NotSupported", "TensorFlow", "Theano", "e")]
    assert not store.query(PREFIX_ASK + "ASK { res:Keras dlkg:supports|dlkg:doesNotSupport dlkg:SingleMachineMultiGPU }").boolean


PREFIX_ASK = "PREFIX dlkg: <https://w3id.org/dlkg/ontology#> PREFIX res: <https://w3id.org/dlkg/resource/> "


def test_not_supported_is_explicit(store):
    # 自动求导 不支持: Caffe, MXNet, MatConvNet, Torch (table); RNN 不支持: MatConvNet.
    rows = select(store, "SELECT ?f WHERE { ?f dlkg:doesNotSupport dlkg:AutomaticDifferentiation } ORDER BY ?f")
    assert rows == [("Caffe",), ("MXNet",), ("MatConvNet",), ("Torch",)]
    assert select(store, "SELECT ?f WHERE { ?f dlkg:doesNotSupport dlkg:RNNDevelopment }") == [("MatConvNet",)]


def test_facts_beyond_the_table(store):
    # 14.2.1: Caffe 可单机多卡，但不支持多机多卡; 不提供商业支持. 14.2.2: DL4J 支持单机多卡和多机多卡; 提供商业支持.
    # 14.2.6: TensorFlow 不提供商业支持. 14.2.7: Theano 仅支持单机单卡.
    assert select(store, "SELECT ?f WHERE { ?f dlkg:supports dlkg:MultiMachineMultiGPU }") == [("Deeplearning4j",)]
    assert select(store, "SELECT ?f WHERE { ?f dlkg:doesNotSupport dlkg:MultiMachineMultiGPU } ORDER BY ?f") == [("Caffe",), ("Theano",)]
    assert select(store, "SELECT ?f WHERE { ?f dlkg:supports dlkg:CommercialSupport }") == [("Deeplearning4j",)]
    assert select(store, "SELECT ?f WHERE { ?f dlkg:doesNotSupport dlkg:CommercialSupport } ORDER BY ?f") == [("Caffe",), ("TensorFlow",)]
    assert select(store, "SELECT ?s WHERE { res:Deeplearning4j dlkg:integratesWith ?s } ORDER BY ?s") == [("Hadoop",), ("Spark",)]
    assert select(store, "SELECT ?b WHERE { res:Keras dlkg:hasBackend ?b } ORDER BY ?b") == [("Deeplearning4j",), ("TensorFlow",), ("Theano",)]
    assert select(store, "SELECT ?o WHERE { res:MXNet dlkg:adoptedBy ?o }") == [("AmazonWebServices",)]


def test_cross_platform_is_not_a_named_os(store):
    assert select(store, "SELECT ?p WHERE { res:Theano dlkg:runsOn ?p }") == [("CrossPlatform",)]
    rows = select(store, "SELECT DISTINCT ?f WHERE { ?f dlkg:runsOn ?os . ?os a dlkg:OperatingSystem } ORDER BY ?f")
    assert ("Theano",) not in rows and len(rows) == 8


def test_torch_utility_library_is_kept(store):
    rows = select(store, 'SELECT ?i WHERE { res:Torch dlkg:hasInterface ?i . ?i rdfs:label "utility library for C++/OpenCL"@en }')
    assert rows == [("UtilityLibraryCppOpenCL",)]


# Footnotes b-j of Table 14.1 (READING.md: "siim" is "slim", the mangled prefixes are https://).
MODEL_ZOOS = [
    ("Caffe", "https://github.com/BVLC/caffe/wiki/Model-Zoo"),
    ("Deeplearning4j", "https://deeplearning4j.org/model-zoo"),
    ("Keras", "https://keras.io/applications/"),
    ("MXNet", "https://github.com/dmlc/mxnet-model-gallery"),
    ("MatConvNet", "http://www.vlfeat.org/matconvnet/pretrained/"),
    ("PyTorch", "https://github.com/pytorch/vision"),
    ("TensorFlow", "https://github.com/tensorflow/models/tree/master/slim#Pretrained"),
    ("Torch", "https://github.com/torch/torch7/wiki/ModelZoo"),
]


def test_model_zoos_are_iris_from_footnotes(store):
    rows = select(store, "SELECT ?f ?zoo WHERE { ?f dlkg:modelZoo ?zoo . FILTER(isIRI(?zoo)) } ORDER BY ?f")
    assert rows == MODEL_ZOOS


def test_labels_keep_the_source_spelling(store):
    assert select(store, 'SELECT ?x WHERE { ?x rdfs:label "Mac OS X"@en ; <http://www.w3.org/2004/02/skos/core#altLabel> "macOS"@en }') == [("MacOSX",)]
    assert select(store, 'SELECT ?x WHERE { ?x rdfs:label "Universite de Montreal"@en }') == [("UniversiteDeMontreal",)]


def test_source_is_described(store):
    rows = select(store, """SELECT ?title ?date ?author WHERE { res:BlogTranscription dcterms:date ?date ;
        prov:wasDerivedFrom ?book . ?book dcterms:title ?title ; dcterms:creator/rdfs:label ?author .
        FILTER(LANG(?author) = "zh") }""")
    assert rows == [("解析卷积神经网络", "2018-06-26", "魏秀参")]


def _iri(name: str):
    import pyoxigraph as ox

    return ox.NamedNode("https://w3id.org/dlkg/resource/" + name)
