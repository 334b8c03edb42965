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

from dlkg.errors import UsageError
from dlkg.stores import QueryResult, Store, open_store

__all__ = ["FACETS", "find", "resolve"]

_PREFIXES = """PREFIX dlkg: <https://w3id.org/dlkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

#: Facet name -> (property linking a framework to the value, class of all its values or "").
FACETS: dict[str, tuple[str, str]] = {
    "interface": ("dlkg:hasInterface", ""),
    "platform": ("dlkg:runsOn", "dlkg:Platform"),
    "language": ("dlkg:implementedIn", "dlkg:ProgrammingLanguage"),
    "developer": ("dlkg:developedBy", ""),
    "supports": ("dlkg:supports", "dlkg:Capability"),
    "lacks": ("dlkg:doesNotSupport", "dlkg:Capability"),
}


def _names_query(facet: str) -> str:
    prop, cls = FACETS[facet]
    values = f"{{ ?framework {prop} ?value }}" + (f" UNION {{ ?value a {cls} }}" if cls else "")
    return _PREFIXES + f"""SELECT DISTINCT ?value ?name ?kind WHERE {{
        {values}
        {{ ?value rdfs:label ?name BIND("label" AS ?kind) }}
        UNION {{ ?value skos:altLabel ?name BIND("label" AS ?kind) }}
        UNION {{ ?value skos:notation ?name BIND("short" AS ?kind) }}
    }}"""


def resolve(facet: str, value: str, store: Store) -> ox.NamedNode:
    """The IRI a facet value names (label, alternative label or short name, any case).

    Raises:
        UsageError: no such value; the message lists the known ones (short names for
            capabilities, English labels otherwise).
    """
    names = store.query(_names_query(facet)).rows
    wanted = value.casefold()
    matches = sorted({iri.value for iri, name, _ in names if name.value.casefold() == wanted})
    if not matches:
        shown = "short" if FACETS[facet][0] in ("dlkg:supports", "dlkg:doesNotSupport") else "label"
        known = sorted({name.value for _, name, kind in names if kind.value == shown and name.language != "zh"},
                       key=lambda n: (n.casefold(), n))
        raise UsageError(f"unknown value {value!r}; known: {', '.join(known)}", param=facet)
    return ox.NamedNode(matches[0])


def find(*, store: Store | None = None, timeout: float | None = None, **facets: Sequence[str]) -> QueryResult:
    """Frameworks that match every given facet value.

    Args:
        store: Where to look; the packaged graph when omitted.
        timeout: Seconds after which the query is stopped.
        **facets: Facet name (``interface``, ``platform``, ``language``, ``developer``,
            ``supports``, ``lacks``) to the values that must all hold.

    Returns:
        Rows of ``framework`` (IRI) and ``label``, sorted by label.
    """
    store = store or open_store()
    patterns, bindings = [], {}
    for facet, values in sorted(facets.items()):
        if facet not in FACETS:
            raise UsageError(f"unknown facet {facet!r}; known: {', '.join(FACETS)}", path="facet")
        for i, value in enumerate(values or ()):
            variable = f"{facet}_{i}"
            bindings[variable] = resolve(facet, value, store)
            patterns.append(f"?framework {FACETS[facet][0]} ?{variable} .")
    query = _PREFIXES + f"""SELECT DISTINCT ?framework ?label WHERE {{
        ?framework a dlkg:Framework ; rdfs:label ?label .
        FILTER(LANG(?label) = "en")
        {' '.join(patterns)}
    }} ORDER BY ?label"""
    return store.query(query, bindings=bindings, timeout=timeout)
