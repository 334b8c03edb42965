"""Which files go into which named graph."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dlkg.errors import UsageError

__all__ = ["load_plan"]


def load_plan(files: Sequence[str | Path] | None, graph: str | None) -> list[tuple[str, list[Path]]]:
    """Which files go into which named graph: with no files the packaged ontology, data (the
    book's view) and current view, each into its own graph; otherwise the files into ``graph``.

    >>> [(g.rsplit("/", 1)[1], [p.name for p in fs]) for g, fs in load_plan(None, None)]
    [('ontology', ['dlkg.ttl']), ('data', ['frameworks.ttl']), ('current', ['current.ttl'])]

    Raises:
        UsageError: a graph without files, files without a graph, or a graph that is not an IRI.
    """
    if not files:
        if graph is not None:
            raise UsageError("--graph needs FILEs (without FILEs, the ontology, the data and the current view go into their own graphs)",
                             param="graph")
        from dlkg.stores.oxigraph import packaged_files

        return [(graph.value, [path]) for path, graph in packaged_files(views=True)]
    if graph is None:
        raise UsageError("name the graph to load FILEs into with --graph IRI", param="graph")
    import pyoxigraph as ox

    try:
        ox.NamedNode(graph)
    except ValueError as err:
        raise UsageError(f"not an IRI: {graph!r} ({err})", param="graph") from None
    return [(graph, [Path(f) for f in files])]
