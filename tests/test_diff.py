"""`dlkg diff`: the changes from the book's view (data/frameworks.ttl) to the current view
(data/current.ttl), worked out by hand from the two files.

Hand-work: the book's cells are Table 14.1's (every source ``res:Table14-1``, identifier
``14.1``); each current cell names the page it follows (``prov:wasDerivedFrom``), cited below.
Capability cells, compared statement by statement in the two files: 45 in the book (9 × 5),
68 in the current view (14 × 5 less Caffe's automatic differentiation and Theano's pretrained
models, which no page supports); of the 43 both have, 8 differ in level.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from dlkg.diff import Source, diff_views, render_diff
from tests.conftest import run_dlkg

BOOK = Source("https://w3id.org/dlkg/resource/Table14-1", id="14.1")
NEW_ROWS = ["JAX", "MindSpore", "MLX", "ONNX Runtime", "PaddlePaddle"]


@pytest.fixture(scope="module")
def changes():
    return diff_views(source="2018", target="current")


def one(changes, framework, column):
    found = [c for c in changes if c.framework == framework and c.column == column]
    assert len(found) == 1, found
    return found[0]


def test_pytorch_gains_windows_android_and_ios(changes):
    # Book 14.1: Linux, Mac OS X. Current: Linux, Mac OS X, Windows after https://pytorch.org/get-started;
    # Android and iOS through ExecuTorch after https://docs.pytorch.org/executorch/stable.
    change = one(changes, "PyTorch", "Supported platforms")
    assert change.kind == "list changed"
    assert change.values_added == ("Windows", "Android", "iOS")
    assert change.values_removed == ()
    assert change.sources_before == (BOOK,)
    assert {s.iri for s in change.sources_after} == {"https://pytorch.org/get-started",
                                                     "https://docs.pytorch.org/executorch/stable"}
    assert {s.title for s in change.sources_after} == {"Get Started | PyTorch", "Welcome to the ExecuTorch Documentation"}


def test_mxnet_loses_mobile_platforms_and_gains_autodiff(changes):
    # Book 14.1: Linux, Mac OS X, Windows, AWS, Android, iOS, JavaScript; current: Linux, Mac OS X,
    # Windows after the release files on https://pypi.org/pypi/mxnet/.
    platforms = one(changes, "MXNet", "Supported platforms")
    assert (platforms.kind, platforms.values_added) == ("list changed", ())
    assert platforms.values_removed == ("AWS", "Android", "iOS", "JavaScript")
    assert [s.iri for s in platforms.sources_after] == ["https://pypi.org/pypi/mxnet/"]
    # Book: 不支持 automatic differentiation; now mxnet.autograd after
    # https://mxnet.apache.org/api/python/docs/api/autograd/index.html
    autodiff = one(changes, "MXNet", "Automatic differentiation")
    assert (autodiff.kind, autodiff.before, autodiff.after) == ("level changed", "not supported", "supported")
    assert [s.iri for s in autodiff.sources_after] == ["https://mxnet.apache.org/api/python/docs/api/autograd/index.html"]


def test_theano_and_keras_multi_gpu(changes):
    # Theano: 不支持 in the book; conditional (gpuarray backend, experimental) after
    # https://github.com/Theano/Theano/blob/0f4f011bacf45d663a6e482db109001bfb7a0077/doc/tutorial/using_multi_gpu.txt
    theano = one(changes, "Theano", "Single-machine multi-GPU")
    assert (theano.kind, theano.before, theano.after) == ("level changed", "not supported", "conditional")
    assert [s.iri for s in theano.sources_after] == [
        "https://github.com/Theano/Theano/blob/0f4f011bacf45d663a6e482db109001bfb7a0077/doc/tutorial/using_multi_gpu.txt"]
    # Keras: conditional in the book (footnote e); supported after https://Keras.io/guides/distributed_training_with_jax/
    keras = one(changes, "Keras", "Single-machine multi-GPU")
    assert (keras.before, keras.after) == ("conditional", "supported")
    assert {s.iri for s in keras.sources_before} == {BOOK.iri, "https://w3id.org/dlkg/resource/Table14-1-footnote-e"}
    assert [s.iri for s in keras.sources_after] == ["https://Keras.io/guides/distributed_training_with_jax/"]
    # Keras's interfaces gain R after https://rstudio.github.io/keras/LICENSE-text.html
    assert one(changes, "Keras", "Supported interfaces").values_added == ("R",)


def test_new_frameworks_are_whole_rows(changes):
    # JAX's row follows https://github.com/jax-ml/jax/blob/0018baf96ec58789df27bd512694efa19ee38092/README.md
    rows = [c for c in changes if c.kind == "row added"]
    assert sorted(c.framework for c in rows) == sorted(NEW_ROWS)
    jax = one(changes, "JAX", "Framework")
    assert (jax.before, jax.after, jax.sources_before) == ("", "JAX", ())
    assert [s.iri for s in jax.sources_after] == [
        "https://github.com/jax-ml/jax/blob/0018baf96ec58789df27bd512694efa19ee38092/README.md"]
    assert not [c for c in changes if c.framework in NEW_ROWS and c.kind != "row added"]


def test_counts_of_capability_changes(changes):
    levels = sorted((c.framework, c.column) for c in changes if c.kind == "level changed")
    assert levels == sorted([
        ("Caffe", "Single-machine multi-GPU"), ("Keras", "Single-machine multi-GPU"),
        ("MXNet", "Automatic differentiation"), ("MatConvNet", "Automatic differentiation"),
        ("MatConvNet", "RNN development"), ("MatConvNet", "Single-machine multi-GPU"),
        ("Theano", "Single-machine multi-GPU"), ("Torch", "Automatic differentiation"),
    ])
    removed = sorted((c.framework, c.column, c.before, c.after) for c in changes if c.kind == "removed")
    assert removed == [("Caffe", "Automatic differentiation", "not supported", ""),
                       ("Theano", "Pretrained models", "not supported", "")]
    assert not [c for c in changes if c.kind in ("added", "row removed")]


def test_reverse_direction_removes_the_new_rows():
    changes = diff_views(source="current", target="2018")
    assert sorted(c.framework for c in changes if c.kind == "row removed") == sorted(NEW_ROWS)
    pytorch = one(changes, "PyTorch", "Supported platforms")
    assert (pytorch.values_added, pytorch.values_removed) == ((), ("Windows", "Android", "iOS"))
    assert sorted(c.framework for c in changes if c.kind == "added") == ["Caffe", "Theano"]


def test_same_view_has_no_changes():
    assert diff_views(source="current", target="current") == []


def test_chinese_labels_and_levels():
    changes = diff_views(lang="zh")
    theano = [c for c in changes if c.framework == "Theano" and c.column == "单机多卡并行"]
    assert [(c.before, c.after) for c in theano] == [("不支持", "有条件")]


def test_cli_formats_are_sorted_and_deterministic():
    md = run_dlkg("diff")
    assert md.returncode == 0, md.stderr
    assert "| Theano | Single-machine multi-GPU | level changed | not supported | conditional | book 14.1 |" in md.stdout
    rows = list(csv.DictReader(io.StringIO(run_dlkg("diff", "--format", "csv").stdout)))
    keys = [(r["framework"].casefold()) for r in rows]
    assert keys == sorted(keys)
    pytorch = [r for r in rows if r["framework"] == "PyTorch" and r["column"] == "Supported platforms"]
    assert pytorch[0]["from"] == "Linux, Mac OS X"
    assert pytorch[0]["to"] == "Linux, Mac OS X, Windows, Android, iOS"
    document = json.loads(run_dlkg("diff", "--format", "json", "--from", "current", "--to", "2018").stdout)
    assert (document["from"], document["to"]) == ("current", "2018")
    assert render_diff(diff_views(), "json") == run_dlkg("diff", "--format", "json").stdout


@pytest.mark.parametrize("args", [("--from", "2017"), ("--to", "now"), ("--format", "xml")])
def test_cli_bad_option_is_one_line_exit_2(args):
    result = run_dlkg("diff", *args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
