"""``dlkg load`` into the embedded store and into real servers, then every reading command
with ``--store``: the answers are the ones worked out from the source (Deeplearning4j and MXNet
for the flagship query)."""

from __future__ import annotations

import pytest

from dlkg.canon import graph_digest
from dlkg.errors import UsageError
from dlkg.loader import load, load_plan
from dlkg.resources import DATA_FILE, DATA_GRAPH, ONTOLOGY_GRAPH
from dlkg.stores import OxigraphStore
from tests.conftest import VIRTUOSO_ENV, run_dlkg

FLAGSHIP = ["framework,label", "https://w3id.org/dlkg/resource/Deeplearning4j,Deeplearning4j",
            "https://w3id.org/dlkg/resource/MXNet,MXNet"]
# Triples in the two files, counted independently with rdflib's own parser.


@pytest.fixture(scope="module")
def file_counts():
    import rdflib

    from dlkg.resources import CURRENT_FILE, CURRENT_GRAPH, ONTOLOGY_FILE

    return {ONTOLOGY_GRAPH: len(rdflib.Graph().parse(ONTOLOGY_FILE)), DATA_GRAPH: len(rdflib.Graph().parse(DATA_FILE)),
            CURRENT_GRAPH: len(rdflib.Graph().parse(CURRENT_FILE))}


def test_embedded_load_then_query(tmp_path, file_counts):
    folder = tmp_path / "store"
    done = run_dlkg("load", "--into", str(folder))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    # the ontology, the book's view and the current view, each into its graph
    assert len(lines) == 3 and all("read-back: verified (count and canonical digest)" in line for line in lines)
    assert f"loaded {file_counts[DATA_GRAPH]} triples into <{DATA_GRAPH}>" in done.stdout
    query = run_dlkg("query", "python-on-android", "--store", str(folder), cwd=tmp_path)
    assert query.returncode == 0, query.stderr
    assert query.stdout.splitlines() == FLAGSHIP


def test_embedded_load_twice_same_triples(tmp_path, file_counts):
    store = OxigraphStore(tmp_path / "store")
    first = load(store)
    digest = graph_digest(store.graph_triples(ONTOLOGY_GRAPH))  # has blank nodes (OWL restrictions)
    second = load(store)
    assert [r.stored for r in first] == [r.stored for r in second] == list(file_counts.values())
    assert graph_digest(store.graph_triples(ONTOLOGY_GRAPH)) == digest
    assert sorted(g.value for g in store.native.named_graphs()) == sorted(file_counts)


def test_append_adds_and_replace_swaps(tmp_path):
    store = OxigraphStore(tmp_path / "store")
    extra = tmp_path / "extra.ttl"
    extra.write_text("<https://w3id.org/dlkg/resource/X> <http://www.w3.org/2000/01/rdf-schema#label> \"X\"@en .\n")
    graph = "https://example.org/mine"
    load(store, [DATA_FILE], graph=graph)
    count = store.count(graph)
    assert load(store, [extra], graph=graph, replace=False)[0].stored == count + 1
    assert load(store, [extra], graph=graph)[0].stored == 1


def test_cli_append_into_a_loaded_graph_exits_0_verified(tmp_path, file_counts):
    """Issue 12: ``dlkg load --append`` of new triples into a graph that holds triples always
    exited 1 with "read-back: MISMATCH"; it adds them, says verified, exits 0."""
    store = str(tmp_path / "store")
    graph = "https://example.org/mine"
    assert run_dlkg("load", str(DATA_FILE), "--into", store, "--graph", graph).returncode == 0
    extra = tmp_path / "extra.nt"
    extra.write_text('<urn:x:a> <urn:x:p> "1" .\n<urn:x:b> <urn:x:p> "2" .\n')
    appended = run_dlkg("load", str(extra), "--into", store, "--graph", graph, "--append")
    assert appended.returncode == 0, appended.stderr
    assert "loaded 2 triples" in appended.stdout and "read-back: verified" in appended.stdout, appended.stdout
    answer = run_dlkg("sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--store", store, "--graph", graph,
                      "--format", "csv")
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.splitlines()[1] == str(file_counts[DATA_GRAPH] + 2)  # counted by rdflib


