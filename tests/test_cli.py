"""The real ``dlkg`` command: answers, exit codes (0 ok, 1 failed, 2 usage/input), one-line errors."""

from __future__ import annotations

import json
import pytest

from tests.conftest import run_dlkg


def test_flagship_query_from_another_folder(tmp_path):
    done = run_dlkg("query", "python-on-android", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["framework,label", "https://w3id.org/dlkg/resource/Deeplearning4j,Deeplearning4j",
                                        "https://w3id.org/dlkg/resource/MXNet,MXNet"]


def test_version_and_help():
    assert run_dlkg("--version").stdout.startswith("dlkg, version ")
    for verb in ["validate", "reason", "table", "mappings", "queries", "query", "sparql", "find", "show"]:
        done = run_dlkg(verb, "--help")
        assert done.returncode == 0 and "Usage:" in done.stdout, verb


def test_queries_json():
    done = run_dlkg("queries", "--format", "json")
    entries = json.loads(done.stdout)
    assert len(entries) >= 20
    by_name = {e["name"]: e for e in entries}
    assert by_name["frameworks-by-interface"]["parameters"] == [{"name": "interface", "required": True, "default": "Python"}]
    assert set(by_name["python-on-android"]) >= {"name", "summary", "parameters"}


def test_query_with_param_and_output_file(tmp_path):
    out = tmp_path / "ios.json"
    done = run_dlkg("query", "frameworks-by-platform", "--param", "platform=iOS", "--format", "json", "-o", str(out))
    assert done.returncode == 0, done.stderr
    bindings = json.loads(out.read_text())["results"]["bindings"]
    assert [b["label"]["value"] for b in bindings] == ["MXNet", "Torch"]


def test_find_python_android():
    done = run_dlkg("find", "--interface", "python", "--platform", "ANDROID", "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert [line.split(",")[1] for line in done.stdout.splitlines()[1:]] == ["Deeplearning4j", "MXNet"]


def test_find_lacks_autodiff_supports_multigpu():
    # 自动求导 不支持: Caffe MXNet MatConvNet Torch; 单机多卡 支持 for all four.
    done = run_dlkg("find", "--lacks", "autodiff", "--supports", "multi-gpu", "--format", "csv")
    assert [line.split(",")[1] for line in done.stdout.splitlines()[1:]] == ["Caffe", "MXNet", "MatConvNet", "Torch"]


def test_show():
    done = run_dlkg("show", "keras")
    assert done.returncode == 0, done.stderr
    assert "has backend" in done.stdout and "Deeplearning4j, TensorFlow, Theano" in done.stdout
    assert "✓ 受Torch启发的直观API" in done.stdout


def test_sparql_from_stdin_and_file(tmp_path):
    query = "SELECT ?p WHERE { <https://w3id.org/dlkg/resource/PyTorch> <https://w3id.org/dlkg/ontology#runsOn> ?p }"
    done = run_dlkg("sparql", "-", "--format", "csv", input=query)
    assert done.stdout.splitlines() == ["p", "https://w3id.org/dlkg/resource/Linux", "https://w3id.org/dlkg/resource/MacOSX"]
    path = tmp_path / "q.rq"
    path.write_text(query, encoding="utf-8")
    assert run_dlkg("sparql", "-f", str(path), "--format", "csv").stdout == done.stdout


@pytest.mark.parametrize(("args", "words"), [
    (["query", "python-on-andriod"], "closest: python-on-android"),
    (["query", "frameworks-by-interface", "--param", "colour=red"], "expects: interface"),
    (["query", "frameworks-by-interface", "--param", "novalue"], "expected KEY=VALUE"),
    (["sparql", "SELECT * WHERE { ?s ?p }"], "query:1:"),
    (["sparql", "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }"], "INSERT is an update"),
    (["find", "--platform", "BeOS"], "known: Android, AWS"),
    (["show", "Chainer"], "unknown framework 'Chainer'"),
    (["query", "python-on-android", "--format", "turtle"], "does not fit a SELECT"),
])
def test_usage_errors_are_one_line_exit_2(args, words):
    done = run_dlkg(*args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], done.stderr


def test_output_onto_a_folder_exit_2(tmp_path):
    done = run_dlkg("query", "python-on-android", "-o", str(tmp_path))
    assert done.returncode == 2
    assert list(tmp_path.iterdir()) == []


def test_output_into_missing_folder_exit_2(tmp_path):
    target = tmp_path / "missing" / "out.csv"
    done = run_dlkg("query", "python-on-android", "-o", str(target))
    assert done.returncode == 2
    assert "cannot write" in done.stderr and not target.exists()


def test_timeout_stops_the_query_exit_1():
    cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    done = run_dlkg("sparql", cross, "--timeout", "1")
    assert done.returncode == 1
    assert "time limit of 1 s" in done.stderr


def test_timeout_leaves_fast_queries_alone():
    done = run_dlkg("query", "python-on-android", "--timeout", "30", "--format", "csv")
    assert done.returncode == 0 and "MXNet" in done.stdout
