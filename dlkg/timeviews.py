"""The dated views of the graph: which one a reader asked for, and what each answer says of it.

A view is a dated set of statements in its own named graph, read with the ontology: the
book's (``2018``, the data graph) and the ``current`` one (read from public pages; its date is
the ``dcterms:date`` of ``res:CurrentView`` in the data). The book's view is the default.

>>> resolve().name, resolve(as_of="2020-01-01").name, resolve(view="current").name
('2018', '2018', 'current')
>>> resolve(as_of="2026-12-06").name
'current'
>>> resolve(as_of="2017-01-01")
Traceback (most recent call last):
...
dlkg.errors.UsageError: as_of: there is no view on or before 2017-01-01 (the first is the book's view (2018))
>>> BOOK.caption()
"view: the book's view (2018)"
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from dlkg.errors import UsageError
from dlkg.resources import CURRENT_FILE, CURRENT_GRAPH, DATA_GRAPH, ONTOLOGY_GRAPH, RES

TYPE_CHECKING = False  # typing itself costs start-up time; only type checkers read this
if TYPE_CHECKING:
    import datetime

__all__ = ["View", "BOOK", "CURRENT", "VIEWS", "VIEW_BASE", "resolve", "views", "add_sources"]

#: Base of the views' IRIs (each is a ``dlkg:View``; the SPARQL JSON head's ``link`` names it).
VIEW_BASE = "https://w3id.org/dlkg/view/"


class View:
    """One dated view of the graph.

    Attributes:
        name: What ``--view`` calls it (``2018``, ``current``).
        graph: The named graph holding its statements (read with the ontology graph).
        iri: The view's IRI, under :data:`VIEW_BASE`.
    """

    __slots__ = ("name", "graph", "iri", "_labels", "_date")

    def __init__(self, name: str, graph: str, labels: Mapping[str, str], date: str | None = None) -> None:
        self.name, self.graph, self.iri = name, graph, VIEW_BASE + name
        self._labels, self._date = dict(labels), date

    @property
    def date(self) -> str:
        """The view's date as ISO text: a year for the book, a day for the current view."""
        return self._date or _current_date()

    @property
    def start(self) -> datetime.date:
        """The first day the view speaks for (a year's view: its 1 January)."""
        import datetime  # only dated questions need it, not the main job (dlkg/_lazy.py)

        text = self.date
        return datetime.date(int(text), 1, 1) if len(text) == 4 else datetime.date.fromisoformat(text)

    @property
    def graphs(self) -> tuple[str, str]:
        """The graphs a query of this view reads: the ontology and the view's own."""
        return ONTOLOGY_GRAPH, self.graph

    @property
    def hidden(self) -> frozenset[str]:
        """The other views' graphs: never read with this one (they disagree by design)."""
        return frozenset(v.graph for v in VIEWS.values() if v is not self)

    def label(self, lang: str = "en") -> str:
        """The view's name for people, with its date.

        >>> CURRENT.label("zh")
        '当前视图（2026-12-06）'
        """
        return self._labels.get(lang, self._labels["en"]).format(date=self.date)

    def caption(self, lang: str = "en") -> str:
        """The line that says which view an answer is of.

        >>> BOOK.caption("zh")
        '视图：书中的视图（2018年）'
        """
        return ("视图：" if lang == "zh" else "view: ") + self.label(lang)

    def __repr__(self) -> str:
        return f"View({self.name!r})"


@cache
def _current_date() -> str:
    """``dcterms:date`` of ``res:CurrentView``, read from the packaged current view."""
    import pyoxigraph as ox

    subject, date = ox.NamedNode(RES + "CurrentView"), ox.NamedNode("http://purl.org/dc/terms/date")
    for triple in ox.parse(path=CURRENT_FILE, format=ox.RdfFormat.TURTLE):
        if triple.subject == subject and triple.predicate == date:
            return triple.object.value
    raise UsageError(f"{CURRENT_FILE} gives res:CurrentView no dcterms:date", param="view")


BOOK = View("2018", DATA_GRAPH, {"en": "the book's view ({date})", "zh": "书中的视图（{date}年）"}, "2018")
CURRENT = View("current", CURRENT_GRAPH, {"en": "the current view ({date})", "zh": "当前视图（{date}）"})
#: Every view by name, oldest first.
VIEWS: dict[str, View] = {v.name: v for v in (BOOK, CURRENT)}


