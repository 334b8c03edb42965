"""Faceted search for people who don't write SPARQL: frameworks by interface, platform,
language, developer and capability, values matched by label case-insensitively.

>>> [row[1].value for row in find(interface=["python"], platform=["Android"]).rows]
['Deeplearning4j', 'MXNet']
>>> find(platform=["BeOS"])
Traceback (most recent call last):
...
dlkg.errors.UsageError: platform: unknown value 'BeOS'; known: Android, AWS, Cross-platform, iOS, JavaScript, Linux, Mac OS X, macOS, Windows
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from dlkg.catalogue import internal_queries
from dlkg.errors import UsageError
from dlkg.namespaces import DLKG, OWL
from dlkg.stores import QueryResult, Store, open_store

__all__ = ["FACETS", "find", "resolve"]

_QUERIES = internal_queries(__file__)  # dlkg/queries/facet-values.rq, frameworks.rq, frameworks-with.rq

#: Facet name -> (property linking a framework to the value, class of all its values or None).
FACETS: dict[str, tuple[str, str | None]] = {
    "interface": (DLKG + "hasInterface", None),
    "platform": (DLKG + "runsOn", DLKG + "Platform"),
    "language": (DLKG + "implementedIn", DLKG + "ProgrammingLanguage"),
    "developer": (DLKG + "developedBy", None),
    "supports": (DLKG + "supports", DLKG + "Capability"),
    "lacks": (DLKG + "doesNotSupport", DLKG + "Capability"),
}
_CAPABILITY_FACETS = ("supports", "lacks")


def resolve(facet: str, value: str, store: Store) -> ox.NamedNode:
    """The IRI a facet value names (label, alternative label or short name, any case).

    Raises:
        UsageError: no such value; the message lists the known ones (short names for
            capabilities, English labels otherwise).
    """
    prop, cls = FACETS[facet]
    # owl:Nothing, the empty class, for facets whose values are only what frameworks link to
    names = _QUERIES.run(store, "facet-values", property=ox.NamedNode(prop),
                         members_of=ox.NamedNode(cls or OWL + "Nothing")).rows
    wanted = value.casefold()
    matches = sorted({iri.value for iri, name, _ in names if name.value.casefold() == wanted})
    if not matches:
        shown = "short" if facet in _CAPABILITY_FACETS else "label"
        known = sorted({name.value for _, name, kind in names if kind.value == shown and name.language != "zh"},
                       key=lambda n: (n.casefold(), n))
        raise UsageError(f"unknown value {value!r}; known: {', '.join(known)}", param=facet)
    return ox.NamedNode(matches[0])


def find(*, store: Store | None = None, timeout: float | None = None, view=None, **facets: Sequence[str]) -> QueryResult:
    """Frameworks that match every given facet value.

    Args:
        store: Where to look; the packaged graph when omitted.
        timeout: Seconds after which each query is stopped.
        **facets: Facet name (``interface``, ``platform``, ``language``, ``developer``,
            ``supports``, ``lacks``) to the values that must all hold.

    Returns:
        Rows of ``framework`` (IRI) and ``label``, sorted by label.
    """
    from dlkg.query import read_view

    store = read_view(store, view) or open_store()
    conditions = []
    for facet, values in sorted(facets.items()):
        if facet not in FACETS:
            raise UsageError(f"unknown facet {facet!r}; known: {', '.join(FACETS)}", path="facet")
        conditions += [(ox.NamedNode(FACETS[facet][0]), resolve(facet, value, store)) for value in values or ()]
    result = _QUERIES.run(store, "frameworks", timeout=timeout)
    # Every condition must hold: the frameworks are narrowed one condition (one query, each
    # under the time limit) at a time.
    rows = result.rows
    for prop, value in conditions:
        allowed = {row[0] for row in _QUERIES.run(store, "frameworks-with", timeout=timeout, property=prop,
                                                  value=value).rows}
        rows = tuple(row for row in rows if row[0] in allowed)
    return QueryResult("select", result.variables, rows)
