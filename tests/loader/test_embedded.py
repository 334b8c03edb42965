"""Loading into the embedded store (:mod:`dlkg.loader.embedded`): one streaming parser per file
feeding ``bulk_extend`` in batches into a private new version, the literal cap, blank nodes
across batches and files, the read-back check that compares the stored graph with an
independent parse, and the version that becomes current only when all of that passed.

Batches are made small (``batch_size``) so a few dozen triples span several of them.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

import dlkg.loader.embedded as embedded
import dlkg.loader.verify as verify
import dlkg.stores.oxigraph as oxi
from dlkg import rdf
from dlkg.canon import canonical_lines, graph_digest
from dlkg.errors import CheckFailed, InputError, StoreError
from dlkg.loader import Source, load_graph
from dlkg.resources import ONTOLOGY_FILE
from dlkg.stores import OxigraphStore
from dlkg.stores.oxigraph import StagedVersion

GRAPH = "https://example.org/graph"


class CountingStore:
    """A pyoxigraph store that records the size of each ``bulk_extend`` batch, and can
    change one quad on its way in (to show the read-back check catches it)."""

    def __init__(self, inner: ox.Store, tamper=None) -> None:
        self.inner = inner
        self.batches: list[int] = []
        self.tamper = tamper

    def bulk_extend(self, quads) -> None:
        quads = list(quads)
        self.batches.append(len(quads))
        if self.tamper:
            quads = [self.tamper(q) for q in quads]
        self.inner.bulk_extend(quads)

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


def counting(monkeypatch: pytest.MonkeyPatch, tamper=None) -> list[int]:
    """Spy on the next loads' writes into their staged versions: the batch sizes (returned,
    filled as they come), and ``tamper`` applied to every quad on its way in."""
    batches: list[int] = []
    stage = OxigraphStore.stage

    def spying(self, **options) -> StagedVersion:
        staged = stage(self, **options)
        spy = CountingStore(staged.store, tamper)
        spy.batches = batches
        staged.store = spy  # type: ignore[assignment]
        return staged

    monkeypatch.setattr(OxigraphStore, "stage", spying)
    return batches


def load(store: OxigraphStore, files: list, *, graph: str = GRAPH, batch_size: int = oxi.LOAD_BATCH,
         replace: bool = True):
    """:func:`dlkg.loader.embedded.load_embedded` of one graph, with small batches."""
    return embedded.load_embedded(store, [(graph, [Source(f) for f in files])], replace=replace,
                                  batch_size=batch_size)[0]


def versions(store: OxigraphStore) -> list[str]:
    return sorted(p.name for p in (store.path / "versions").iterdir())


def nt_with_spanning_blank_nodes(path: Path, filler: int = 40) -> Path:
    """N-Triples whose blank nodes are used on the first, a middle and the last lines."""
    lines = ['_:a <http://e/first> "start" .']
    for i in range(filler):
        lines.append(f'<http://e/s{i}> <http://e/p> "{i}" .')
        if i == filler // 2:
            lines.append('_:b <http://e/mid> "middle" .')
    lines.append("_:a <http://e/last> _:b .")
    path.write_text("\n".join(lines) + "\n")
    return path


def stored_rdflib(store: OxigraphStore, graph: str = GRAPH) -> rdflib.Graph:
    return rdflib.Graph().parse(data=store.graph_ntriples(graph).decode("utf-8"), format="nt")


def blank_nodes(store: OxigraphStore, graph: str = GRAPH) -> set[str]:
    return {t.value for q in store.native.quads_for_pattern(None, None, None, ox.NamedNode(graph))
            for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)}


def leftovers(store: OxigraphStore) -> list[str]:
    """Graphs a load uses on its way (check graphs) and versions that are not current."""
    graphs = [g.value for g in store.native.named_graphs() if g.value.startswith("urn:dlkg:")]
    return graphs + [name for name in versions(store) if name != store._folder.current]


# ----------------------------------------------------------------------------- batches


def test_batched_load_equals_the_file_with_blank_nodes_across_batches(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    source = nt_with_spanning_blank_nodes(tmp_path / "spanning.nt")
    store = OxigraphStore(tmp_path / "store")
    batches = counting(monkeypatch)
    report = load(store, [source], batch_size=7)
    assert len(batches) > 3 and max(batches) == 7  # really several batches
    assert report.verified and report.same_digest is True and report.method == "new"  # the store's first version
    assert report.triples == report.stored == 43
    assert isomorphic(stored_rdflib(store), rdflib.Graph().parse(source, format="nt"))
    assert len(blank_nodes(store)) == 2  # _:a and _:b each stayed one node across batches


@pytest.mark.parametrize("rebuild", [False, True])
def test_batched_turtle_list_spanning_batches_replacing_a_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                rebuild: bool) -> None:
    """An RDF list (a chain of blank nodes) over several batches, loaded into a graph that
    already holds triples, beside another graph: the new version starts from a checkpoint
    (the old graph deleted) or is rebuilt (the other graph copied), and either way holds the
    file's graph and the other graph unchanged."""
    source = tmp_path / "list.ttl"
    items = " ".join(f'"{i}"' for i in range(30))
    source.write_text(f"@prefix e: <http://e/> .\ne:s e:list ( {items} ) ; e:nested [ e:p [ e:q 1 ] ] .\n")
    store = OxigraphStore(tmp_path / "store")
    other = nt_with_spanning_blank_nodes(tmp_path / "other.nt")
    load(store, [other], graph="http://e/other")
    first = load(store, [source], batch_size=5)
    # The choice: rebuild when copying the rest costs less than deleting the old graph.
    monkeypatch.setattr(embedded, "COPY_COST", 0.0 if rebuild else 1e9)
    batches = counting(monkeypatch)
    second = load(store, [source], batch_size=5)
    assert len(batches) > 5
    assert second.method == ("rebuild" if rebuild else "checkpoint") and second.verified and second.same_digest
    assert first.stored == second.stored == 30 * 2 + 4
    assert isomorphic(stored_rdflib(store), rdflib.Graph().parse(source, format="turtle"))
    assert isomorphic(stored_rdflib(store, "http://e/other"), rdflib.Graph().parse(other, format="nt"))
    assert len(blank_nodes(store, "http://e/other")) == 2
    assert leftovers(store) == []


