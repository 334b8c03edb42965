"""Every canned query against hand-worked answers from the source (Table 14.1 and section 14.2).

The expected rows below were worked out by reading ../shared/seed/000_354c2906f8c01203.txt
(with READING.md's readings), not by running the queries. Rows compare as the query's
label-like columns, in the query's own order.
"""

from __future__ import annotations

import pytest

from dlkg.catalogue import Catalogue
from dlkg.query import run_canned
from tests.conftest import run_dlkg
from tests.test_data import MODEL_ZOOS

PYTHON = ["Caffe", "Deeplearning4j", "Keras", "MXNet", "PyTorch", "TensorFlow", "Theano"]

# query name -> list of (params, columns to compare, expected rows)
CASES: dict[str, list[tuple[dict, tuple[str, ...], list[tuple[str, ...]]]]] = {
    # 支持接口 has Python ∩ 支持平台 has Android
    "python-on-android": [({}, ("label",), [("Deeplearning4j",), ("MXNet",)])],
    "frameworks-by-interface": [
        ({}, ("label",), [(n,) for n in PYTHON]),
        ({"interface": "go"}, ("label",), [("MXNet",), ("TensorFlow",)]),
        ({"interface": "C++"}, ("label",), [("MXNet",), ("TensorFlow",)]),  # TensorFlow's "C/C++"
        ({"interface": "LUA"}, ("label",), [("Torch",)]),
    ],
    "frameworks-by-platform": [
        ({}, ("label",), [("Deeplearning4j",), ("MXNet",), ("Torch",)]),
        ({"platform": "iOS"}, ("label",), [("MXNet",), ("Torch",)]),
        ({"platform": "macos"}, ("label",), [(n,) for n in ["Caffe", "Deeplearning4j", "Keras", "MXNet", "MatConvNet", "PyTorch", "TensorFlow", "Torch"]]),
        ({"platform": "Cross-platform"}, ("label",), [("Theano",)]),
    ],
    "frameworks-by-language": [
        ({}, ("label",), [("Caffe",), ("MXNet",), ("MatConvNet",), ("TensorFlow",)]),
        ({"language": "python"}, ("label",), [("Keras",), ("PyTorch",), ("TensorFlow",), ("Theano",)]),
        ({"language": "Lua"}, ("label",), [("Torch",)]),
    ],
    "frameworks-by-developer": [
        ({}, ("label",), [("PyTorch",)]),
        ({"developer": "google brain"}, ("label",), [("TensorFlow",)]),
        ({"developer": "Clement Farabet"}, ("label",), [("Torch",)]),
    ],
    "frameworks-supporting": [
        ({}, ("label",), [("Deeplearning4j",), ("Keras",), ("PyTorch",), ("TensorFlow",), ("Theano",)]),
        ({"capability": "rnn"}, ("label",), [(n,) for n in ["Caffe", "Deeplearning4j", "Keras", "MXNet", "PyTorch", "TensorFlow", "Theano", "Torch"]]),
        ({"capability": "multi-gpu"}, ("label",), [(n,) for n in ["Caffe", "Deeplearning4j", "MXNet", "MatConvNet", "PyTorch", "TensorFlow", "Torch"]]),
        ({"capability": "commercial support"}, ("label",), [("Deeplearning4j",)]),
        ({"capability": "强化学习"}, ("label",), [("TensorFlow",)]),
        ({"capability": "pretrained"}, ("label",), [(n,) for n in ["Caffe", "Deeplearning4j", "Keras", "MXNet", "MatConvNet", "PyTorch", "TensorFlow", "Torch"]]),
    ],
    "frameworks-lacking": [
        ({}, ("label",), [("Caffe",), ("MXNet",), ("MatConvNet",), ("Torch",)]),
        ({"capability": "pretrained"}, ("label",), [("Theano",)]),
        ({"capability": "multi-gpu"}, ("label",), [("Theano",)]),  # Keras is conditional, not "no"
        ({"capability": "multi-machine"}, ("label",), [("Caffe",), ("Theano",)]),
        ({"capability": "commercial-support"}, ("label",), [("Caffe",), ("TensorFlow",)]),
        ({"capability": "rnn"}, ("label",), [("MatConvNet",)]),
    ],
    "frameworks-without-autodiff": [({}, ("label",), [("Caffe",), ("MXNet",), ("MatConvNet",), ("Torch",)])],
    "conditional-support": [({}, ("label", "capability", "supportedWith", "notSupportedWith"),
                             [("Keras", "single-machine multi-GPU parallelism", "TensorFlow", "Theano")])],
    "frameworks-per-platform": [({}, ("platform", "frameworks"), [
        ("Linux", "8"), ("Mac OS X", "8"), ("Windows", "7"), ("Android", "3"), ("iOS", "2"),
        ("AWS", "1"), ("Cross-platform", "1"), ("JavaScript", "1")])],
    "frameworks-per-language": [({}, ("language", "frameworks"), [
        ("C++", "4"), ("Python", "4"), ("C", "1"), ("Java", "1"), ("Lua", "1"), ("MATLAB", "1")])],
    "frameworks-per-interface": [({}, ("interface", "frameworks"), [
        ("Python", "7"), ("MATLAB", "3"), ("C", "2"), ("C++", "2"), ("Go", "2"), ("Java", "2"), ("Scala", "2"),
        ("Clojure", "1"), ("JavaScript", "1"), ("Julia", "1"), ("Lua", "1"), ("LuaJIT", "1"), ("Perl", "1"),
        ("R", "1"), ("utility library for C++/OpenCL", "1")])],
    # Both parameters or neither (the defaults, TensorFlow and PyTorch); the framework columns
    # hold each framework's label as the data spells it.
    "compare-frameworks": [({}, ("capability", "framework_a", "support_a", "framework_b", "support_b"), [
        ("CNN development", "TensorFlow", "supported", "PyTorch", "supported"),
        ("RNN development", "TensorFlow", "supported", "PyTorch", "supported"),
        ("automatic differentiation", "TensorFlow", "supported", "PyTorch", "supported"),
        ("commercial support", "TensorFlow", "not supported", "PyTorch", ""),
        ("pretrained models", "TensorFlow", "supported", "PyTorch", "supported"),
        ("reinforcement learning", "TensorFlow", "supported", "PyTorch", ""),
        ("single-machine multi-GPU parallelism", "TensorFlow", "supported", "PyTorch", "supported")]),
        ({"a": "caffe", "b": "theano"}, ("capability", "support_a", "support_b"), [
        ("CNN development", "supported", "supported"),
        ("RNN development", "supported", "supported"),
        ("automatic differentiation", "not supported", "supported"),
        ("commercial support", "not supported", ""),
        ("multi-machine multi-GPU parallelism", "not supported", "not supported"),
        ("pretrained models", "supported", "not supported"),
        ("single-machine multi-GPU parallelism", "supported", "not supported")])],
    "framework-profile": [({}, ("property", "value"), [
        ("capability: CNN development", "supported"), ("capability: RNN development", "supported"),
        ("capability: automatic differentiation", "not supported"), ("capability: commercial support", "not supported"),
        ("capability: multi-machine multi-GPU parallelism", "not supported"), ("capability: pretrained models", "supported"),
        ("capability: single-machine multi-GPU parallelism", "supported"),
        ("developed by", "BVLC"), ("has interface", "MATLAB"), ("has interface", "Python"), ("implemented in", "C++"),
        ("model zoo", "https://github.com/BVLC/caffe/wiki/Model-Zoo"),
        ("runs on", "Linux"), ("runs on", "Mac OS X"), ("runs on", "Windows")])],
    "strengths-and-weaknesses": [
        ({"framework": "MXNet"}, ("position", "kind", "zh"), [("1", "strength", "支持多种语言接口"), ("2", "weakness", "不支持自动求导")]),
        ({"framework": "Keras"}, ("kind", "zh"), [("strength", "受Torch启发的直观API"),
                                                  ("strength", "可使用 Theano、TensorFlow 和 Deeplearning4j 后端"),
                                                  ("strength", "支持自动求导")]),
        ({"framework": "PyTorch"}, ("kind",), []),
    ],
    "fact-provenance": [({}, ("capability", "level", "source"), [
        ("CNN development", "supported", "Table 14.1: comparison of deep-learning development frameworks"),
        ("RNN development", "supported", "Table 14.1: comparison of deep-learning development frameworks"),
        ("automatic differentiation", "supported", "Table 14.1: comparison of deep-learning development frameworks"),
        ("pretrained models", "supported", "Table 14.1, footnote d"),
        ("pretrained models", "supported", "Table 14.1: comparison of deep-learning development frameworks"),
        ("single-machine multi-GPU parallelism", "conditional", "Table 14.1, footnote e"),
        ("single-machine multi-GPU parallelism", "conditional", "Table 14.1: comparison of deep-learning development frameworks")]),
        ({"framework": "Theano"}, ("capability", "source"), [
        ("CNN development", "Table 14.1: comparison of deep-learning development frameworks"),
        ("RNN development", "Table 14.1: comparison of deep-learning development frameworks"),
        ("automatic differentiation", "Table 14.1: comparison of deep-learning development frameworks"),
        ("multi-machine multi-GPU parallelism", "14.2.7 Theano"),
        ("multi-machine multi-GPU parallelism", "Theano weakness 3"),
        ("pretrained models", "Table 14.1: comparison of deep-learning development frameworks"),
        ("single-machine multi-GPU parallelism", "Table 14.1: comparison of deep-learning development frameworks")])],
    "model-zoos": [({}, ("label", "modelZoo"), MODEL_ZOOS)],
    "backends": [({}, ("label", "backend"), [("Keras", "Deeplearning4j"), ("Keras", "TensorFlow"), ("Keras", "Theano")])],
    "defined-class-members": [
        ({}, ("label",), [("Deeplearning4j",), ("MXNet",), ("Torch",)]),
        ({"class": "PythonFramework"}, ("label",), [(n,) for n in PYTHON]),
        ({"class": "AutodiffFramework"}, ("label",), [("Deeplearning4j",), ("Keras",), ("PyTorch",), ("TensorFlow",), ("Theano",)]),
        ({"class": "CloudFramework"}, ("label",), [("MXNet",)]),
        ({"class": "CommerciallySupportedFramework"}, ("label",), [("Deeplearning4j",)]),
    ],
    "mobile-frameworks": [({}, ("label", "mobilePlatform"), [
        ("Deeplearning4j", "Android"), ("MXNet", "Android"), ("MXNet", "iOS"), ("Torch", "Android"), ("Torch", "iOS")])],
    "multi-gpu-frameworks": [({}, ("label", "singleMachine", "multiMachine"), [
        ("Caffe", "supported", "not supported"), ("Deeplearning4j", "supported", "supported"),
        ("Keras", "conditional", ""), ("MXNet", "supported", ""), ("MatConvNet", "supported", ""),
        ("PyTorch", "supported", ""), ("TensorFlow", "supported", ""), ("Theano", "not supported", "not supported"),
        ("Torch", "supported", "")])],
    "capabilities": [({}, ("shortName", "zh"), [
        ("autodiff", "自动求导"), ("cnn", "CNN开发"), ("commercial-support", "商业支持"), ("multi-gpu", "单机多卡并行"),
        ("multi-machine", "多机多卡并行"), ("pretrained", "预训练模型"), ("reinforcement-learning", "强化学习"), ("rnn", "RNN开发")])],
    "sources": [({}, ("identifier", "title"), [
        ("", "DL 深度学习开源工具简介"), ("", "解析卷积神经网络"),
        ("14.1", "Table 14.1: comparison of deep-learning development frameworks"),
        ("14.2", "The characteristics of common frameworks"),
        ("14.2.1", "Caffe"), ("14.2.2", "Deeplearning4j"),
        # The opening paragraphs of 14.2.2, 14.2.4 and 14.2.8, which three facts come from (not their bullets).
        ("14.2.2 prose", "Deeplearning4j: the paragraph before the bullets"), ("14.2.3", "Keras"), ("14.2.4", "MXNet"),
        ("14.2.4 prose", "MXNet: the paragraph before the bullets"),
        ("14.2.5", "MatConvNet"), ("14.2.6", "TensorFlow"), ("14.2.7", "Theano"), ("14.2.8", "Torch"),
        ("14.2.8 prose", "Torch: the paragraph before the bullets")])],
}

