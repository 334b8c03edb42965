"""What the pages show, read from the store by SPARQL: the table with its facets, a framework's
profile, any resource's description, the ontology's terms and the canned queries.

The store is read-only while the server runs, so what every page needs once (labels, the
table in each language, the facet values) is read once and kept.
"""

from __future__ import annotations

import threading
from pathlib import Path
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import pyoxigraph as ox

from dlkg import views
from dlkg.catalogue import internal_queries
from dlkg.errors import UsageError
from dlkg.namespaces import DLKG, PREFIXES
from dlkg.stores import QueryResult, Store
from dlkg.table import Table, build_table
from dlkg.views import LEVELS, W3ID, local_path

__all__ = ["Site", "Option", "FacetState", "LEVELS", "FACET_PROPERTIES", "W3ID", "TEMPLATES", "local_path",
           "template_environment"]

_QUERIES = internal_queries(__file__)  # dlkg/serve/queries/*.rq
#: The pages' Jinja templates (the server's pages and ``dlkg docs``).
TEMPLATES = Path(__file__).resolve().parent / "templates"

#: Facet parameter -> (dlkg.find facet name, property linking a framework to the value).
FACET_PROPERTIES: dict[str, tuple[str, str]] = {
    "interface": ("interface", DLKG + "hasInterface"),
    "platform": ("platform", DLKG + "runsOn"),
    "language": ("language", DLKG + "implementedIn"),
}
#: dlkg.find's facet names -> the page's URL parameters (for error messages).
_PARAMETER_OF = {"supports": "capability", "lacks": "capability"}


def template_environment():  # -> jinja2.Environment
    """The one Jinja environment of dlkg's pages, used by the server and by ``dlkg docs``:
    autoescaped, with ``local_path``, the prefixes (``PREFIXES``, for the editor), the
    ``w3id_path`` filter and the ``web`` test.

    >>> template_environment().from_string("{{ x }}{{ 'https://w3id.org/dlkg/resource/A' | w3id_path }}").render(x="<b>")
    '&lt;b&gt;/resource/A'
    """
    import jinja2

    from dlkg.serve.i18n import LANGUAGES

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    env.globals.update(local_path=local_path, LANGUAGES=LANGUAGES, PREFIXES=PREFIXES)
    env.filters["w3id_path"] = lambda iri: local_path(iri) or iri
    # Only web addresses become links to elsewhere (never javascript: or data: IRIs).
    env.tests["web"] = lambda value: str(value).startswith(("http://", "https://"))
    return env


@dataclass(frozen=True)
class Option:
    """One value of a facet: what goes in the URL, what is shown, how many frameworks have it."""

    value: str
    label: str
    count: int = 0


@dataclass
class FacetState:
    """The facet values a request selected, and the frameworks that match them all."""

    selected: dict[str, list[str]] = field(default_factory=dict)
    level: str = ""
    matches: list[str] | None = None  # framework IRIs; None: no filter given
    error: str = ""

    @property
    def active(self) -> bool:
        return self.matches is not None


