"""The one place that runs queries under dlkg's query policy, for the CLI and the server alike.

The policy: a user's query is checked once by :func:`dlkg.guard.check_query` (no updates, no
``SERVICE`` unless allowed, size and nesting caps, ``FROM`` only for dlkg's graphs and a local
store's own); it runs on the protocol's dataset when one is given; it stops at the time limit;
a result past the row cap is an error, never a cut; and a worker's memory is capped.

Where the time limit is kept depends on the store (:attr:`dlkg.stores.Store.in_process`):

- a pyoxigraph store (in memory or a folder) cannot interrupt a query, so the query runs in
  a forked worker process that is killed at the limit (:class:`dlkg.worker.WorkerPool`): a
  server keeps ``workers`` of them started, each with the store open (a folder read-only), and
  a killed one is replaced; the CLI uses a one-shot worker, only when there is a limit;
- a remote store's HTTP client keeps the deadline itself: no worker.

A caller may hand the worker a ``render`` function (a module-level function, or a
``functools.partial`` of one): the worker then sends back the rendered bytes instead of the
result, so a server's serializing runs in the workers, in parallel, and only bytes cross.

>>> with QueryExecutor(None, timeout=30, max_rows=10) as executor:
...     executor.run("SELECT (COUNT(?f) AS ?n) WHERE { ?f a <https://w3id.org/dlkg/ontology#Framework> }").values("n")
['9']
>>> QueryExecutor(None).run("DROP ALL")
Traceback (most recent call last):
...
dlkg.errors.UpdateRefused: query:1:1: DROP is an update; dlkg runs queries only (loads go through 'dlkg load')
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial

TYPE_CHECKING = False  # typing itself costs start-up time (dlkg/_lazy.py: type-only names)
if TYPE_CHECKING:
    from typing import Any

from dlkg.errors import DlkgError, QueryError, QueryTimeout
from dlkg.resources import DATA_GRAPH, ONTOLOGY_GRAPH
from dlkg.sparql import Term
from dlkg.stores.base import Dataset, QueryResult, Store

__all__ = ["CheckedQuery", "Dataset", "QueryExecutor"]


class CheckedQuery:
    """A query text that passed an executor's checks (or needs none: a canned query).

    Attributes:
        text: The query text.
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"CheckedQuery({self.text[:40]!r})"


def _answer(store: Store, text: str, bindings: Mapping[str, Term] | None, max_rows: int | None,
            dataset: Dataset | None, base_iri: str | None, timeout: float | None,
            render: Callable[[QueryResult], Any] | None) -> Any:
    """Run one query on ``store`` (in a worker, or here) and render it when asked."""
    result = store.query(text, bindings=bindings, timeout=timeout, max_rows=max_rows, dataset=dataset or None,
                         base_iri=base_iri)
    return result if render is None else render(result)


