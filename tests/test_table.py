"""Table 14.1 rebuilt from the graph, cell for cell against the source.

The expected cells are the OCR text of ../shared/seed/000_354c2906f8c01203.txt typed in by
hand, with the readings that ../shared/seed/READING.md gives for the damaged cells applied
visibly below (never taken from the code's output).
"""

from __future__ import annotations

import csv
import io

import pytest

from dlkg.errors import UsageError
from dlkg.table import build_table, render
from tests.conftest import run_dlkg

FRAMEWORKS = ["Caffe", "Deeplearning4j", "Keras", "MXNet", "MatConvNet", "TensorFlow", "Theano", "Torch", "PyTorch"]
HEADERS_ZH = ["开发框架", "开发者", "开发语言", "支持平台", "支持接口", "自动求导", "预训练模型", "CNN开发", "RNN开发", "单机多卡并行"]

# The first four columns as the OCR prints them, then the last six, in the same row order.
OCR_FIRST = [
    ("Caffe", "BVLC", "C++", "Linux, Mac OS X，Windows"),
    ("Deeplearning4j", "Skymind engineering team", "Java", "Linux, Mac OS X，Windows, Android"),
    ("Keras", "Francois Chollet", "Python", "Linux, Mac OS X，Windows"),
    ("MXNet", "Distributed (Deep) Machine Learning Community", "C++", "Linux, Mac OS X，Windows, AWS, Android, iOS, JavaScript"),
    ("MatConvNet", "Oxford University", "MATLAB，C++", "Linux, Mac OS X，Windows"),
    ("TensorFlow", "Google Brain", "C++, Python", "Linux, Mac OS X，Windows"),
    ("Theano", "Universite de Montreal", "Python", "Cross-plat form"),
    ("Torch", "Ronan Collobert, Koray Kavukcuoglu，Clement Farabet", "C, Lua", "Linux, Mac OS X，Windows, Android, iOS"),
    ("PyTorch", "Facebook", "Python", "Linux, Mac OS X"),
]
OCR_LAST = [
    ("Python, MATLAB", "不支持", "提供6", "支持", "支持", "支持"),
    ("Java, Scala, Clojure, Python", "支持", "提供c", "支持", "支持", "支持"),
    ("Python", "支持", "提供d", "支持", "支持", "不支持e"),
    ("Cd--h, Python, Julia, MATLAB, JavaScript, Go, R, Scala, Perl", "不支持", "提供", "支持", "支持", "支持"),
    ("MATLAB", "不支持", "提供5", "支持", "不支持", "支持"),
    ("Python, C/C++, Java, Go", "支持", "提供h", "支持", "支持", "支持"),
    ("Python", "支持", "不提供", "支持", "支持", "不支持"),
    ("Lua, LuaJIT, C, utility library for C++/OpenCL", "不支持", "提供", "支持", "支持", "支持"),
    ("Python", "支持", "提W", "支持", "支持", "支持"),
]
# READING.md: damaged cells and the footnote markers (a-j in table order).
READINGS = {"Cd--h": "C++", "Cross-plat form": "Cross-platform"}
PRETRAINED_MARKERS = {"Caffe": "b", "Deeplearning4j": "c", "Keras": "d", "MXNet": "f", "MatConvNet": "g",
                      "TensorFlow": "h", "Torch": "i", "PyTorch": "j"}


def _read(cell: str) -> str:
    for ocr, reading in READINGS.items():
        cell = cell.replace(ocr, reading)
    return cell.replace("，", ", ")  # the OCR mixes full-width and ASCII commas in list cells


# The pretrained-model cells: 提供 followed by the footnote marker the OCR mangled ("6", "5",
# "W") or lost (MXNet, Torch); READING.md names the marker of each.
PRETRAINED_OCR = {"提供6": "提供", "提供c": "提供", "提供d": "提供", "提供": "提供", "提供5": "提供",
                  "提供h": "提供", "提W": "提供", "不提供": "不提供"}


def expected_cells() -> list[tuple[str, int, str, str]]:
    """(framework, column index, text, marker) for all 90 cells."""
    cells = []
    for first, last in zip(OCR_FIRST, OCR_LAST):
        framework = first[0]
        for column, value in enumerate(_read(v) for v in first + last):
            marker = ""
            if column == 6:  # 预训练模型
                value, marker = PRETRAINED_OCR[value], PRETRAINED_MARKERS.get(framework, "")
            if column == 9 and value == "不支持e":  # Keras: footnote e
                value, marker = "不支持", "e"
            cells.append((framework, column, value, marker))
    return cells


