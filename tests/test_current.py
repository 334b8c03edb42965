"""The current view (data/current.ttl): cells checked by hand against the pages they cite.

Every expected value below was read from the research record of the page named next to it
(the page's address is the statement's ``prov:wasDerivedFrom``), not from the data. The view is
queried as the issue asks: the ontology and the current graph only, without the book's data.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from dlkg import rdf
from dlkg.catalogue import Catalogue
from dlkg.query import bind_parameters
from dlkg.resources import CURRENT_FILE, CURRENT_GRAPH, DATA_FILE, ONTOLOGY_FILE, ONTOLOGY_GRAPH
from dlkg.stores.oxigraph import run_query
from dlkg.validate import qc_checks, validate
from tests.conftest import short

PREFIXES = """PREFIX dlkg: <https://w3id.org/dlkg/ontology#>
PREFIX res: <https://w3id.org/dlkg/resource/>
PREFIX cur: <https://w3id.org/dlkg/resource/current/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
VIEW = [ox.NamedNode(ONTOLOGY_GRAPH), ox.NamedNode(CURRENT_GRAPH)]


@pytest.fixture(scope="module")
def current() -> ox.Store:
    """The ontology and the current view, each in its named graph (no book data)."""
    store = ox.Store()
    store.extend(rdf.read_quads([(ONTOLOGY_FILE, ox.NamedNode(ONTOLOGY_GRAPH)),
                                 (CURRENT_FILE, ox.NamedNode(CURRENT_GRAPH))]))
    return store


