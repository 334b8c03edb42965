"""The small interface every triple store kind implements, and the query result type.

A store answers SPARQL queries (SELECT, ASK, CONSTRUCT, DESCRIBE) over the union of its graphs
and returns a :class:`QueryResult` whose terms are pyoxigraph terms, whatever the backend.
"""

from __future__ import annotations

import itertools
from abc import ABC, abstractmethod
from collections.abc import Mapping

import pyoxigraph as ox

from dlkg.catalogue import internal_queries
from dlkg.errors import ResultTooLarge
from dlkg.sparql import Term, has_order_by
from dlkg.terms import sort_key, sorted_triples  # re-exported: sort_key's callers import it from here

__all__ = ["Dataset", "QueryResult", "Store", "Term", "sort_key", "result_from_pyoxigraph"]

class QueryResult:
    """What a query returned.

    Plain classes here rather than dataclasses: ``dataclasses`` and the ``inspect`` it loads
    would be a tenth of the start-up time of ``dlkg query`` (see ``benchmarks/``).

    Attributes:
        kind: ``select``, ``ask`` or ``graph`` (CONSTRUCT and DESCRIBE).
        variables: Result variable names, for ``select``.
        rows: One tuple of terms (``None`` where unbound) per solution, for ``select``.
        boolean: The answer, for ``ask``.
        triples: The triples, for ``graph``.
    """

    __slots__ = ("kind", "variables", "rows", "boolean", "triples")

    def __init__(self, kind: str, variables: tuple[str, ...] = (), rows: tuple[tuple[Term | None, ...], ...] = (),
                 boolean: bool | None = None, triples: tuple[ox.Triple, ...] = ()) -> None:
        self.kind, self.variables, self.rows, self.boolean, self.triples = kind, variables, rows, boolean, triples

    def _fields(self) -> tuple:
        return (self.kind, self.variables, self.rows, self.boolean, self.triples)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, QueryResult) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        size = f"{len(self.rows)} rows" if self.kind == "select" else (
            f"{len(self.triples)} triples" if self.kind == "graph" else str(self.boolean))
        return f"QueryResult({self.kind!r}, {self.variables!r}, {size})"

    def column(self, name: str) -> list[Term | None]:
        """The values of one variable, row by row."""
        index = self.variables.index(name)
        return [row[index] for row in self.rows]

    def values(self, name: str) -> list[str]:
        """The plain string values of one variable (IRI or lexical form), row by row."""
        return [term.value if term is not None else "" for term in self.column(name)]

    def sorted(self) -> QueryResult:
        """The same result with rows (or triples) in a deterministic order."""
        if self.kind == "select":
            rows = tuple(sorted(self.rows, key=lambda row: tuple(sort_key(t) for t in row)))
            return QueryResult("select", self.variables, rows)
        if self.kind == "graph":
            triples = tuple(sorted_triples(self.triples))
            return QueryResult("graph", triples=triples)
        return self


class Dataset:
    """The RDF dataset a query runs over, as the SPARQL protocol's ``default-graph-uri`` and
    ``named-graph-uri`` name it; empty means the store's own default (dlkg's graphs)."""

    __slots__ = ("default_graphs", "named_graphs")

    def __init__(self, default_graphs: tuple[str, ...] = (), named_graphs: tuple[str, ...] = ()) -> None:
        self.default_graphs, self.named_graphs = tuple(default_graphs), tuple(named_graphs)

    def __bool__(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Dataset) and (self.default_graphs, self.named_graphs) == (
            other.default_graphs, other.named_graphs)

    def __hash__(self) -> int:
        return hash((self.default_graphs, self.named_graphs))

    def __repr__(self) -> str:
        return f"Dataset({self.default_graphs!r}, {self.named_graphs!r})"


def _capped(items, max_rows: int | None, what: str) -> tuple:
    if max_rows is None:
        return tuple(items)
    taken = tuple(itertools.islice(items, max_rows + 1))
    if len(taken) > max_rows:
        raise ResultTooLarge(f"the result has more than {max_rows:,} {what}; narrow the query (LIMIT) or raise --max-rows")
    return taken


