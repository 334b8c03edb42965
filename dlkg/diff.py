"""What changed between two views, cell by cell: ``dlkg diff``.

The views are compared as Table 14.1's cells (the framework column gives a view's rows). Each
view is read from its own named graph (``GRAPH ?_graph`` in ``queries/diff-*.rq``), never
merged with the other one, in a store holding the ontology and both views.

A change is one of:

- ``row added`` / ``row removed``: a framework with a row in one view only (one change for the
  whole row);
- ``added`` / ``removed``: a cell known in one view only (the other leaves it unknown);
- ``level changed``: a capability cell whose support level differs;
- ``list changed``: a list cell whose values differ (``values_added``, ``values_removed``).

Each change carries the sources of its cell on both sides: a part of the book by its
identifier (``14.1``), a web page by its address and title.

>>> changes = diff_views(source="2018", target="current")
>>> [(c.framework, c.before, c.after) for c in changes if c.framework == "Theano" and c.kind == "level changed"]
[('Theano', 'not supported', 'conditional')]
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox

from dlkg.catalogue import internal_queries
from dlkg.errors import UsageError
from dlkg.namespaces import DLKG
from dlkg.output import printable
from dlkg.resources import CURRENT_FILE, CURRENT_GRAPH, DATA_FILE, DATA_GRAPH, ONTOLOGY_FILE, ONTOLOGY_GRAPH

__all__ = ["DIFF_FORMATS", "Source", "Change", "views_store", "diff_views", "render_diff"]

#: View name to its named graph: the book's view (2018) and the current view.
DIFF_FORMATS = ("md", "csv", "json")
#: The order of kinds within one cell (a row's change first).
KINDS = ("row added", "row removed", "added", "removed", "level changed", "list changed")

_QUERIES = internal_queries(__file__)  # dlkg/queries/diff-*.rq
_FRAMEWORK_COLUMN = "https://w3id.org/dlkg/resource/Table14-1-framework"
_LEVEL_WORDS = {
    "en": {DLKG + "Supported": "supported", DLKG + "NotSupported": "not supported", DLKG + "Conditional": "conditional"},
    "zh": {DLKG + "Supported": "支持", DLKG + "NotSupported": "不支持", DLKG + "Conditional": "有条件"},
}
_HEADERS = {
    "en": ("Framework", "Column", "Change", "From", "To", "Sources (from)", "Sources (to)"),
    "zh": ("开发框架", "列", "变化", "原值", "新值", "来源（原）", "来源（新）"),
}
_KIND_WORDS = {"zh": {"row added": "新增行", "row removed": "删除行", "added": "新增", "removed": "删除",
                      "level changed": "支持程度变化", "list changed": "列表变化"}}


@dataclass(frozen=True, order=True)
class Source:
    """Where a cell comes from: a part of the book (``id``: ``14.1``) or a web page (``title``)."""

    iri: str
    id: str = ""
    title: str = ""

    def text(self) -> str:
        """One line for people: ``book 14.1`` or ``title <address>``.

        >>> Source("https://w3id.org/dlkg/resource/Table14-1", id="14.1").text()
        'book 14.1'
        >>> Source("https://example.org/p", title="P").text()
        'P <https://example.org/p>'
        """
        if self.id:
            return f"book {self.id}"
        return f"{self.title} <{self.iri}>" if self.title else f"<{self.iri}>"


@dataclass(frozen=True)
class Change:
    """One change of one cell (or of a whole row, ``column`` then being the framework column)."""

    framework: str
    column: str
    kind: str
    before: str = ""
    after: str = ""
    values_added: tuple[str, ...] = ()
    values_removed: tuple[str, ...] = ()
    sources_before: tuple[Source, ...] = field(default=())
    sources_after: tuple[Source, ...] = field(default=())

    def kind_words(self, lang: str = "en") -> str:
        """The kind of change in words of ``lang``.

        >>> Change("JAX", "Framework", "row added").kind_words("zh")
        '新增行'
        """
        return _KIND_WORDS.get(lang, {}).get(self.kind, self.kind)

    def as_dict(self) -> dict:
        """The change as plain JSON values."""
        return {
            "framework": self.framework, "column": self.column, "kind": self.kind,
            "from": self.before, "to": self.after,
            "values_added": list(self.values_added), "values_removed": list(self.values_removed),
            "sources_from": [_source_dict(s) for s in self.sources_before],
            "sources_to": [_source_dict(s) for s in self.sources_after],
        }


def _source_dict(source: Source) -> dict:
    return {key: value for key, value in (("iri", source.iri), ("id", source.id), ("title", source.title)) if value}


@lru_cache(maxsize=1)  # the packaged files do not change while the process runs
def views_store():
    """A store with the ontology and each view in its own named graph (no view in the default graph).

    >>> sorted(views_store().named_graphs()) == sorted([ONTOLOGY_GRAPH, DATA_GRAPH, CURRENT_GRAPH])
    True
    """
    from dlkg.stores.oxigraph import MemoryStore

    store = MemoryStore([(ONTOLOGY_FILE, ox.NamedNode(ONTOLOGY_GRAPH)), (DATA_FILE, ox.NamedNode(DATA_GRAPH)),
                         (CURRENT_FILE, ox.NamedNode(CURRENT_GRAPH))])
    store.hidden_graphs = frozenset()  # labels of both views' things (each view is read by GRAPH)
    return store


@dataclass
class _Cell:
    """A cell of one view: its values (in order) or support level, and its sources."""

    column_position: int
    values: list[str] = field(default_factory=list)
    level: str = ""
    sources: set[str] = field(default_factory=set)


def _read_view(store, graph: str) -> tuple[dict[tuple[str, str], _Cell], dict[str, Source]]:
    """The cells of one view by (framework, column), and its sources by IRI."""
    graph_node = ox.NamedNode(graph)
    cells: dict[tuple[str, str], _Cell] = {}
    for framework, column, column_position, _, value, source in _QUERIES.run(store, "diff-list-cells", graph=graph_node).rows:
        cell = cells.setdefault((framework.value, column.value), _Cell(int(column_position.value)))
        if value.value not in cell.values:
            cell.values.append(value.value)
        if source is not None:
            cell.sources.add(source.value)
    for framework, column, column_position, level, source in _QUERIES.run(store, "diff-capability-cells", graph=graph_node).rows:
        cell = cells.setdefault((framework.value, column.value), _Cell(int(column_position.value)))
        cell.level = level.value
        if source is not None:
            cell.sources.add(source.value)
    sources: dict[str, Source] = {}
    for iri, id_, title in _QUERIES.run(store, "diff-sources", graph=graph_node).rows:
        sources.setdefault(iri.value, Source(iri.value, id=id_.value if id_ else "", title=title.value if title else ""))
    return cells, sources


def diff_views(*, source: str = "2018", target: str = "current", lang: str = "en", store=None) -> list[Change]:
    """The changes from view ``source`` to view ``target``, sorted by framework, column
    (in the table's order) and kind.

    Args:
        source: The view compared from (a name of :mod:`dlkg.timeviews`: ``2018``, ``current``).
        target: The view compared to.
        lang: Language of labels and level words (``en`` or ``zh``).
        store: A store holding the ontology and both views in their named graphs
            (default: :func:`views_store`).

    Raises:
        UsageError: an unknown view or language.
    """
    from dlkg import timeviews

    graphs = {view.name: view.graph for view in timeviews.views()}
    for name, param in ((source, "source"), (target, "target")):
        if name not in graphs:
            raise UsageError(f"unknown view {name!r} (known: {', '.join(graphs)})", param=param)
    if lang not in _LEVEL_WORDS:
        raise UsageError(f"unknown language {lang!r} (known: {', '.join(_LEVEL_WORDS)})", param="lang")
    from dlkg.views import Labels

    store = store or views_store()
    labels = Labels(store)
    before, before_sources = _read_view(store, graphs[source])
    after, after_sources = _read_view(store, graphs[target])
    rows_before = {f for f, c in before if c == _FRAMEWORK_COLUMN}
    rows_after = {f for f, c in after if c == _FRAMEWORK_COLUMN}

    def label(iri: str) -> str:
        return labels.label(iri, lang)

    def text(cell: _Cell | None) -> str:
        if cell is None:
            return ""
        return _LEVEL_WORDS[lang].get(cell.level, label(cell.level)) if cell.level else ", ".join(map(label, cell.values))

    def sources(cell: _Cell | None, known: dict[str, Source]) -> tuple[Source, ...]:
        return tuple(sorted(known.get(iri, Source(iri)) for iri in (cell.sources if cell else ())))

    changes: list[tuple[tuple, Change]] = []
    for framework, column in sorted(before.keys() | after.keys()):
        old, new = before.get((framework, column)), after.get((framework, column))
        whole_row = (framework in rows_before) != (framework in rows_after)
        if whole_row and column != _FRAMEWORK_COLUMN:
            continue  # a row in one view only is one change, not one per cell
        if whole_row:
            kind = "row added" if new else "row removed"
        elif old is None:
            kind = "added"
        elif new is None:
            kind = "removed"
        elif old.level != new.level:
            kind = "level changed"
        elif old.values != new.values and set(old.values) != set(new.values):
            kind = "list changed"
        else:
            continue  # the same values (an order the page gives differently is no change)
        position = (old or new).column_position
        change = Change(
            framework=label(framework), column=label(column), kind=kind, before=text(old), after=text(new),
            values_added=tuple(label(v) for v in new.values if v not in old.values) if kind == "list changed" else (),
            values_removed=tuple(label(v) for v in old.values if v not in new.values) if kind == "list changed" else (),
            sources_before=sources(old, before_sources), sources_after=sources(new, after_sources),
        )
        changes.append(((change.framework.casefold(), position, KINDS.index(kind)), change))
    return [change for _, change in sorted(changes, key=lambda pair: pair[0])]


def render_diff(changes: list[Change], format: str = "md", *, lang: str = "en", source: str = "2018",
                target: str = "current") -> str:
    """The changes as a Markdown table, CSV or JSON (``{"from", "to", "changes"}``).

    Raises:
        UsageError: an unknown format.

    >>> print(render_diff([Change("X", "Developer", "added", after="Y")], "csv"), end="")
    framework,column,change,from,to,sources_from,sources_to
    X,Developer,added,,Y,,
    """
    if format == "json":
        document = {"from": source, "to": target, "changes": [c.as_dict() for c in changes]}
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["framework", "column", "change", "from", "to", "sources_from", "sources_to"])
        for c in changes:
            writer.writerow([c.framework, c.column, c.kind, c.before, c.after,
                             " ; ".join(s.text() for s in c.sources_before),
                             " ; ".join(s.text() for s in c.sources_after)])
        return printable(out.getvalue())
    if format == "md":
        lines = [f"**{source} → {target}: {len(changes)} changes**", "",
                 "| " + " | ".join(_HEADERS[lang]) + " |", "|" + "---|" * len(_HEADERS[lang])]
        for c in changes:
            cells = [c.framework, c.column, c.kind_words(lang), c.before, c.after,
                     "<br>".join(s.text() for s in c.sources_before), "<br>".join(s.text() for s in c.sources_after)]
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
        return printable("\n".join(lines) + "\n")
    raise UsageError(f"unknown diff format {format!r} (known: {', '.join(DIFF_FORMATS)})", param="format")