CELLS = expected_cells()


def test_ninety_cells():
    assert len(CELLS) == 90
    assert {c[2] for c in CELLS if c[1] == 6} == {"提供", "不提供"}


@pytest.fixture(scope="module")
def zh_table():
    return build_table(lang="zh")


@pytest.mark.parametrize(("framework", "column", "text", "marker"), CELLS,
                         ids=[f"{c[0]}-{HEADERS_ZH[c[1]]}" for c in CELLS])
def test_cell(zh_table, framework, column, text, marker):
    row = zh_table.rows[FRAMEWORKS.index(framework)]
    assert row.cells[0].text == framework
    assert row.cells[column].text == text
    assert row.cells[column].marker == marker


def test_headers_rows_and_footnotes_zh(zh_table):
    assert zh_table.headers == HEADERS_ZH
    assert zh_table.header_markers == ["", "", "", "", "", "", "", "", "a", ""]
    assert [r.cells[0].text for r in zh_table.rows] == FRAMEWORKS
    assert zh_table.title == "表14.1：不同深度学习开发框架对比"
    notes = dict(zh_table.footnotes)
    assert list(notes) == list("abcdefghij")
    assert notes["b"] == "https://github.com/BVLC/caffe/wiki/Model-Zoo"
    assert notes["e"] == "Theano作为后端时不支持单机多卡；TensorFlow作为后端时可支持。"
    assert notes["h"] == "https://github.com/tensorflow/models/tree/master/slim#Pretrained"
    assert notes["a"].startswith("递归神经网络(RNN)是两种人工神经网络的总称。")


def test_english_uses_yes_no():
    table = build_table(lang="en")
    keras = table.rows[2]
    assert [c.text for c in keras.cells[5:]] == ["Yes", "Yes", "Yes", "Yes", "No"]
    assert keras.cells[9].marker == "e"
    theano = table.rows[6]
    assert theano.cells[6].text == "No"
    assert dict(table.footnotes)["e"].startswith("Single-machine multi-GPU is not supported with Theano")


def test_markdown_carries_markers_and_footnotes(zh_table):
    text = render(zh_table, "md")
    assert "| Keras | Francois Chollet | Python | Linux, Mac OS X, Windows | Python | 支持 | 提供<sup>d</sup> | 支持 | 支持 | 不支持<sup>e</sup> |" in text
    assert "RNN开发<sup>a</sup>" in text
    assert "<sup>j</sup> https://github.com/pytorch/vision" in text


def test_csv_is_plain_values(zh_table):
    rows = list(csv.reader(io.StringIO(render(zh_table, "csv"))))
    assert rows[0] == HEADERS_ZH
    assert len(rows) == 10
    by_cell = {(c[0], c[1]): c[2] for c in CELLS}
    for i, framework in enumerate(FRAMEWORKS, 1):
        assert rows[i] == [by_cell[(framework, col)] for col in range(10)]
    assert "<sup>" not in render(zh_table, "csv")


def test_html_is_well_formed(zh_table):
    import xml.etree.ElementTree as ET

    root = ET.fromstring("<div>" + render(zh_table, "html") + "</div>")
    assert len(root.findall("./table/tbody/tr")) == 9
    assert len(root.findall("./ol/li")) == 10


def test_unknown_language_or_format():
    with pytest.raises(UsageError):
        build_table(lang="fr")
    with pytest.raises(UsageError):
        render(build_table(lang="en"), "pdf")


def test_cli_table_md_zh():
    done = run_dlkg("table", "--lang", "zh", "--format", "md")
    assert done.returncode == 0, done.stderr
    assert "| TensorFlow | Google Brain | C++, Python | Linux, Mac OS X, Windows | Python, C/C++, Java, Go | 支持 | 提供<sup>h</sup> | 支持 | 支持 | 支持 |" in done.stdout


def test_cli_table_bad_format_is_usage_error():
    done = run_dlkg("table", "--format", "pdf")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_table_is_the_same_from_every_store(any_store, zh_table):
    assert render(build_table(lang="zh", store=any_store), "md") == render(zh_table, "md")
