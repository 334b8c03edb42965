"""Running users' queries for the server: checked, time-limited, row-capped, on a chosen dataset.

A thin layer over the library: every query first goes through :func:`dlkg.guard.check_query`
(no updates, no ``SERVICE``, size and nesting caps, ``FROM`` only for dlkg's graphs and the
store's own), then runs through :meth:`dlkg.stores.Store.query` with the server's time limit,
row cap and the protocol's dataset. On a pyoxigraph-backed store that means a forked worker
that is killed at the limit, stops one row past the cap, and runs under an address-space cap,
so a query that eats memory dies alone; a remote store gets the same check and limits.

The SPARQL 1.1 Protocol's dataset (``default-graph-uri`` / ``named-graph-uri``) replaces the
query's own ``FROM`` / ``FROM NAMED`` when given; otherwise the default graph is the store's
usual one (the union of its graphs, or dlkg's two graphs on a remote store).
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from dlkg.guard import check_query
from dlkg.resources import DATA_GRAPH, ONTOLOGY_GRAPH
from dlkg.stores import QueryResult, Store
from dlkg.stores.base import Dataset

__all__ = ["Dataset", "QueryExecutor", "dataset_from"]


class QueryExecutor:
    """Checks and runs users' queries on one store, under a time limit and a row cap.

    Args:
        store: The store to query.
        timeout: Wall-clock seconds a query may run; it is stopped after that.
        row_limit: Most rows (or triples) a result may have; more is an error, never a cut.
        memory: Bytes of address space a query worker may add to the server's (None: no cap).
    """

    def __init__(self, store: Store, *, timeout: float = 10.0, row_limit: int | None = 10_000,
                 memory: int | None = 2 << 30) -> None:
        self.store = store
        self.timeout = timeout
        self.row_limit = row_limit
        if hasattr(store, "worker_memory"):
            store.worker_memory = memory
        native: ox.Store | None = getattr(store, "native", None)
        #: Graphs a query may name in FROM besides dlkg's own: the store's named graphs, when
        #: naming one cannot make the engine fetch anything (a local pyoxigraph store).
        self.local_graphs: frozenset[str] = frozenset()
        if native is not None:
            self.local_graphs = frozenset(g.value for g in native.named_graphs()
                                          if isinstance(g, ox.NamedNode)) - {DATA_GRAPH, ONTOLOGY_GRAPH}

    def check(self, text: str) -> None:
        """The guard's checks, with ``FROM`` also allowed for the store's own named graphs.

        Raises:
            InputError: what is refused, with line and column.
        """
        check_query(text, allow_service=False, allowed_graphs=self.local_graphs)

    def run(self, text: str, *, dataset: Dataset = Dataset(), base_iri: str | None = None) -> QueryResult:
        """Check and run a query (blocking: call it from a worker thread).

        Raises:
            InputError: a refused or malformed query, or dataset IRIs that are not IRIs.
            QueryTimeout: the query ran past the time limit and was stopped.
            ResultTooLarge: the result has more rows than the cap.
            QueryError, StoreError: the engine or the store failed.
        """
        self.check(text)
        return self.store.query(text, timeout=self.timeout, max_rows=self.row_limit, dataset=dataset or None,
                                base_iri=base_iri)


def dataset_from(default_graphs: Sequence[str], named_graphs: Sequence[str]) -> Dataset:
    """A :class:`Dataset` from the protocol parameters' values."""
    return Dataset(tuple(default_graphs), tuple(named_graphs))
