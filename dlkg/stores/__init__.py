"""Triple stores behind one small interface, chosen by a location string.

A registry of store kinds (RDFLib's plugin idea, kept small; :func:`register` adds one):

- ``None`` or ``"memory"``: the packaged graph in memory (:class:`MemoryStore`);
- a folder path or ``oxigraph:PATH``: an embedded on-disk Oxigraph store;
- an ``http(s)://`` URL: a remote SPARQL 1.1 store (:class:`~dlkg.stores.remote.RemoteStore`).

>>> open_store(None).kind
'memory'
"""

from __future__ import annotations

from collections.abc import Sequence

from dlkg.stores.base import QueryResult, Store
from dlkg.stores.oxigraph import MemoryStore, OxigraphStore

__all__ = ["QueryResult", "Store", "MemoryStore", "OxigraphStore", "open_store", "kind_of", "register", "store_class",
           "read_graphs", "viewing"]

#: Store kinds by name (:attr:`Store.kind`) and the class that implements each, as
#: ``module:Class``, imported when first used (a remote store's HTTP stack costs start-up time).
_KINDS: dict[str, str] = {
    "memory": "dlkg.stores.oxigraph:MemoryStore",
    "oxigraph": "dlkg.stores.oxigraph:OxigraphStore",
    "remote": "dlkg.stores.remote:RemoteStore",
}
#: Location schemes (``scheme://...`` or ``scheme:PATH``) and the kind each names.
_SCHEMES: dict[str, str] = {"http": "remote", "https": "remote", "oxigraph": "oxigraph"}


def register(kind: str, target: str, *, schemes: tuple[str, ...] = ()) -> None:
    """Add a store kind (RDFLib's ``plugin.register``, kept small).

    Args:
        kind: The kind's name.
        target: ``module:Class`` of a :class:`Store` subclass with a :meth:`Store.open`.
        schemes: Location schemes that name this kind.
    """
    _KINDS[kind] = target
    _SCHEMES.update(dict.fromkeys(schemes, kind))


def kind_of(location: str | None) -> str:
    """The store kind a location string names.

    >>> [kind_of(x) for x in (None, "memory", "./kg", "oxigraph:/data/kg", "https://example.org/sparql")]
    ['memory', 'memory', 'oxigraph', 'oxigraph', 'remote']

    Raises:
        UsageError: a URL scheme no kind takes.
    """
    if location in (None, "", "memory"):
        return "memory"
    scheme, sep, rest = location.partition(":")
    if sep and scheme.lower() in _SCHEMES and (rest.startswith("//") or _SCHEMES[scheme.lower()] == "oxigraph"):
        return _SCHEMES[scheme.lower()]
    if "://" in location:
        from dlkg.errors import UsageError

        raise UsageError(f"unsupported store location {location!r} (a folder, oxigraph:PATH or an http(s) URL)",
                         param="store")
    return "oxigraph"


def store_class(kind: str) -> type[Store]:
    """The class of a registered store kind."""
    import importlib

    module, name = _KINDS[kind].split(":")
    return getattr(importlib.import_module(module), name)


def open_store(location: str | None = None, *, update_url: str | None = None, gsp_url: str | None = None,
               timeout: float | None = None, read_only: bool = False) -> Store:
    """Open the store a location string names.

    Args:
        location: ``None``/``"memory"`` for the packaged graph in memory, a folder path or
            ``oxigraph:PATH`` for an embedded on-disk store, an ``http(s)://`` query endpoint
            URL for a remote store.
        update_url: A remote store's SPARQL Update endpoint, when it cannot be derived.
        gsp_url: A remote store's Graph Store Protocol endpoint, when it cannot be derived.
        timeout: Seconds to wait for any one request to a remote store.
        read_only: Open the store to read it: an embedded store that does not exist is
            refused instead of created, and one that another process (``dlkg serve``) has
            open is read read-only.

    Raises:
        UsageError: no store at the location (with ``read_only``), or a location no kind takes.
    """
    return store_class(kind_of(location)).open(location or "", update_url=update_url, gsp_url=gsp_url,
                                               timeout=timeout, read_only=read_only)