def result_from_pyoxigraph(answer, query: str, *, max_rows: int | None = None) -> QueryResult:
    """A :class:`QueryResult` from what pyoxigraph returned (a query or a parsed result set).

    Rows are sorted unless the query orders them itself; triples are always sorted. With
    ``max_rows``, reading stops after that many rows and :class:`ResultTooLarge` is raised.
    """
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        names = tuple(v.value for v in answer.variables)
        rows = _capped((tuple(solution) for solution in answer), max_rows, "rows")
        result = QueryResult("select", names, rows)
        return result if has_order_by(query) else result.sorted()
    return QueryResult("graph", triples=_capped(answer, max_rows, "triples")).sorted()


class Store(ABC):
    """A place that holds the graph and answers queries over it.

    Subclasses: one module per kind, registered by name in :mod:`dlkg.stores`.
    """

    #: Short name of the store kind, as in the registry.
    kind: str = ""
    #: Queries run inside this process, by an engine that cannot be interrupted: a time
    #: limit needs a worker process (:mod:`dlkg.executor`), and naming one of the store's
    #: graphs in ``FROM`` cannot make anything be fetched. False for remote stores, whose
    #: client keeps the deadline itself.
    in_process: bool = False
    #: The dated view queries read (a :class:`dlkg.timeviews.View`), as
    #: :func:`dlkg.stores.read_graphs` set it; None: the book's, the default.
    view = None

    @abstractmethod
    def query(self, query: str, *, bindings: Mapping[str, Term] | None = None,
              timeout: float | None = None, max_rows: int | None = None, dataset: Dataset | None = None,
              base_iri: str | None = None) -> QueryResult:
        """Run a SPARQL query over the union of the store's graphs (or the given dataset).

        Args:
            query: SPARQL 1.1 query text.
            bindings: Values for variables (without ``?``), bound as RDF terms, never
                pasted into the query text.
            timeout: Seconds after which the query is stopped.
            max_rows: Most rows (or triples) accepted; more raise :class:`ResultTooLarge`.
            dataset: The graphs to query instead of the default (SPARQL protocol semantics).
            base_iri: The base IRI relative IRIs in the query resolve against.

        Raises:
            InputError: the query does not parse (message with line and column).
            QueryTimeout: the query ran past ``timeout``.
            ResultTooLarge: more than ``max_rows`` rows.
            QueryError: the engine failed.
        """

    @classmethod
    def open(cls, location: str, *, update_url: str | None = None, gsp_url: str | None = None,
             timeout: float | None = None, read_only: bool = False) -> Store:
        """Open a store of this kind at a location (:func:`dlkg.stores.open_store`); options
        that do not apply to the kind are ignored (``read_only``: open only a store that
        exists, to read it; a kind that creates nothing on opening ignores it)."""
        return cls(location.removeprefix(f"{cls.kind}:"))  # type: ignore[call-arg]

    def repair(self) -> list[str]:
        """Remove what writes killed midway left; the names of what was removed (none by default)."""
        return []

    def graph_triples(self, graph: str) -> list[ox.Triple]:
        """The triples of one named graph, sorted."""
        result = internal_queries(__file__).run(self, "graph-triples", graph=ox.NamedNode(graph))
        return list(result.triples)

    def graph_ntriples(self, graph: str) -> bytes:
        """One named graph as N-Triples (Oxigraph's writer), in no particular order."""
        return ox.serialize(self.graph_triples(graph), format=ox.RdfFormat.N_TRIPLES) or b""

    def count(self, graph: str) -> int:
        """How many triples one named graph holds."""
        result = internal_queries(__file__).run(self, "graph-count", graph=ox.NamedNode(graph))
        return int(result.rows[0][0].value)

    def holds_graph(self, graph: str) -> bool:
        """Whether a named graph holds any triple (one ASK: cheap whatever its size)."""
        return bool(internal_queries(__file__).run(self, "graph-holds-triples", graph=ox.NamedNode(graph)).boolean)

    def named_graphs(self) -> frozenset[str]:
        """The IRIs of the store's named graphs."""
        result = internal_queries(__file__).run(self, "named-graphs")
        return frozenset(row[0].value for row in result.rows if isinstance(row[0], ox.NamedNode))

    def worker_setup(self) -> None:
        """Make this (forked) copy of the store fit to answer queries in a query worker process.

        Called once in each new worker of :class:`dlkg.worker.WorkerPool`; the default needs
        nothing (an in-memory store is inherited by the fork as it is).
        """

    def close(self) -> None:
        """Release what the store holds (files, connections)."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
