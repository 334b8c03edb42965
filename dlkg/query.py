"""Running canned and ad-hoc queries against a store, with parameters bound as RDF terms.

>>> result = run_canned("python-on-android")
>>> result.values("label")
['Deeplearning4j', 'MXNet']
>>> run_canned("frameworks-by-interface", {"colour": "red"})
Traceback (most recent call last):
...
dlkg.errors.UsageError: params: unknown parameter 'colour'; frameworks-by-interface expects: interface
"""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

from dlkg.catalogue import Catalogue, CannedQuery
from dlkg.errors import UsageError
from dlkg.stores import QueryResult, Store

__all__ = ["run_canned", "run_sparql", "read_view", "bind_parameters", "DEFAULT_TIMEOUT", "DEFAULT_MAX_ROWS"]


def bind_parameters(query: CannedQuery, params: Mapping[str, str]) -> dict[str, ox.Literal]:
    """Parameter values (with the query's defaults) as literal terms keyed by SPARQL variable.

    Raises:
        UsageError: an unknown parameter, or a required one with no value (defaults fill in
            required parameters only when no value is given at all).
    """
    expected = ", ".join(query.parameters) or "no parameters"
    for key in params:
        if key not in query.parameters:
            raise UsageError(f"unknown parameter {key!r}; {query.name} expects: {expected}", param="params")
    # The defaults are one example set, used whole when no value is given: a query given some
    # of its parameters never fills the others in silently (compare-frameworks -p a=Caffe
    # must not compare Caffe with the default b).
    defaults = query.defaults if not params else {k: v for k, v in query.defaults.items() if k in query.optional}
    values = {**defaults, **params}
    missing = [p for p in query.parameters if p not in values and p not in query.optional]
    if missing:
        raise UsageError(f"missing parameter {missing[0]!r}; {query.name} expects: {expected}", param="params")
    return {query.variable(key): ox.Literal(value) for key, value in values.items()}


def read_view(store: Store | None, view) -> Store | None:
    """The store pointed at a dated view (:func:`dlkg.stores.read_graphs`); as it is when
    ``view`` is None (the store's own: the book's unless it was pointed elsewhere)."""
    if view is None:
        return store
    from dlkg.stores import open_store, read_graphs

    return read_graphs(store or open_store(), view=view)


def run_canned(name: str, params: Mapping[str, str] | None = None, *, store: Store | None = None,
               timeout: float | None = None, catalogue: Catalogue | None = None, view=None) -> QueryResult:
    """Run a canned query by name.

    In a view other than the book's (read from pages), the result gets a ``sources`` column:
    the pages behind each row (:func:`dlkg.timeviews.add_sources`).

    Args:
        name: The query's name (its file name without ``.rq``).
        params: Parameter values, as plain strings; bound as literals, never pasted in.
        store: Where to run it; the packaged graph in memory when omitted.
        timeout: Seconds after which the query is stopped.
        view: The dated view to read (``"2018"``, ``"current"`` or a
            :class:`dlkg.timeviews.View`); None: the store's (the book's by default).

    >>> run_canned("python-on-android", view="current").values("label")
    ['MindSpore', 'ONNX Runtime', 'PyTorch', 'TensorFlow']
    """
    from dlkg.executor import QueryExecutor

    query = (catalogue or Catalogue()).get(name)
    bindings = bind_parameters(query, params or {})
    store = read_view(store, view)
    # Vetted: no guard, and no limit unless asked for.
    result = QueryExecutor(store, timeout=timeout, guard=False).run(query.text, bindings=bindings)
    from dlkg.timeviews import BOOK, add_sources

    if store is not None and store.view not in (None, BOOK):
        result = add_sources(result, store, query.text, bindings)
    return result


#: Wall-clock limit for queries from users, in seconds (canned queries are vetted; they run
#: without one unless asked).
DEFAULT_TIMEOUT = 60.0
#: Most rows (or triples) a user query may return.
DEFAULT_MAX_ROWS = 100_000


def run_sparql(text: str, *, store: Store | None = None, timeout: float | None = DEFAULT_TIMEOUT,
               max_rows: int | None = DEFAULT_MAX_ROWS, allow_service: bool = False, view=None) -> QueryResult:
    """Run an ad-hoc SELECT, ASK, CONSTRUCT or DESCRIBE query from a user.

    The query is checked first (:func:`dlkg.guard.check_query`): no updates, size and
    nesting caps, no ``SERVICE`` unless ``allow_service``, ``FROM`` only for dlkg's graphs.
    It runs under a wall-clock limit that really stops it and a row cap
    (:class:`dlkg.executor.QueryExecutor`, the policy the server applies too).

    ``view`` is the dated view to read (as for :func:`run_canned`; no ``sources`` column:
    the user's query keeps its shape).

    Raises:
        InputError: a refused query, or a syntax error with line and column.
    """
    from dlkg.executor import QueryExecutor

    return QueryExecutor(read_view(store, view), timeout=timeout, max_rows=max_rows,
                         allow_service=allow_service).run(text)
