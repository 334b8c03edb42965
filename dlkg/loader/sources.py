"""The files a load reads: checked before anything is written, then parsed as a stream.

Every file of a load is checked before anything is written (:func:`dlkg.rdf.check_file`:
too large, RDF/XML with a DTD) and then read the one way dlkg reads RDF files
(:func:`dlkg.rdf.stream`: streaming, blank nodes renamed per file, the literal cap, errors as
one :class:`~dlkg.errors.InputError` raised while the triples are read).
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox

from dlkg import rdf
from dlkg.errors import UsageError

__all__ = ["Source", "sources"]


class Source:
    """One RDF file to load, in a triples format.

    Args:
        path: The file.

    Raises:
        InputError: the extension names no RDF format, or the file is missing, too large or
            refused (:func:`dlkg.rdf.check_file`).
        UsageError: the format holds named graphs (a load fills one graph).

    >>> from dlkg.resources import ONTOLOGY_FILE
    >>> source = Source(ONTOLOGY_FILE)
    >>> source.format == ox.RdfFormat.TURTLE and source.count() > 100
    True
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.format = rdf.guess_format(self.path)
        if self.format.supports_datasets:
            raise UsageError(f"{self.format.name} holds named graphs; load a triples format into --graph",
                             path=str(self.path))
        rdf.check_file(self.path, self.format)

    def __repr__(self) -> str:
        return f"Source({str(self.path)!r})"

    def triples(self, *, progress: str | None = None) -> Iterator[ox.Quad]:
        """The file's triples (as default-graph quads), parsed as they are asked for.

        Args:
            progress: A label for a progress bar over the file's bytes (on a terminal).

        Raises:
            InputError: while iterating, the file does not parse (file, line, column) or has
                a literal over the cap.
        """
        return rdf.stream(self.path, self.format, progress=progress)

    def count(self) -> int:
        """How many triples the file parses into (a dry run's figure)."""
        return sum(1 for _ in self.triples())

    def ntriples(self) -> bytes:
        """The file as N-Triples written by Oxigraph, from a fresh parse (the independent side
        of a load's read-back check; the load already applied the literal cap)."""
        quads = rdf.stream(self.path, self.format, literal_cap=False)
        return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""

    def read_checked(self, *, ntriples: bool, progress: str | None = None) -> tuple[int, bytes | None]:
        """Read the file once the dlkg way (:meth:`triples`: the literal cap applied), for a load
        that let Oxigraph parse the file into the store: how many triples it parses into and,
        with ``ntriples``, the triples as N-Triples written by Oxigraph (the independent side
        of the load's read-back check).

        Raises:
            InputError: the file does not parse or has a literal over the cap.
        """
        tally = itertools.count()
        counted = (quad for quad, _ in zip(self.triples(progress=progress), tally))  # zip counts in C
        if ntriples:
            body = ox.serialize(counted, format=ox.RdfFormat.N_TRIPLES) or b""
        else:
            body = None
            deque(counted, maxlen=0)
        return next(tally), body

    def lines(self) -> tuple[int, bytes] | None:
        """An N-Triples file read as its bytes, with no Python object per triple: how many
        triples it holds and the bytes, for a load in which Oxigraph parsed the file (only then
        are these right: N-Triples holds one triple per line, and Oxigraph refuses a file that
        does not parse). None for other formats, and for a file with a line longer in bytes
        than the literal cap (a literal's characters each take at least a byte of its line, so
        only such a line can hold a literal over :data:`dlkg.rdf.MAX_LITERAL_CHARS`): read
        those with :meth:`read_checked`.

        The bytes stand for the file's triples in the load's read-back check where the lines
        are as Oxigraph writes them; where they differ, the check reads the file again with
        :meth:`read_checked`.
        """
        if self.format != ox.RdfFormat.N_TRIPLES:
            return None
        body = self.path.read_bytes()
        lines = body.splitlines()
        if lines and max(map(len, lines)) > rdf.MAX_LITERAL_CHARS:
            return None
        return _triple_lines(lines), body

    def splits(self) -> bool:
        """Whether the file may be loaded in pieces (:meth:`pieces`): N-Triples (one triple a
        line) without a blank node (a label names one node in the whole file, and each load
        call gives blank nodes new identities)."""
        if self.format != ox.RdfFormat.N_TRIPLES:
            return False
        with self.path.open("rb") as handle:
            last = b""
            while block := handle.read(1 << 24):
                if b"_:" in block or b"_:" == last + block[:1]:
                    return False
                last = block[-1:]
        return True

    def pieces(self, lines: int) -> Iterator[tuple[int, int, bytes]]:
        """An N-Triples file in pieces of ``lines`` lines, read as bytes: each piece's first
        line number, how many triples it holds (right for a piece that parses) and its bytes.
        A piece with a line long enough to hold a literal over the cap is read with dlkg's
        parser first (:meth:`lines` says why the others need not be).

        Raises:
            InputError: while iterating, a literal over the cap (or a piece that does not
                parse, found by that reading).
        """
        with rdf.parse_errors(self.path), self.path.open("rb") as handle:
            first = 1
            while chunk := list(itertools.islice(handle, lines)):
                body = b"".join(chunk)
                if max(map(len, chunk)) > rdf.MAX_LITERAL_CHARS:
                    try:
                        deque(rdf.check_literals(ox.parse(body, format=self.format), self.path), maxlen=0)
                    except SyntaxError as err:
                        raise rdf.syntax_error(err, self.path, first_line=first) from None
                yield first, _triple_lines(chunk), body
                first += len(chunk)

    def write_ntriples(self, handle, *, progress: str | None = None) -> int:
        """Write the file's triples as N-Triples (Oxigraph's writer) to a binary handle; the count."""
        tally = [0]

        def counted() -> Iterator[ox.Quad]:
            for quad in self.triples(progress=progress):
                tally[0] += 1
                yield quad

        ox.serialize(counted(), output=handle, format=ox.RdfFormat.N_TRIPLES)
        return tally[0]


def _triple_lines(lines: list[bytes]) -> int:
    """How many of an N-Triples file's lines hold a triple (the others are empty or comments),
    without a Python call per line where every line starts a triple."""
    firsts = b"".join(line[:1] for line in lines)
    if lines.count(b"") or any(firsts.count(char) for char in (b"#", b" ", b"\t", b"\r", b"\n")):
        return sum(1 for line in lines if (text := line.strip()) and not text.startswith(b"#"))
    return len(lines)


def sources(paths: Sequence[str | Path]) -> list[Source]:
    """Check every file of a load before anything is written."""
    return [Source(path) for path in paths]
