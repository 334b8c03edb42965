"""Reading RDF files: formats guessed from file extensions, errors with file, line and column.

pyoxigraph does the parsing (it is fast and reports exact positions); rdflib graphs are built
from it only for the tools that need rdflib (pySHACL, owlready2 interplay).

>>> guess_format("data/frameworks.ttl").name
'Turtle'
>>> guess_format("x.unknown")
Traceback (most recent call last):
...
dlkg.errors.InputError: x.unknown: unknown RDF format (known extensions: jsonld, n3, nq, nt, owl, rdf, trig, ttl, xml)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from dlkg.errors import InputError

__all__ = ["stream", "MAX_FILE_BYTES", "MAX_LITERAL_CHARS", "check_file", "check_literals", "guess_format",
           "parse", "parse_errors", "base_iri", "read_quads", "syntax_error", "to_rdflib"]

#: Largest RDF file dlkg reads (override with the environment variable DLKG_MAX_FILE_BYTES).
MAX_FILE_BYTES = int(os.environ.get("DLKG_MAX_FILE_BYTES", 8 * 1024**3))
#: Longest literal dlkg accepts where it reads triples one by one (DLKG_MAX_LITERAL_CHARS).
MAX_LITERAL_CHARS = int(os.environ.get("DLKG_MAX_LITERAL_CHARS", 10_000_000))
_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")

def guess_format(path: str | Path) -> ox.RdfFormat:
    """The RDF format of a file, from its extension (:func:`dlkg.formats.from_extension`).

    Raises:
        InputError: the extension names no RDF format.
    """
    from dlkg import formats

    found = formats.from_extension(path)
    if found is None:
        known = ", ".join(formats.extensions(*formats.RDF_KINDS))
        raise InputError(f"unknown RDF format (known extensions: {known})", path=str(path))
    return found.rdf


def check_file(path: Path, fmt: ox.RdfFormat) -> None:
    """Refuse a file before any parser sees it: too large, or RDF/XML with a DTD.

    A DTD can declare entities that expand exponentially (the "billion laughs"): under 1 KB
    of RDF/XML makes Oxigraph run out of memory. RDF needs no DTD, so any is refused.

    Raises:
        InputError: the file is missing, too large, or RDF/XML with a DTD or entity declaration.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError("no such file", path=str(path)) from None
    if size > MAX_FILE_BYTES:
        raise InputError(f"the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} (DLKG_MAX_FILE_BYTES)",
                         path=str(path))
    if fmt != ox.RdfFormat.RDF_XML:
        return
    overlap = b""
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            window = overlap + chunk
            for marker in _DTD_MARKERS:
                index = window.find(marker)
                if index >= 0:
                    line = window[:index].count(b"\n") + 1 if not overlap else None
                    raise InputError("RDF/XML with a DTD or entity declarations is refused "
                                     "(entity expansion can exhaust memory)", path=str(path), line=line)
            overlap = window[-16:]


def base_iri(path: Path) -> str:
    """The base IRI relative IRIs in a file resolve against: the file's own ``file:`` URI
    (as rdflib and Jena do). Without one, Oxigraph's JSON-LD parser drops such triples silently."""
    return path.resolve().as_uri()


@contextmanager
def parse_errors(path: Path) -> Iterator[None]:
    """Turn what a parser raises into one :class:`InputError` naming the file (and position).

    Oxigraph's parsers cap a single token at 16 MiB and raise ``MemoryError`` past it; that,
    too, is bad input, not a crash.
    """
    try:
        yield
    except SyntaxError as err:
        raise syntax_error(err, path) from None
    except MemoryError as err:
        raise InputError(f"a term too large for the parser ({err})", path=str(path)) from None
    except FileNotFoundError:
        raise InputError("no such file", path=str(path)) from None
    except OSError as err:
        raise InputError(err.strerror or str(err), path=str(path)) from None


def check_literals(quads: Iterable[ox.Quad], path: Path) -> Iterator[ox.Quad]:
    """Pass quads through, refusing a literal longer than :data:`MAX_LITERAL_CHARS`."""
    for quad in quads:
        if isinstance(quad.object, ox.Literal) and len(quad.object.value) > MAX_LITERAL_CHARS:
            raise InputError(f"a literal of {len(quad.object.value):,} characters; the limit is "
                             f"{MAX_LITERAL_CHARS:,} (DLKG_MAX_LITERAL_CHARS)", path=str(path))
        yield quad


