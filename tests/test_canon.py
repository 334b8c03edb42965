"""The canonical digest (:mod:`dlkg.canon`): equal exactly for isomorphic graphs, and the same
as canonicalizing the whole graph although only the lines with blank nodes are canonicalized."""

from __future__ import annotations

import hashlib
import random

import pyoxigraph as ox
import pytest

from dlkg.canon import canonical_lines, graph_digest, ntriples_digest, same_graph
from dlkg.resources import DATA_FILE, ONTOLOGY_FILE

P = [ox.NamedNode(f"http://e/p{i}") for i in range(3)]


def whole_graph_digest(body: bytes) -> str:
    """The digest as first written: every line through RDFC-1.0."""
    dataset = ox.Dataset(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    body = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in dataset], format=ox.RdfFormat.N_TRIPLES) or b""
    return hashlib.sha256(b"\n".join(sorted(set(body.splitlines())))).hexdigest()


def ntriples(triples) -> bytes:
    return ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""


def random_graph(seed: int, blanks: int = 6, triples: int = 40) -> list[ox.Triple]:
    rng = random.Random(seed)
    nodes = [ox.BlankNode(f"b{i}") for i in range(blanks)] + [ox.NamedNode(f"http://e/n{i}") for i in range(4)]
    out = set()
    for _ in range(triples):
        subject = rng.choice(nodes)
        obj = rng.choice(nodes + [ox.Literal(str(rng.randrange(5))), ox.Literal("has _: inside")])
        out.add(ox.Triple(subject, rng.choice(P), obj))
    return list(out)


def relabel(triples: list[ox.Triple], seed: int) -> list[ox.Triple]:
    """The same graph with fresh blank-node labels, in another order."""
    names: dict[str, ox.BlankNode] = {}

    def term(t):
        return names.setdefault(t.value, ox.BlankNode()) if isinstance(t, ox.BlankNode) else t

    moved = [ox.Triple(term(t.subject), t.predicate, term(t.object)) for t in triples]
    random.Random(seed).shuffle(moved)
    return moved


@pytest.mark.parametrize("path", [ONTOLOGY_FILE, DATA_FILE])
def test_same_digest_as_canonicalizing_everything(path) -> None:
    body = ox.serialize(ox.parse(path=path, format=ox.RdfFormat.TURTLE, rename_blank_nodes=True),
                        format=ox.RdfFormat.N_QUADS) or b""
    assert ntriples_digest(body) == whole_graph_digest(body)


@pytest.mark.parametrize("seed", range(20))
def test_isomorphic_graphs_agree_and_others_do_not(seed: int) -> None:
    graph = random_graph(seed)
    body = ntriples(graph)
    moved = ntriples(relabel(graph, seed))
    assert ntriples_digest(body) == ntriples_digest(moved) == whole_graph_digest(body)
    assert same_graph(body, moved) and same_graph(body, moved + moved)  # duplicates do not count
    dropped = ntriples(graph[1:])
    assert not same_graph(body, dropped) and ntriples_digest(body) != ntriples_digest(dropped)


def test_merging_two_blank_nodes_is_a_difference() -> None:
    two = b'_:a <http://e/p> "1" .\n_:b <http://e/p> "2" .\n'
    one = b'_:a <http://e/p> "1" .\n_:a <http://e/p> "2" .\n'
    assert not same_graph(two, one) and ntriples_digest(two) != ntriples_digest(one)


def test_ground_graph_is_hashed_as_written_and_empty_graphs_agree() -> None:
    body = b'<http://e/s> <http://e/p> "1" .\n<http://e/s> <http://e/p> "2" .\n'
    assert canonical_lines(body) == set(body.splitlines())
    assert same_graph(b"", b"") and graph_digest([]) == ntriples_digest(b"")


def tangled_blank_nodes(count: int = 1000) -> bytes:
    """Blank nodes linked only to each other at random: RDFC-1.0 needs exponential time here
    (1,000 lines did not finish in minutes on the 2-core machine; 500 took 5.5 s)."""
    rng = random.Random(0)
    return "".join(f"_:b{i} <http://e/p> _:b{rng.randrange(count)} .\n" for i in range(count)).encode()


def test_canonicalization_past_its_time_limit_is_stopped() -> None:
    import time

    start = time.monotonic()
    with pytest.raises(TimeoutError):
        canonical_lines(tangled_blank_nodes(), timeout=1.0)
    assert time.monotonic() - start < 30  # the worker was killed, not waited for


def test_canonicalization_within_its_time_limit_answers_as_without_one() -> None:
    body = ntriples(random_graph(3))
    assert canonical_lines(body, timeout=30) == canonical_lines(body)
    assert same_graph(body, ntriples(relabel(random_graph(3), 1)), timeout=30)
