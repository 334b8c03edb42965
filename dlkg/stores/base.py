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

from dlkg.sparql import Term

__all__ = ["QueryResult", "Store", "Term", "sort_key"]

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

    def close(self) -> None:
        """Release what the store holds (files, connections)."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
