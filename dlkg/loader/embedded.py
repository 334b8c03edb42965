"""Loading into the embedded store: a private new version, checked, then one atomic switch.

Every load builds a new version of the store (:meth:`~dlkg.stores.OxigraphStore.stage`),
writes the files into it with Oxigraph's bulk loader, reads each graph back and compares it
with the files, and only then makes the version current
(:meth:`~dlkg.stores.OxigraphStore.swap`, one rename). Until then nothing a query sees has
changed; a load killed (SIGKILL, SIGTERM), a full disk or a failed check leaves the store
exactly as it was, and the next open removes the half-built version. All the graphs of one
load switch together.

A replacing load must empty the graphs it replaces in the new version. Two ways, and the
cheaper is taken: start from a checkpoint of the current version (free: hard links) and
delete the replaced graphs' triples (cost grows with those graphs), or rebuild the version
from nothing and copy in every other graph (cost grows with the rest of the store). So
replacing a large graph in a small store costs about a fresh load, and replacing a small
graph in a large store costs about that graph.

Who parses a file: in a replacing load, Oxigraph itself (``bulk_load``, no Python object per
triple) in a thread, while this one reads the same file for the literal cap, the count and
the independent side of the read-back check (Oxigraph loads without holding the GIL). An
N-Triples file is read as its lines: one triple a line, and a literal's characters each take
a byte of its line at least, so only a line longer than the cap needs dlkg's parser, and the
lines themselves are the check's side where they are as Oxigraph writes them (else dlkg's
parser reads the file after all). Other formats are read by dlkg's parser. N-Triples files
without blank nodes over :data:`SPLIT_BYTES` go to Oxigraph in pieces, :data:`IN_FLIGHT`
loading at once, each in its own thread, while this one reads the next (one ``bulk_load`` of
a file works mostly on one core, and its loader holds about 0.9 KB per triple: at 1e5
triples two halves at once load in 0.46 s against 0.94 s, at 1e6 pieces in 0.7x its time and
a sixth of its memory); other files up to :data:`DIRECT_BYTES` go whole; larger ones, appends, and loads
given a ``batch_size`` stream dlkg's parse into ``bulk_extend`` batches.

An append writes the files into the graph and into a check graph beside it; the check graph
is compared with the files, must lie within the graph, and is removed before the switch.
"""

from __future__ import annotations

import time
import uuid
from collections import deque
from collections.abc import Sequence

from dlkg import rdf
from dlkg.background import Background
from dlkg.canon import canonical_lines
from dlkg.errors import CheckFailed
from dlkg.loader.sources import Source
from dlkg.loader.verify import DIGEST_LIMIT, LoadReport, matches_sources
from dlkg.stores.oxigraph import LOAD_BATCH, OxigraphStore, StagedVersion

__all__ = ["load_embedded", "DELETE_COST", "COPY_COST", "DIRECT_BYTES", "SPLIT_BYTES", "PIECE_LINES", "IN_FLIGHT"]

#: Cost of deleting one triple from a checkpoint (in batches), in units of loading one triple
#: from N-Triples: 2.3 at 1e6 triples (18 s against 7.8 s, this machine, pyoxigraph 0.5).
DELETE_COST = 2.3
#: Cost of copying one triple into a rebuilt version (Oxigraph dump, then bulk_load), same
#: units: 1.6 at 1e6 triples (5.2 s + 7.6 s against 7.8 s).
COPY_COST = 1.6
#: Largest file a replacing load lets Oxigraph parse whole when it does not go in pieces (its
#: bulk loader's peak memory grows with the file: about 0.9 KB per triple); larger ones stream
#: in batches.
DIRECT_BYTES = 64 * 1024**2
#: N-Triples files without blank nodes over this size go in pieces.
SPLIT_BYTES = 1024**2
#: Lines in one piece (one ``bulk_load`` call) of a file too large to be read back whole. One
#: piece at a time, at 1e6 triples (the benchmark's file, quiet machine, 2026-12-06): 10,000
#: lines 8.7 s and a peak of 105 MB, 25,000 6.6 s / 130 MB, 50,000 5.9 s / 157 MB, 100,000
#: 7.7 s / 239 MB, 200,000 8.5 s / 339 MB; ``bulk_load`` of the whole file 9.1-10.2 s / 907 MB.
#: Two pieces of 25,000 at once: 10.3 s / 158 MB against ``bulk_load``'s 15.0 s / 908 MB
#: (busier machine, same day).
PIECE_LINES = 25_000
#: Pieces Oxigraph loads at once, each in its own thread. One ``bulk_load`` call works on one
#: core for most of a small file; two at once, each on half of the file: 1e4 triples 0.11 s
#: against 0.14 s for one call (with the store's opening), 1e5 0.46 s against 0.94 s (2 cores).
IN_FLIGHT = 2
_CHECK = "urn:dlkg:check:"