# Queries of the history: each reads the book's view and the current view in their own named
# graphs, which only a store holding both has. `dlkg load` loads the book's view alone for now,
# so these run on the memory store with the ontology and both views (dlkg.diff.views_store);
# they join CASES when every store kind holds the current view. Worked out by hand from
# data/current.ttl's lifecycle statements and platform entries (the page each row follows is the
# source column) against data/frameworks.ttl's rows and platform lists.
MXNET_ARCHIVED = ("MXNet", "archived", "2023-11-17", "https://github.com/apache/mxnet/issues/the-asf.slack.com")
MXNET_RETIRED = ("MXNet", "retired", "", "https://mxnet.apache.org/versions/master/trusted_by")
THEANO_REPOSITORY = ("Theano", "development ended", "", "https://github.com/Theano/Theano")
THEANO_WIKIPEDIA = ("Theano", "development ended", "2017-09-28", "https://en.wikipedia.org/wiki/Theano_(software)")
TORCH_README = ("Torch", "development ended", "",
                "https://github.com/torch/torch7/blob/dde9e56fb61eee040d7f3dba2331c6d6c095aee8/README.md")
ENDED = [MXNET_ARCHIVED, MXNET_RETIRED, THEANO_REPOSITORY, THEANO_WIKIPEDIA, TORCH_README]
HISTORY_CASES: dict[str, list[tuple[dict, tuple[str, ...], list[tuple[str, ...]]]]] = {
    # Book: no Android/iOS for PyTorch (Linux, Mac OS X) or TensorFlow (Linux, Mac OS X, Windows).
    "gained-mobile-platforms": [({}, ("label", "platform", "condition", "source"), [
        ("PyTorch", "Android", "Through ExecuTorch.", "https://docs.pytorch.org/executorch/stable"),
        ("PyTorch", "iOS", "Through ExecuTorch.", "https://docs.pytorch.org/executorch/stable"),
        ("TensorFlow", "Android", "Through LiteRT (formerly TensorFlow Lite).", "https://ai.google.dev/edge/litert/?hl=es-419"),
        ("TensorFlow", "iOS", "Through LiteRT (formerly TensorFlow Lite).", "https://ai.google.dev/edge/litert/?hl=es-419"),
    ])],
    # All three are rows of Table 14.1; none of the five new frameworks has an ended status.
    "no-longer-maintained": [({}, ("label", "status", "since", "source", "listed_in"),
                              [(*row, "14.1") for row in ENDED])],
    "retired-frameworks": [({}, ("label", "status", "since", "source", "in_book"),
                            [(*row, "true") for row in ENDED])],
}


