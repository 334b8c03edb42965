"""Every format dlkg reads or writes, in one table: RDF formats and query-results formats.

Each format has one name (what ``--format`` takes, what the server's ``format`` hint names),
its media types (the first is the one written in ``Content-Type``), its file extensions (the
first is the one dlkg writes), the pyoxigraph format that parses or writes it and its kind:

- ``graph``: RDF triples (Turtle, N-Triples, N3, RDF/XML);
- ``dataset``: RDF with named graphs (N-Quads, TriG, JSON-LD);
- ``results``: SPARQL query results (JSON, XML, CSV, TSV);
- ``text``: results written for people (``table``, ``md``), never negotiated.

One meaning per name, everywhere: ``xml`` is SPARQL Results XML, ``rdfxml`` is RDF/XML.
File extensions are looked up separately (``.xml`` and ``.owl`` files are RDF/XML, as
pyoxigraph and rdflib read them).

>>> get("rdfxml").rdf.name, get("xml").results.name
('RDF/XML', 'SPARQL Results in XML')
>>> from_extension("data/frameworks.ttl").name, from_extension("x.srj", kinds=[RESULTS]).name
('turtle', 'json')
>>> from_media_type("application/n-triples; charset=utf-8").name
'nt'
>>> get("xml", kinds=RDF_KINDS)
Traceback (most recent call last):
...
dlkg.errors.UsageError: format: 'xml' is SPARQL Results XML, not an RDF format (for RDF/XML use 'rdfxml'; known: turtle, nt, n3, rdfxml, nq, trig, jsonld)
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from dlkg.errors import UsageError

__all__ = ["Format", "FORMATS", "GRAPH", "DATASET", "RESULTS", "TEXT", "RDF_KINDS", "ROW_KINDS", "names", "get",
           "lookup", "from_extension", "from_media_type", "offers", "extensions"]

GRAPH, DATASET, RESULTS, TEXT = "graph", "dataset", "results", "text"
#: The kinds that are RDF (what ``dlkg export`` and CONSTRUCT results can be written as).
RDF_KINDS: tuple[str, ...] = (GRAPH, DATASET)
#: The kinds that SELECT and ASK results can be written as.
ROW_KINDS: tuple[str, ...] = (TEXT, RESULTS)


class Format:
    """One format.

    A plain class rather than a dataclass: ``dataclasses`` (and the ``inspect`` it loads)
    would be a tenth of the start-up time of ``dlkg query``.

    Attributes:
        name: The one name dlkg uses for it (command line, ``format`` hints, code).
        kind: ``graph``, ``dataset``, ``results`` or ``text``.
        label: Its name for people (``RDF/XML``).
        media_types: Media types, preferred first; empty for ``text`` formats.
        extensions: File extensions without the dot, preferred first.
        aliases: Other spellings clients send as a ``format`` hint (``ttl``, ``json-ld``).
        rdf: The pyoxigraph RDF format, for ``graph`` and ``dataset`` kinds.
        results: The pyoxigraph query-results format, for the ``results`` kind.
    """

    __slots__ = ("name", "kind", "label", "media_types", "extensions", "aliases", "rdf", "results")

    def __init__(self, name: str, kind: str, label: str, *, media_types: tuple[str, ...] = (),
                 extensions: tuple[str, ...] = (), aliases: tuple[str, ...] = (),
                 rdf: ox.RdfFormat | None = None, results: ox.QueryResultsFormat | None = None) -> None:
        self.name, self.kind, self.label = name, kind, label
        self.media_types, self.extensions, self.aliases = media_types, extensions, aliases
        self.rdf, self.results = rdf, results

    def __repr__(self) -> str:
        return f"Format({self.name!r}, {self.kind!r})"

    @property
    def media_type(self) -> str:
        """The media type written in ``Content-Type`` (``text/plain`` for ``text`` formats)."""
        return self.media_types[0] if self.media_types else "text/plain"

    @property
    def extension(self) -> str:
        """The file extension dlkg writes (without the dot)."""
        return self.extensions[0] if self.extensions else "txt"


_R, _Q = ox.RdfFormat, ox.QueryResultsFormat

#: Every format by name, in the order help texts and error messages list them.
FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("table", TEXT, "a text table"),
    Format("csv", RESULTS, "SPARQL Results CSV", media_types=("text/csv",), extensions=("csv",), results=_Q.CSV),
    Format("tsv", RESULTS, "SPARQL Results TSV", media_types=("text/tab-separated-values",), extensions=("tsv",),
           results=_Q.TSV),
    Format("json", RESULTS, "SPARQL Results JSON", media_types=("application/sparql-results+json", "application/json"),
           extensions=("srj", "json"), results=_Q.JSON),
    Format("xml", RESULTS, "SPARQL Results XML",
           media_types=("application/sparql-results+xml", "application/xml", "text/xml"), extensions=("srx",),
           results=_Q.XML),
    Format("md", TEXT, "a Markdown table", extensions=("md",)),
    Format("turtle", GRAPH, "Turtle", media_types=("text/turtle", "application/x-turtle"), extensions=("ttl",),
           aliases=("ttl",), rdf=_R.TURTLE),
    Format("nt", GRAPH, "N-Triples", media_types=("application/n-triples", "text/plain"), extensions=("nt",),
           aliases=("n-triples", "ntriples"), rdf=_R.N_TRIPLES),
    Format("n3", GRAPH, "N3", media_types=("text/n3",), extensions=("n3",), rdf=_R.N3),
    Format("rdfxml", GRAPH, "RDF/XML", media_types=("application/rdf+xml",), extensions=("rdf", "owl", "xml"),
           aliases=("rdf+xml",), rdf=_R.RDF_XML),
    Format("nq", DATASET, "N-Quads", media_types=("application/n-quads",), extensions=("nq",),
           aliases=("n-quads", "nquads"), rdf=_R.N_QUADS),
    Format("trig", DATASET, "TriG", media_types=("application/trig",), extensions=("trig",), rdf=_R.TRIG),
    Format("jsonld", DATASET, "JSON-LD", media_types=("application/ld+json",), extensions=("jsonld",),
           aliases=("json-ld",), rdf=_R.JSON_LD),
)}
_BY_ALIAS = {alias: f for f in FORMATS.values() for alias in (f.name, *f.aliases)}


def names(*kinds: str) -> tuple[str, ...]:
    """The names of the formats of these kinds (all formats when none is given), in table order.

    >>> names(RESULTS)
    ('csv', 'tsv', 'json', 'xml')
    """
    return tuple(name for name, f in FORMATS.items() if not kinds or f.kind in kinds)


def _kinds_text(kinds: Iterable[str]) -> str:
    kinds = tuple(kinds)
    if set(kinds) <= set(RDF_KINDS):
        return "an RDF format"
    if set(kinds) <= set(ROW_KINDS):
        return "a format for query results"
    return "a format of " + "/".join(kinds)


def get(name: str, *, kinds: Iterable[str] = (), choices: Iterable[str] = (), param: str = "format") -> Format:
    """The format of this name, among the given kinds (any kind when none is given).

    Args:
        name: A format name (not an alias: aliases are for protocol hints, see :func:`lookup`).
        kinds: The kinds that fit where the name is used.
        choices: When given, only these names fit (narrower than ``kinds``).
        param: The parameter the name came from, named in the error.

    Raises:
        UsageError: an unknown name, or one of another kind; the message says what the name
            means and lists the names that fit.
    """
    kinds = tuple(kinds)
    fitting = tuple(choices) or names(*kinds)
    found = FORMATS.get(name)
    if found is not None and found.name in fitting:
        return found
    known = ", ".join(fitting)
    if found is None:
        raise UsageError(f"unknown format {name!r} (known: {known})", param=param)
    hint = ""
    if found.name == "xml" and "rdfxml" in fitting:
        hint = "for RDF/XML use 'rdfxml'; "
    what = _kinds_text(kinds) if kinds else "a format that fits here"
    raise UsageError(f"{name!r} is {found.label}, not {what} ({hint}known: {known})", param=param)


def lookup(name: str) -> Format | None:
    """The format a name or an alias (``ttl``, ``json-ld``, ``rdf+xml``) names, any case; None if none.

    >>> lookup("JSON-LD").name, lookup("nope")
    ('jsonld', None)
    """
    return _BY_ALIAS.get(name.lower())


def from_extension(path: str | Path, *, kinds: Iterable[str] = RDF_KINDS) -> Format | None:
    """The format of a file of these kinds (RDF by default), from its extension; None if unknown."""
    suffix = Path(path).suffix.lstrip(".").lower()
    kinds = tuple(kinds)
    for f in FORMATS.values():
        if f.kind in kinds and suffix in f.extensions:
            return f
    return None


def extensions(*kinds: str) -> list[str]:
    """Every file extension known for formats of these kinds, sorted.

    >>> extensions(GRAPH, DATASET)
    ['jsonld', 'n3', 'nq', 'nt', 'owl', 'rdf', 'trig', 'ttl', 'xml']
    """
    return sorted(e for f in FORMATS.values() if f.kind in kinds for e in f.extensions)


def from_media_type(media_type: str, *, kinds: Iterable[str] = ()) -> Format | None:
    """The format of a media type (parameters such as ``charset`` ignored), among these kinds."""
    bare = media_type.split(";")[0].strip().lower()
    kinds = tuple(kinds)
    for f in FORMATS.values():
        if (not kinds or f.kind in kinds) and bare in f.media_types:
            return f
    return None


def offers(names_: Iterable[str]) -> list[tuple[str, str]]:
    """``(media type, format name)`` pairs for content negotiation, in the server's order of
    preference: every format's main media type in the order given, then their other media types.

    >>> offers(["turtle", "nt"])
    [('text/turtle', 'turtle'), ('application/n-triples', 'nt'), ('application/x-turtle', 'turtle'), ('text/plain', 'nt')]
    """
    chosen = [FORMATS[n] for n in names_]
    return ([(f.media_types[0], f.name) for f in chosen if f.media_types]
            + [(m, f.name) for f in chosen for m in f.media_types[1:]])
