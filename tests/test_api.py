"""The public API in one import: ``import dlkg`` and the names of ``dlkg.__all__``."""

from __future__ import annotations

import importlib
import pickle
import subprocess
import sys

import pytest

import dlkg
from tests.conftest import ROOT


def test_the_readme_example_needs_one_import():
    # Deeplearning4j and MXNet: the only rows of Table 14.1 with both Python and Android.
    assert dlkg.query("python-on-android").values("label") == ["Deeplearning4j", "MXNet"]
    assert dlkg.find(interface=["Python"], platform=["Android"]).values("label") == ["Deeplearning4j", "MXNet"]
    # 自动求导 不支持: Caffe, MXNet, MatConvNet, Torch (Table 14.1).
    assert dlkg.find(lacks=["autodiff"]).values("label") == ["Caffe", "MXNet", "MatConvNet", "Torch"]


@pytest.mark.parametrize("name, module, attribute", [
    ("query", "dlkg.query", "run_canned"), ("sparql", "dlkg.query", "run_sparql"), ("find", "dlkg.find", "find"),
    ("table", "dlkg.table", "build_table"), ("render_table", "dlkg.table", "render"),
    ("export", "dlkg.export", "export_graph"), ("validate", "dlkg.validate", "validate"),
    ("load", "dlkg.loader", "load"), ("open_store", "dlkg.stores", "open_store"),
    ("QueryResult", "dlkg.stores", "QueryResult"), ("UpdateRefused", "dlkg.errors", "UpdateRefused"),
])
def test_each_public_name_is_its_modules_object(name, module, attribute):
    assert getattr(dlkg, name) is getattr(importlib.import_module(module), attribute)


def test_all_and_dir_list_every_public_name():
    assert {"query", "sparql", "find", "table", "export", "validate", "load", "open_store", "DlkgError"} <= set(dlkg.__all__)
    assert set(dlkg.__all__) <= set(dir(dlkg))
    for name in dlkg.__all__:
        assert getattr(dlkg, name) is not None, name
    with pytest.raises(AttributeError, match="has no attribute 'quarry'"):
        dlkg.quarry  # noqa: B018


def test_importing_a_submodule_keeps_the_function():
    # The import system binds dlkg.query (the module) on the package when it is imported;
    # the facade keeps the function under that name, and the module stays reachable.
    code = ("import dlkg, dlkg.query, dlkg.find; from dlkg.query import run_canned; from dlkg import query; "
            "assert dlkg.query is run_canned and query is run_canned and callable(dlkg.find); "
            "import sys; assert sys.modules['dlkg.query'].run_canned is run_canned; print('ok')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.stdout == "ok\n", done.stderr


def test_facade_functions_pickle_by_reference():
    # Worker processes receive functions pickled by module and name.
    assert pickle.loads(pickle.dumps(dlkg.query)) is dlkg.query


def test_load_then_query_an_embedded_store(tmp_path):
    store = dlkg.open_store(str(tmp_path / "kg"))
    try:
        reports = dlkg.load(store)
        assert len(reports) == 3 and all(r.verified for r in reports)  # ontology, book, current view
        assert dlkg.query("python-on-android", store=store).values("label") == ["Deeplearning4j", "MXNet"]
    finally:
        store.close()


def test_errors_are_reachable_from_the_package():
    with pytest.raises(dlkg.UsageError) as refused:
        dlkg.export(graph="everything")
    assert refused.value.param == "graph" and isinstance(refused.value, dlkg.DlkgError)
