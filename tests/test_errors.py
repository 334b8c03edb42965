"""Errors name the parameter they are about (``param``), and each front end names it its way:
the command line as an option, the server as a request field; updates are ``UpdateRefused``,
which the server answers with 403 because of its type, not its wording."""

from __future__ import annotations

import ast
import pickle
from pathlib import Path

import click
import httpx
import pytest

from dlkg.cli import OPTION_NAMES, VERB_OPTION_NAMES, error_line, main
from dlkg.errors import InputError, UpdateRefused, UsageError
from dlkg.guard import check_query
from tests.conftest import ROOT, run_dlkg
from tests.serve.serve_support import live_server


# -- the error objects ---------------------------------------------------------------------------

def test_param_and_path_are_separate_fields():
    err = UsageError("unknown graph 'x'", param="graph")
    assert (err.param, err.path, err.line, err.column) == ("graph", None, None, None)
    assert str(err) == "graph: unknown graph 'x'"
    assert err.describe({"graph": "--graph"}) == "--graph: unknown graph 'x'"
    assert err.describe({"store": "--store"}) == "graph: unknown graph 'x'"  # not in the table: its own name
    located = InputError("bad token", path="data.ttl", line=2, column=5)
    assert located.param is None and str(located) == "data.ttl:2:5: bad token"
    assert located.describe({"graph": "--graph"}) == "data.ttl:2:5: bad token"


@pytest.mark.parametrize("err", [
    UsageError("unknown value 'BeOS'", param="platform"),
    UpdateRefused("DROP is an update", path="query", line=3, column=1),
    InputError("not an IRI", param="dataset"),
])
def test_errors_cross_process_boundaries_whole(err):
    # Query workers send errors back pickled: the class and every field must survive.
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is type(err)
    assert (back.message, back.path, back.line, back.column, back.param) == \
        (err.message, err.path, err.line, err.column, err.param)
    assert str(back) == str(err)


# -- the guard ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, keyword, line, column", [
    ("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }", "INSERT", 1, 1),
    ("PREFIX e: <http://e/>\nDELETE WHERE { ?s e:p ?o }", "DELETE", 2, 1),
    ("  LOAD <http://example.org/x.ttl>", "LOAD", 1, 3),
    ("CLEAR ALL", "CLEAR", 1, 1),
    ("BASE <http://e/> DROP GRAPH <g>", "DROP", 1, 18),
])
def test_the_guard_raises_update_refused_for_updates(text, keyword, line, column):
    with pytest.raises(UpdateRefused) as refused:
        check_query(text)
    assert (refused.value.path, refused.value.line, refused.value.column) == ("query", line, column)
    assert refused.value.message.startswith(f"{keyword} is an update")
    assert refused.value.exit_code == 2


def test_other_refusals_are_not_update_refused():
    with pytest.raises(InputError) as refused:
        check_query('SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p "INSERT is an update" } }')
    assert type(refused.value) is InputError


# -- the command line -----------------------------------------------------------------------------

def _options_of(command: click.Command) -> set[str]:
    return {opt for param in command.params for opt in param.opts if opt.startswith("--")}


def test_every_option_in_the_table_is_a_real_option():
    every = set().union(*(_options_of(command) for command in main.commands.values()))
    assert set(OPTION_NAMES.values()) <= every
    for verb, names in VERB_OPTION_NAMES.items():
        assert set(names.values()) <= _options_of(main.commands[verb]), verb


def test_error_line_names_the_verbs_option():
    err = UsageError("unsupported store location 'ftp://x'", param="store")
    assert error_line(err, "query") == "dlkg: error: --store: unsupported store location 'ftp://x'"
    assert error_line(err, "load") == "dlkg: error: --into: unsupported store location 'ftp://x'"
    assert error_line(UsageError("x", param="params"), "query") == "dlkg: error: --param: x"
    assert error_line(InputError("x", param="dataset"), "query") == "dlkg: error: dataset: x"


@pytest.mark.parametrize("args, line", [
    (["load", "--into", "ftp://example.org/store"],
     "dlkg: error: --into: unsupported store location 'ftp://example.org/store' (a folder, oxigraph:PATH or an http(s) URL)"),
    (["query", "python-on-android", "--store", "ftp://example.org/store"],
     "dlkg: error: --store: unsupported store location 'ftp://example.org/store' (a folder, oxigraph:PATH or an http(s) URL)"),
    (["query", "frameworks-by-interface", "-p", "colour=red"],
     "dlkg: error: --param: unknown parameter 'colour'; frameworks-by-interface expects: interface"),
    (["find", "--interface", "Cobol"], "dlkg: error: --interface: unknown value 'Cobol'; known: "),
    (["load", "--into", "memory"],
     "dlkg: error: --into: the in-memory store cannot be loaded into; name a folder or an http(s) URL"),
    (["sparql", "CLEAR ALL"],
     "dlkg: error: query:1:1: CLEAR is an update; dlkg runs queries only (loads go through 'dlkg load')"),
])
def test_the_command_names_options_in_one_line_exit_2(args, line):
    done = run_dlkg(*args)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(line), done.stderr


def test_no_library_module_names_an_option_in_an_error():
    # path= is for files and texts, param= for parameters: neither may carry "--option".
    offenders = []
    for path in sorted((ROOT / "dlkg").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    value = keyword.value
                    text = value.value if isinstance(value, ast.Constant) else (
                        value.values[0].value if isinstance(value, ast.JoinedStr) and value.values
                        and isinstance(value.values[0], ast.Constant) else None)
                    if keyword.arg in ("path", "param") and isinstance(text, str) and text.startswith("--"):
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


# -- the server ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def served():
    with live_server() as running:
        yield running


def _post(url: str, query: str, **params: str) -> httpx.Response:
    return httpx.post(f"{url}/sparql", params=params, content=query.encode(),
                      headers={"Content-Type": "application/sparql-query"}, timeout=60)


def test_the_server_answers_an_update_with_403(served):
    response = _post(served.url, "PREFIX e: <http://e/>\nINSERT DATA { e:a e:b e:c }")
    assert response.status_code == 403
    assert response.text == "query:2:1: INSERT is an update; dlkg runs queries only (loads go through 'dlkg load')\n"


def test_the_words_is_an_update_do_not_make_a_403(served):
    # A refused query that merely quotes the words is a 400: the status follows the error's type.
    response = _post(served.url, 'SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p "LOAD is an update" } }')
    assert response.status_code == 400 and "SERVICE is refused" in response.text


def test_the_server_names_request_fields(served):
    response = _post(served.url, "SELECT * WHERE { ?s ?p ?o }", **{"default-graph-uri": "not an iri"})
    assert response.status_code == 400
    assert response.text.startswith("default-graph-uri/named-graph-uri: not an IRI in the dataset"), response.text