def test_packaged_ontology_in_small_batches_has_its_digest(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "store")
    report = load(store, [ONTOLOGY_FILE], batch_size=97)
    assert report.verified and report.same_digest is True
    expected = graph_digest(ox.Triple(q.subject, q.predicate, q.object)
                            for q in ox.parse(path=ONTOLOGY_FILE, format=ox.RdfFormat.TURTLE))
    assert graph_digest(store.graph_triples(GRAPH)) == expected


def test_same_blank_node_label_in_two_files_stays_two_nodes(tmp_path: Path) -> None:
    """As ``bulk_load`` did (and RDF merge requires), ``_:b`` in one file is not ``_:b`` in
    another; the read-back check agrees (it used to report a mismatch here)."""
    one, two = tmp_path / "one.nt", tmp_path / "two.nt"
    one.write_text('_:b <http://e/p> "1" .\n')
    two.write_text('_:b <http://e/p> "2" .\n_:b <http://e/q> "3" .\n')
    store = OxigraphStore(tmp_path / "store")
    report = load(store, [one, two], batch_size=1)
    assert report.verified and report.same_digest is True
    assert len(blank_nodes(store)) == 2


def test_append_gives_new_blank_nodes(tmp_path: Path) -> None:
    """The same file appended: its ground triple is there already (3 triples, not 4), its
    blank node is a new one; the check graph matched the file and is gone."""
    source = tmp_path / "one.nt"
    source.write_text('_:b <http://e/p> "1" .\n<http://e/s> <http://e/p> "2" .\n')
    store = OxigraphStore(tmp_path / "store")
    load(store, [source])
    report = load(store, [source], replace=False, batch_size=1)
    assert report.method == "checkpoint+append" and report.stored == 3
    assert report.verified and report.same_digest is True
    assert len(blank_nodes(store)) == 2 and leftovers(store) == []


