"""Hostile queries: nothing is fetched, nothing is changed, every limit is reported as such."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from dlkg.errors import InputError, QueryTimeout, ResultTooLarge
from dlkg.guard import check_query
from dlkg.loader import load_graph
from dlkg.query import run_sparql
from dlkg.stores import MemoryStore, OxigraphStore
from tests.conftest import run_dlkg


def test_service_is_refused_and_the_listener_hears_nothing(listener):
    query = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    done = run_dlkg("sparql", query)
    assert done.returncode == 2 and "SERVICE is refused" in done.stderr
    assert listener.connections == 0


def test_service_runs_only_when_allowed(listener):
    # The unprotected path really fetches: this is what the guard prevents. (The listener
    # answers Turtle, not SPARQL results, so the engine's error is reported as one line.)
    done = run_dlkg("sparql", f"SELECT ?o WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}", "--allow-service")
    assert listener.connections >= 1
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "Unsupported Content-Type returned by service" in done.stderr


def test_load_update_is_refused(listener):
    done = run_dlkg("sparql", f"LOAD <{listener.url}data.ttl>")
    assert done.returncode == 2 and "LOAD is an update" in done.stderr
    assert listener.connections == 0


def test_from_remote_is_refused(listener):
    done = run_dlkg("sparql", f"SELECT * FROM <{listener.url}data.ttl> WHERE {{ ?s ?p ?o }}")
    assert done.returncode == 2 and "FROM <" in done.stderr and "is refused" in done.stderr
    assert listener.connections == 0


def test_from_own_graph_is_allowed(store):
    result = run_sparql("SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/dlkg/graph/ontology> WHERE { ?s ?p ?o }",
                        store=store)
    assert int(result.rows[0][0].value) > 0


def test_query_nested_5000_deep_is_refused_before_the_engine():
    deep = "SELECT * WHERE " + "{ " * 5000 + "?s ?p ?o " + "} " * 5000
    with pytest.raises(InputError, match="nests deeper than 64"):
        check_query(deep)
    done = run_dlkg("sparql", "-", input=deep)
    assert done.returncode == 2 and "nests deeper" in done.stderr  # and the process did not crash


def test_oversized_query_is_refused():
    with pytest.raises(InputError, match="the limit is 100,000"):
        check_query("SELECT * WHERE { ?s ?p ?o } #" + "x" * 100_000)


def test_four_way_cross_product_times_out_and_the_process_lives(store):
    cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with pytest.raises(QueryTimeout, match="time limit of 1 s"):
        run_sparql(cross, store=store, timeout=1)
    # the same store still answers
    assert run_sparql("ASK { ?s ?p ?o }", store=store).boolean is True


def test_property_path_over_a_long_chain_times_out(tmp_path):
    chain = tmp_path / "chain.nt"
    with open(chain, "w") as handle:
        for i in range(30_000):
            handle.write(f"<http://e/n{i}> <http://e/p> <http://e/n{i + 1}> .\n")
    store = OxigraphStore(tmp_path / "store")
    load_graph(store, [chain], graph="https://w3id.org/dlkg/graph/data")
    with pytest.raises(QueryTimeout):
        run_sparql("SELECT (COUNT(*) AS ?n) WHERE { ?a (<http://e/p>|^<http://e/p>)* ?b }", store=store, timeout=2)
    assert run_sparql("ASK { <http://e/n0> <http://e/p> <http://e/n1> }", store=store).boolean


def test_unbounded_select_is_capped_and_says_so(store):
    with pytest.raises(ResultTooLarge, match="more than 100 rows"):
        run_sparql("SELECT * WHERE { ?s ?p ?o }", store=store, max_rows=100)
    done = run_dlkg("sparql", "SELECT * WHERE { ?s ?p ?o }", "--max-rows", "10")
    assert done.returncode == 1 and done.stdout == "" and "more than 10 rows" in done.stderr


def test_value_with_angle_bracket_is_not_an_iri():
    with pytest.raises(ValueError):
        ox.NamedNode("http://example.org/x> } ; DROP ALL ; INSERT DATA { <a")
    done = run_dlkg("load", "data/frameworks.ttl", "--into", "/tmp/unused-store", "--graph",
                    "http://example.org/x> } ; DROP ALL ; INSERT DATA { <a")
    assert done.returncode == 2 and "not an IRI" in done.stderr


@pytest.mark.parametrize("query", [
    "PREFIX dlkg: <https://w3id.org/dlkg/ontology#> SELECT ?f WHERE { ?f dlkg:runsOn ?p }",
    "BASE <https://w3id.org/dlkg/resource/>\nPREFIX : <https://w3id.org/dlkg/ontology#>\nASK { <Caffe> :runsOn <Linux> }",
    "prefix x: <http://e/> describe x:a",
])
def test_queries_with_a_prologue_pass_the_guard(query):
    check_query(query)


@pytest.mark.parametrize(("query", "words"), [
    ("PREFIX x: <http://e/> INSERT DATA { x:a x:b x:c }", "INSERT is an update"),
    ("BASE <http://e/> CLEAR ALL", "CLEAR is an update"),
])
def test_updates_behind_a_prologue_are_refused(query, words):
    with pytest.raises(InputError, match=words):
        check_query(query)


def test_cli_sparql_with_prefixes():
    done = run_dlkg("sparql", "PREFIX dlkg: <https://w3id.org/dlkg/ontology#> PREFIX res: <https://w3id.org/dlkg/resource/> "
                    "SELECT ?f WHERE { ?f dlkg:runsOn res:iOS }", "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == ["https://w3id.org/dlkg/resource/MXNet", "https://w3id.org/dlkg/resource/Torch"]
