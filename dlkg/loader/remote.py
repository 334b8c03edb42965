"""Loading into a remote SPARQL 1.1 store: parse first, stage, then one atomic update.

The files are parsed completely first and written as N-Triples to a temporary file (a
broken line is caught before anything is sent). Then, on the store:

- replacing an *empty* graph on a server whose Graph Store writes are all or nothing
  (Oxigraph): one Graph Store POST straight into the graph (``gsp-post``), retried only
  after the server is seen not to have applied it;
- otherwise: the N-Triples go into a fresh staging graph (Graph Store PUT, or ``INSERT DATA``
  batches where there is no Graph Store endpoint), and one SPARQL Update (``MOVE``, or
  ``ADD`` to append) puts them in place; on failure the staging graph is dropped.

Then the graph is read back (count, and up to :data:`~dlkg.loader.verify.DIGEST_LIMIT`
triples the canonical digest against the files).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from dlkg.errors import UsageError
from dlkg.loader.sources import Source
from dlkg.loader.verify import DIGEST_LIMIT, LoadReport, same_graph_in_time
from dlkg.stores.remote import RemoteStore

__all__ = ["load_remote"]


def load_remote(store: RemoteStore, plan: Sequence[tuple[str, Sequence[Source]]], *,
                replace: bool = True) -> list[LoadReport]:
    """Load each graph's files into a remote store, one graph after the other (each atomic).

    Raises:
        UsageError: no SPARQL Update endpoint is known.
        InputError: a file does not parse; nothing is sent.
        StoreError: the store failed; the graph is left as it was.
    """
    return [_load_graph(store, graph, files, replace=replace) for graph, files in plan]


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
            store.post_into_empty(target, ntriples)
            method = "gsp-post"
        else:
            store.stage_and_move(ntriples, target, replace=replace)
            method = store.staged_method(replace)
        loaded = time.perf_counter()
        stored = store.count(graph)
        digest = None
        if replace and stored == parsed and parsed <= DIGEST_LIMIT:
            digest = same_graph_in_time(store.graph_ntriples(graph), ntriples.read_bytes())
    return LoadReport(graph, parsed, stored, loaded - start, method, same_digest=digest,
                      verify_seconds=time.perf_counter() - loaded, appended=not replace)