def read_graphs(store: Store, *, graphs: Sequence[str] = (), union: bool = False, view=None) -> Store:
    """Point a store's queries at the graphs a reader asked for, after checking they are there.

    By default queries read dlkg's graphs for the book's view, and a store that holds none of
    them is refused with what it holds instead: its queries would answer nothing, and say
    nothing. The one rule of a view's graphs: an in-process (pyoxigraph) store reads every
    graph but the other views' (a user's own graphs stay visible); a remote store reads the
    ontology graph and the view's (``default-graph-uri``).

    Args:
        store: An open store.
        graphs: Named graphs to read, merged, instead of dlkg's (data loaded elsewhere).
        union: Read everything the store holds: every graph of an embedded store, the
            default dataset of a remote endpoint (no ``default-graph-uri`` sent).
        view: The dated view to read (a name or :class:`dlkg.timeviews.View`; None: the
            book's), not with ``graphs`` or ``union``.

    Returns:
        The store, its queries pointed at those graphs.

    Raises:
        UsageError: both options, a view with either, a graph the store does not hold, a
            view whose graph it does not hold, or a store holding none of dlkg's graphs (the
            message says what it holds and how to read it).

    >>> store = read_graphs(open_store(), graphs=["https://w3id.org/dlkg/graph/ontology"])
    >>> store.query("ASK { <https://w3id.org/dlkg/resource/Caffe> ?p ?o }").boolean
    False
    >>> read_graphs(open_store(), graphs=["http://example.org/g"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dlkg.errors.UsageError: graph: the store holds no graph <http://example.org/g> (it holds: <https://w3id.org/dlkg/graph/current>, ...)
    """
    from dlkg.errors import UsageError
    from dlkg.resources import ONTOLOGY_GRAPH
    from dlkg.timeviews import resolve

    if graphs and union:
        raise UsageError("give named graphs or the union, not both", param="union")
    if view is not None and (graphs or union):
        raise UsageError("a view reads dlkg's graphs: give it without named graphs or the union", param="view")
    store.view = chosen = resolve(view)
    if union:
        store.default_graphs = None  # type: ignore[attr-defined]
        store.hidden_graphs = frozenset()  # type: ignore[attr-defined]
        return store
    if not graphs:
        if store.in_process:
            store.hidden_graphs = chosen.hidden  # type: ignore[attr-defined]
        else:
            store.default_graphs = chosen.graphs  # type: ignore[attr-defined]
        if view is not None and not store.holds_graph(chosen.graph):
            raise UsageError(f"the store does not hold {chosen.label()} (graph <{chosen.graph}>); "
                             "load it with 'dlkg load --into' it", param="view")
    if not graphs and (store.holds_graph(ONTOLOGY_GRAPH) or store.holds_graph(chosen.graph)):
        return store  # the usual case, asked cheaply; listing the graphs is for the messages below
    named = store.named_graphs()
    listed = ", ".join(f"<{g}>" for g in sorted(named)[:5]) + (", ..." if len(named) > 5 else "")
    if graphs:
        missing = [g for g in graphs if g not in named]
        if missing:
            raise UsageError(f"the store holds no graph <{missing[0]}> (it holds: {listed or 'no named graph'})",
                             param="graph")
        store.default_graphs = tuple(graphs)  # type: ignore[attr-defined]
        return store
    from dlkg.catalogue import internal_queries

    kept = store.default_graphs, getattr(store, "hidden_graphs", frozenset())  # type: ignore[attr-defined]
    store.default_graphs, store.hidden_graphs = None, frozenset()  # type: ignore[attr-defined]
    try:
        holds = internal_queries(__file__).run(store, "holds-triples").boolean
    finally:
        store.default_graphs, store.hidden_graphs = kept  # type: ignore[attr-defined]
    if not holds and not named:
        raise UsageError("the store is empty (none of dlkg's graphs); load them with 'dlkg load --into' it",
                         param="store")
    where = f"named graphs {listed}" if named else "its default graph"
    raise UsageError(f"the store holds none of dlkg's graphs, only other data (in {where}): the reading "
                     "commands read it with --graph IRI (a named graph) or --union (everything)", param="store")


def viewing(store: Store, view) -> Store:
    """Another handle on the same store, reading the dated ``view``
    (:func:`read_graphs`): the handles share the data and differ only in what they read, so
    a server shows every view at once from one store, and the store given is left as it is.

    Raises:
        UsageError: an unknown view, or one whose graph the store does not hold.

    >>> store = open_store()
    >>> current = viewing(store, "current")
    >>> store.view is None, current.view.name
    (True, 'current')
    """
    import copy

    store.named_graphs()  # an in-memory store reads its other packaged files now: the handles share them
    return read_graphs(copy.copy(store), view=view)
