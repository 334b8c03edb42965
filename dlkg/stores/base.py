"""The small interface every triple store kind implements, and the query result type.

A store answers SPARQL queries (SELECT, ASK, CONSTRUCT, DESCRIBE) over the union of its graphs
and returns a :class:`QueryResult` whose terms are pyoxigraph terms, whatever the backend.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import pyoxigraph as ox

from dlkg.sparql import Term, has_order_by

__all__ = ["LoadReport", "QueryResult", "Store", "Term", "sort_key", "result_from_pyoxigraph"]

def sort_key(term: Term | None) -> tuple:
    """A total, deterministic order over terms: unbound first, then IRIs, blank nodes, literals."""
    if term is None:
        return (0, "", "")
    if isinstance(term, ox.NamedNode):
        return (1, term.value, "")
    if isinstance(term, ox.BlankNode):
        return (2, term.value, "")
    if isinstance(term, ox.Literal):
        return (3, term.value, term.language or term.datatype.value)
    return (4, str(term), "")


@dataclass(frozen=True)
class QueryResult:
    """What a query returned.

    Attributes:
        kind: ``select``, ``ask`` or ``graph`` (CONSTRUCT and DESCRIBE).
        variables: Result variable names, for ``select``.
        rows: One tuple of terms (``None`` where unbound) per solution, for ``select``.
        boolean: The answer, for ``ask``.
        triples: The triples, for ``graph``.
    """

    kind: Literal["select", "ask", "graph"]
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Term | None, ...], ...] = ()
    boolean: bool | None = None
    triples: tuple[ox.Triple, ...] = field(default=())

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
            triples = tuple(sorted(set(self.triples), key=lambda t: (sort_key(t.subject), sort_key(t.predicate), sort_key(t.object))))
            return QueryResult("graph", triples=triples)
        return self


def result_from_pyoxigraph(answer, query: str) -> QueryResult:
    """A :class:`QueryResult` from what pyoxigraph returned (a query or a parsed result set).

    Rows are sorted unless the query orders them itself; triples are always sorted.
    """
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        names = tuple(v.value for v in answer.variables)
        rows = tuple(tuple(solution[i] for i in range(len(names))) for solution in answer)
        result = QueryResult("select", names, rows)
        return result if has_order_by(query) else result.sorted()
    return QueryResult("graph", triples=tuple(answer)).sorted()


@dataclass(frozen=True)
class LoadReport:
    """What one load did.

    Attributes:
        graph: The named graph loaded into.
        triples: Triples parsed from the source files.
        stored: Triples the store holds in the graph afterwards (read back).
        seconds: Wall-clock time of the load.
        method: How it was written (for example ``bulk_load``, ``gsp-put+move``).
        dry_run: Nothing was written.
    """

    graph: str
    triples: int
    stored: int | None
    seconds: float
    method: str
    dry_run: bool = False

    @property
    def verified(self) -> bool:
        """The store holds exactly as many triples in the graph as the files gave."""
        return self.stored == self.triples

    def __str__(self) -> str:
        if self.dry_run:
            return f"dry run: would load {self.triples} triples into <{self.graph}> ({self.method})"
        rate = self.triples / self.seconds if self.seconds > 0 else float("inf")
        check = "verified" if self.verified else f"MISMATCH: the store holds {self.stored}"
        return (f"loaded {self.triples} triples into <{self.graph}> in {self.seconds:.2f} s "
                f"({rate:,.0f} triples/s, {self.method}); read-back: {check}")


class Store(ABC):
    """A place that holds the graph and answers queries over it.

    Subclasses: one module per kind, registered by name in :mod:`dlkg.stores`.
    """

    #: Short name of the store kind, as in the registry.
    kind: str = ""

    @abstractmethod
    def query(self, query: str, *, bindings: Mapping[str, Term] | None = None,
              timeout: float | None = None) -> QueryResult:
        """Run a SPARQL query over the union of the store's graphs.

        Args:
            query: SPARQL 1.1 query text.
            bindings: Values for variables (without ``?``), bound as RDF terms, never
                pasted into the query text.
            timeout: Seconds after which the query is stopped.

        Raises:
            InputError: the query does not parse (message with line and column).
            QueryTimeout: the query ran past ``timeout``.
            QueryError: the engine failed.
        """

    def load(self, files: list, *, graph: str, replace: bool = True, dry_run: bool = False) -> LoadReport:
        """Load RDF files into a named graph.

        Args:
            files: Paths of RDF files (formats guessed from their extensions).
            graph: The named graph's IRI.
            replace: Swap the graph's content for the files' atomically (the default);
                otherwise add to it.
            dry_run: Parse and count, write nothing.

        Raises:
            InputError: a file does not parse (nothing is written).
            UsageError: this store cannot be loaded into.
            StoreError: the store failed; the graph is left as it was.
        """
        from dlkg.errors import UsageError

        raise UsageError(f"the {self.kind} store cannot be loaded into; name a folder or an http(s) URL",
                         path="--into")

    def graph_triples(self, graph: str) -> list[ox.Triple]:
        """The triples of one named graph, sorted."""
        result = self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ox.NamedNode(graph).value}> {{ ?s ?p ?o }} }}")
        return list(result.triples)

    def count(self, graph: str) -> int:
        """How many triples one named graph holds."""
        result = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ox.NamedNode(graph).value}> {{ ?s ?p ?o }} }}")
        return int(result.rows[0][0].value)

    def close(self) -> None:
        """Release what the store holds (files, connections)."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
