"""``dlkg ask`` on the command line and ``dlkg.ask`` as a library: the done-when questions,
the reading shown, JSON, refusals (exit 1) and bad input (exit 2). Answers worked out by hand
from Table 14.1 of the seed text (and, for the current view, the page named)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import dlkg
from dlkg.errors import QuestionNotUnderstood, UsageError


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dlkg", "ask", *args], capture_output=True, text=True)


@pytest.mark.parametrize("question", ["哪些框架支持Python接口并且能在Android上运行？",
                                      "Which frameworks have a Python interface and run on Android?"])
def test_done_when_question_prints_the_two_frameworks_the_query_and_the_sources(question):
    done = run(question)
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    # Table 14.1: Deeplearning4j (…Python; …Android) and MXNet (…Python…; …Android…) only
    assert "Deeplearning4j" in first and "MXNet" in first and "Torch" not in first
    assert "SELECT ?framework" in done.stdout and "dlkg:hasInterface" not in first
    assert "<https://w3id.org/dlkg/ontology#runsOn> " in done.stdout  # the bound query that ran
    assert "https://w3id.org/dlkg/resource/Table14-1" in done.stdout  # its source
    assert ("视图：书中的视图（2018年）" if "哪些" in question else "view: the book's view (2018)") in done.stdout


def test_json_gives_the_sparql_results_with_the_reading_beside_them():
    doc = json.loads(run("Does MXNet run on iOS?", "--format", "json").stdout)
    assert doc["results"] == {"head": {"link": ["https://w3id.org/dlkg/view/2018"]}, "boolean": True}
    assert doc["reading"]["intent"] == "holds" and doc["reading"]["framework"].endswith("/MXNet")
    assert doc["sparql"].lstrip().startswith("PREFIX") and "ASK" in doc["sparql"]


def test_a_typo_is_read_and_the_reading_says_so():
    answer = dlkg.ask("Who developed tensorflw?")
    assert answer.values() == ["Google Brain"]  # Table 14.1: TensorFlow, Google Brain
    assert answer.reading.corrections == [("tensorflw", "TensorFlow")]
    assert "read 'tensorflw' as TensorFlow" in answer.to_text()


def test_unknown_words_are_named_and_answerable_questions_offered():
    done = run("Which frameworks run on BeOS and Haiku?")
    assert done.returncode == 1 and done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines[0] == "dlkg: error: question: not understood: 'beos', 'haiku'"
    assert "  Which frameworks have a Python interface and run on Android?" in lines[1:]


def test_nothing_askable_is_refused_never_guessed():
    with pytest.raises(QuestionNotUnderstood) as caught:
        dlkg.ask("Keras")
    assert "no question" in str(caught.value) and "Who developed Keras?" in caught.value.problems


def test_conditional_cell_answers_with_its_condition():
    # Table 14.1, Keras 单机多卡并行 "不支持e"; footnote e: Theano作为后端时不支持单机多卡；TensorFlow作为后端时可支持。
    assert dlkg.ask("Keras支持单机多卡并行吗？").sentence == \
        "有条件支持（Keras）：Theano作为后端时不支持单机多卡；TensorFlow作为后端时可支持。"


def test_the_question_chooses_the_view():
    # https://docs.pytorch.org/executorch/stable: PyTorch on Android through ExecuTorch (current view)
    today = dlkg.ask("Does PyTorch run on Android today?")
    assert today.view.name == "current" and today.result.boolean is True
    assert ("https://docs.pytorch.org/executorch/stable", "Welcome to the ExecuTorch Documentation") in today.sources
    book = dlkg.ask("2018年PyTorch能在Android上运行吗？")  # Table 14.1: PyTorch Linux, Mac OS X
    assert book.view.name == "2018" and book.result.boolean is False


def test_bad_input_is_exit_2():
    assert run("").returncode == 2
    done = run("Does PyTorch run on Android today?", "--view", "2018")
    assert done.returncode == 2 and done.stderr.startswith("dlkg: error: --view: the question asks about")
    with pytest.raises(UsageError):
        dlkg.ask("Which frameworks run on Android?", lang="fr")


def test_asking_on_a_store_leaves_it_reading_what_it_read():
    """A server's store is shared by every page: a question of today's view reads its own
    handle of it. Today: MindSpore, ONNX Runtime, PyTorch, TensorFlow (pages cited in
    tests/test_current.py, e.g. https://docs.pytorch.org/executorch/stable); the book:
    Deeplearning4j and MXNet (Table 14.1)."""
    from dlkg.query import run_canned
    from dlkg.stores import MemoryStore

    store = MemoryStore()
    today = dlkg.ask("Which frameworks have a Python interface and run on Android today?", store=store)
    assert today.view.name == "current"
    assert today.values() == ["MindSpore", "ONNX Runtime", "PyTorch", "TensorFlow"]
    assert store.view is None
    assert run_canned("python-on-android", store=store).values("label") == ["Deeplearning4j", "MXNet"]
