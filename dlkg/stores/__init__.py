"""Triple stores behind one small interface, chosen by a location string.

A registry of store kinds (RDFLib's plugin idea, kept small; :func:`register` adds one):

- ``None`` or ``"memory"``: the packaged graph in memory (:class:`MemoryStore`);
- a folder path or ``oxigraph:PATH``: an embedded on-disk Oxigraph store;
- an ``http(s)://`` URL: a remote SPARQL 1.1 store (:class:`~dlkg.stores.remote.RemoteStore`).

>>> open_store(None).kind
'memory'
"""

from __future__ import annotations

from dlkg.stores.base import QueryResult, Store
from dlkg.stores.oxigraph import MemoryStore, OxigraphStore

__all__ = ["QueryResult", "Store", "MemoryStore", "OxigraphStore", "open_store", "kind_of", "register", "store_class"]

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
               timeout: float | None = None) -> Store:
    """Open the store a location string names.

    Args:
        location: ``None``/``"memory"`` for the packaged graph in memory, a folder path or
            ``oxigraph:PATH`` for an embedded on-disk store, an ``http(s)://`` query endpoint
            URL for a remote store.
        update_url: A remote store's SPARQL Update endpoint, when it cannot be derived.
        gsp_url: A remote store's Graph Store Protocol endpoint, when it cannot be derived.
        timeout: Seconds to wait for any one request to a remote store.
    """
    return store_class(kind_of(location)).open(location or "", update_url=update_url, gsp_url=gsp_url,
                                               timeout=timeout)
