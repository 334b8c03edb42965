"""Loading RDF files (or the packaged graph) into a store: ``dlkg load``.

The loader owns every load's policy, whatever the store: the plan (which files go into which
named graph), reading the files (:mod:`~dlkg.loader.sources`: checked before anything is
written, then streamed), the atomicity strategy of each store kind, the read-back check
(:mod:`~dlkg.loader.verify`) and the report. Stores only offer a small write interface:

- the embedded store (:mod:`~dlkg.loader.embedded`): ``stage`` a private new version,
  ``write`` into it, ``count`` and read back, then ``swap`` (one atomic switch) or
  ``discard``;
- a remote store (:mod:`~dlkg.loader.remote`): write a staging graph, ``MOVE`` it into place,
  drop it; or one all-or-nothing POST into an empty graph.

A load is atomic: after a SIGKILL, a full disk or a dropped connection at any moment, every
query sees each graph entirely old or entirely new.

>>> [(g.rsplit("/", 1)[1], [p.name for p in fs]) for g, fs in load_plan(None, None)]
[('ontology', ['dlkg.ttl']), ('data', ['frameworks.ttl']), ('current', ['current.ttl'])]
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Sequence
from pathlib import Path

from dlkg.errors import UsageError
from dlkg.loader.plan import load_plan
from dlkg.loader.sources import Source, sources
from dlkg.loader.verify import LoadReport
from dlkg.stores.base import Store

__all__ = ["load", "load_graph", "load_plan", "repair", "LoadReport", "Source", "STRATEGIES"]

#: The load strategy of each store kind (:attr:`dlkg.stores.Store.kind`), as ``module:function``.
STRATEGIES = {
    "oxigraph": "dlkg.loader.embedded:load_embedded",
    "remote": "dlkg.loader.remote:load_remote",
}


def load(store: Store, files: Sequence[str | Path] | None = None, *, graph: str | None = None,
         replace: bool = True, dry_run: bool = False) -> list[LoadReport]:
    """Load files (or, with none, the packaged ontology and data) into a store; one report
    per named graph.

    Args:
        store: Where to load (an embedded or a remote store).
        files: RDF files in triple formats (formats guessed from the extensions).
        graph: The named graph to load ``files`` into.
        replace: Swap each graph's content for the files' (the default); otherwise add.
        dry_run: Parse and count, write nothing.

    Raises:
        UsageError: ``graph`` without files or files without ``graph``, or a store that
            cannot be loaded into.
        InputError: a file does not parse; nothing is written.
        CheckFailed: a graph read back differs from its files; the store is as it was.
        StoreError: the store failed; the graph is left as it was.
    """
    plan = [(target, sources(paths)) for target, paths in load_plan(files, graph)]
    if dry_run:
        return [_dry_run(store, target, parts) for target, parts in plan]
    strategy = STRATEGIES.get(store.kind)
    if strategy is None:
        raise UsageError(f"the {store.kind} store cannot be loaded into; name a folder or an http(s) URL",
                         param="store")
    module, name = strategy.split(":")
    return getattr(importlib.import_module(module), name)(store, plan, replace=replace)


def load_graph(store: Store, files: Sequence[str | Path], *, graph: str, replace: bool = True,
               dry_run: bool = False) -> LoadReport:
    """Load files into one named graph (:func:`load` with ``graph``); its report."""
    return load(store, files, graph=graph, replace=replace, dry_run=dry_run)[0]


def repair(store: Store) -> list[str]:
    """Remove what loads killed midway left in a store (opening an embedded store already
    does); the names of what was removed."""
    return store.repair()


def _dry_run(store: Store, graph: str, parts: Sequence[Source]) -> LoadReport:
    start = time.perf_counter()
    method = "staged version" if store.kind == "oxigraph" else "staged graph"
    return LoadReport(graph, sum(source.count() for source in parts), None, time.perf_counter() - start, method,
                      dry_run=True)