def test_dry_run_writes_nothing(tmp_path):
    folder = tmp_path / "store"
    done = run_dlkg("load", "--into", str(folder), "--dry-run")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("dry run: would load")
    assert OxigraphStore(folder).count(DATA_GRAPH) == 0


def test_load_plan_and_usage_errors():
    assert [g for g, _ in load_plan(None, None)] == [ONTOLOGY_GRAPH, DATA_GRAPH, "https://w3id.org/dlkg/graph/current"]
    with pytest.raises(UsageError, match="--graph IRI"):
        load_plan([DATA_FILE], None)
    with pytest.raises(UsageError, match="needs FILEs"):
        load_plan(None, "https://example.org/g")


@pytest.mark.parametrize(("args", "words"), [
    (["load", "--into", "memory"], "cannot be loaded into"),
    (["load", "data/frameworks.ttl", "--into", "STORE"], "--graph IRI"),
    (["load", "data/frameworks.ttl", "--into", "STORE", "--graph", "not an iri"], "not an IRI"),
    (["load", "no-such.ttl", "--into", "STORE", "--graph", "https://example.org/g"], "no such file"),
    (["load", "--into", "ftp://example.org/sparql"], ""),
])
def test_load_usage_errors_exit_2(tmp_path, args, words):
    args = [a.replace("STORE", str(tmp_path / "s")) for a in args]
    done = run_dlkg(*args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert words in done.stderr and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.servers
@pytest.mark.parametrize("kind", ["oxigraph", "virtuoso"])
def test_cli_load_into_server_then_every_reading_command(tmp_path, kind, file_counts):
    from tests.support.servers import require_server, start_server

    require_server(kind)
    env = VIRTUOSO_ENV if kind == "virtuoso" else {}
    with start_server(kind, tmp_path) as server:
        url = server.query_url
        for _ in range(2):  # loading twice leaves the same triples
            done = run_dlkg("load", "--into", url, env=env)
            assert done.returncode == 0, done.stderr
            assert f"loaded {file_counts[DATA_GRAPH]} triples into <{DATA_GRAPH}>" in done.stdout
            assert done.stdout.count("read-back: verified (count and canonical digest)") == 3
        assert run_dlkg("query", "python-on-android", "--store", url).stdout.splitlines() == FLAGSHIP
        found = run_dlkg("find", "--interface", "Python", "--platform", "Android", "--store", url, "--format", "csv")
        assert found.stdout.splitlines() == FLAGSHIP
        shown = run_dlkg("show", "Keras", "--store", url)
        assert "Deeplearning4j, TensorFlow, Theano" in shown.stdout
        table = run_dlkg("table", "--store", url, "--format", "csv", "--lang", "en")
        assert "Keras,Francois Chollet,Python,\"Linux, Mac OS X, Windows\",Python,Yes,Yes,Yes,Yes,No" in table.stdout
        checked = run_dlkg("validate", "--store", url, "--no-reason")
        assert checked.returncode == 0, checked.stderr
        ask = run_dlkg("sparql", "ASK { <https://w3id.org/dlkg/resource/Theano> <https://w3id.org/dlkg/ontology#runsOn> "
                       "<https://w3id.org/dlkg/resource/CrossPlatform> }", "--store", url, "--format", "json")
        assert '"boolean": true' in ask.stdout


def test_repair_of_a_store_that_does_not_exist_creates_nothing(tmp_path):
    missing = tmp_path / "no-such-store"
    done = run_dlkg("load", "--repair", "--into", str(missing))
    assert done.returncode == 2 and done.stderr.strip() == f"dlkg: error: --into: no store at {missing}; there is nothing to repair"
    assert not missing.exists()
