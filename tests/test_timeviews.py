"""Issue 14: reading the graph as of a view (--view / --as-of); every answer says which.

Expected answers are worked out by hand: the book's from Table 14.1 (Deeplearning4j and MXNet
list Python and Android), today's from data/current.ttl's statements and the pages each cites
(named beside each row below).
"""

from __future__ import annotations

import json

import pytest

from dlkg.errors import UsageError
from dlkg.query import run_canned
from dlkg.resources import CURRENT_FILE
from dlkg.timeviews import BOOK, CURRENT, resolve
from tests.conftest import run_dlkg

R = "https://w3id.org/dlkg/resource/"
#: Today's frameworks with a Python interface that run on Android, and the pages behind their
#: Python-interface and Android-platform entries (data/current.ttl):
TODAY = {
    # MindSpore: Android from the MindSpore Lite r1.3 docs; Python interface from the r2.10.0 docs.
    "MindSpore": ["https://mindspore.cn/lite/docs/en/r1.3/index.html",
                  "https://www.mindspore.cn/lite/docs/en/r2.10.0/infer/device_infer_example.html"],
    # ONNX Runtime: Android from its README's build pipelines; Python from its API docs page.
    "ONNX Runtime": ["https://github.com/microsoft/onnxruntime/blob/8a44a125d2b1418e55e28844a2d0b69b5261715d/README.md",
                     "https://onnxruntime.ai/docs/api"],
    # PyTorch: Android through ExecuTorch (its docs); Python from the get-started page.
    "PyTorch": ["https://docs.pytorch.org/executorch/stable", "https://pytorch.org/get-started"],
    # TensorFlow: Android through LiteRT (its overview); Python from the API docs.
    "TensorFlow": ["https://ai.google.dev/edge/litert/?hl=es-419", "https://www.tensorflow.org/api_docs.md.txt"],
}


def test_resolve_picks_views_by_name_and_date():
    assert resolve() is BOOK and resolve("2018") is BOOK and resolve("current") is CURRENT
    assert resolve(as_of="2018-01-01") is BOOK and resolve(as_of="2020-01-01") is BOOK
    assert resolve(as_of="2026-12-05") is BOOK  # the day before the pages were read
    assert resolve(as_of="2026-12-06") is CURRENT and resolve("current", "2030-01-01") is CURRENT
    assert CURRENT.date == "2026-12-06"  # res:CurrentView dcterms:date in data/current.ttl
    for view, as_of, param in (("1999", None, "view"), (None, "2017-01-01", "as_of"), (None, "yesterday", "as_of"),
                               ("2018", "2026-12-06", "as_of")):
        with pytest.raises(UsageError) as caught:
            resolve(view, as_of)
        assert caught.value.param == param


def test_library_view_keyword():
    assert run_canned("python-on-android").values("label") == ["Deeplearning4j", "MXNet"]
    today = run_canned("python-on-android", view="current")
    assert today.variables == ("framework", "label", "sources")
    assert {row[1].value: row[2].value.split() for row in today.rows} == TODAY


