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

__all__ = ["SELECT_FORMATS", "GRAPH_FORMATS", "default_format", "format_result", "to_json"]

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


def to_json(result: QueryResult) -> bytes:
    """SPARQL 1.1 Query Results JSON."""
    if result.kind == "ask":
        doc = {"head": {}, "boolean": bool(result.boolean)}
    else:
        doc = {"head": {"vars": list(result.variables)},
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


def format_result(result: QueryResult, format: str) -> bytes:
    """The result in a named format.

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
    if format == "json":
        return to_json(result)
    if format == "md":
        return _markdown(result)
    if format == "table":
        return _table(result)
    parsed = ox.parse_query_results(to_json(result), format=ox.QueryResultsFormat.JSON)
    data = parsed.serialize(format=formats.FORMATS[format].results)
    return data if data.endswith(b"\n") else data + b"\n"


def _misfit(format: str, kind: str, fitting: tuple[str, ...]) -> UsageError:
    what = f" ({formats.FORMATS[format].label})" if format in formats.FORMATS else ""
    return UsageError(f"format {format!r}{what} does not fit a {kind} result (use: {', '.join(fitting)})",
                      param="format")
