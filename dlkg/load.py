"""Loading the graph (or any RDF files) into a store: ``dlkg load``.

With no files, the packaged ontology and data each go into their own named graph
(:data:`~dlkg.resources.ONTOLOGY_GRAPH`, :data:`~dlkg.resources.DATA_GRAPH`). Replacing is
the default, so loading twice leaves the same triples.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dlkg.errors import UsageError
from dlkg.resources import DATA_FILE, DATA_GRAPH, ONTOLOGY_FILE, ONTOLOGY_GRAPH
from dlkg.stores import Store
from dlkg.stores.base import LoadReport

__all__ = ["load", "load_plan"]


def load_plan(files: Sequence[str | Path] | None, graph: str | None) -> list[tuple[str, list[Path]]]:
    """Which files go into which named graph.

    >>> [(g.rsplit("/", 1)[1], [p.name for p in fs]) for g, fs in load_plan(None, None)]
    [('ontology', ['dlkg.ttl']), ('data', ['frameworks.ttl'])]
    """
    if not files:
        if graph is not None:
            raise UsageError("--graph needs FILEs (without FILEs, the ontology and the data go into their own graphs)",
                             param="graph")
        return [(ONTOLOGY_GRAPH, [ONTOLOGY_FILE]), (DATA_GRAPH, [DATA_FILE])]
    if graph is None:
        raise UsageError("name the graph to load FILEs into with --graph IRI", param="graph")
    return [(graph, [Path(f) for f in files])]


def load(store: Store, files: Sequence[str | Path] | None = None, *, graph: str | None = None,
         replace: bool = True, dry_run: bool = False) -> list[LoadReport]:
    """Load files (or the packaged graph) into a store, one report per named graph.

    Raises:
        UsageError: ``--graph`` without files or files without ``--graph``, or a store that
            cannot be loaded into.
        InputError: a file does not parse; nothing of it is written.
        StoreError: the store failed; the graph is left as it was.
    """
    if graph is not None:
        import pyoxigraph as ox

        try:
            ox.NamedNode(graph)
        except ValueError as err:
            raise UsageError(f"not an IRI: {graph!r} ({err})", param="graph") from None
    return [store.load(paths, graph=target, replace=replace, dry_run=dry_run) for target, paths in load_plan(files, graph)]
