"""The small interface every triple store kind implements, and the query result type.

A store answers SPARQL queries (SELECT, ASK, CONSTRUCT, DESCRIBE) over the union of its graphs
and returns a :class:`QueryResult` whose terms are pyoxigraph terms, whatever the backend.
"""

from __future__ import annotations

import itertools
from abc import ABC, abstractmethod
from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox

from dlkg.errors import ResultTooLarge
from dlkg.sparql import Term, has_order_by

__all__ = ["DIGEST_LIMIT", "Dataset", "LoadReport", "QueryResult", "Store", "Term", "DIGEST_SECONDS", "same_graph_in_time", "sort_key",
           "result_from_pyoxigraph"]

_NAMED_GRAPHS = Path(__file__).with_name("named-graphs.rq")


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
            triples = tuple(sorted(set(self.triples), key=lambda t: (sort_key(t.subject), sort_key(t.predicate), sort_key(t.object))))
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


#: Largest graph whose canonical digest is compared after a load.
DIGEST_LIMIT = 200_000
#: Seconds the blank-node canonicalization of one side of a load's check may take: RDFC-1.0
#: needs exponential time on some graphs (blank nodes linked only to each other), and a
#: crafted file of a thousand lines must not hang a load. Past it the digest is not compared.
DIGEST_SECONDS = 60.0


def same_graph_in_time(stored: bytes, source: bytes) -> bool | None:
    """Whether two graphs given as N-Triples written by Oxigraph are isomorphic
    (:func:`dlkg.canon.same_graph`); None when canonicalizing a side takes more than
    :data:`DIGEST_SECONDS`."""
    from dlkg.canon import same_graph

    try:
        return same_graph(stored, source, timeout=DIGEST_SECONDS)
    except TimeoutError:
        return None


class LoadReport:
    """What one load did.

    Attributes:
        graph: The named graph loaded into.
        triples: Triples parsed from the source files.
        stored: Triples the store holds in the graph afterwards (read back).
        seconds: Wall-clock time of the load itself.
        method: How it was written (for example ``bulk_load``, ``gsp-put+move``).
        dry_run: Nothing was written.
        same_digest: Whether the graph read back has the files' canonical digest
            (:func:`dlkg.canon.graph_digest`); None where it was not compared (appends, graphs
            over :data:`DIGEST_LIMIT` triples, where hashing would cost more than the load, and
            blank nodes that take more than :data:`DIGEST_SECONDS` to canonicalize).
        verify_seconds: Time spent reading the graph back to check it.
    """

    __slots__ = ("graph", "triples", "stored", "seconds", "method", "dry_run", "same_digest", "verify_seconds")

    def __init__(self, graph: str, triples: int, stored: int | None, seconds: float, method: str,
                 dry_run: bool = False, same_digest: bool | None = None, verify_seconds: float = 0.0) -> None:
        self.graph, self.triples, self.stored, self.seconds, self.method = graph, triples, stored, seconds, method
        self.dry_run, self.same_digest, self.verify_seconds = dry_run, same_digest, verify_seconds

    def __repr__(self) -> str:
        return f"LoadReport({self.graph!r}, triples={self.triples}, stored={self.stored}, method={self.method!r})"

    @property
    def verified(self) -> bool:
        """The store holds exactly the files' triples: same count, and same digest where compared."""
        return self.stored == self.triples and self.same_digest is not False

    def __str__(self) -> str:
        if self.dry_run:
            return f"dry run: would load {self.triples} triples into <{self.graph}> ({self.method})"
        rate = self.triples / self.seconds if self.seconds > 0 else float("inf")
        if not self.verified:
            check = (f"MISMATCH: the store holds {self.stored} triples" if self.stored != self.triples
                     else "MISMATCH: same count, different triples (canonical digest differs)")
        else:
            check = "verified (count and canonical digest)" if self.same_digest else "verified (count)"
        return (f"loaded {self.triples} triples into <{self.graph}> in {self.seconds:.2f} s "
                f"({rate:,.0f} triples/s, {self.method}); read-back: {check} in {self.verify_seconds:.2f} s")


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

    def graph_ntriples(self, graph: str) -> bytes:
        """One named graph as N-Triples (Oxigraph's writer), in no particular order."""
        return ox.serialize(self.graph_triples(graph), format=ox.RdfFormat.N_TRIPLES) or b""

    def count(self, graph: str) -> int:
        """How many triples one named graph holds."""
        result = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ox.NamedNode(graph).value}> {{ ?s ?p ?o }} }}")
        return int(result.rows[0][0].value)

    def named_graphs(self) -> frozenset[str]:
        """The IRIs of the store's named graphs."""
        result = self.query(_NAMED_GRAPHS.read_text(encoding="utf-8"))
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