def views() -> list[View]:
    """Every view, oldest first."""
    return list(VIEWS.values())


def resolve(view: str | View | None = None, as_of: str | datetime.date | None = None) -> View:
    """The view a reader asked for: by name, or the latest one dated on or before ``as_of``.

    Args:
        view: ``2018`` or ``current`` (a :class:`View` passes through).
        as_of: An ISO date (``2020-01-01``): the latest view whose date is on or before it.

    Returns:
        The view; the book's when neither is given.

    Raises:
        UsageError: an unknown view, a date that is not ISO or comes before every view, or
            both given and naming different views.

    >>> resolve("2018", "2026-12-06")
    Traceback (most recent call last):
    ...
    dlkg.errors.UsageError: as_of: 2026-12-06 is the current view (2026-12-06), not the book's view (2018) that view names
    """
    chosen = None
    if view is not None:
        chosen = view if isinstance(view, View) else VIEWS.get(str(view).strip().lower())
        if chosen is None:
            raise UsageError(f"unknown view {view!r} (known: {', '.join(VIEWS)})", param="view")
    if as_of is None:
        return chosen or BOOK
    import datetime  # only dated questions need it, not the main job (dlkg/_lazy.py)

    if isinstance(as_of, datetime.date):
        day = as_of
    else:
        try:
            day = datetime.date.fromisoformat(str(as_of).strip())
        except ValueError:
            raise UsageError(f"not an ISO date (YYYY-MM-DD): {as_of!r}", param="as_of") from None
    dated = [v for v in VIEWS.values() if v.start <= day]
    if not dated:
        raise UsageError(f"there is no view on or before {day.isoformat()} (the first is {BOOK.label()})",
                         param="as_of")
    latest = max(dated, key=lambda v: v.start)
    if chosen is not None and chosen is not latest:
        raise UsageError(f"{day.isoformat()} is {latest.label()}, not {chosen.label()} that view names", param="as_of")
    return latest


# -- sources of an answer (the current view) ----------------------------------------------

def add_sources(result, store, query: str, bindings: Mapping[str, object] | None = None):
    """The result with a ``sources`` column: the pages behind each row's facts.

    The rule, one for every query: a row's frameworks are the ``dlkg:Framework`` IRIs it
    shows; its sources are the pages (``prov:wasDerivedFrom``) of the view's statements about
    those frameworks (list entries and capability statements) whose value or capability is
    something the query names (an IRI in its text), a parameter's bound value (matched by
    label, any case) or another value the row shows (an IRI, or a label); where the query
    names list properties (``dlkg:hasInterface``...), a list entry counts only in a column
    of one of them (Python the interface, not Python the implementation language). A
    statement about the framework's own row (its name) is not a source of the answer. Pages are listed by
    address, sorted, separated by a space; a row with no such statement has none.

    Args:
        result: A SELECT result of the view.
        store: The store it ran on, pointed at the view.
        query: The query's text (its IRIs count as named).
        bindings: The values bound to its parameters.
    """
    import pyoxigraph as ox

    from dlkg.catalogue import internal_queries
    from dlkg.stores.base import QueryResult

    if result.kind != "select" or "sources" in result.variables:
        return result
    from dlkg.sparql import named_iris

    named = named_iris(query)
    wanted = {str(getattr(v, "value", v)).casefold() for v in (bindings or {}).values()}
    found = internal_queries(__file__).run(store, "statement-sources").rows
    columns = named & {prop.value for _, _, _, prop, _ in found if prop is not None}
    statements: dict[str, list[tuple[str, set[str], str]]] = {}
    for framework, about, names, prop, page in found:
        if columns and prop is not None and prop.value not in columns:
            continue  # a list entry in a column the query does not ask about
        statements.setdefault(framework.value, []).append(
            (about.value, set(names.value.casefold().split("\t")) if names else set(), page.value))
    rows = []
    for row in result.rows:
        frameworks = {t.value for t in row if isinstance(t, ox.NamedNode) and t.value in statements}
        shown = {t.value for t in row if isinstance(t, ox.NamedNode)} - frameworks
        labels = wanted | {t.value.casefold() for t in row if isinstance(t, ox.Literal)}
        pages = sorted({page for f in frameworks for about, names, page in statements[f]
                        if about != f and (about in named or about in shown or names & labels)})
        rows.append(row + ((ox.Literal(" ".join(pages)) if pages else None),))
    return QueryResult("select", result.variables + ("sources",), tuple(rows))
