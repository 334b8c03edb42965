"""Stores backed by pyoxigraph: the in-memory packaged graph and the embedded on-disk store."""

from __future__ import annotations

import os
import pickle
import re
import threading
import time
import uuid
from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox

from dlkg import rdf
from dlkg.errors import DlkgError, InputError, QueryError, QueryTimeout, StoreError, UsageError
from dlkg.progress import reading
from dlkg.resources import DATA_FILE, DATA_GRAPH, ONTOLOGY_FILE, ONTOLOGY_GRAPH
from dlkg.sparql import Term, bind_values
from dlkg.stores.base import (DIGEST_LIMIT, Dataset, LoadReport, QueryResult, Store, result_from_pyoxigraph,
                              same_digest)

__all__ = ["MemoryStore", "OxigraphStore", "run_query", "packaged_files"]

_POSITION = re.compile(r"error at (\d+):(\d+): ")
_STAGING = "urn:dlkg:staging:"


def packaged_files() -> list[tuple[Path, ox.NamedNode]]:
    """The packaged ontology and data files, each with the named graph it goes into."""
    return [(ONTOLOGY_FILE, ox.NamedNode(ONTOLOGY_GRAPH)), (DATA_FILE, ox.NamedNode(DATA_GRAPH))]


def run_query(store: ox.Store, query: str, bindings: Mapping[str, Term] | None = None, *,
              max_rows: int | None = None, default_graph: list | None = None, dataset: Dataset | None = None,
              base_iri: str | None = None) -> QueryResult:
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
    options: dict = {"base_iri": base_iri}
    try:
        if dataset:
            options["default_graph"] = [ox.NamedNode(g) for g in dataset.default_graphs]
            options["named_graphs"] = [ox.NamedNode(g) for g in dataset.named_graphs]
        elif default_graph is not None:
            options["default_graph"] = default_graph
        else:
            options["use_default_graph_as_union"] = True
    except ValueError as err:
        raise InputError(f"not an IRI in the dataset: {err}", path="default-graph-uri/named-graph-uri") from None
    try:
        answer = store.query(bind_values(query, bindings or {}), **options)
    except SyntaxError as err:
        message = str(err)
        match = _POSITION.match(message)
        if match:
            raise InputError(message[match.end():], path="query", line=int(match.group(1)),
                             column=int(match.group(2))) from None
        raise InputError(message, path="query") from None
    except (OSError, RuntimeError) as err:
        raise QueryError(f"the query failed: {' '.join(str(err).split())}") from None
    return result_from_pyoxigraph(answer, query, max_rows=max_rows)


def _limit_memory(extra: int) -> None:
    """Cap this (worker) process's address space at its current size plus ``extra`` bytes."""
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as handle:
            pages = int(handle.read().split()[0])
        limit = pages * os.sysconf("SC_PAGE_SIZE") + extra
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, OSError, ValueError):  # not Linux: no cap
        pass


def _worker(store: ox.Store, query: str, bindings, options: dict, memory: int | None, conn) -> None:
    try:
        if memory:
            _limit_memory(memory)
        payload = ("ok", run_query(store, query, bindings, **options))
    except DlkgError as err:
        payload = ("error", err)
    except MemoryError:
        payload = ("error", QueryError("the query ran out of the memory allowed to one query"))
    except Exception as err:  # noqa: BLE001 - the parent reports it as one line
        payload = ("error", QueryError(f"the query failed: {type(err).__name__}: {err}"))
    try:
        conn.send_bytes(pickle.dumps(payload))
    finally:
        conn.close()


#: One fork at a time: a server forks from several threads, and the child should copy a quiet process.
_FORK_LOCK = threading.Lock()


def run_query_with_timeout(store: ox.Store, query: str, bindings: Mapping[str, Term] | None,
                           timeout: float, *, memory: int | None = None, **options) -> QueryResult:
    """Run a query in a forked worker process that is killed when ``timeout`` passes.

    pyoxigraph cannot interrupt a running query (no timeout parameter, signals are not
    honoured), so the only sure stop is ending the process that runs it. ``memory`` caps the
    bytes of address space the worker may add; ``options`` go to :func:`run_query`.
    """
    import multiprocessing  # only here: it costs start-up time on every other path

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_worker, args=(store, query, bindings, options, memory, sender), daemon=True)
    with _FORK_LOCK:
        process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise QueryTimeout(f"query stopped after the time limit of {timeout:g} s")
        status, payload = pickle.loads(receiver.recv_bytes())
    except (EOFError, OSError):
        raise QueryError("the query worker died without an answer (it may have run out of memory)") from None
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

    #: Bytes of address space a query worker may add (only with a timeout, in a worker).
    worker_memory: int | None = None

    def query(self, query: str, *, bindings: Mapping[str, Term] | None = None,
              timeout: float | None = None, max_rows: int | None = None, dataset: Dataset | None = None,
              base_iri: str | None = None) -> QueryResult:
        options = {"max_rows": max_rows, "default_graph": self._default_graph(), "dataset": dataset,
                   "base_iri": base_iri}
        if timeout is None:
            return run_query(self._store, query, bindings, **options)
        return run_query_with_timeout(self._store, query, bindings, timeout, memory=self.worker_memory, **options)

    def _default_graph(self) -> list | None:
        """The graphs whose union queries see; None for all of them."""
        return None


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
        if files is None:
            # The packaged files are ours and known good: Oxigraph reads them without a Python
            # object per triple, which is most of the start-up of `dlkg query`.
            for path, graph in packaged_files():
                store.load(path=path, format=ox.RdfFormat.TURTLE, to_graph=graph)
        else:
            store.extend(rdf.read_quads(files))
        super().__init__(store)


