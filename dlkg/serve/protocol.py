"""The SPARQL 1.1 Protocol's query operation: reading a request, choosing a result format.

Requests (https://www.w3.org/TR/sparql11-protocol/#query-operation):

- ``GET /sparql?query=...``;
- ``POST`` with ``application/x-www-form-urlencoded`` (``query=...``);
- ``POST`` with ``application/sparql-query`` (the query is the body, UTF-8);

each with any number of ``default-graph-uri`` and ``named-graph-uri`` parameters (in the
URL, or also in the form body). Exactly one query. An update (the ``update`` parameter or an
``application/sparql-update`` body) is refused with 403: the server is read-only.

Results go out in the format the ``Accept`` header prefers (or the ``format`` parameter
names), written by dlkg's own serializers (:func:`dlkg.results.format_result`, that is
Oxigraph's): SPARQL Results JSON, XML, CSV, TSV for SELECT; JSON, XML for ASK; Turtle,
N-Triples, JSON-LD (and RDF/XML, which SPARQLWrapper asks for by default) for CONSTRUCT and
DESCRIBE.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl

from dlkg import formats
from dlkg.executor import Dataset
from dlkg.serve.negotiation import charset, choose, media_type
from dlkg.stores import QueryResult

__all__ = ["ProtocolError", "QueryRequest", "parse_request", "FORMATS", "negotiate", "serialize", "serialize_triples",
           "content_type", "GRAPH_FORMATS", "LINKED_DATA_TYPES"]


class ProtocolError(Exception):
    """A request the protocol does not allow; ``status`` is the HTTP status to answer."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass(frozen=True)
class QueryRequest:
    """A protocol query request: the query text, its dataset, ``format`` hints."""

    query: str
    dataset: Dataset
    formats: tuple[str, ...] = ()


#: Media types offered per result kind, in the server's order of preference, with the
#: dlkg format name that writes them (:mod:`dlkg.formats`).
FORMATS: dict[str, list[tuple[str, str]]] = {
    "select": formats.offers(["json", "xml", "csv", "tsv"]),
    "ask": formats.offers(["json", "xml"]),
    "graph": formats.offers(["turtle", "nt", "jsonld", "rdfxml"]),
}
#: Linked-data representations: HTML first (what a browser gets for */*), then RDF.
LINKED_DATA_TYPES: list[tuple[str, str]] = [("text/html", "html")] + FORMATS["graph"]
GRAPH_FORMATS = tuple(dict.fromkeys(name for _, name in FORMATS["graph"]))
_EXPLICIT = {name for offers in FORMATS.values() for _, name in offers}


def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise ProtocolError(400, f"give exactly one {name} parameter, not {len(values)}")
    return values[0] if values else None


def parse_request(method: str, url_params: list[tuple[str, str]], content_type: str | None, body: bytes) -> QueryRequest:
    """Read a query request.

    Raises:
        ProtocolError: 400 (no query, several queries, a body that is not UTF-8), 403 (an
            update: the server is read-only), 415 (a POST body of another media type).
    """
    params = list(url_params)
    if method == "POST":
        kind = media_type(content_type)
        if kind == "application/x-www-form-urlencoded":
            try:
                params += parse_qsl(body.decode("ascii"), keep_blank_values=True, encoding="utf-8", errors="strict")
            except (UnicodeDecodeError, ValueError):
                raise ProtocolError(400, "the form body is not URL-encoded UTF-8") from None
        elif kind == "application/sparql-query":
            encoding = charset(content_type)
            if encoding not in (None, "utf-8", "utf8"):
                raise ProtocolError(415, f"a query body must be UTF-8, not {encoding}")
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise ProtocolError(400, "the query body is not UTF-8") from None
            if any(name in ("query", "update") for name, _ in params):
                raise ProtocolError(400, "give the query either as the body or as a parameter, not both")
            params.append(("query", text))
        elif kind == "application/sparql-update":
            raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is refused")
        elif not kind:
            raise ProtocolError(415, "a POST needs Content-Type application/sparql-query or "
                                     "application/x-www-form-urlencoded")
        else:
            raise ProtocolError(415, f"unsupported Content-Type {kind} (use application/sparql-query or "
                                     "application/x-www-form-urlencoded)")
    names = {name for name, _ in params}
    if "update" in names or "using-graph-uri" in names or "using-named-graph-uri" in names:
        raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is refused")
    query = _one([v for n, v in params if n == "query"], "query")
    if query is None:
        raise ProtocolError(400, "missing the query parameter (SPARQL 1.1 Protocol: ?query=...)")
    # ``format`` (also ``output``, as SPARQLWrapper and Fuseki send them) is a hint: values
    # that name a known format are kept, in order, and the first that fits the result wins.
    found = (formats.lookup(v) for n, v in params if n in ("format", "output"))
    fmt = tuple(f.name for f in found if f is not None and f.name in _EXPLICIT)
    dataset = Dataset(tuple(v for n, v in params if n == "default-graph-uri"),
                      tuple(v for n, v in params if n == "named-graph-uri"))
    return QueryRequest(query, dataset, fmt)


def negotiate(kind: str, accept: str | None, hints: Sequence[str] = ()) -> tuple[str, str]:
    """``(media type, dlkg format)`` for a result of ``kind`` (``select``, ``ask``, ``graph``):
    the first of the ``format`` hints that fits, else what the Accept header prefers.

    Raises:
        ProtocolError: 406 when nothing the client accepts fits.
    """
    offers = FORMATS[kind]
    for hint in hints:
        for media, fmt in offers:
            if fmt == hint:
                return media, fmt
    chosen = choose(accept, [media for media, _ in offers])
    if chosen is None:
        raise ProtocolError(406, f"none of the accepted media types fits a {kind.upper()} result; available: "
                                 + ", ".join(dict.fromkeys(media for media, _ in offers)))
    return chosen, dict(offers)[chosen]


def content_type(media: str) -> str:
    """The Content-Type header for a media type (UTF-8 for the textual ones)."""
    textual = media.startswith("text/") or formats.from_media_type(media) is not None  # every RDF/results format is text
    return f"{media}; charset=utf-8" if textual else media


def serialize(result: QueryResult, fmt: str) -> bytes:
    """The result in a dlkg format, by the library's serializers (Oxigraph's)."""
    from dlkg.results import format_result

    return format_result(result, fmt)


def serialize_triples(triples, fmt: str) -> bytes:
    """Triples in a graph format (``turtle``, ``nt``, ``jsonld``, ``rdfxml``), sorted."""
    from dlkg.export import write_rdf

    return write_rdf(triples, fmt)
