"""Reading commands and the store they are given (issue 13, items 2, 3, 10, 11): a store that
does not exist is refused and not created; a store holding only other data says so, and
``--graph`` / ``--union`` read it; a store ``dlkg serve`` holds is read read-only; ``-f -``
reads standard input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import run_dlkg
from tests.support.servers import oxigraph_server, require_server

ANDROID_CSV = ["framework,label", "https://w3id.org/dlkg/resource/Deeplearning4j,Deeplearning4j",
               "https://w3id.org/dlkg/resource/MXNet,MXNet"]
#: Two triples written by hand, in the default graph of a store dlkg did not load.
OTHER_DATA = ('<http://example.org/a> <http://example.org/p> "one" .\n'
              '<http://example.org/b> <http://example.org/p> "two" .\n')
ALL_TRIPLES = "SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o }"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Path:
    """An embedded store loaded by the real ``dlkg load``."""
    folder = tmp_path_factory.mktemp("loaded") / "kg"
    done = run_dlkg("load", "--into", str(folder))
    assert done.returncode == 0, done.stderr
    return folder


@pytest.mark.parametrize("args", [
    ["query", "python-on-android"],
    ["validate", "--no-reason"],
    ["sparql", "ASK {}"],
    ["find", "--platform", "Android"],
    ["table"],
    ["show", "Caffe"],
    ["export"],
])
def test_a_reading_command_refuses_a_store_that_does_not_exist(tmp_path: Path, args: list[str]) -> None:
    missing = tmp_path / "no-such-store"
    done = run_dlkg(*args, "--store", str(missing))
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stdout == ""
    assert done.stderr == (f"dlkg: error: --store: no store at {missing}; "
                           f"create one with dlkg load --into {missing}\n")
    assert not missing.exists()


def test_an_empty_folder_is_no_store_and_stays_empty(tmp_path: Path) -> None:
    done = run_dlkg("query", "python-on-android", "--store", str(tmp_path))
    assert done.returncode == 2 and "no store at" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_load_still_creates_the_store(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "kg"
    assert run_dlkg("load", "--into", str(folder)).returncode == 0
    done = run_dlkg("query", "python-on-android", "--store", str(folder), "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ANDROID_CSV


def _oxigraph_load(folder: Path, tmp_path: Path) -> None:
    """What a user does with Oxigraph's own tool: ``oxigraph load`` into the default graph."""
    data = tmp_path / "other.nt"
    data.write_text(OTHER_DATA, encoding="utf-8")
    oxigraph = Path(sys.executable).parent / "oxigraph"
    subprocess.run([str(oxigraph), "load", "--location", str(folder), "--file", str(data)], check=True,
                   capture_output=True, timeout=120)


def test_a_store_without_dlkg_graphs_says_so_and_union_reads_it(tmp_path: Path) -> None:
    folder = tmp_path / "theirs"
    _oxigraph_load(folder, tmp_path)
    done = run_dlkg("query", "python-on-android", "--store", str(folder))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "--store: the store holds none of dlkg's graphs, only other data (in its default graph)" in done.stderr
    assert "--graph IRI" in done.stderr and "--union" in done.stderr
    done = run_dlkg("sparql", ALL_TRIPLES, "--store", str(folder), "--union", "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["s,o", "http://example.org/a,one", "http://example.org/b,two"]


def test_graph_reads_one_named_graph_and_names_what_is_missing(loaded: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    data = tmp_path / "other.nt"
    data.write_text(OTHER_DATA, encoding="utf-8")
    assert run_dlkg("load", str(data), "--into", str(folder), "--graph", "http://example.org/g").returncode == 0
    done = run_dlkg("sparql", ALL_TRIPLES, "--store", str(folder), "--format", "csv")
    assert done.returncode == 2 and "(in named graphs <http://example.org/g>)" in done.stderr, done.stderr
    done = run_dlkg("sparql", ALL_TRIPLES, "--store", str(folder), "--graph", "http://example.org/g", "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["s,o", "http://example.org/a,one", "http://example.org/b,two"]
    # dlkg's own store, read through one of its graphs: the ontology has no framework data
    done = run_dlkg("query", "python-on-android", "--store", str(loaded), "--format", "csv",
                    "--graph", "https://w3id.org/dlkg/graph/ontology")
    assert done.returncode == 0 and done.stdout.splitlines() == ["framework,label"], done.stderr
    done = run_dlkg("query", "python-on-android", "--store", str(loaded), "--graph", "http://example.org/nope")
    assert done.returncode == 2
    assert done.stderr.startswith("dlkg: error: --graph: the store holds no graph <http://example.org/nope> "
                                  "(it holds: <https://w3id.org/dlkg/graph/current>, "
                                  "<https://w3id.org/dlkg/graph/data>, <https://w3id.org/dlkg/graph/ontology>)"), done.stderr
    done = run_dlkg("query", "python-on-android", "--store", str(loaded), "--union", "--graph", "http://e/g")
    assert done.returncode == 2 and "--union: give named graphs or the union, not both" in done.stderr


def test_an_empty_store_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "kg"
    assert run_dlkg("load", "--into", str(folder), "--dry-run").returncode == 0
    done = run_dlkg("find", "--platform", "Android", "--store", str(folder))
    assert done.returncode == 2 and "the store is empty" in done.stderr, done.stderr


@pytest.mark.servers
def test_a_remote_store_without_dlkg_graphs_says_so(tmp_path: Path) -> None:
    """The issue's case: data loaded into an Oxigraph server's default graph, not by dlkg."""
    require_server("oxigraph")
    with oxigraph_server(tmp_path) as server:
        httpx.post(server.base_url + "/store?default", content=OTHER_DATA,
                   headers={"Content-Type": "application/n-triples"}).raise_for_status()
        done = run_dlkg("query", "python-on-android", "--store", server.query_url)
        assert done.returncode == 2 and "only other data (in its default graph)" in done.stderr, done.stderr
        done = run_dlkg("sparql", ALL_TRIPLES, "--store", server.query_url, "--union", "--format", "csv")
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines() == ["s,o", "http://example.org/a,one", "http://example.org/b,two"]


def test_a_store_being_served_is_read_read_only(loaded: Path) -> None:
    from tests.serve.serve_support import dlkg_serve

    with dlkg_serve("--store", str(loaded), "--workers", "1"):
        for extra in ([], ["--timeout", "30"]):  # in this process, and in a query worker
            done = run_dlkg("query", "python-on-android", "--store", str(loaded), "--format", "csv", *extra)
            assert done.returncode == 0, done.stderr
            assert done.stdout.splitlines() == ANDROID_CSV
        # writing still waits for the server to stop, and says so
        done = run_dlkg("load", "--into", str(loaded))
        assert done.returncode == 1 and "is open in another process" in done.stderr


def test_sparql_file_dash_reads_standard_input() -> None:
    query = "SELECT ?p WHERE { <https://w3id.org/dlkg/resource/PyTorch> <https://w3id.org/dlkg/ontology#runsOn> ?p }"
    done = run_dlkg("sparql", "-f", "-", "--format", "csv", input=query)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["p", "https://w3id.org/dlkg/resource/Linux",
                                        "https://w3id.org/dlkg/resource/MacOSX"]