class QueryExecutor:
    """Checks and runs queries on one store under one policy: guard, time limit, row cap, memory cap.

    Args:
        store: The store, or ``None`` for the packaged graph in memory.
        timeout: Wall-clock seconds a query may run (``None``: no limit); it is stopped after.
        max_rows: Most rows (or triples) a result may have; more is an error, never a cut.
        memory: Bytes of address space a query worker may add to this process's (``None``: no cap).
        workers: Query worker processes to keep started for an in-process store (a server);
            0 starts a one-shot worker per query, and only when there is a time limit (the CLI).
        guard: Check queries with :func:`dlkg.guard.check_query` (off for vetted canned queries).
        allow_service: Let ``SERVICE`` through the guard.
    """

    def __init__(self, store: Store | None = None, *, timeout: float | None = None, max_rows: int | None = None,
                 memory: int | None = None, workers: int = 0, guard: bool = True, allow_service: bool = False) -> None:
        if store is None:
            from dlkg.stores import open_store

            store = open_store()
        self.store = store
        self.timeout = timeout
        self.max_rows = max_rows
        self.memory = memory
        self.guard = guard
        self.allow_service = allow_service
        #: Graphs a query may name in FROM besides dlkg's own: a local store's named graphs
        #: (naming them cannot make anything be fetched); none for a remote store.
        self.local_graphs: frozenset[str] = frozenset()
        if guard and store.in_process:
            self.local_graphs = store.named_graphs() - {DATA_GRAPH, ONTOLOGY_GRAPH}
        self._pool = None
        if workers and store.in_process:
            from dlkg.worker import WorkerPool

            self._pool = WorkerPool(partial(_answer, store), size=workers, memory=memory, setup=store.worker_setup)

    @property
    def workers(self) -> int:
        """Worker processes kept started (0: none)."""
        return self._pool.size if self._pool is not None else 0

    @property
    def worker_pids(self) -> list[int]:
        """The started workers' process ids (a replaced worker gets a new one)."""
        return self._pool.pids if self._pool is not None else []

    def check(self, query: str | CheckedQuery) -> CheckedQuery:
        """The guard's checks (once: a :class:`CheckedQuery` passes through).

        Raises:
            InputError: what is refused, with line and column.
        """
        if isinstance(query, CheckedQuery):
            return query
        if self.guard:
            from dlkg.guard import check_query  # only users' queries: canned ones are vetted

            check_query(query, allow_service=self.allow_service, allowed_graphs=self.local_graphs)
        return CheckedQuery(query)

    def run(self, query: str | CheckedQuery, *, bindings: Mapping[str, Term] | None = None,
            dataset: Dataset | None = None, base_iri: str | None = None,
            render: Callable[[QueryResult], Any] | None = None) -> Any:
        """Check (unless already checked) and run a query; blocking, so a server calls it from a thread.

        Args:
            query: The query text, or what :meth:`check` returned for it.
            bindings: Values for variables, bound as RDF terms.
            dataset: The protocol's dataset, replacing the query's own ``FROM``.
            base_iri: The base IRI relative IRIs resolve against.
            render: Turns the result into what is returned (in the worker, when there is one);
                it must pickle (a module-level function or a partial of one).

        Returns:
            The :class:`QueryResult`, or what ``render`` made of it.

        Raises:
            InputError: a refused or malformed query, or dataset IRIs that are not IRIs.
            QueryTimeout: the query ran past the time limit and was stopped.
            ResultTooLarge: the result has more rows than the cap.
            QueryError, StoreError: the engine, its worker or the store failed.
        """
        text = self.check(query).text
        if self._pool is None and not self._one_shot():
            return _answer(self.store, text, bindings, self.max_rows, dataset, base_iri, self._client_timeout(), render)
        from dlkg.worker import WorkerDied  # here: the worker machinery is not on the start-up path

        with self._policy_errors():
            if self._pool is not None:
                args = (text, bindings, self.max_rows, dataset, base_iri, None, render)
                try:
                    return self._pool.call(*args, timeout=self.timeout, wait=self.timeout)
                except WorkerDied:  # once more on a fresh worker: queries are read-only
                    return self._pool.call(*args, timeout=self.timeout, wait=self.timeout)
            from dlkg.worker import WorkerPool

            # One query with a limit (the CLI): a one-shot worker, the query bound before the fork.
            job = partial(_answer, self.store, text, bindings, self.max_rows, dataset, base_iri, None, render)
            with WorkerPool(job, size=1, memory=self.memory, setup=self.store.worker_setup, respawn=False) as pool:
                return pool.call(timeout=self.timeout)

    async def run_async(self, query: str | CheckedQuery, *, bindings: Mapping[str, Term] | None = None,
                        dataset: Dataset | None = None, base_iri: str | None = None,
                        render: Callable[[QueryResult], Any] | None = None) -> Any:
        """:meth:`run` for an asyncio server: with started workers the event loop waits on the
        worker's pipe (no thread per query); otherwise :meth:`run` runs in a thread."""
        if self._pool is None:
            import anyio

            return await anyio.to_thread.run_sync(partial(self.run, query, bindings=bindings, dataset=dataset,
                                                          base_iri=base_iri, render=render))
        from dlkg.worker import WorkerDied

        text = self.check(query).text
        args = (text, bindings, self.max_rows, dataset, base_iri, None, render)
        with self._policy_errors():
            try:
                return await self._pool.call_async(*args, timeout=self.timeout, wait=self.timeout)
            except WorkerDied:  # once more on a fresh worker: queries are read-only
                return await self._pool.call_async(*args, timeout=self.timeout, wait=self.timeout)

    def _one_shot(self) -> bool:
        """Whether a query without started workers needs a worker: an in-process store with a
        time limit or a memory cap."""
        return self.store.in_process and (self.timeout is not None or self.memory is not None)

    def _client_timeout(self) -> float | None:
        """The time limit handed to the store itself: only a remote store's client keeps one."""
        return None if self.store.in_process else self.timeout

    @contextmanager
    def _policy_errors(self) -> Iterator[None]:
        """What a worker's failures mean to the caller: dlkg errors, one line each."""
        from dlkg.worker import PoolBusy, WorkerDied

        try:
            yield
        except DlkgError:
            raise
        except PoolBusy:
            raise QueryTimeout(f"no query worker became free within the time limit of {self.timeout:g} s; "
                               "the server is busy") from None
        except TimeoutError:
            raise QueryTimeout(f"query stopped after the time limit of {self.timeout:g} s") from None
        except MemoryError:
            raise QueryError("the query ran out of the memory allowed to one query") from None
        except WorkerDied:
            raise QueryError("the query worker died without an answer (it may have run out of memory)") from None
        except Exception as err:  # noqa: BLE001 - one line, whatever the engine raised
            raise QueryError(f"the query failed: {type(err).__name__}: {err}") from None

    def close(self) -> None:
        """Stop the worker processes (the store stays open: it is the caller's)."""
        if self._pool is not None:
            self._pool.close()

    def __enter__(self) -> QueryExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

