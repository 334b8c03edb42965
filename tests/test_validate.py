"""Validation: SHACL shapes, QC checks (each fired by its fixture), OWL consistency, bad input."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from dlkg import rdf
from dlkg.errors import InputError
from dlkg.resources import CURRENT_FILE, DATA_FILE, ONTOLOGY_FILE
from dlkg.stores.oxigraph import run_query
from dlkg.validate import qc_checks, validate
from tests.conftest import TEST_DATA, run_dlkg

INVALID = TEST_DATA / "invalid"


def test_packaged_graph_conforms():
    report = validate(reason=True)
    assert report.conforms, [str(p) for p in report.problems]


def test_current_view_conforms():
    report = validate([CURRENT_FILE], reason=True)
    assert report.conforms, [str(p) for p in report.problems]


def test_every_check_has_a_fixture():
    fixtures = {p.stem for p in INVALID.glob("*-violation.ttl")}
    assert set(qc_checks()) == fixtures
    assert len(fixtures) >= 4


def _store(*paths: Path) -> ox.Store:
    store = ox.Store()
    store.extend(rdf.read_quads([(p, None) for p in paths]))
    return store


@pytest.mark.parametrize("check", sorted(qc_checks()))
def test_check_fires_on_its_fixture_only(check):
    query = qc_checks()[check]
    assert run_query(_store(ONTOLOGY_FILE, DATA_FILE), query).rows == ()
    assert run_query(_store(ONTOLOGY_FILE, CURRENT_FILE), query).rows == ()
    rows = run_query(_store(ONTOLOGY_FILE, INVALID / f"{check}.ttl"), query).rows
    assert rows, f"{check} did not fire on its fixture"
    assert len(rows[0]) == 3


def test_check_rows_name_entity_property_value():
    rows = run_query(_store(ONTOLOGY_FILE, INVALID / "list-entry-disagrees-violation.ttl"),
                     qc_checks()["list-entry-disagrees-violation"]).rows
    assert [tuple(t.value for t in row) for row in rows] == [(
        "https://w3id.org/dlkg/resource/Caffe", "https://w3id.org/dlkg/ontology#hasInterface",
        "https://w3id.org/dlkg/resource/Go")]


def _data_with(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "frameworks.ttl"
    path.write_text(DATA_FILE.read_text(encoding="utf-8") + "\n" + extra + "\n", encoding="utf-8")
    return path


def test_framework_without_developer(tmp_path):
    path = _data_with(tmp_path, "res:Chainer a owl:NamedIndividual , dlkg:Framework ; rdfs:label \"Chainer\"@en ;"
                      " dlkg:implementedIn res:Python ; dlkg:runsOn res:Linux ; dlkg:hasInterface res:Python .")
    report = validate([path], reason=False)
    assert [(p.check, p.focus, p.path) for p in report.problems] == [
        ("shacl", "https://w3id.org/dlkg/resource/Chainer", "https://w3id.org/dlkg/ontology#developedBy")]


def test_direct_triple_must_agree_with_statement(tmp_path):
    # Theano's 单机多卡并行 cell is 不支持; a dlkg:supports triple contradicts it.
    path = _data_with(tmp_path, "res:Theano dlkg:supports dlkg:SingleMachineMultiGPU .")
    report = validate([path], reason=True)
    messages = {(p.check, p.focus) for p in report.problems}
    assert ("shacl", "https://w3id.org/dlkg/resource/Theano-SingleMachineMultiGPU") in messages
    assert ("shacl", "https://w3id.org/dlkg/resource/Theano") in messages  # supports and doesNotSupport
    assert any(p.check == "owl" for p in report.problems)  # dlkg:supports is disjoint with dlkg:doesNotSupport


def test_syntax_error_names_file_line_column():
    with pytest.raises(InputError) as caught:
        validate([INVALID / "syntax-error.ttl"])
    err = caught.value
    assert (Path(err.path).name, err.line) == ("syntax-error.ttl", 6)
    assert err.column is not None
    assert err.exit_code == 2


def test_cli_validate_ok():
    done = run_dlkg("validate")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok: ")


def test_cli_validate_syntax_error_exit_2():
    done = run_dlkg("validate", str(INVALID / "syntax-error.ttl"))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "syntax-error.ttl:6:" in lines[0], done.stderr


def test_cli_validate_violation_exit_1(tmp_path):
    path = _data_with(tmp_path, "res:Theano dlkg:supports dlkg:SingleMachineMultiGPU .")
    done = run_dlkg("validate", "--no-reason", str(path))
    assert done.returncode == 1
    assert "https://w3id.org/dlkg/resource/Theano-SingleMachineMultiGPU" in done.stderr
    assert "the direct triple disagrees with the statement" in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_missing_file_exit_2():
    done = run_dlkg("validate", "/nonexistent/data.ttl")
    assert done.returncode == 2
    assert "no such file" in done.stderr


MY_DATA = """@prefix dlkg: <https://w3id.org/dlkg/ontology#> .
@prefix res: <https://w3id.org/dlkg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
res:MyNet a dlkg:Framework ; rdfs:label "MyNet"@en ;
    dlkg:developedBy res:GoogleBrain ; dlkg:implementedIn res:Python ; dlkg:hasInterface res:Python ;
    dlkg:runsOn res:{platform} .
"""


def test_users_data_may_refer_to_packaged_individuals(tmp_path):
    """Issue 13, item 4: res:Linux is a platform by the packaged data, which the file relies on."""
    mine = tmp_path / "my-data.ttl"
    mine.write_text(MY_DATA.replace("{platform}", "Linux"), encoding="utf-8")
    done = run_dlkg("validate", str(mine), "--no-reason")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok: ")


def test_a_value_that_does_not_fit_is_not_called_missing(tmp_path):
    mine = tmp_path / "my-data.ttl"
    mine.write_text(MY_DATA.replace("{platform}", "Atlantis"), encoding="utf-8")
    report = validate([mine], reason=False)
    assert [(p.focus, p.path, p.value) for p in report.problems] == [
        ("https://w3id.org/dlkg/resource/MyNet", "https://w3id.org/dlkg/ontology#runsOn",
         "https://w3id.org/dlkg/resource/Atlantis")]
    assert report.problems[0].message.startswith("the value is not known to fit (every framework needs a platform")