def test_cli_query_says_the_books_view_by_default():
    done = run_dlkg("query", "python-on-android", "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == [f"{R}Deeplearning4j,Deeplearning4j", f"{R}MXNet,MXNet"]
    assert done.stderr.strip() == "view: the book's view (2018)"
    md = run_dlkg("query", "python-on-android", "--format", "md", "--as-of", "2020-01-01")
    assert md.stdout.splitlines()[0] == "view: the book's view (2018)" and "| MXNet |" in md.stdout


def test_cli_query_current_view_has_a_source_per_row():
    done = run_dlkg("query", "python-on-android", "--as-of", "2026-12-06", "--format", "json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["head"] == {"vars": ["framework", "label", "sources"], "link": ["https://w3id.org/dlkg/view/current"]}
    rows = {b["label"]["value"]: b["sources"]["value"].split() for b in doc["results"]["bindings"]}
    assert rows == TODAY
    same = run_dlkg("query", "python-on-android", "--view", "current", "--format", "csv")
    assert same.stderr.strip() == "view: the current view (2026-12-06)"
    assert [line.split(",")[1] for line in same.stdout.splitlines()[1:]] == sorted(TODAY)


def test_cli_as_of_before_every_view_is_a_usage_error():
    done = run_dlkg("query", "python-on-android", "--as-of", "2017-01-01")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("dlkg: error: --as-of: there is no view on or before 2017-01-01"), done.stderr
    both = run_dlkg("find", "--interface", "python", "--view", "2018", "--as-of", "2026-12-06")
    assert both.returncode == 2 and both.stderr.startswith("dlkg: error: --as-of: "), both.stderr


def test_cli_find_show_table_in_the_current_view(tmp_path):
    # https://docs.pytorch.org/executorch/stable: PyTorch runs on iOS (through ExecuTorch) today;
    # the book's table gives it no iOS.
    found = run_dlkg("find", "--platform", "ios", "--view", "current", "--format", "csv")
    assert "PyTorch" in found.stdout and found.returncode == 0
    assert "PyTorch" not in run_dlkg("find", "--platform", "ios", "--format", "csv").stdout
    shown = run_dlkg("show", "pytorch", "--view", "current")
    assert shown.stdout.splitlines()[0] == "PyTorch  [view: the current view (2026-12-06)]"
    table = run_dlkg("table", "--lang", "zh", "--view", "current")
    assert table.stdout.splitlines()[2] == "视图：当前视图（2026-12-06）"


def test_embedded_store_reads_each_view_and_keeps_user_graphs(tmp_path):
    folder = str(tmp_path / "kg")
    assert run_dlkg("load", "--into", folder).returncode == 0
    mine = tmp_path / "mine.ttl"
    mine.write_text(f"<{R}Mine> a <https://w3id.org/dlkg/ontology#Framework> .\n")
    assert run_dlkg("load", str(mine), "--into", folder, "--graph", "https://example.org/mine").returncode == 0
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?f a <https://w3id.org/dlkg/ontology#Framework> }"
    # the book's nine frameworks + Mine; today's fourteen (nine + JAX, PaddlePaddle, MindSpore,
    # MLX, ONNX Runtime) + Mine: never the two views merged
    book = run_dlkg("sparql", count, "--store", folder, "--format", "csv")
    today = run_dlkg("sparql", count, "--store", folder, "--view", "current", "--format", "csv")
    assert book.stdout.splitlines()[1] == "10" and today.stdout.splitlines()[1] == "15", (book, today)


def test_export_of_the_current_view(tmp_path):
    """Issue 14: `dlkg export --view current` exports the current view's statements (data
    graph replaced by the current graph), and says so on stderr; the default stays the book's."""
    import rdflib

    book = run_dlkg("export", "--format", "nt", "--graph", "data")
    current = run_dlkg("export", "--format", "nt", "--graph", "data", "--view", "current")
    assert book.returncode == current.returncode == 0, (book.stderr, current.stderr)
    assert book.stderr.strip() == "view: the book's view (2018)"
    assert current.stderr.strip() == "view: the current view (2026-12-06)"
    jax = "<https://w3id.org/dlkg/resource/JAX> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/dlkg/ontology#Framework> ."
    # JAX is a framework of the current view only (https://github.com/jax-ml/jax README).
    assert jax in current.stdout and jax not in book.stdout
    assert len(rdflib.Graph().parse(data=current.stdout, format="nt")) == len(
        rdflib.Graph().parse(CURRENT_FILE, format="turtle"))


def test_table_of_the_current_view_marks_sources_and_unknown_cells():
    """Issue 14: `dlkg table --view current`: every filled cell carries a source marker listed
    under the table; a cell no page fills says unknown (Caffe's automatic differentiation and
    Theano's pretrained models have no sourced statement in data/current.ttl); a conditional
    cell says so (Theano's single-machine multi-GPU needs the gpuarray backend:
    https://github.com/Theano/Theano/blob/0f4f011bacf45d663a6e482db109001bfb7a0077/doc/tutorial/using_multi_gpu.txt)."""
    from dlkg.table import build_table

    table = build_table(lang="en", view="current")
    rows = {row.framework.rsplit("/", 1)[1]: row for row in table.rows}
    assert len(rows) == 14
    autodiff, pretrained, multigpu = 5, 6, 9  # the book's column order
    assert rows["Caffe"].cells[autodiff].text == "unknown" and rows["Caffe"].cells[autodiff].marker == ""
    assert rows["Theano"].cells[pretrained].text == "unknown"
    assert rows["Theano"].cells[multigpu].text == "conditional"
    marked = [cell for row in table.rows for cell in row.cells if cell.text != "unknown"]
    assert all(cell.marker for cell in marked)
    listed = {marker for marker, _ in table.footnotes}
    assert {m for cell in marked for m in cell.marker.split(",")} == listed
    assert all(text.endswith(">") and "<http" in text for _, text in table.footnotes)
    zh = build_table(lang="zh", view="current")
    assert {row.framework.rsplit("/", 1)[1]: row for row in zh.rows}["Caffe"].cells[autodiff].text == "未知"