class OxigraphStore(_PyoxigraphStore):
    """An embedded, persistent on-disk Oxigraph store in a folder (no server needed).

    Args:
        path: The folder; created when missing.
    """

    kind = "oxigraph"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.exists() and not self.path.is_dir():
            raise UsageError("not a folder (an embedded store is a folder)", path=str(self.path))
        try:
            super().__init__(ox.Store(str(self.path)))
        except OSError as err:
            raise StoreError(f"cannot open the embedded store {self.path}: {err}") from None

    def _default_graph(self) -> list | None:
        # Every graph but staging graphs: one left by a load that was killed must not show.
        # With none there (the usual case), the union flag is the faster way to say "all".
        graphs = list(self._store.named_graphs())
        if not any(g.value.startswith(_STAGING) for g in graphs):
            return None
        return [ox.DefaultGraph()] + [g for g in graphs if not g.value.startswith(_STAGING)]

    def graph_ntriples(self, graph: str) -> bytes:
        # Written by Oxigraph straight from the store: no Python object per triple.
        return self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph)) or b""

    def _drop_stale_staging(self) -> None:
        # The folder's lock is exclusive, so any staging graph here is a dead load's leftover.
        for graph in list(self._store.named_graphs()):
            if graph.value.startswith(_STAGING):
                self._store.remove_graph(graph)

    def load(self, files: list, *, graph: str, replace: bool = True, dry_run: bool = False) -> LoadReport:
        """Load files with ``bulk_load`` (streaming), swapping the graph atomically.

        Into an empty graph the files go straight in (on failure the graph is emptied again,
        as it was). Otherwise they go into a staging graph first, and one SPARQL Update
        (``MOVE`` to replace, ``ADD`` to append; Oxigraph runs it as one transaction) puts them
        in place, so a failure midway leaves the graph exactly as it was.
        """
        start = time.perf_counter()
        target = ox.NamedNode(graph)
        sources = [(Path(f), rdf.guess_format(f)) for f in files]
        for path, fmt in sources:
            if fmt.supports_datasets:
                raise UsageError(f"{fmt.name} holds named graphs; load a triples format into --graph", path=str(path))
            rdf.check_file(path, fmt)
        if dry_run:
            parsed = sum(len(rdf.parse(path, format=fmt)) for path, fmt in sources)
            return LoadReport(graph, parsed, None, time.perf_counter() - start, "bulk_load", dry_run=True)
        self._drop_stale_staging()
        direct = self.count(graph) == 0
        staging = target if direct else ox.NamedNode(f"{_STAGING}{uuid.uuid4()}")
        try:
            for path, fmt in sources:
                with rdf.parse_errors(path), reading(path, label=f"loading {path.name}") as handle:
                    self._store.bulk_load(input=handle, format=fmt, to_graph=staging, base_iri=rdf.base_iri(path))
            parsed = self.count(staging.value)
            if not direct:
                operation = "MOVE" if replace else "ADD"
                self._store.update(f"{operation} {staging} TO {target}" + ("" if replace else f" ; DROP GRAPH {staging}"))
        except BaseException:
            self._store.update(f"DROP SILENT GRAPH {staging}")
            raise
        self._store.flush()
        method = "bulk_load" if direct else f"bulk_load+{'move' if replace else 'add'}"
        loaded = time.perf_counter()
        stored = self.count(graph)
        digest = None
        if replace and stored == parsed and parsed <= DIGEST_LIMIT:  # an independent parse of the files
            source = b"".join(ox.serialize(ox.parse(path=path, format=fmt, base_iri=rdf.base_iri(path)),
                                           format=ox.RdfFormat.N_QUADS) or b"" for path, fmt in sources)
            digest = same_digest(self, graph, source, parsed)
        return LoadReport(graph, parsed, stored, loaded - start, method, same_digest=digest,
                          verify_seconds=time.perf_counter() - loaded)

    def close(self) -> None:
        self._store.flush()