def parse(path: str | Path, *, format: ox.RdfFormat | None = None,
          to_graph: ox.NamedNode | ox.DefaultGraph | None = None) -> list[ox.Quad]:
    """Parse one RDF file completely (nothing is returned unless all of it parses).

    Args:
        path: The file.
        format: Its format; guessed from the extension when omitted.
        to_graph: Put triples into this graph (for triple formats).

    Raises:
        InputError: the file is missing, unreadable or not valid in its format; the message
            names the file, line and column.
    """
    path = Path(path)
    fmt = format or guess_format(path)
    check_file(path, fmt)
    quads = list(stream(path, fmt))
    if to_graph is None:
        return quads
    return [ox.Quad(q.subject, q.predicate, q.object, to_graph)
            if isinstance(q.graph_name, ox.DefaultGraph) else q for q in quads]


def stream(path: Path, fmt: ox.RdfFormat, *, progress: str | None = None, literal_cap: bool = True) -> Iterator[ox.Quad]:
    """The one way dlkg reads an RDF file (after :func:`check_file`): one streaming parser,
    relative IRIs against the file, blank nodes renamed (a label names one node within the
    file, never a node of another file or of an earlier load), literals over the cap refused,
    and every error one :class:`InputError` naming the file, line and column, raised while the
    quads are read (so that whoever consumes them can tell the input's errors from its own).

    Args:
        path: The file.
        fmt: Its format.
        progress: A label for a progress bar over the file's bytes (on a terminal).
        literal_cap: Refuse literals over :data:`MAX_LITERAL_CHARS` (off only to read again
            a file that was read with it already).
    """
    from dlkg.progress import reading

    with parse_errors(path), reading(path, label=progress or path.name, show=None if progress else False) as handle:
        quads = ox.parse(input=handle, format=fmt, base_iri=base_iri(path), rename_blank_nodes=True)
        yield from check_literals(quads, path) if literal_cap else quads


def read_quads(files: Iterable[tuple[str | Path, ox.NamedNode | None]]) -> Iterator[ox.Quad]:
    """Parse several files, each into the named graph paired with it, quads in file order."""
    for path, graph in files:
        yield from parse(path, to_graph=graph)


def syntax_error(err: SyntaxError, path: Path, *, first_line: int = 1) -> InputError:
    """An :class:`InputError` naming file, line and column, from a pyoxigraph syntax error
    (raised parsing a part of the file that starts on line ``first_line``)."""
    message = str(err.msg if hasattr(err, "msg") else err)
    # pyoxigraph says "Parser error between line 3 column 11 and ...: what"; keep only "what".
    if ": " in message and message.startswith("Parser error"):
        message = message.split(": ", 1)[1]
    line = None if err.lineno is None else err.lineno + first_line - 1
    return InputError(message, path=str(path), line=line, column=err.offset)


def to_rdflib(quads: Iterable[ox.Quad | ox.Triple]):  # -> rdflib.Graph
    """An rdflib graph of the quads' (or triples') triples, graph names dropped.

    The terms are converted one by one (each distinct term once), not written out and parsed
    again: rdflib's N-Triples parser is pure Python and was a fifth of ``dlkg validate``.
    rdflib is imported here, not at module level: it costs ~0.3 s and only validation,
    reasoning and export need it.

    >>> g = to_rdflib([ox.Triple(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/p"), ox.Literal("b", language="en"))])
    >>> [(str(s), str(o), o.language) for s, _, o in g]
    [('http://x/a', 'b', 'en')]
    """
    import rdflib

    cache: dict = {}

    def term(node):
        converted = cache.get(node)
        if converted is None:
            if isinstance(node, ox.NamedNode):
                converted = rdflib.URIRef(node.value)
            elif isinstance(node, ox.BlankNode):
                converted = rdflib.BNode(node.value)
            elif node.language:
                converted = rdflib.Literal(node.value, lang=node.language)
            else:
                converted = rdflib.Literal(node.value, datatype=rdflib.URIRef(node.datatype.value))
            cache[node] = converted
        return converted

    graph = rdflib.Graph()
    add = graph.add
    for q in quads:
        add((term(q.subject), term(q.predicate), term(q.object)))
    from dlkg.namespaces import bind

    bind(graph)
    return graph