def load_embedded(store: OxigraphStore, plan: Sequence[tuple[str, Sequence[Source]]], *, replace: bool = True,
                  batch_size: int | None = None) -> list[LoadReport]:
    """Load each graph's files into an embedded store; all of them appear at once, or none.

    Args:
        store: The store.
        plan: Each named graph with its files.
        replace: Replace each graph's content (otherwise add to it).
        batch_size: Stream every file through dlkg's parser in batches of this many quads;
            None: files up to :data:`DIRECT_BYTES` parsed by Oxigraph, larger ones streamed in
            batches of ``LOAD_BATCH``.

    Raises:
        InputError: a file does not parse; nothing changed.
        CheckFailed: a graph read back differs from its files; nothing changed.
        StoreError: the store failed (a full disk); nothing changed.
    """
    start = time.perf_counter()
    before = {graph: store.count(graph) for graph, _ in plan}
    emptied = [graph for graph, count in before.items() if replace and count]
    old = sum(before[graph] for graph in emptied)
    rebuild = bool(emptied) and COPY_COST * (store.size() - old) < DELETE_COST * old
    staged = store.stage(emptied=emptied, rebuild=rebuild)
    try:
        reports = []
        for graph, files in plan:
            reports.append(_load_graph(staged, graph, files, replace=replace, before=before[graph],
                                       start=start, batch_size=batch_size, where=str(store.path)))
            start = time.perf_counter()
        failed = [report for report in reports if not report.verified]
        if failed:
            raise CheckFailed(f"{failed[0]}; nothing was changed")
        store.swap(staged)
    except OSError as err:  # the store's own failure (a parse error is an InputError)
        store.discard(staged)
        raise store.write_error(err) from None
    except BaseException:
        store.discard(staged)
        raise
    return reports


def _load_graph(staged: StagedVersion, graph: str, files: Sequence[Source], *, replace: bool, before: int,
                start: float, batch_size: int | None, where: str) -> LoadReport:
    check = None if replace else f"{_CHECK}{uuid.uuid4()}"
    parsed = 0
    readings: list[tuple[int, bytes | set[bytes] | None, bool]] = []
    if batch_size is None and replace:
        readings = [_load_source(staged, graph, source) for source in files]
        parsed = sum(count for count, _, _ in readings)
    else:
        for source in files:
            parsed += staged.write([graph] if check is None else [graph, check],
                                   source.triples(progress=f"loading {source.path.name}"),
                                   batch_size=batch_size or LOAD_BATCH)
    loaded = time.perf_counter()
    method = staged.method + ("" if replace else "+append")
    checked = check or graph
    quick = any(not exact for _, _, exact in readings)
    digest, jobs = None, None
    if parsed <= DIGEST_LIMIT:
        stored, jobs = staged.read_back_jobs(checked)  # the count comes with the read-back's jobs
    else:
        stored = staged.count(checked)
    if jobs is not None and stored <= DIGEST_LIMIT:
        digest = matches_sources(jobs, files, where=where, parsed=_source_side([body for _, body, _ in readings]))
        if digest is False and quick:  # the file's lines are not as Oxigraph writes them: parse
            readings = [(*source.read_checked(ntriples=True), True) for source in files]
            parsed = sum(count for count, _, _ in readings)
            digest = matches_sources(jobs, files, where=where, parsed=b"".join(body or b"" for _, body, _ in readings))
    if check is not None:
        total = staged.count(graph)
        within = staged.contains(check, graph) and max(before, stored) <= total <= before + stored
        if not within:
            digest = False
        elif digest is None:
            digest = None if stored == parsed else False
        staged.clear(check)
        stored = total
    return LoadReport(graph, parsed, stored, loaded - start, method, same_digest=digest,
                      verify_seconds=time.perf_counter() - loaded, appended=not replace)


def _source_side(bodies: list[bytes | set[bytes] | None]) -> bytes | set[bytes] | None:
    """The files' side of the read-back check from what their loads kept: N-Triples joined,
    canonical line sets (files without blank nodes) merged; None where a file kept nothing
    (the check reads the files again)."""
    if not bodies or any(body is None for body in bodies):
        return None
    if all(isinstance(body, set) for body in bodies):
        return set().union(*bodies)  # type: ignore[arg-type]
    return b"".join(body if isinstance(body, bytes) else b"\n".join(body) + b"\n" for body in bodies)  # type: ignore[misc]


def _load_source(staged: StagedVersion, graph: str, source: Source) -> tuple[int, bytes | set[bytes] | None, bool]:
    """Load one file of a replacing load the fastest way that keeps the promises: in pieces by
    Oxigraph where it splits (N-Triples without blank nodes) and is over :data:`SPLIT_BYTES`,
    else whole by Oxigraph up to :data:`DIRECT_BYTES`, else streamed through dlkg's parser;
    the count, the file's triples as N-Triples or their set of lines where kept (None: the
    check reads the file again) and whether they come from dlkg's parser."""
    size = source.path.stat().st_size
    if size > SPLIT_BYTES and source.splits():
        return _load_pieces(staged, graph, source, size)
    if size <= DIRECT_BYTES:
        return _load_direct(staged, graph, source)
    return staged.write([graph], source.triples(progress=f"loading {source.path.name}")), None, True


