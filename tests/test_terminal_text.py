"""What dlkg prints for people is safe on a terminal, and survives data it did not write.

- Labels with terminal escapes (ESC[2J clears the screen, ESC]0;...BEL sets the window title)
  print without their control characters: query results as a table or Markdown, ``dlkg
  table``, ``dlkg show``.
- A list value without an English label is shown by its other label or its IRI's local name
  (``dlkg table`` and ``GET /`` used to fail on it).

The altered data files are the packaged data with one label edited, written for each test.
"""

from __future__ import annotations

import pytest

from dlkg.profile import render_profile
from dlkg.resources import DATA_FILE, DATA_GRAPH, ONTOLOGY_FILE, ONTOLOGY_GRAPH
from dlkg.stores import MemoryStore
from dlkg.table import build_table, render
from tests.conftest import run_dlkg

ESC = "\x1b"


def _store_with(tmp_path, edits: list[tuple[str, str]]) -> MemoryStore:
    import pyoxigraph as ox

    text = DATA_FILE.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    data = tmp_path / "frameworks.ttl"
    data.write_text(text, encoding="utf-8")
    return MemoryStore([(ONTOLOGY_FILE, ox.NamedNode(ONTOLOGY_GRAPH)), (data, ox.NamedNode(DATA_GRAPH))])


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory):
    # BVLC, Caffe's developer, carries a clear-screen escape.
    return _store_with(tmp_path_factory.mktemp("hostile"), [('rdfs:label "BVLC"@en', 'rdfs:label "BV\\u001B[2JLC"@en')])


@pytest.mark.parametrize("fmt", ["table", "md"])
def test_query_results_for_people_drop_control_characters(fmt):
    done = run_dlkg("sparql", 'SELECT ?x WHERE { BIND("a\\u001B]0;owned\\u0007b\\u001B[2Jc" AS ?x) }', "--format", fmt)
    assert done.returncode == 0, done.stderr
    assert ESC not in done.stdout and "\x07" not in done.stdout
    assert "a]0;ownedb[2Jc" in done.stdout


def test_query_results_as_json_keep_the_data():
    # JSON is data for programs, not text for a terminal: the value is kept as the store has it.
    done = run_dlkg("sparql", 'SELECT ?x WHERE { BIND("a\\u001B[2Jb" AS ?x) }', "--format", "json")
    assert done.returncode == 0, done.stderr
    assert '"value": "a\\u001b[2Jb"' in done.stdout


@pytest.mark.parametrize("fmt", ["md", "csv", "html"])
def test_table_drops_control_characters(hostile_store, fmt):
    text = render(build_table(lang="en", store=hostile_store), fmt)
    assert ESC not in text
    assert "BV[2JLC" in text


def test_show_drops_control_characters(hostile_store):
    text = render_profile("caffe", store=hostile_store)
    assert ESC not in text
    assert "developed by" in text and "BV[2JLC" in text


@pytest.fixture(scope="module")
def unlabelled_store(tmp_path_factory):
    return unlabelled(tmp_path_factory.mktemp("unlabelled"))


def unlabelled(folder) -> MemoryStore:
    """The packaged graph where Lua keeps only a Portuguese label and MATLAB has none."""
    lua = 'res:Lua a owl:NamedIndividual , dlkg:ProgrammingLanguage ;\n    rdfs:label "Lua"@en .'
    matlab = 'res:MATLAB a owl:NamedIndividual , dlkg:ProgrammingLanguage ;\n    rdfs:label "MATLAB"@en .'
    return _store_with(folder, [(lua, lua.replace('"Lua"@en', '"Lua (pt)"@pt')),
                                (matlab, "res:MATLAB a owl:NamedIndividual , dlkg:ProgrammingLanguage .")])


def test_table_falls_back_past_a_missing_english_label(unlabelled_store):
    table = build_table(lang="en", store=unlabelled_store)
    rows = {row.cells[0].text: [cell.text for cell in row.cells] for row in table.rows}
    # Torch: implemented in C, Lua; interfaces Lua, LuaJIT, C, utility library for C++/OpenCL.
    assert rows["Torch"][2] == "C, Lua (pt)"
    assert rows["Torch"][4] == "Lua (pt), LuaJIT, C, utility library for C++/OpenCL"
    # MatConvNet: implemented in MATLAB, C++; MATLAB has no label left: its IRI's local name.
    assert rows["MatConvNet"][2] == "MATLAB, C++"
    assert rows["Caffe"][4] == "Python, MATLAB"

