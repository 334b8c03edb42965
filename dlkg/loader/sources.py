"""The files a load reads: checked before anything is written, then parsed as a stream.

Every file of a load is checked before anything is written (:func:`dlkg.rdf.check_file`:
too large, RDF/XML with a DTD) and then read the one way dlkg reads RDF files
(:func:`dlkg.rdf.stream`: streaming, blank nodes renamed per file, the literal cap, errors as
one :class:`~dlkg.errors.InputError` raised while the triples are read).
"""

from __future__ import annotations

import itertools
import re
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

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
        if _longest_line(body) > rdf.MAX_LITERAL_CHARS:
            return None
        return _triple_lines(body), body

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
        parser first (:meth:`lines` says why the others need not be). The file is read in
        blocks and cut at newlines, with no Python object per line.

        Raises:
            InputError: while iterating, a literal over the cap (or a piece that does not
                parse, found by that reading).
        """
        with rdf.parse_errors(self.path), self.path.open("rb") as handle:
            first, rest = 1, b""
            guess = 160 * lines  # bytes for ``lines`` lines, then what the last piece took
            while taken := _take_lines(handle, rest, lines, guess):
                body, rest, newlines = taken
                count = newlines + (not body.endswith(b"\n"))
                guess = len(body) * lines // count + 1024
                if _longest_line(body) > rdf.MAX_LITERAL_CHARS:
                    try:
                        deque(rdf.check_literals(ox.parse(body, format=self.format), self.path), maxlen=0)
                    except SyntaxError as err:
                        raise rdf.syntax_error(err, self.path, first_line=first) from None
                yield first, _triple_lines(body, newlines), body
                first += count

    def write_ntriples(self, handle, *, progress: str | None = None) -> int:
        """Write the file's triples as N-Triples (Oxigraph's writer) to a binary handle; the count."""
        tally = [0]

        def counted() -> Iterator[ox.Quad]:
            for quad in self.triples(progress=progress):
                tally[0] += 1
                yield quad

        ox.serialize(counted(), output=handle, format=ox.RdfFormat.N_TRIPLES)
        return tally[0]


def _take_lines(handle: BinaryIO, rest: bytes, lines: int, guess: int) -> tuple[bytes, bytes, int] | None:
    """The next ``lines`` lines of a file (fewer at its end) as one bytes object, what was read
    past them, and how many newlines the lines hold; None at the end. ``rest`` is what the
    previous call read past its lines, ``guess`` how many bytes the lines may take (a closer
    guess copies less)."""
    block, newlines = rest, rest.count(b"\n")
    while newlines < lines:
        more = handle.read(max(guess - len(block), 1 << 16))
        if not more:
            return (block, b"", newlines) if block else None
        block += more
        newlines += more.count(b"\n")
    cut = len(block)
    for _ in range(newlines - lines + 1):  # back to the end of the lines-th line
        cut = block.rfind(b"\n", 0, cut)
    return block[:cut + 1], block[cut + 1:], lines


def _longest_line(body: bytes) -> int:
    """The length in bytes of the longest line (no longer than the whole when that is short)."""
    if len(body) <= rdf.MAX_LITERAL_CHARS:
        return len(body)  # a bound: no line of it can break the cap
    return max(map(len, body.splitlines()), default=0)


#: A line after the first that may hold no triple (a comment, an empty or indented line).
_NOT_PLAIN = re.compile(rb"\n[#\s]")


def _triple_lines(body: bytes, newlines: int | None = None) -> int:
    """How many of an N-Triples text's lines hold a triple (the others are empty or comments),
    counted without a Python call per line where every line starts a triple and ends in LF
    (``newlines``: the text's count of LF, where known).

    >>> _triple_lines(b'<a:s> <a:p> "1" .\\n<a:s> <a:p> "2" .')
    2
    >>> _triple_lines(b'# a comment\\n\\n<a:s> <a:p> "1" .\\n  # another\\n')
    1
    """
    if body[:1].isspace() or body.startswith(b"#") or b"\r" in body or _NOT_PLAIN.search(body):
        return sum(1 for line in body.splitlines() if (text := line.strip()) and not text.startswith(b"#"))
    return (body.count(b"\n") if newlines is None else newlines) + (bool(body) and not body.endswith(b"\n"))


def sources(paths: Sequence[str | Path]) -> list[Source]:
    """Check every file of a load before anything is written."""
    return [Source(path) for path in paths]