@pytest.fixture(scope="module")
def views_store():
    from dlkg.diff import views_store as both_views

    return both_views()


@pytest.mark.parametrize(("name", "params", "columns", "expected"),
                         [(name, *case) for name, cases in HISTORY_CASES.items() for case in cases])
def test_history_query(views_store, name, params, columns, expected):
    result = run_canned(name, params, store=views_store)
    got = [tuple(result.values(c)[i] for c in columns) for i in range(len(result.rows))]
    assert got == expected


def test_every_canned_query_has_expected_answers():
    assert sorted({*CASES, *HISTORY_CASES, "capability-matrix"}) == Catalogue().names()
    assert len(CASES) >= 20


def test_capability_matrix_size(any_store):
    # 45 table cells plus 7 section-14.2 statements (Caffe x2, DL4J x2, TensorFlow x2, Theano x1).
    result = run_canned("capability-matrix", store=any_store)
    assert len(result.rows) == 52
    assert ("Keras", "single-machine multi-GPU parallelism", "conditional") in [tuple(t.value for t in r) for r in result.rows]


PARAMS = [(name, params, columns, rows) for name, cases in CASES.items() for params, columns, rows in cases]


@pytest.mark.parametrize(("name", "params", "columns", "expected"), PARAMS,
                         ids=[f"{p[0]}-{'-'.join(p[1].values()) or 'defaults'}" for p in PARAMS])
def test_canned_query(any_store, name, params, columns, expected):
    result = run_canned(name, params, store=any_store)
    got = [tuple(result.values(c)[i] for c in columns) for i in range(len(result.rows))]
    assert got == expected


@pytest.mark.parametrize(("given", "missing"), [(("a=Caffe",), "b"), (("b=Theano",), "a")])
def test_compare_frameworks_needs_both_frameworks(given, missing):
    # One framework alone used to be compared with the other's default (TensorFlow or PyTorch),
    # silently; now it is a usage error naming the missing parameter.
    args = [arg for value in given for arg in ("-p", value)]
    done = run_dlkg("query", "compare-frameworks", *args, "--format", "csv")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip() == f"dlkg: error: --param: missing parameter '{missing}'; compare-frameworks expects: a, b"
