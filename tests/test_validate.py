"""Validation: SHACL shapes, QC checks (each fired by its fixture), OWL consistency, bad input."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from dlkg import rdf
from dlkg.errors import InputError
from dlkg.resources import CURRENT_FILE, DATA_FILE, ONTOLOGY_FILE
from dlkg.stores.oxigraph import run_query
from dlkg.errors import CheckFailed
from dlkg.reason import check_consistency
from dlkg.validate import check_header, owl_rl_checks, qc_checks, run_checks, shape_predicates, validate
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
    assert run_query(_store(ONTOLOGY_FILE, DATA_FILE), query).variables[:3] == ("entity", "property", "value")


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


# -- issue 16: the SHACL-SPARQL constraints as QC checks, OWL 2 RL checks, sharded SHACL -----

RES, DLKG = "https://w3id.org/dlkg/resource/", "https://w3id.org/dlkg/ontology#"
TABLE_ROW = ("a row of a table has at most one capability statement per capability column, and a row of the "
             "table as printed exactly one ({} found for column " + RES + "{})")
AGREE = ("the value is not known to fit (the direct triple disagrees with the statement: " + RES + "Caffe is "
         + DLKG + "{} for " + DLKG + "{} here, so it needs dlkg:supports for Supported, dlkg:doesNotSupport for "
         "NotSupported, and neither for Conditional)")


def _found(name: str) -> list[tuple[str, str, str, str, str]]:
    checks = {**qc_checks(), **owl_rl_checks()}
    store = _store(ONTOLOGY_FILE, INVALID / f"{name}.ttl")
    return sorted((p.check, p.focus, p.path, p.value, p.message) for p in run_checks(store, {name: checks[name]}))


def test_former_sparql_constraints_report_as_the_shapes_did():
    # Worked out from the fixtures' text (see their comments), worded as the SHACL shapes were.
    # pySHACL gave a SPARQL constraint's result the focus node as its sh:value when the query
    # had no ?value: the checks keep that, so the lines read as they did.
    fit = "the value is not known to fit ({})".format
    assert _found("table-row-violation") == [
        ("shacl", RES + "Caffe", "", RES + "Caffe", fit(TABLE_ROW.format(0, "TableX-rnn"))),
        ("shacl", RES + "Caffe", "", RES + "Caffe", fit(TABLE_ROW.format(2, "TableX-autodiff")))]
    assert _found("conditional-condition-violation") == [
        ("shacl", RES + "Caffe-CNNDevelopment", "", RES + "Caffe-CNNDevelopment",
         fit("a conditional capability statement needs its condition in words (dlkg:condition @en)"))]
    assert _found("direct-triple-agreement-violation") == [
        ("shacl", RES + "Caffe-AutomaticDifferentiation", "", DLKG + "AutomaticDifferentiation",
         AGREE.format("Supported", "AutomaticDifferentiation")),
        ("shacl", RES + "Caffe-CNNDevelopment", "", DLKG + "CNNDevelopment", AGREE.format("Conditional", "CNNDevelopment"))]


def test_check_header():
    assert check_header(qc_checks()["conditional-condition-violation"]) == {
        "message": "a conditional capability statement needs its condition in words (dlkg:condition @en)",
        "reported as": "shacl"}
    assert check_header(qc_checks()["duplicate-position-violation"]) == {}


OWL_RL = {
    "owl-rl-disjoint-classes": [
        (RES + "Python", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", DLKG + "Agent",
         f"a member of two disjoint classes, {DLKG}Agent and {DLKG}ProgrammingLanguage")],
    "owl-rl-disjoint-properties": [
        (RES + "Caffe", DLKG + "doesNotSupport", DLKG + "CNNDevelopment",
         f"the value is given by two disjoint properties, {DLKG}doesNotSupport and {DLKG}supports")],
    "owl-rl-functional-property": [
        (RES + "Caffe-AutomaticDifferentiation", DLKG + "supportLevel", DLKG + "NotSupported",
         f"a functional property with two different values, {DLKG}NotSupported and {DLKG}Supported"),
        (RES + "Caffe-interface-1", DLKG + "position", "1", "a functional property with two different values, 1 and 2")],
}


def test_every_owl_rl_check_has_a_fixture():
    assert sorted(owl_rl_checks()) == sorted(OWL_RL)


@pytest.mark.parametrize("check", sorted(OWL_RL))
def test_owl_rl_check_finds_what_hermit_finds(check):
    query = owl_rl_checks()[check]
    assert run_query(_store(ONTOLOGY_FILE, DATA_FILE), query).rows == ()
    assert run_query(_store(ONTOLOGY_FILE, CURRENT_FILE), query).rows == ()
    prefix = "OWL: the ontology and data are inconsistent: "
    assert _found(check) == [("owl", e, p, v, prefix + m) for e, p, v, m in OWL_RL[check]]
    with pytest.raises(CheckFailed):  # a clash the DL reasoner finds too: the check reports no false alarm
        check_consistency(rdf.read_quads([(ONTOLOGY_FILE, None), (INVALID / f"{check}.ttl", None)]))


def test_shapes_are_core_only():
    import rdflib

    from dlkg.resources import SHAPES_FILE

    forward, inverse = shape_predicates(rdflib.Graph().parse(SHAPES_FILE, format="turtle"))
    assert inverse == {DLKG + "hasCapabilityStatement", DLKG + "hasLifecycleStatement"}
    assert {DLKG + "supports", DLKG + "doesNotSupport", DLKG + "sourceSays",
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"} <= forward
    with pytest.raises(CheckFailed):  # today's shapes, with SHACL-SPARQL, cannot be cut down
        shape_predicates(rdflib.Graph().parse(Path(__file__).parents[1] / "benchmarks/peers/shapes-2026-12.ttl"))


@pytest.mark.parametrize("name", ["unsourced-statement-violation", "duplicate-position-violation"])
def test_sharded_shacl_gives_the_whole_report(name):
    whole = validate([INVALID / f"{name}.ttl"], reason=False, shard_size=10**9)
    assert [p for p in whole.problems if p.check == "shacl"]
    for size in (1, 3):
        assert validate([INVALID / f"{name}.ttl"], reason=False, shard_size=size).problems == whole.problems


def test_sharded_shacl_on_the_packaged_data(tmp_path):
    path = _data_with(tmp_path, "res:Theano dlkg:supports dlkg:SingleMachineMultiGPU . res:Caffe dlkg:modelZoo \"zoo\" .")
    whole = validate([path], reason=False, shard_size=10**9).problems
    assert validate([path], reason=False, shard_size=2).problems == whole
    assert ("shacl", RES + "Caffe", DLKG + "modelZoo", "zoo") in {(p.check, p.focus, p.path, p.value) for p in whole}


def test_hermit_keeps_only_a_consistent_verdict(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    ontology = list(rdf.read_quads([(ONTOLOGY_FILE, None)]))
    check_consistency(ontology, cache=True)
    kept = sorted(p.name for p in (tmp_path / "dlkg" / "hermit").iterdir())
    assert len(kept) == 1 and kept[0].endswith(".consistent")
    clash = list(rdf.read_quads([(ONTOLOGY_FILE, None), (INVALID / "owl-rl-disjoint-properties.ttl", None)]))
    for _ in range(2):  # never kept: found again on every run
        with pytest.raises(CheckFailed):
            check_consistency(clash, cache=True)
    assert sorted(p.name for p in (tmp_path / "dlkg" / "hermit").iterdir()) == kept