class Site:
    """Read-only views of one store for the pages, cached."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._tables: dict[str, Table] = {}

    def query(self, name: str, **params: ox.NamedNode | ox.Literal) -> QueryResult:
        """Run one of the pages' own (vetted) queries, ``dlkg/serve/queries/NAME.rq``."""
        return _QUERIES.run(self.store, name, **params)

    # -- labels ------------------------------------------------------------------------

    @cached_property
    def labels(self) -> views.Labels:
        """The store's labels, read once."""
        return views.Labels(self.store)

    def label(self, iri: str, lang: str = "en") -> str:
        """The IRI's label in ``lang`` (else English, else untagged, else its local name)."""
        return self.labels.label(iri, lang)

    def has_label(self, iri: str, lang: str) -> bool:
        return self.labels.has_label(iri, lang)

    # -- Table 14.1 and its facets ---------------------------------------------------------

    def table(self, lang: str) -> Table:
        """Table 14.1 rebuilt from the graph (:func:`dlkg.table.build_table`), per language."""
        with self._lock:
            if lang not in self._tables:
                self._tables[lang] = build_table(lang=lang, store=self.store)
            return self._tables[lang]

    @cached_property
    def cell_levels(self) -> dict[tuple[str, int], str]:
        """(framework IRI, column index) -> the statement's actual support level parameter
        (``supported``, ``not-supported``, ``conditional``), for colouring the table's cells."""
        columns = [row[0].value for row in self.query("table-column-order").rows]
        index = {column: i for i, column in enumerate(columns)}
        by_level = {iri: name for name, iri in LEVELS.items()}
        levels = {}
        for framework, column, level in self.query("cell-levels").rows:
            if column.value in index and level.value in by_level:
                levels[(framework.value, index[column.value])] = by_level[level.value]
        return levels

    @cached_property
    def _facet_counts(self) -> dict[str, list[tuple[str, int]]]:
        counts = {}
        for name, (_, prop) in FACET_PROPERTIES.items():
            rows = self.query("facet-counts", property=ox.NamedNode(prop)).rows
            counts[name] = [(value.value, int(n.value)) for value, n in rows]
        return counts

    def facet_options(self, lang: str) -> dict[str, list[Option]]:
        """The values of each facet (interface, platform, language): English label in the URL,
        the label in ``lang`` on the page, sorted by English label."""
        options = {}
        for name, values in self._facet_counts.items():
            items = [Option(self.label(iri, "en"), self.label(iri, lang), n) for iri, n in values]
            options[name] = sorted(items, key=lambda o: (o.value.casefold(), o.value))
        return options

    @cached_property
    def capabilities(self) -> list[tuple[str, str]]:
        """(short name, capability IRI) of every capability, in the table's column order first."""
        return views.capabilities(self.store)

    def capability_options(self, lang: str) -> list[Option]:
        return [Option(short, self.label(iri, lang)) for short, iri in self.capabilities]

    def level_options(self, lang: str) -> list[Option]:
        return [Option(name, self.label(iri, lang)) for name, iri in LEVELS.items()]

    def frameworks(self) -> list[str]:
        """Framework IRIs in the table's row order."""
        return [row.framework for row in self.table("en").rows]

    def filter(self, params: Mapping[str, Sequence[str]]) -> FacetState:
        """The frameworks matching every selected facet value.

        ``interface``, ``platform``, ``language``: every given value must hold (as ``dlkg
        find``). ``capability`` with ``level`` (``supported``, the default, ``not-supported``,
        ``conditional``): every given capability has that support level. A ``level`` without
        capabilities: the framework has some capability at that level.
        """
        from dlkg.find import find, resolve

        state = FacetState()
        facets: dict[str, list[str]] = {}
        for name, (facet, _) in FACET_PROPERTIES.items():
            values = [v for v in params.get(name, []) if v]
            if values:
                state.selected[name] = values
                facets[facet] = values
        capabilities = [v for v in params.get("capability", []) if v]
        if capabilities:
            state.selected["capability"] = capabilities
        levels = [v for v in params.get("level", []) if v]
        state.level = levels[-1] if levels else ""
        if state.level and state.level not in LEVELS:
            state.error = f"unknown support level {state.level!r}; known: {', '.join(LEVELS)}"
            state.matches = []
            return state
        if not facets and not capabilities and not state.level:
            return state
        level = state.level or "supported"
        try:
            if capabilities and level == "supported":
                facets["supports"] = capabilities
            elif capabilities and level == "not-supported":
                facets["lacks"] = capabilities
            matched = [row[0].value for row in find(store=self.store, **facets).rows]
            if capabilities and level == "conditional":
                for capability in capabilities:
                    iri = resolve("supports", capability, self.store)
                    allowed = {row[0].value for row in self.query("frameworks-conditional", capability=iri).rows}
                    matched = [f for f in matched if f in allowed]
            elif not capabilities and state.level:
                allowed = {row[0].value for row in self.query("frameworks-at-level",
                                                              level=ox.NamedNode(LEVELS[level])).rows}
                matched = [f for f in matched if f in allowed]
        except UsageError as err:
            facet = err.param or ""
            state.error = f"{_PARAMETER_OF.get(facet, facet)}: {err.message}"
            state.matches = []
            return state
        order = {iri: i for i, iri in enumerate(self.frameworks())}
        state.matches = sorted(matched, key=lambda iri: order.get(iri, len(order)))
        return state

    # -- resources -----------------------------------------------------------------------

    def exists(self, iri: str) -> bool:
        """Whether the store says anything about the IRI (as subject or object)."""
        return bool(self.query("resource-exists", resource=ox.NamedNode(iri)).boolean)

    def describe(self, iri: str) -> list[ox.Triple]:
        """The IRI's triples: those it is the subject of, and those that point at it."""
        return list(self.query("resource-describe", resource=ox.NamedNode(iri)).triples)

    def is_framework(self, iri: str) -> bool:
        return bool(self.query("is-framework", resource=ox.NamedNode(iri)).boolean)

    def framework(self, iri: str, lang: str) -> dict:
        """What a framework's page shows (:func:`dlkg.views.framework_profile`)."""
        return views.framework_profile(self.store, iri, lang, labels=self.labels, capability_order=self.capabilities)

    def term(self, term, lang: str) -> dict:
        """A term of a description, ready for a template (:func:`dlkg.views.term_view`)."""
        return views.term_view(term, self.labels, lang)

    def resource(self, iri: str, lang: str) -> dict:
        """Any resource's page (:func:`dlkg.views.resource_view`)."""
        return views.resource_view(self.store, iri, lang, labels=self.labels)

    # -- ontology ------------------------------------------------------------------------

    def ontology_terms(self, lang: str) -> list[dict]:
        """The dlkg terms, grouped by kind (:func:`dlkg.views.ontology_terms`)."""
        return views.ontology_terms(self.store, lang)
