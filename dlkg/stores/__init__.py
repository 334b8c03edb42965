"""Triple stores behind one small interface, chosen by a location string.

Registry of store kinds (RDFLib's plugin idea, kept small):

- ``None`` or ``"memory"``: the packaged graph in memory (:class:`MemoryStore`);
- a folder path or ``oxigraph:PATH``: an embedded on-disk Oxigraph store;
- an ``http(s)://`` URL: a remote SPARQL 1.1 store (:class:`~dlkg.stores.remote.RemoteStore`).

>>> open_store(None).kind
'memory'
"""

from __future__ import annotations

from dlkg.stores.base import QueryResult, Store
from dlkg.stores.oxigraph import MemoryStore, OxigraphStore

__all__ = ["QueryResult", "Store", "MemoryStore", "OxigraphStore", "open_store"]


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
    if location in (None, "", "memory"):
        return MemoryStore()
    if location.startswith(("http://", "https://")):
        from dlkg.stores.remote import RemoteStore

        return RemoteStore(location, update_url=update_url, gsp_url=gsp_url, timeout=timeout)
    if "://" in location:
        from dlkg.errors import UsageError

        raise UsageError(f"unsupported store location {location!r} (a folder, oxigraph:PATH or an http(s) URL)",
                         param="store")
    if location.startswith("oxigraph:"):
        return OxigraphStore(location.removeprefix("oxigraph:"))
    return OxigraphStore(location)
