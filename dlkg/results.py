"""Writing query results: table, csv, tsv, json, xml, md for SELECT and ASK; turtle, nt,
jsonld, rdfxml for CONSTRUCT and DESCRIBE (the names are :mod:`dlkg.formats`'s).

JSON is the W3C SPARQL 1.1 Query Results JSON format, written from the terms directly;
Oxigraph's own serializers turn it into XML, CSV and TSV, so those follow the W3C formats
without code of our own.

>>> from dlkg.stores.base import QueryResult
>>> r = QueryResult("select", ("label",), ((ox.Literal("MXNet", language="en"),),))
>>> format_result(r, "csv").decode().splitlines()
['label', 'MXNet']
"""

from __future__ import annotations

import json

import pyoxigraph as ox

from dlkg import formats
from dlkg.errors import UsageError
from dlkg.stores.base import QueryResult

__all__ = ["SELECT_FORMATS", "GRAPH_FORMATS", "default_format", "format_result", "to_json", "view_note"]

#: Formats for SELECT and ASK results.
SELECT_FORMATS: tuple[str, ...] = formats.names(*formats.ROW_KINDS)
#: Formats for CONSTRUCT and DESCRIBE results.
GRAPH_FORMATS: tuple[str, ...] = ("turtle", "nt", "jsonld", "rdfxml")


def _term_json(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": _term_json(term.subject),
                                        "predicate": _term_json(term.predicate), "object": _term_json(term.object)}}


def to_json(result: QueryResult, *, links: tuple[str, ...] = ()) -> bytes:
    """SPARQL 1.1 Query Results JSON; ``links`` go in the head's standard ``link`` member
    (the view an answer is of: its IRI)."""
    head: dict = {} if result.kind == "ask" else {"vars": list(result.variables)}
    if links:
        head["link"] = list(links)
    if result.kind == "ask":
        doc = {"head": head, "boolean": bool(result.boolean)}
    else:
        doc = {"head": head,
               "results": {"bindings": [{name: _term_json(term) for name, term in zip(result.variables, row)
                                         if term is not None} for row in result.rows]}}
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _plain(term) -> str:
    """A term's text for the formats people read (table, md): no control characters."""
    from dlkg.output import printable

    return "" if term is None else printable(term.value)


def _markdown(result: QueryResult) -> bytes:
    if result.kind == "ask":
        return b"| answer |\n|---|\n| " + (b"yes" if result.boolean else b"no") + b" |\n"
    lines = ["| " + " | ".join(result.variables) + " |", "|" + "---|" * len(result.variables)]
    lines += ["| " + " | ".join(_plain(t).replace("|", "\\|").replace("\n", " ") for t in row) + " |"
              for row in result.rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _table(result: QueryResult) -> bytes:
    from rich.console import Console
    from rich.table import Table

    console = Console(record=True, width=200, force_terminal=False, color_system=None)
    if result.kind == "ask":
        return b"yes\n" if result.boolean else b"no\n"
    table = Table(*result.variables, show_lines=False, header_style="bold")
    for row in result.rows:
        table.add_row(*(_plain(t) for t in row))
    with console.capture() as capture:
        console.print(table)
        console.print(f"{len(result.rows)} row(s)")
    return capture.get().encode("utf-8")


def default_format(result: QueryResult, *, to_terminal: bool) -> str:
    """The format used when none is asked for: Turtle for triples; for rows and yes/no, a
    table on a terminal and CSV otherwise (for pipes and files).

    >>> default_format(QueryResult("ask", boolean=True), to_terminal=False)
    'csv'
    """
    if result.kind == "graph":
        return "turtle"
    return "table" if to_terminal else "csv"


def view_note(format: str, view=None) -> str | None:
    """The line for stderr saying which view an answer is of, for the formats with no place
    for it (csv, tsv, xml and the RDF formats); None for table, md and json, which carry it.

    >>> view_note("csv")
    "view: the book's view (2018)"
    >>> view_note("json") is None
    True
    """
    if format in ("table", "md", "json"):
        return None
    from dlkg.timeviews import BOOK

    return (view or BOOK).caption()


def format_result(result: QueryResult, format: str, *, view=None) -> bytes:
    """The result in a named format.

    Args:
        result: The result.
        format: A name of :mod:`dlkg.formats`.
        view: The :class:`dlkg.timeviews.View` the answer is of, said in the answer where the
            format has a place for it: a caption line over a table or md, the JSON head's
            ``link``; None: say nothing (the other formats: :func:`view_note`).

    Raises:
        UsageError: the format does not fit the result (a table of triples, Turtle of rows).
    """
    if result.kind == "graph":
        if format not in GRAPH_FORMATS:
            raise _misfit(format, "CONSTRUCT/DESCRIBE", GRAPH_FORMATS)
        from dlkg.export import write_rdf

        return write_rdf(result.triples, format)
    if format not in SELECT_FORMATS:
        raise _misfit(format, "SELECT/ASK", SELECT_FORMATS)
    caption = (view.caption() + "\n\n").encode("utf-8") if view is not None else b""
    if format == "json":
        return to_json(result, links=(view.iri,) if view is not None else ())
    if format == "md":
        return caption + _markdown(result)
    if format == "table":
        return caption + _table(result)
    parsed = ox.parse_query_results(to_json(result), format=ox.QueryResultsFormat.JSON)
    data = parsed.serialize(format=formats.FORMATS[format].results)
    return data if data.endswith(b"\n") else data + b"\n"


def _misfit(format: str, kind: str, fitting: tuple[str, ...]) -> UsageError:
    what = f" ({formats.FORMATS[format].label})" if format in formats.FORMATS else ""
    return UsageError(f"format {format!r}{what} does not fit a {kind} result (use: {', '.join(fitting)})",
                      param="format")
