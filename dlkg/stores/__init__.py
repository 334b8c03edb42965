"""Triple stores behind one small interface, chosen by a location string.

Registry of store kinds (RDFLib's plugin idea, kept small):

- ``None`` or ``"memory"``: the packaged graph in memory (:class:`MemoryStore`);
- a folder path or ``oxigraph:PATH``: an embedded on-disk Oxigraph store.

>>> open_store(None).kind
'memory'
"""

from __future__ import annotations

from dlkg.stores.base import QueryResult, Store
from dlkg.stores.oxigraph import MemoryStore, OxigraphStore

__all__ = ["QueryResult", "Store", "MemoryStore", "OxigraphStore", "open_store"]


def open_store(location: str | None = None) -> Store:
    """Open the store a location string names.

    Args:
        location: ``None``/``"memory"`` for the packaged graph in memory, a folder path or
            ``oxigraph:PATH`` for an embedded on-disk store.
    """
    if location in (None, "", "memory"):
        return MemoryStore()
    if location.startswith("oxigraph:"):
        return OxigraphStore(location.removeprefix("oxigraph:"))
    return OxigraphStore(location)
