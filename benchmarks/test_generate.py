"""The generator is deterministic and its graphs pass dlkg's own checks (SHACL shapes, QC)."""

from __future__ import annotations

import hashlib

import pyoxigraph as ox
import pytest

from benchmarks.generate import RES, generate_triples, write_ntriples


def test_same_seed_same_bytes(tmp_path):
    a, b = tmp_path / "a.nt", tmp_path / "b.nt"
    write_ntriples(a, 1000, seed=7)
    write_ntriples(b, 1000, seed=7)
    assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()


def test_other_seed_other_graph():
    assert generate_triples(1000, seed=1) != generate_triples(1000, seed=2)


@pytest.mark.parametrize("size", [1000, 10_000])
def test_size_is_about_right(size):
    count = len(generate_triples(size, seed=0))
    assert size <= count < size + 400  # at most one framework's worth above


def test_parses_as_ntriples_without_duplicates():
    text = "".join(generate_triples(3000, seed=3))
    triples = list(ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES))
    assert len(triples) == len(set(triples)) == text.count("\n")


def test_conforms_to_the_shapes(tmp_path):
    from dlkg.validate import validate

    path = tmp_path / "gen.nt"
    write_ntriples(path, 1000, seed=0)
    report = validate([path], reason=False)
    assert report.conforms, [str(p) for p in report.problems[:10]]


def test_flagship_query_finds_generated_frameworks(tmp_path):
    from dlkg.query import run_canned
    from dlkg.resources import DATA_GRAPH, ONTOLOGY_FILE, ONTOLOGY_GRAPH
    from dlkg.stores import MemoryStore

    path = tmp_path / "gen.nt"
    write_ntriples(path, 1000, seed=0)
    store = MemoryStore([(ONTOLOGY_FILE, ox.NamedNode(ONTOLOGY_GRAPH)), (path, ox.NamedNode(DATA_GRAPH))])
    frameworks = run_canned("python-on-android", store=store).values("framework")
    assert frameworks and all(f.startswith(RES + "gen/framework/") for f in frameworks)
    assert run_canned("strengths-and-weaknesses", store=store).rows  # the first frameworks carry real names