def test_append_of_new_triples_into_a_loaded_graph_is_verified(tmp_path: Path) -> None:
    """Issue 12: ``--append`` of new triples into a non-empty graph was always a MISMATCH."""
    store = OxigraphStore(tmp_path / "store")
    load(store, [ONTOLOGY_FILE])
    before = store.count(GRAPH)
    extra = tmp_path / "extra.nt"
    extra.write_text('<http://e/a> <http://e/p> "1" .\n<http://e/b> <http://e/p> "2" .\n')
    report = load(store, [extra], replace=False)
    assert report.verified and report.stored == before + 2 and report.triples == 2
    assert "read-back: verified" in str(report)


# ----------------------------------------------------------------------------- refusals


def test_parse_error_after_some_batches_leaves_the_graph_as_it_was(tmp_path: Path) -> None:
    good = nt_with_spanning_blank_nodes(tmp_path / "good.nt")
    bad = tmp_path / "bad.nt"
    lines = [f'<http://e/x{i}> <http://e/p> "{i}" .' for i in range(30)] + ["<http://e/broken> <http://e/p> ."]
    bad.write_text("\n".join(lines) + "\n")
    store = OxigraphStore(tmp_path / "store")
    with pytest.raises(InputError) as empty:  # into an empty graph: the version is dropped
        load(store, [bad], batch_size=4)
    assert (empty.value.path, empty.value.line) == (str(bad), 31)
    assert store.count(GRAPH) == 0 and ox.NamedNode(GRAPH) not in set(store.native.named_graphs())
    load(store, [good])
    before = graph_digest(store.graph_triples(GRAPH))
    with pytest.raises(InputError):  # replacing: the graph keeps its triples
        load(store, [good, bad], batch_size=4)
    assert graph_digest(store.graph_triples(GRAPH)) == before and leftovers(store) == []


@pytest.mark.parametrize("dry_run", [False, True])
def test_literal_cap_applies_to_the_embedded_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   dry_run: bool) -> None:
    monkeypatch.setattr(rdf, "MAX_LITERAL_CHARS", 1000)
    source = tmp_path / "big-literal.nt"
    lines = [f'<http://e/x{i}> <http://e/p> "{i}" .' for i in range(20)] + ['<http://e/s> <http://e/p> "' + "x" * 2000 + '" .']
    source.write_text("\n".join(lines) + "\n")
    store = OxigraphStore(tmp_path / "store")
    with pytest.raises(InputError, match="a literal of 2,000 characters; the limit is 1,000") as refused:
        if dry_run:
            load_graph(store, [source], graph=GRAPH, dry_run=True)
        else:
            load(store, [source], batch_size=4)
    assert refused.value.path == str(source)
    assert store.count(GRAPH) == 0 and leftovers(store) == []


def test_literal_cap_keeps_a_loaded_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = nt_with_spanning_blank_nodes(tmp_path / "good.nt")
    store = OxigraphStore(tmp_path / "store")
    load(store, [good])
    before = graph_digest(store.graph_triples(GRAPH))
    monkeypatch.setattr(rdf, "MAX_LITERAL_CHARS", 3)  # "start", "middle" and "10".."39" are too long now
    with pytest.raises(InputError, match="the limit is 3"):
        load(store, [good], batch_size=4)
    assert graph_digest(store.graph_triples(GRAPH)) == before and leftovers(store) == []


# ----------------------------------------------------------------------------- read-back