def _load_pieces(staged: StagedVersion, graph: str, source: Source, size: int) -> tuple[int, set[bytes] | None, bool]:
    """Oxigraph loads an N-Triples file (of ``size`` bytes) without blank nodes piece by piece
    (:func:`_piece_lines`), :data:`IN_FLIGHT` pieces at a time, each in a thread, while this
    one reads the next piece (:meth:`~dlkg.loader.sources.Source.pieces`: the count and the
    literal cap) and makes the set of its lines. Returns the count, that set while the file
    holds at most ``DIGEST_LIMIT`` triples (else None), and False (they are the file's own
    lines).

    Raises:
        InputError: a piece does not parse (the file's line) or has a literal over the cap.
        OSError: the store failed.
    """
    loading: deque[tuple[int, Background[None]]] = deque()  # the pieces Oxigraph loads: first line, load
    count, kept = 0, set()  # type: tuple[int, set[bytes] | None]
    try:
        for first, triples, body in source.pieces(_piece_lines(source, size)):
            if len(loading) == IN_FLIGHT:
                if loading[0][1].exception() is not None:  # waits for the oldest piece
                    break
                loading.popleft()
            count += triples
            loading.append((first, Background(staged.load_file, graph, None, source.format,
                                              base_iri=rdf.base_iri(source.path), data=body, name="dlkg-bulk-load")))
            if kept is not None and count > DIGEST_LIMIT:
                kept = None
            elif kept is not None:  # the piece's lines, added to the set while Oxigraph loads it
                kept.update(canonical_lines(body))
    finally:
        for _, load in loading:
            load.done()
    for first, load in loading:  # the first failed piece in the file is the one to report
        if (err := load.exception()) is not None:
            _raise_failed_load(err, source, first_line=first)
    return count, kept, False


def _piece_lines(source: Source, size: int) -> int:
    """Lines per piece. A file whose graph is read back whole (at most ``DIGEST_LIMIT``
    triples) goes in :data:`IN_FLIGHT` equal pieces: each piece adds files that RocksDB
    looks through for every term read back (1e5 triples: 0.88 s to read back after 2 pieces,
    1.05 s after 4). A larger one goes in pieces of :data:`PIECE_LINES` (bounded memory).
    The file's lines are estimated from its ``size`` and its first 64 KiB."""
    with source.path.open("rb") as handle:
        head = handle.read(1 << 16)
    lines = size * max(head.count(b"\n"), 1) // max(len(head), 1)
    if lines <= DIGEST_LIMIT:
        return max(1, -(-lines // IN_FLIGHT))
    return PIECE_LINES


def _load_direct(staged: StagedVersion, graph: str, source: Source) -> tuple[int, bytes | set[bytes] | None, bool]:
    """Oxigraph loads the file into the staged version in a thread while this one reads it:
    as lines where the file is N-Triples with no line long enough to break the literal cap
    (:meth:`~dlkg.loader.sources.Source.lines`), else with dlkg's parser (the literal cap, the
    count, the check's source side); the count, the file's triples as N-Triples (as their
    set of lines where there is no blank node, made before the load ends), and whether
    those came from dlkg's parser (else they are the file's own lines). The thread always
    ends before this returns or raises: nothing writes into a version being discarded.

    Raises:
        InputError: the file does not parse or has a literal over the cap.
        OSError: the store failed.
    """
    loading = Background(staged.load_file, graph, source.path, source.format, base_iri=rdf.base_iri(source.path),
                         name="dlkg-bulk-load")
    try:
        lines = source.lines()
        count, body = lines if lines is not None else source.read_checked(ntriples=True,
                                                                           progress=f"loading {source.path.name}")
        if body is not None and count <= DIGEST_LIMIT and b"_:" not in body:
            body = canonical_lines(body)  # no blank node: the set of lines, made while Oxigraph loads
    finally:
        loading.done()
    if (err := loading.exception()) is not None:
        _raise_failed_load(err, source)
    return count, body, lines is None


def _raise_failed_load(err: BaseException, source: Source, *, first_line: int = 1) -> None:
    """Raise what Oxigraph's load of a file (or of its piece from ``first_line``) raised: the
    store's own failure (an ``OSError``: a full disk) as it is, the file's as one
    :class:`~dlkg.errors.InputError` naming the file and line."""
    if isinstance(err, SyntaxError):
        raise rdf.syntax_error(err, source.path, first_line=first_line)
    if isinstance(err, OSError) and not isinstance(err, FileNotFoundError):
        raise err
    with rdf.parse_errors(source.path):  # the file's (dlkg's parser accepted it, or did not read it)
        raise err
