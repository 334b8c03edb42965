"""Loading into a remote SPARQL 1.1 store: parse first, stage, then one atomic update.

The files are parsed completely first and written as N-Triples to a temporary file (a
broken line is caught before anything is sent). Then, on the store:

- replacing an *empty* graph on a server whose Graph Store writes are all or nothing
  (Oxigraph, :meth:`~dlkg.stores.remote.RemoteStore.writes_are_atomic`): one Graph Store
  POST straight into the graph (``gsp-post``), without a staging copy. A POST is never sent
  again blindly (a second copy would add every blank node again): after a failure that may
  have reached the server, one ``ASK`` tells whether the graph is still empty; only then is
  it sent again. A test kills the server mid-POST: after the restart the graph is empty.
  One race is left: a request the server is still working on when the ``ASK`` runs would be
  applied twice; the read-back count then sees the doubled blank nodes, so such a load is
  never reported verified.
- otherwise: the N-Triples go into a fresh staging graph (``urn:dlkg:staging:<uuid>``; Graph
  Store PUT, or ``INSERT DATA`` batches where there is no Graph Store endpoint), and one SPARQL
  Update (``MOVE``, or ``ADD`` to append: ``queries/move.rq``, ``queries/add.rq``) puts them in
  place. A failure before that leaves the target as it was and the staging graph is dropped.
  Virtuoso's own PUT is not atomic (a failure midway leaves part of the graph): staging is
  what makes loads into it safe.

Then the graph is read back: its count, and up to :data:`~dlkg.loader.verify.DIGEST_LIMIT`
triples its canonical digest against the files.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from dlkg.catalogue import internal_queries
from dlkg.errors import QueryError, StoreError, UsageError
from dlkg.loader.sources import Source
from dlkg.loader.verify import DIGEST_LIMIT, LoadReport, same_graph_in_time
from dlkg.sparql import bind_iris
from dlkg.stores.remote import RemoteStore

__all__ = ["load_remote", "drop_quietly", "STAGING"]

#: The prefix of staging graphs' names.
STAGING = "urn:dlkg:staging:"


def load_remote(store: RemoteStore, plan: Sequence[tuple[str, Sequence[Source]]], *,
                replace: bool = True) -> list[LoadReport]:
    """Load each graph's files into a remote store, one graph after the other (each atomic).

    Raises:
        UsageError: no SPARQL Update endpoint is known.
        InputError: a file does not parse; nothing is sent.
        StoreError: the store failed; the graph is left as it was.
    """
    return [_load_graph(store, graph, files, replace=replace) for graph, files in plan]


def staged_method(store: RemoteStore, replace: bool) -> str:
    """The staged path's name."""
    return ("gsp-put" if store.gsp_url else "update-insert") + ("+move" if replace else "+add")


def _load_graph(store: RemoteStore, graph: str, files: Sequence[Source], *, replace: bool) -> LoadReport:
    start = time.perf_counter()
    target = ox.NamedNode(graph)
    with tempfile.TemporaryDirectory(prefix="dlkg-load-") as folder:
        ntriples = Path(folder) / "load.nt"
        with open(ntriples, "wb") as handle:
            parsed = sum(source.write_ntriples(handle, progress=f"parsing {source.path.name}") for source in files)
        if not store.update_url:
            raise UsageError(f"no SPARQL Update endpoint known for {store.query_url}; give --update-url",
                             param="update_url")
        if replace and store.gsp_url and store.writes_are_atomic() and store.is_empty(target):
            _post_into_empty(store, target, ntriples)
            method = "gsp-post"
        else:
            _stage_and_move(store, ntriples, target, replace=replace)
            method = staged_method(store, replace)
        loaded = time.perf_counter()
        stored = store.count(graph)
        digest = None
        if replace and stored == parsed and parsed <= DIGEST_LIMIT:
            digest = same_graph_in_time(store.graph_ntriples(graph), ntriples.read_bytes())
    return LoadReport(graph, parsed, stored, loaded - start, method, same_digest=digest,
                      verify_seconds=time.perf_counter() - loaded, appended=not replace)


def _post_into_empty(store: RemoteStore, graph: ox.NamedNode, path: Path) -> None:
    """One Graph Store POST into an empty graph, sent again only where an ASK shows it did not apply."""
    def settled() -> bool:
        try:
            return not store.is_empty(graph)
        except (StoreError, QueryError) as err:
            raise StoreError(f"Graph Store POST failed at {store.gsp_url}: whether it was applied is unknown, "
                             f"as asking failed too: {err}") from None

    store.post(graph, path, settled=settled)


def _stage_and_move(store: RemoteStore, ntriples: Path, target: ox.NamedNode, *, replace: bool) -> None:
    """Write into a fresh staging graph, then MOVE (or ADD) it onto the target in one update."""
    staging = ox.NamedNode(f"{STAGING}{uuid.uuid4()}")
    try:
        if store.gsp_url:
            store.put(staging, ntriples)
        else:
            store.insert(staging, ntriples)
        store.update(_update("move" if replace else "add", staging=staging, target=target),
                     what="moving the staged graph into place")
    except BaseException:
        drop_quietly(store, staging)
        raise


def drop_quietly(store: RemoteStore, graph: ox.NamedNode) -> None:
    """Drop a graph if the store can be reached; a store that is gone keeps a staging graph
    that no dlkg query reads (``dlkg load --repair`` removes it later)."""
    if not store.update_url:
        return
    try:
        store.update(_update("drop", graph=graph), what="DROP")
    except StoreError:
        pass


def _update(name: str, **graphs: ox.NamedNode) -> str:
    """One of ``queries/*.rq``'s updates, its graphs bound, without its header lines (a store's
    log shows the update itself)."""
    text = "\n".join(line for line in internal_queries(__file__, prologue=False).get(name).text.splitlines()
                     if not line.startswith("#"))
    return bind_iris(text, {f"_{key}": value for key, value in graphs.items()})