def rows(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    result = run_query(store, PREFIXES + query, default_graph=VIEW)
    return [tuple(short(t) for t in row) for row in result.rows]


def test_flagship_python_on_android_today(current):
    # Worked out from the records, interface page and Android page of each framework:
    # PyTorch: Python at https://pytorch.org/get-started, Android through ExecuTorch at
    #   https://docs.pytorch.org/executorch/stable
    # TensorFlow: Python at https://www.tensorflow.org/api_docs.md.txt, Android through LiteRT at
    #   https://ai.google.dev/edge/litert/?hl=es-419
    # MindSpore: Python at https://www.mindspore.cn/lite/docs/en/r2.10.0/infer/device_infer_example.html,
    #   Android through MindSpore Lite at https://mindspore.cn/lite/docs/en/r1.3/index.html
    # ONNX Runtime: Python at https://onnxruntime.ai/docs/api, Android in the README at
    #   https://github.com/microsoft/onnxruntime/blob/8a44a125d2b1418e55e28844a2d0b69b5261715d/README.md
    # Not: Torch (Android, but Lua and C interfaces), MXNet and PaddlePaddle (Python, no Android
    # page), Deeplearning4j (neither any more: JVM languages; Windows, Linux, macOS).
    query = Catalogue().get("python-on-android").text
    labels = run_query(current, query, default_graph=VIEW).values("label")
    assert labels == ["MindSpore", "ONNX Runtime", "PyTorch", "TensorFlow"]
    # The same answer with FROM clauses, as a SPARQL client would ask it.
    from_query = query.replace("SELECT ?framework ?label WHERE",
                               f"SELECT ?framework ?label FROM <{ONTOLOGY_GRAPH}> FROM <{CURRENT_GRAPH}> WHERE")
    assert run_query(current, from_query).values("label") == labels


def test_fourteen_frameworks(current):
    assert rows(current, "SELECT ?l WHERE { ?f a dlkg:Framework ; rdfs:label ?l } ORDER BY ?l") == [
        ("Caffe",), ("Deeplearning4j",), ("JAX",), ("Keras",), ("MLX",), ("MXNet",), ("MatConvNet",),
        ("MindSpore",), ("ONNX Runtime",), ("PaddlePaddle",), ("PyTorch",), ("TensorFlow",), ("Theano",),
        ("Torch",)]


def test_cell_coverage(current):
    # By hand from the records: the four list columns are filled for all 14 frameworks (56 cells);
    # of the 70 capability cells two have no usable record: Theano's pretrained models (no record)
    # and Caffe's automatic differentiation (left out: a branch copy describing per-layer
    # backward passes, which the book already judged 不支持). 56 + 68 = 124 of 126.
    filled = rows(current, """SELECT (COUNT(*) AS ?n) WHERE {
        SELECT DISTINCT ?f ?column WHERE {
            ?column dcterms:isPartOf res:Table14-1 ; dlkg:position ?p . FILTER(?p > 1)
            ?f a dlkg:Framework .
            { ?e dlkg:entryOf ?f ; dlkg:column ?column } UNION { ?f dlkg:hasCapabilityStatement ?s . ?s dlkg:column ?column }
        } }""")
    assert int(filled[0][0]) == 124
    assert 124 / (14 * 9) >= 0.8


def test_unknown_cells_stay_unknown(current):
    assert rows(current, """SELECT ?s WHERE { res:Theano dlkg:hasCapabilityStatement ?s .
        ?s dlkg:capability dlkg:PretrainedModels }""") == []
    assert rows(current, "SELECT ?c WHERE { res:Caffe dlkg:supports|dlkg:doesNotSupport ?c . "
                         "FILTER(?c = dlkg:AutomaticDifferentiation) }") == []


def test_every_statement_is_sourced(current):
    query = qc_checks()["unsourced-statement-violation"]
    assert run_query(current, query, default_graph=VIEW).rows == ()
    missing = rows(current, """SELECT ?s WHERE {
        VALUES ?class { dlkg:ListEntry dlkg:CapabilityStatement dlkg:LifecycleStatement }
        ?s a ?class .
        FILTER NOT EXISTS { ?s prov:wasDerivedFrom ?page ; dlkg:sourceSays ?note .
                            ?page a dlkg:WebPage ; dcterms:title ?t ; dlkg:readOn "2026-12-06"^^<http://www.w3.org/2001/XMLSchema#date> } }""")
    assert missing == []
    counts = rows(current, """SELECT (COUNT(DISTINCT ?s) AS ?n) (COUNT(DISTINCT ?page) AS ?pages) WHERE {
        ?s prov:wasDerivedFrom ?page . ?page a dlkg:WebPage }""")
    assert int(counts[0][0]) > 124 and int(counts[0][1]) >= 50


def test_every_page_has_title_and_read_date(current):
    assert rows(current, """SELECT ?page WHERE { ?page a dlkg:WebPage .
        FILTER NOT EXISTS { ?page dcterms:title ?t ; rdfs:label ?l ; dlkg:readOn ?d } }""") == []


def test_unsourced_statement_fails_validation(tmp_path):
    # The current view with one note removed: the check names the statement and what is missing.
    text = CURRENT_FILE.read_text(encoding="utf-8")
    note = '    dlkg:sourceSays "The MirroredStrategy API page'
    start = text.index(note)
    broken = text[:start] + text[text.index("\n", start) + 1:]
    path = tmp_path / "current.ttl"
    path.write_text(broken, encoding="utf-8")
    report = validate([path], reason=False)
    assert [(p.check, short_iri(p.focus), short_iri(p.path)) for p in report.problems] == [
        ("unsourced-statement-violation", "TensorFlow-SingleMachineMultiGPU", "sourceSays")]


def short_iri(value: str) -> str:
    return value.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def test_book_row_still_needs_every_cell(tmp_path):
    # The row shape lets another view leave a cell unknown, not the book's table as printed.
    path = tmp_path / "frameworks.ttl"
    text = DATA_FILE.read_text(encoding="utf-8").replace("        res:Theano-PretrainedModels ,\n", "", 1)
    path.write_text(text, encoding="utf-8")
    messages = [p.message for p in validate([path], reason=False).problems if p.focus.rsplit("/", 1)[-1] == "Theano"]
    assert any("a row of a table has at most one capability statement per capability column, "
               "and a row of the table as printed exactly one" in message for message in messages), messages


@pytest.mark.parametrize("framework, column, expected", [
    # https://docs.pytorch.org/executorch/stable (Android and iOS deployment guides)
    ("PyTorch", "platform", [("Linux", ""), ("Mac OS X", ""), ("Windows", ""),
                             ("Android", "Through ExecuTorch."), ("iOS", "Through ExecuTorch.")]),
    # https://ai.google.dev/edge/litert/?hl=es-419 (LiteRT targets Android and iOS)
    ("TensorFlow", "platform", [("Linux", ""), ("Mac OS X", ""), ("Windows", ""), ("Raspberry Pi", ""),
                                ("Android", "Through LiteRT (formerly TensorFlow Lite)."),
                                ("iOS", "Through LiteRT (formerly TensorFlow Lite).")]),
    # https://github.com/deeplearning4j/deeplearning4j/blob/master/README.md (JVM languages)
    ("Deeplearning4j", "interface", [("Java", ""), ("Scala", ""), ("Kotlin", ""), ("Clojure", "")]),
    # https://ml-explore.github.io/mlx/build/html/install.html (Apple-silicon Macs; Linux CUDA or CPU)
    ("MLX", "platform", [("Mac OS X", ""), ("Linux", "")]),
    # https://lfaidata.foundation/blog/2020/04/06/enabling-the-open-source-ai-native-ecosystem-with-an-ai-specific-computing-framework/
    ("MindSpore", "developer", [("Huawei", "")]),
    # https://pypi.org/project/keras-nightly/3.16.0.dev2026070905/ (WSL2 advised on Windows)
    ("Keras", "platform", [("Linux", ""), ("Mac OS X", ""),
                           ("Windows", "Windows users are advised to run Keras under WSL2.")]),
])
def test_list_cell(current, framework, column, expected):
    assert rows(current, f"""SELECT ?label ?condition WHERE {{
        ?e dlkg:entryOf res:{framework} ; dlkg:column res:Table14-1-{column} ; dlkg:position ?p ; dlkg:value ?v .
        ?v rdfs:label ?label . FILTER(LANG(?label) = "en")
        OPTIONAL {{ ?e dlkg:condition ?condition . FILTER(LANG(?condition) = "en") }}
        ?e prov:wasDerivedFrom/a dlkg:WebPage . }} ORDER BY ?p""") == expected
    direct = {label for label, _ in expected}
    prop = {"platform": "runsOn", "interface": "hasInterface", "developer": "developedBy"}[column]
    assert {r[0] for r in rows(current, f"""SELECT ?l WHERE {{ res:{framework} dlkg:{prop}/rdfs:label ?l .
        FILTER(LANG(?l) = "en") }}""")} == direct


def test_mobile_runtimes(current):
    # https://docs.pytorch.org/executorch/stable, https://ai.google.dev/edge/litert/?hl=es-419,
    # https://mindspore.cn/lite/docs/en/r1.3/index.html, the Paddle README (commit 7cecb18) and
    # https://onnxruntime.ai/docs/api
    assert rows(current, """SELECT ?f ?r WHERE { ?f dlkg:mobileRuntime ?r }
        ORDER BY ?f""") == [("MindSpore", "MindSporeLite"), ("ONNXRuntime", "ONNXRuntimeMobile"),
                            ("PaddlePaddle", "PaddleLite"), ("PyTorch", "ExecuTorch"), ("TensorFlow", "LiteRT")]


def test_keras_3_backends(current):
    # https://github.com/keras-team/keras/blob/b470eee63605d7c357bda3bafa9d5e9d72b9b5a6/README.md:
    # tensorflow, jax and torch.
    assert run_query(current, Catalogue().get("backends").text, default_graph=VIEW).values("backend") == [
        "JAX", "PyTorch", "TensorFlow"]
    assert rows(current, """SELECT DISTINCT ?page WHERE { ?e dlkg:entryOf res:Keras ; dlkg:value res:JAX ;
        prov:wasDerivedFrom ?page }""") == [
        ("https://github.com/keras-team/keras/blob/b470eee63605d7c357bda3bafa9d5e9d72b9b5a6/README.md",)]


@pytest.mark.parametrize("framework, capability, level, page", [
    ("Caffe", "SingleMachineMultiGPU", "Conditional",
     "https://github.com/BVLC/caffe/blob/5977d5a3c6cfbc6d129b45f0559002cb0731cd99/docs/multigpu.md"),
    ("MatConvNet", "AutomaticDifferentiation", "Conditional",
     "https://github.com/vlfeat/autonn/blob/49bb644a6a4a22cbd39ae02ea3e1b53067b1af43/README.md"),
    ("Torch", "AutomaticDifferentiation", "Conditional", "https://github.com/twitter/torch-autograd"),
    ("ONNXRuntime", "AutomaticDifferentiation", "Conditional",
     "https://onnxruntime.ai/docs/api/python/on_device_training/training_artifacts.html"),
    ("MLX", "SingleMachineMultiGPU", "Conditional",
     "https://ml-explore.github.io/mlx/build/html/examples/data_parallelism.html"),
    ("PaddlePaddle", "SingleMachineMultiGPU", "Conditional",
     "https://paddlepaddle.org.cn/documentation/docs/en/2.4/install/index_en.html"),
    ("JAX", "AutomaticDifferentiation", "Supported",
     "https://github.com/jax-ml/jax/blob/0018baf96ec58789df27bd512694efa19ee38092/README.md"),
    ("TensorFlow", "SingleMachineMultiGPU", "Supported",
     "https://TensorFlow.org/versions/r2.5/api_docs/python/tf/distribute/MirroredStrategy"),
    ("MXNet", "RNNDevelopment", "Supported",
     "https://mxnet.apache.org/versions/master/api/python/docs/api/gluon/rnn/index.html"),
    ("Theano", "SingleMachineMultiGPU", "Conditional",
     "https://github.com/Theano/Theano/blob/0f4f011bacf45d663a6e482db109001bfb7a0077/doc/tutorial/using_multi_gpu.txt"),
])
def test_capability_cell(current, framework, capability, level, page):
    found = rows(current, f"""SELECT ?level ?page ?zh WHERE {{
        res:{framework} dlkg:hasCapabilityStatement ?s .
        ?s dlkg:capability dlkg:{capability} ; dlkg:supportLevel ?level ; prov:wasDerivedFrom ?page .
        OPTIONAL {{ ?s dlkg:condition ?zh . FILTER(LANG(?zh) = "zh") }} }}""")
    assert [(lvl, p) for lvl, p, _ in found] == [(level, page)]
    direct = rows(current, f"SELECT ?p WHERE {{ res:{framework} ?p dlkg:{capability} }}")
    if level == "Conditional":  # like the book's Keras multi-GPU cell: a condition in both languages, no direct triple
        assert found[0][2] and direct == []
    else:
        assert direct == [("supports",)]


@pytest.mark.parametrize("framework, status, valid_from, page", [
    ("MXNet", "Retired", "", "https://mxnet.apache.org/versions/master/trusted_by"),
    ("MXNet", "Archived", "2023-11-17", "https://github.com/apache/mxnet/issues/the-asf.slack.com"),
    ("Theano", "DevelopmentEnded", "2017-09-28", "https://en.wikipedia.org/wiki/Theano_(software)"),
    ("Theano", "DevelopmentEnded", "", "https://github.com/Theano/Theano"),
    ("Torch", "DevelopmentEnded", "",
     "https://github.com/torch/torch7/blob/dde9e56fb61eee040d7f3dba2331c6d6c095aee8/README.md"),
    ("PyTorch", "Maintained", "",
     "https://github.com/pytorch/pytorch/blob/0000e4389528c6b7d1bd7f08d732e54720c2fc60/README.md"),
])
def test_lifecycle_status(current, framework, status, valid_from, page):
    assert (status, valid_from) in rows(current, f"""SELECT ?status ?from WHERE {{
        res:{framework} dlkg:hasLifecycleStatement ?s .
        ?s dlkg:lifecycleOf res:{framework} ; dlkg:status ?status ; prov:wasDerivedFrom <{page}> .
        OPTIONAL {{ ?s dlkg:validFrom ?from }} }}""")
    assert (status,) in rows(current, f"SELECT ?s WHERE {{ res:{framework} dlkg:status ?s }}")


def test_successors_and_releases(current):
    # Torch: https://github.com/torch/torch7/blob/dde9e56fb61eee040d7f3dba2331c6d6c095aee8/README.md (ATen in PyTorch)
    # Caffe: https://github.com/caffe2/caffe2 and https://caffe2.ai/blog/2018/05/02/Caffe2_PyTorch_1_0.html
    # Theano: https://github.com/Theano/Theano (PyTensor) and https://pypi.org/project/pytensor/2.10.0 (Aesara)
    assert rows(current, "SELECT ?f ?s WHERE { ?f a dlkg:Framework ; dlkg:successor ?s } ORDER BY ?f ?s") == [
        ("Caffe", "Caffe2"), ("Caffe", "PyTorch"), ("Theano", "Aesara"), ("Theano", "PyTensor"), ("Torch", "PyTorch")]
    # Theano 1.0.5 of 27 July 2020: https://pypi.org/project/theano; PyTorch 2.14.1 (no date):
    # https://raw.githubusercontent.com/pytorch/pytorch.github.io/site/published_versions.json
    assert rows(current, """SELECT ?f ?v ?d WHERE { ?s dlkg:lifecycleOf ?f ; dlkg:latestRelease ?v .
        OPTIONAL { ?s dlkg:releaseDate ?d } FILTER(?f IN (res:Theano, res:PyTorch)) } ORDER BY ?f""") == [
        ("PyTorch", "2.14.1", ""), ("Theano", "1.0.5", "2020-07-27")]


def test_theano_developer_dated(current):
    # https://en.wikipedia.org/wiki/Theano_(software): MILA (Université de Montréal) until major
    # development stopped on 2017-09-28.
    assert rows(current, """SELECT ?printed ?until WHERE { ?e dlkg:entryOf res:Theano ;
        dlkg:column res:Table14-1-developer ; dlkg:printedAs ?printed ; dlkg:validUntil ?until }""") == [
        ("MILA, Université de Montréal", "2017-09-28")]


def test_every_canned_query_runs_on_the_current_view(current):
    catalogue = Catalogue()
    answered = {}
    for name in catalogue.names():
        query = catalogue.get(name)
        bindings = bind_parameters(query, {})
        answered[name] = len(run_query(current, query.text, bindings, default_graph=VIEW).rows)
    # Negative answers are empty: no page says a framework lacks a capability (unknown is not "no").
    assert answered["frameworks-without-autodiff"] == 0
    # frameworks-supporting autodiff: the 10 frameworks with an unconditional Supported cell
    # (all but Caffe (unknown), MatConvNet, Torch and ONNX Runtime (Conditional)).
    assert answered["frameworks-supporting"] == 10
    # mobile-frameworks: TensorFlow, PyTorch, Torch, ONNX Runtime on Android and iOS; MindSpore on Android.
    assert answered["mobile-frameworks"] == 9
    assert answered["conditional-support"] == 10
    assert answered["framework-profile"] > 0 and answered["capability-matrix"] == 68