def test_read_back_catches_a_changed_triple(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same count, one literal different: the check is not vacuous, and the version with the
    wrong triple never becomes current."""
    source = nt_with_spanning_blank_nodes(tmp_path / "spanning.nt")
    store = OxigraphStore(tmp_path / "store")

    def tamper(quad: ox.Quad) -> ox.Quad:
        if quad.object == ox.Literal("17"):
            return ox.Quad(quad.subject, quad.predicate, ox.Literal("seventeen"), quad.graph_name)
        return quad

    load(store, [source])
    before = graph_digest(store.graph_triples(GRAPH))
    counting(monkeypatch, tamper)
    with pytest.raises(CheckFailed, match="MISMATCH: same count, different triples.*; nothing was changed"):
        load(store, [source], batch_size=7)
    assert graph_digest(store.graph_triples(GRAPH)) == before and leftovers(store) == []


def test_read_back_catches_merged_blank_nodes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "two.nt"
    source.write_text('_:a <http://e/p> "1" .\n_:b <http://e/p> "2" .\n')
    store = OxigraphStore(tmp_path / "store")
    one = ox.BlankNode()
    counting(monkeypatch, lambda q: ox.Quad(one, q.predicate, q.object, q.graph_name))
    with pytest.raises(CheckFailed, match="MISMATCH"):
        load(store, [source])
    assert store.count(GRAPH) == 0


@pytest.mark.parametrize("per_query", [1, 10**9])  # one CONSTRUCT per predicate / one dump
def test_read_back_jobs_write_the_whole_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, per_query: int) -> None:
    monkeypatch.setattr(oxi, "_TRIPLES_PER_QUERY", per_query)
    store = OxigraphStore(tmp_path / "store")
    load(store, [ONTOLOGY_FILE])
    count = store.count(GRAPH)
    counted, jobs = StagedVersion(store.native, store.path, "checkpoint").read_back_jobs(GRAPH)
    assert counted == count
    assert len(jobs) == (2 if per_query == 1 else 1)
    body = b"".join(job() for job in jobs)
    assert body.count(b"\n") == count
    assert canonical_lines(body) == canonical_lines(store.graph_ntriples(GRAPH))


def test_read_back_failure_is_a_store_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = nt_with_spanning_blank_nodes(tmp_path / "spanning.nt")
    store = OxigraphStore(tmp_path / "store")

    def broken(self, graph: str):
        def job() -> bytes:
            raise OSError("disk gone")
        return 43, [job]

    monkeypatch.setattr(StagedVersion, "read_back_jobs", broken)
    with pytest.raises(StoreError, match="cannot read the graph back from .*disk gone"):
        load(store, [source])
    assert store.count(GRAPH) == 0 and leftovers(store) == []


def test_over_the_digest_limit_only_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedded, "DIGEST_LIMIT", 10)
    source = nt_with_spanning_blank_nodes(tmp_path / "spanning.nt")
    report = load(OxigraphStore(tmp_path / "store"), [source], batch_size=7)
    assert report.verified and report.same_digest is None and report.stored == 43


def test_blank_nodes_too_costly_to_canonicalize_leave_the_count_check(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A crafted file whose blank nodes RDFC-1.0 cannot label in time: the load finishes, the
    count is verified, and the digest is reported as not compared (not as a match)."""
    from tests.test_canon import tangled_blank_nodes

    monkeypatch.setattr(verify, "DIGEST_SECONDS", 1.0)
    source = tmp_path / "tangled.nt"
    source.write_bytes(tangled_blank_nodes())
    store = OxigraphStore(tmp_path / "store")
    report = load(store, [source], graph="http://e/g")
    assert (report.triples, report.stored, report.same_digest) == (1000, 1000, None)
    assert report.verified and "verified (count)" in str(report)


# ----------------------------------------------------------------------------- Oxigraph parses


def direct(store: OxigraphStore, files: list, *, graph: str = GRAPH):
    """:func:`dlkg.loader.embedded.load_embedded` as ``dlkg load`` calls it (no batch size):
    small files are parsed by Oxigraph, read alongside by dlkg's parser."""
    return embedded.load_embedded(store, [(graph, [Source(f) for f in files])])[0]


def test_oxigraph_parses_small_files_with_blank_nodes_per_file(tmp_path: Path) -> None:
    """Two copies of one file: 43 triples each, 40 of them the same IRIs and literals, 3 with
    the blank nodes _:a and _:b, which are new nodes per file: 40 + 3 + 3 = 46 stored."""
    one = nt_with_spanning_blank_nodes(tmp_path / "one.nt")
    two = nt_with_spanning_blank_nodes(tmp_path / "two.nt")
    store = OxigraphStore(tmp_path / "store")
    report = direct(store, [one, two])
    assert (report.triples, report.stored) == (86, 46)
    assert report.verified and report.same_digest is True
    assert len(blank_nodes(store)) == 4 and leftovers(store) == []
    expected = rdflib.Graph().parse(one, format="nt") + rdflib.Graph().parse(two, format="nt")
    assert isomorphic(stored_rdflib(store), expected)


def test_oxigraph_parses_turtle_against_the_file_base(tmp_path: Path) -> None:
    source = tmp_path / "rel.ttl"
    source.write_text('<a> <http://e/p> ( "1" "2" ) .\n')
    store = OxigraphStore(tmp_path / "store")
    report = direct(store, [source])
    assert report.verified and report.same_digest is True and report.stored == 5  # 1 + 2 x (first, rest)
    subjects = {q.subject for q in store.native.quads_for_pattern(None, ox.NamedNode("http://e/p"), None)}
    assert subjects == {ox.NamedNode(source.resolve().as_uri().rsplit("/", 1)[0] + "/a")}


def test_oxigraph_parses_but_the_literal_cap_holds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = nt_with_spanning_blank_nodes(tmp_path / "good.nt")
    store = OxigraphStore(tmp_path / "store")
    direct(store, [good])
    before = graph_digest(store.graph_triples(GRAPH))
    monkeypatch.setattr(rdf, "MAX_LITERAL_CHARS", 1000)
    source = tmp_path / "big-literal.nt"
    source.write_text('<http://e/x> <http://e/p> "1" .\n<http://e/s> <http://e/p> "' + "x" * 2000 + '" .\n')
    with pytest.raises(InputError, match="a literal of 2,000 characters; the limit is 1,000") as refused:
        direct(store, [source])
    assert refused.value.path == str(source)
    assert graph_digest(store.graph_triples(GRAPH)) == before and leftovers(store) == []


def test_oxigraph_parses_a_broken_file_and_nothing_changes(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nt"
    lines = [f'<http://e/x{i}> <http://e/p> "{i}" .' for i in range(30)] + ["<http://e/broken> <http://e/p> ."]
    bad.write_text("\n".join(lines) + "\n")
    store = OxigraphStore(tmp_path / "store")
    with pytest.raises(InputError) as refused:
        direct(store, [bad])
    assert (refused.value.path, refused.value.line) == (str(bad), 31)
    assert store.count(GRAPH) == 0 and leftovers(store) == []


def test_oxigraph_parses_and_the_read_back_catches_a_changed_triple(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The store side is read back, not taken from the loader: a literal changed after
    Oxigraph's load (same count) fails the check and the version is dropped."""
    source = nt_with_spanning_blank_nodes(tmp_path / "spanning.nt")
    store = OxigraphStore(tmp_path / "store")
    direct(store, [source])
    before = graph_digest(store.graph_triples(GRAPH))
    load_file = StagedVersion.load_file

    def tampering(self, graph, path, fmt, *, base_iri):
        load_file(self, graph, path, fmt, base_iri=base_iri)
        node = ox.NamedNode(graph)
        self.store.remove(ox.Quad(ox.NamedNode("http://e/s17"), ox.NamedNode("http://e/p"), ox.Literal("17"), node))
        self.store.add(ox.Quad(ox.NamedNode("http://e/s17"), ox.NamedNode("http://e/p"), ox.Literal("seventeen"), node))

    monkeypatch.setattr(StagedVersion, "load_file", tampering)
    with pytest.raises(CheckFailed, match="MISMATCH: same count, different triples"):
        direct(store, [source])
    assert graph_digest(store.graph_triples(GRAPH)) == before and leftovers(store) == []


def numbered(path: Path, lines: int, *, bad: int | None = None, comments: bool = False) -> Path:
    """N-Triples with one triple per line ``<http://e/xI> <http://e/p> "I"``; line ``bad``
    broken, and with ``comments`` a comment and an empty line before every tenth triple."""
    out = []
    for i in range(lines):
        if comments and i % 10 == 0:
            out += ["# a comment", ""]
        out.append("<http://e/broken> <http://e/p> ." if i + 1 == bad else f'<http://e/x{i}> <http://e/p> "{i}" .')
    path.write_text("\n".join(out) + "\n")
    return path


def spy_piece_loads(monkeypatch: pytest.MonkeyPatch, delays: tuple[float, ...] = ()) -> list[int]:
    """Spy on the next loads' calls of Oxigraph's bulk loader: for each call, how many were
    running when it started (each call held 50 ms longer, or the call's own ``delays``, so
    that calls started while another runs are seen together)."""
    running: list[int] = []
    active = [0]
    lock = threading.Lock()
    load_file = StagedVersion.load_file

    def spied(self, *args, **kwargs):
        with lock:
            active[0] += 1
            running.append(active[0])
            call = len(running) - 1
        try:
            time.sleep(delays[call] if call < len(delays) else 0.05)
            return load_file(self, *args, **kwargs)
        finally:
            with lock:
                active[0] -= 1

    monkeypatch.setattr(StagedVersion, "load_file", spied)
    return running


@pytest.mark.parametrize("comments", [False, True])
def test_ntriples_read_back_whole_go_to_oxigraph_in_equal_pieces_at_once(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch,
                                                                        comments: bool) -> None:
    """A file whose graph is read back whole goes in IN_FLIGHT equal pieces loading at once;
    with 8: 50 lines in pieces of 7 (8 pieces); with comments, 50 + 2 x 5 = 60 lines in pieces
    of 8 (8 pieces); every triple stored once, counted once, and the digest compared."""
    monkeypatch.setattr(embedded, "SPLIT_BYTES", 0)
    monkeypatch.setattr(embedded, "DIRECT_BYTES", 0)
    monkeypatch.setattr(embedded, "IN_FLIGHT", 8)
    running = spy_piece_loads(monkeypatch)
    source = numbered(tmp_path / "n.nt", 50, comments=comments)
    store = OxigraphStore(tmp_path / "store")
    report = direct(store, [source])
    assert len(running) == 8 and max(running) == 8  # all eight at once
    assert (report.triples, report.stored) == (50, 50) and report.verified and report.same_digest is True
    assert isomorphic(stored_rdflib(store), rdflib.Graph().parse(source, format="nt"))


def test_ntriples_over_the_digest_limit_go_in_pieces_of_piece_lines(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Over the read-back's limit (here 10 triples) memory is what counts: pieces of
    PIECE_LINES (7): 50 triples in 8 pieces, two at a time; the count is checked."""
    monkeypatch.setattr(embedded, "SPLIT_BYTES", 0)
    monkeypatch.setattr(embedded, "DIRECT_BYTES", 0)
    monkeypatch.setattr(embedded, "PIECE_LINES", 7)
    monkeypatch.setattr(embedded, "DIGEST_LIMIT", 10)
    running = spy_piece_loads(monkeypatch)
    source = numbered(tmp_path / "n.nt", 50)
    store = OxigraphStore(tmp_path / "store")
    report = direct(store, [source])
    assert len(running) == 8 and max(running) == 2  # never more than IN_FLIGHT at once
    assert (report.triples, report.stored) == (50, 50) and report.verified and report.same_digest is None
    assert isomorphic(stored_rdflib(store), rdflib.Graph().parse(source, format="nt"))


@pytest.mark.parametrize("limit", [None, 10], ids=["halves", "pieces of 7"])
def test_a_broken_line_in_a_later_piece_is_named_and_nothing_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     limit: int | None) -> None:
    monkeypatch.setattr(embedded, "SPLIT_BYTES", 0)
    monkeypatch.setattr(embedded, "DIRECT_BYTES", 0)
    monkeypatch.setattr(embedded, "PIECE_LINES", 7)
    if limit is not None:  # a file over the read-back's limit: pieces of PIECE_LINES, two at once
        monkeypatch.setattr(embedded, "DIGEST_LIMIT", limit)
    store = OxigraphStore(tmp_path / "store")
    good = direct(store, [numbered(tmp_path / "good.nt", 5)])
    assert good.stored == 5
    bad = numbered(tmp_path / "bad.nt", 40, bad=31)
    with pytest.raises(InputError) as refused:
        direct(store, [bad])
    assert (refused.value.path, refused.value.line) == (str(bad), 31)
    assert store.count(GRAPH) == 5 and leftovers(store) == []


def test_of_two_broken_pieces_loading_at_once_the_first_in_the_file_is_named(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Lines 3 and 10 broken, in the first and second of two pieces of 7 lines loading at once,
    the first held back so that the second fails first: line 3 is reported."""
    monkeypatch.setattr(embedded, "SPLIT_BYTES", 0)
    monkeypatch.setattr(embedded, "DIRECT_BYTES", 0)
    monkeypatch.setattr(embedded, "PIECE_LINES", 7)
    monkeypatch.setattr(embedded, "DIGEST_LIMIT", 10)
    running = spy_piece_loads(monkeypatch, delays=(0.3, 0.0))
    lines = [f'<http://e/x{i}> <http://e/p> "{i}" .' for i in range(1, 15)]
    lines[2] = lines[9] = "<http://e/broken> <http://e/p> ."
    bad = tmp_path / "bad.nt"
    bad.write_text("\n".join(lines) + "\n")
    store = OxigraphStore(tmp_path / "store")
    with pytest.raises(InputError) as refused:
        direct(store, [bad])
    assert (refused.value.path, refused.value.line) == (str(bad), 3)
    assert running == [1, 2]  # both pieces were loading at once
    assert store.count(GRAPH) == 0 and leftovers(store) == []


def test_a_long_literal_in_a_piece_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedded, "SPLIT_BYTES", 0)
    monkeypatch.setattr(embedded, "DIRECT_BYTES", 0)
    monkeypatch.setattr(embedded, "PIECE_LINES", 7)
    monkeypatch.setattr(rdf, "MAX_LITERAL_CHARS", 100)
    source = tmp_path / "long.nt"
    lines = [f'<http://e/x{i}> <http://e/p> "{i}" .' for i in range(20)]
    lines[15] = '<http://e/s> <http://e/p> "' + "y" * 101 + '" .'  # 101 characters, in the third piece
    source.write_text("\n".join(lines) + "\n")
    store = OxigraphStore(tmp_path / "store")
    with pytest.raises(InputError, match="a literal of 101 characters; the limit is 100"):
        direct(store, [source])
    assert store.count(GRAPH) == 0 and leftovers(store) == []


def test_large_ntriples_with_blank_nodes_are_streamed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pieces would give _:a a new node per piece: such a file goes through dlkg's parser."""
    monkeypatch.setattr(embedded, "SPLIT_BYTES", 0)
    monkeypatch.setattr(embedded, "DIRECT_BYTES", 0)
    monkeypatch.setattr(embedded, "PIECE_LINES", 7)
    source = nt_with_spanning_blank_nodes(tmp_path / "spanning.nt")
    store = OxigraphStore(tmp_path / "store")
    report = direct(store, [source])
    assert report.verified and report.same_digest is True and report.stored == 43
    assert len(blank_nodes(store)) == 2


@pytest.mark.parametrize("comments", [False, True])
def test_small_ntriples_without_blank_nodes_are_checked_line_by_line(tmp_path: Path, comments: bool) -> None:
    """50 triples, whole to Oxigraph; the file's own lines are the check's side (with comments
    and empty lines they differ from the store's, and dlkg's parser reads the file instead)."""
    source = numbered(tmp_path / "n.nt", 50, comments=comments)
    store = OxigraphStore(tmp_path / "store")
    report = direct(store, [source])
    assert (report.triples, report.stored) == (50, 50) and report.verified and report.same_digest is True
    assert isomorphic(stored_rdflib(store), rdflib.Graph().parse(source, format="nt"))
