"""Stores backed by pyoxigraph: the in-memory packaged graph and the embedded on-disk store."""

from __future__ import annotations

import pickle
import re
from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox

from dlkg import rdf
from dlkg.errors import InputError, QueryError, QueryTimeout
from dlkg.resources import DATA_FILE, DATA_GRAPH, ONTOLOGY_FILE, ONTOLOGY_GRAPH
from dlkg.sparql import Term, bind_values, has_order_by
from dlkg.stores.base import QueryResult, Store

__all__ = ["MemoryStore", "OxigraphStore", "run_query", "packaged_files"]

_POSITION = re.compile(r"error at (\d+):(\d+): ")


def packaged_files() -> list[tuple[Path, ox.NamedNode]]:
    """The packaged ontology and data files, each with the named graph it goes into."""
    return [(ONTOLOGY_FILE, ox.NamedNode(ONTOLOGY_GRAPH)), (DATA_FILE, ox.NamedNode(DATA_GRAPH))]


def run_query(store: ox.Store, query: str, bindings: Mapping[str, Term] | None = None) -> QueryResult:
    """Run a query on a pyoxigraph store over the union of its graphs, as a :class:`QueryResult`.

    >>> s = ox.Store()
    >>> s.add(ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/p"), ox.Literal("b"), ox.NamedNode("http://x/g")))
    >>> run_query(s, "SELECT ?o WHERE { ?s ?p ?o }").values("o")
    ['b']
    >>> run_query(s, "SELECT ?o WHERE { ?s ?p ?o", ) # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dlkg.errors.InputError: query:1:27: ...
    """
    try:
        answer = store.query(bind_values(query, bindings or {}), use_default_graph_as_union=True)
    except SyntaxError as err:
        message = str(err)
        match = _POSITION.match(message)
        if match:
            raise InputError(message[match.end():], path="query", line=int(match.group(1)),
                             column=int(match.group(2))) from None
        raise InputError(message, path="query") from None
    except OSError as err:
        raise QueryError(f"query failed: {err}") from None
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        names = tuple(v.value for v in answer.variables)
        rows = tuple(tuple(solution[i] for i in range(len(names))) for solution in answer)
        result = QueryResult("select", names, rows)
        return result if has_order_by(query) else result.sorted()
    return QueryResult("graph", triples=tuple(answer)).sorted()


def _worker(store: ox.Store, query: str, bindings, conn) -> None:
    try:
        conn.send_bytes(pickle.dumps(("ok", run_query(store, query, bindings))))
    except Exception as err:  # noqa: BLE001 - handed to the parent, which re-raises it
        conn.send_bytes(pickle.dumps(("error", err)))
    finally:
        conn.close()


def run_query_with_timeout(store: ox.Store, query: str, bindings: Mapping[str, Term] | None,
                           timeout: float) -> QueryResult:
    """Run a query in a forked worker process that is killed when ``timeout`` passes.

    pyoxigraph cannot interrupt a running query (no timeout parameter, signals are not
    honoured), so the only sure stop is ending the process that runs it.
    """
    import multiprocessing  # only here: it costs start-up time on every other path

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_worker, args=(store, query, bindings, sender), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise QueryTimeout(f"query stopped after the time limit of {timeout:g} s")
        status, payload = pickle.loads(receiver.recv_bytes())
    except EOFError:
        raise QueryError("the query worker died without an answer") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
    if status == "error":
        raise payload
    return payload


class _PyoxigraphStore(Store):
    def __init__(self, store: ox.Store) -> None:
        self._store = store

    @property
    def native(self) -> ox.Store:
        """The underlying pyoxigraph store."""
        return self._store

    def query(self, query: str, *, bindings: Mapping[str, Term] | None = None,
              timeout: float | None = None) -> QueryResult:
        if timeout is None:
            return run_query(self._store, query, bindings)
        return run_query_with_timeout(self._store, query, bindings, timeout)


class MemoryStore(_PyoxigraphStore):
    """An in-memory store holding the packaged ontology and data (or the given files).

    Args:
        files: ``(path, graph IRI)`` pairs to load instead of the packaged ones.

    >>> store = MemoryStore()
    >>> store.query("ASK { <https://w3id.org/dlkg/resource/Caffe> a ?c }").boolean
    True
    """

    kind = "memory"

    def __init__(self, files: list[tuple[Path, ox.NamedNode | None]] | None = None) -> None:
        store = ox.Store()
        store.extend(rdf.read_quads(files if files is not None else packaged_files()))
        super().__init__(store)


class OxigraphStore(_PyoxigraphStore):
    """An embedded, persistent on-disk Oxigraph store in a folder (no server needed).

    Args:
        path: The folder; created when missing.
    """

    kind = "oxigraph"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        super().__init__(ox.Store(str(self.path)))

    def close(self) -> None:
        self._store.flush()
