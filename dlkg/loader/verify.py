"""What a load checks before it lets its graph be seen, and the report it gives.

A load's graph is read back from the store and compared with the files: its triple count,
and up to :data:`DIGEST_LIMIT` triples its canonical digest (RDFC-1.0, :mod:`dlkg.canon`)
against an independent parse of the files, so a store that dropped, changed or invented a
triple is caught.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from dlkg.background import Background
from dlkg.errors import StoreError
from dlkg.loader.sources import Source

__all__ = ["DIGEST_LIMIT", "DIGEST_SECONDS", "LoadReport", "matches_sources", "same_graph_in_time"]

#: Largest graph whose canonical digest is compared after a load.
DIGEST_LIMIT = 200_000
#: Seconds the blank-node canonicalization of one side of a load's check may take: RDFC-1.0
#: needs exponential time on some graphs (blank nodes linked only to each other), and a
#: crafted file of a thousand lines must not hang a load. Past it the digest is not compared.
DIGEST_SECONDS = 60.0


def same_graph_in_time(stored: bytes, source: bytes | set[bytes]) -> bool | None:
    """Whether two graphs given as N-Triples written by Oxigraph are isomorphic
    (:func:`dlkg.canon.same_graph`; ``source`` may be given as its
    :func:`~dlkg.canon.canonical_lines` already); None when canonicalizing a side takes more
    than :data:`DIGEST_SECONDS`.

    >>> same_graph_in_time(b'_:a <http://x/p> "1" .\\n', b'_:b <http://x/p> "1" .\\n')
    True
    >>> same_graph_in_time(b'<http://x/s> <http://x/p> "1" .\\n', {b'<http://x/s> <http://x/p> "2" .'})
    False
    """
    from dlkg.canon import canonical_lines, same_graph

    try:
        if isinstance(source, set):
            return canonical_lines(stored, timeout=DIGEST_SECONDS) == source
        return same_graph(stored, source, timeout=DIGEST_SECONDS)
    except TimeoutError:
        return None


def matches_sources(read_back: Sequence[Callable[[], bytes]], sources: Sequence[Source], *, where: str,
                    parsed: bytes | set[bytes] | None = None) -> bool | None:
    """Whether the graph the ``read_back`` jobs write out (N-Triples, one part each) is
    isomorphic to a fresh parse of the files; None past the canonicalization's time limit.

    The jobs run in threads while this one parses the files again (Oxigraph writes without
    holding the GIL), unless ``parsed`` gives that reading already, read while Oxigraph loaded
    the files into the store: as N-Triples, or as their canonical lines
    (:func:`dlkg.canon.canonical_lines`). The canonicalization comes after the threads end: it may fork a
    worker, and a fork should copy a quiet process.

    Raises:
        StoreError: a job failed (``where`` names the store).
    """
    readers = [Background(job, name=f"dlkg-read-back-{index}") for index, job in enumerate(read_back)]
    try:
        parts = [] if parsed is not None else [source.ntriples() for source in sources]
    finally:
        for reader in readers:
            reader.done()
    try:
        bodies = [reader.result() for reader in readers]
    except Exception as err:  # noqa: BLE001 - the store's failure, whatever its type
        raise StoreError(f"cannot read the graph back from {where}: {err}") from None
    return same_graph_in_time(b"".join(bodies), parsed if parsed is not None else b"".join(parts))


class LoadReport:
    """What one load did.

    Attributes:
        graph: The named graph loaded into.
        triples: Triples parsed from the source files.
        stored: Triples the store holds in the graph afterwards (read back).
        seconds: Wall-clock time of the load itself.
        method: How it was written (for example ``checkpoint``, ``gsp-put+move``).
        dry_run: Nothing was written.
        same_digest: Whether the graph read back has the files' canonical digest
            (:func:`dlkg.canon.graph_digest`); None where it was not compared (graphs over
            :data:`DIGEST_LIMIT` triples, where hashing would cost more than the load, and
            blank nodes that take more than :data:`DIGEST_SECONDS` to canonicalize). For an
            append, it compares the appended files with their copy in a check graph.
        verify_seconds: Time spent reading the graph back to check it.
        appended: The load added to the graph (its earlier triples stay).

    >>> str(LoadReport("urn:x:g", 3, 3, 0.5, "checkpoint", same_digest=True))
    'loaded 3 triples into <urn:x:g> in 0.50 s (6 triples/s, checkpoint); read-back: verified (count and canonical digest) in 0.00 s'
    """

    __slots__ = ("graph", "triples", "stored", "seconds", "method", "dry_run", "same_digest", "verify_seconds",
                 "appended")

    def __init__(self, graph: str, triples: int, stored: int | None, seconds: float, method: str,
                 dry_run: bool = False, same_digest: bool | None = None, verify_seconds: float = 0.0,
                 appended: bool = False) -> None:
        self.graph, self.triples, self.stored, self.seconds, self.method = graph, triples, stored, seconds, method
        self.dry_run, self.same_digest, self.verify_seconds = dry_run, same_digest, verify_seconds
        self.appended = appended

    def __repr__(self) -> str:
        return f"LoadReport({self.graph!r}, triples={self.triples}, stored={self.stored}, method={self.method!r})"

    @property
    def verified(self) -> bool:
        """The store holds the files' triples: the same digest where compared, else the same
        count (for an append, at least as many as the files)."""
        if self.stored is None or self.same_digest is False:
            return False
        if self.same_digest:  # isomorphic as sets: a file that repeats a triple still matches
            return True
        counted = self.stored >= self.triples if self.appended else self.stored == self.triples
        return counted

    def __str__(self) -> str:
        if self.dry_run:
            return f"dry run: would load {self.triples} triples into <{self.graph}> ({self.method})"
        rate = self.triples / self.seconds if self.seconds > 0 else float("inf")
        if not self.verified:
            check = (f"MISMATCH: the store holds {self.stored} triples" if self.same_digest is not False
                     else "MISMATCH: same count, different triples (canonical digest differs)")
        else:
            check = "verified (count and canonical digest)" if self.same_digest else "verified (count)"
        return (f"loaded {self.triples} triples into <{self.graph}> in {self.seconds:.2f} s "
                f"({rate:,.0f} triples/s, {self.method}); read-back: {check} in {self.verify_seconds:.2f} s")
