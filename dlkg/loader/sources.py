"""The files a load reads: checked before anything is written, then parsed as a stream.

One safe way to read a source file for every load path: the file is refused before any
parser sees it when it is too large or RDF/XML with a DTD (:func:`dlkg.rdf.check_file`);
one streaming parser per file renames its blank nodes (a label names one node within the
file, and never a node of another file or of an earlier load); literals over the cap are
refused; and every parse error becomes one :class:`~dlkg.errors.InputError` naming the file,
line and column *while the triples are read*, so that whoever consumes them (a store's bulk
loader, a writer) can tell the input's errors from its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox

from dlkg import rdf
from dlkg.errors import UsageError
from dlkg.progress import reading

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
        with rdf.parse_errors(self.path), reading(self.path, label=progress or self.path.name,
                                                  show=None if progress else False) as handle:
            quads = ox.parse(input=handle, format=self.format, base_iri=rdf.base_iri(self.path),
                             rename_blank_nodes=True)
            yield from rdf.check_literals(quads, self.path)

    def count(self) -> int:
        """How many triples the file parses into (a dry run's figure)."""
        return sum(1 for _ in self.triples())

    def ntriples(self) -> bytes:
        """The file as N-Triples written by Oxigraph, from a fresh parse (the independent side
        of a load's read-back check)."""
        return ox.serialize(self.triples(), format=ox.RdfFormat.N_QUADS) or b""

    def write_ntriples(self, handle, *, progress: str | None = None) -> int:
        """Write the file's triples as N-Triples (Oxigraph's writer) to a binary handle; the count."""
        tally = [0]

        def counted() -> Iterator[ox.Quad]:
            for quad in self.triples(progress=progress):
                tally[0] += 1
                yield quad

        ox.serialize(counted(), output=handle, format=ox.RdfFormat.N_TRIPLES)
        return tally[0]


def sources(paths: Sequence[str | Path]) -> list[Source]:
    """Check every file of a load before anything is written."""
    return [Source(path) for path in paths]
