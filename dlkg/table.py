"""Table 14.1 rebuilt from the graph alone, by SPARQL: columns, rows and cells in the source's order.

>>> table = build_table(lang="en")
>>> table.headers[:3]
['Framework', 'Developer', 'Implementation language']
>>> table.rows[0].cells[4].text
'Python, MATLAB'
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass, field

from dlkg.catalogue import internal_queries
from dlkg.errors import UsageError
from dlkg.namespaces import DLKG
from dlkg.output import printable
from dlkg.stores import Store, open_store
from dlkg.views import Labels

__all__ = ["Cell", "Row", "Table", "build_table", "render", "TABLE_FORMATS", "LANGUAGES"]

TABLE_FORMATS = ("md", "csv", "html")
LANGUAGES = ("zh", "en")

_QUERIES = internal_queries(__file__)  # dlkg/queries/table-*.rq

_SUPPORTED = DLKG + "Supported"
#: What a cell no statement fills shows: unknown is not "not supported".
_UNKNOWN = {"en": "unknown", "zh": "未知"}
_CONDITIONAL_LEVEL = DLKG + "Conditional"
#: A conditional cell of a view read from pages (the book printed its one as 不支持, footnote e).
_CONDITIONAL = {"en": "conditional", "zh": "有条件"}


@dataclass(frozen=True)
class Cell:
    """One cell: its plain text and the footnote marker attached to it (``""`` if none)."""

    text: str
    marker: str = ""


@dataclass(frozen=True)
class Row:
    """One framework's row."""

    framework: str
    cells: tuple[Cell, ...]


@dataclass
class Table:
    """Table 14.1 in one language: title, headers (with their markers), rows, footnotes."""

    title: str
    headers: list[str]
    header_markers: list[str]
    rows: list[Row]
    footnotes: list[tuple[str, str]] = field(default_factory=list)
    #: Which view the table is of, in the table's language (a line under the title).
    view: str = ""


def build_table(*, lang: str = "zh", store: Store | None = None, view=None) -> Table:
    """Rebuild Table 14.1 from the graph.

    Args:
        lang: ``zh`` for the source's headers and words (支持/不支持/提供/不提供), ``en`` for
            English headers and Yes/No.
        store: Where to read the graph; the packaged graph when omitted.
        view: The dated view to read (:func:`dlkg.timeviews.resolve`); None: the store's.

    Raises:
        UsageError: an unknown language.
    """
    if lang not in LANGUAGES:
        raise UsageError(f"unknown language {lang!r} (known: {', '.join(LANGUAGES)})", param="lang")
    from dlkg.query import read_view

    store = read_view(store, view) or open_store()
    import pyoxigraph as ox

    lang_term = ox.Literal(lang)
    columns = _QUERIES.run(store, "table-columns", lang=lang_term).rows
    index = {col[0].value: i for i, col in enumerate(columns)}
    words = {col[0].value: {_SUPPORTED: col[4].value} if col[4] else {} for col in columns}
    negative = {col[0].value: col[5].value if col[5] else "" for col in columns}

    cells: dict[str, dict[int, list[str] | Cell]] = {}
    row_position: dict[str, int] = {}
    # A value without an English label is shown by another label, else its IRI's local name
    # (views.Labels.label): a store with other data must not break the table.
    labels = Labels(store)
    seen: set[str] = set()
    for framework, column, position, entry, printed, value in _QUERIES.run(store, "table-list-cells").rows:
        if entry.value in seen:  # an entry naming two values ("C/C++") is one printed item
            continue
        seen.add(entry.value)
        text = printed.value if printed is not None else labels.label(value.value, "en") if value is not None else ""
        cells.setdefault(framework.value, {}).setdefault(index[column.value], []).append(text)
        if index[column.value] == 0:  # the framework column's entries give the row order
            row_position[framework.value] = int(position.value)
    for framework, column, level, marker in _QUERIES.run(store, "table-capability-cells").rows:
        word = (_CONDITIONAL[lang] if level.value == _CONDITIONAL_LEVEL
                else words[column.value].get(level.value, negative[column.value]))
        cells.setdefault(framework.value, {})[index[column.value]] = Cell(word, marker.value if marker else "")

    from dlkg.timeviews import BOOK

    chosen = store.view or BOOK
    # A view read from pages marks each cell with its pages (numbered in table order and
    # listed under the table); the book's table has its own footnotes.
    sources: dict[tuple[str, int], list[tuple[str, str]]] = {}
    if chosen.name != BOOK.name:
        for framework, column, page, title in _QUERIES.run(store, "table-cell-sources").rows:
            if column.value in index:
                sources.setdefault((framework.value, index[column.value]), []).append(
                    (page.value, title.value if title is not None else page.value))
    numbers: dict[str, int] = {}
    rows = []
    for framework in sorted(cells, key=lambda f: row_position.get(f, len(row_position) + 1)):
        by_column = cells[framework]
        row_cells = []
        for i in range(len(columns)):  # a cell no statement fills is unknown, never skipped
            value = by_column.get(i)
            cell = value if isinstance(value, Cell) else Cell(", ".join(value)) if value else Cell(_UNKNOWN[lang])
            pages = sorted(sources.get((framework, i), []))
            if pages:
                marks = [str(numbers.setdefault(url, len(numbers) + 1)) for url, _ in pages]
                cell = Cell(cell.text, ",".join(sorted(set(marks), key=int)))
            row_cells.append(cell)
        rows.append(Row(framework, tuple(row_cells)))

    title_rows = _QUERIES.run(store, "table-title", lang=lang_term).rows
    titles = {url: title for found in sources.values() for url, title in found}
    footnotes = [(m.value, t.value) for m, t in _QUERIES.run(store, "table-footnotes", lang=lang_term).rows]
    footnotes += [(str(n), f"{titles[url]} <{url}>") for url, n in numbers.items()]
    return Table(
        view=chosen.caption(lang),
        title=title_rows[0][0].value if title_rows else "",
        headers=[col[2].value for col in columns],
        header_markers=[col[6].value if col[6] else "" for col in columns],
        rows=rows,
        footnotes=footnotes,
    )


def render(table: Table, format: str = "md") -> str:
    """The table as Markdown, CSV or HTML text.

    Markdown and HTML carry the footnote markers and the footnotes beneath; CSV holds plain
    values, a header row and one row per framework. Control characters are left out
    (:func:`dlkg.output.printable`).

    Raises:
        UsageError: an unknown format.
    """
    # Labels come from the data (any store): none may carry terminal escapes to the screen.
    if format == "md":
        return printable(_markdown(table))
    if format == "csv":
        return printable(_csv(table))
    if format == "html":
        return printable(_html(table))
    raise UsageError(f"unknown table format {format!r} (known: {', '.join(TABLE_FORMATS)})", param="format")


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def _marked(text: str, marker: str, escape=_md_escape) -> str:
    return f"{escape(text)}<sup>{marker}</sup>" if marker else escape(text)


def _markdown(table: Table) -> str:
    lines = [f"**{table.title}**", ""] + ([_md_escape(table.view), ""] if table.view else [])
    lines.append("| " + " | ".join(_marked(h, m) for h, m in zip(table.headers, table.header_markers)) + " |")
    lines.append("|" + "---|" * len(table.headers))
    for row in table.rows:
        lines.append("| " + " | ".join(_marked(c.text, c.marker) for c in row.cells) + " |")
    lines.append("")
    lines.extend(f"<sup>{marker}</sup> {_md_escape(text)}  " for marker, text in table.footnotes)
    return "\n".join(lines).rstrip() + "\n"


def _csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([c.text for c in row.cells])
    return out.getvalue()


def _html(table: Table) -> str:
    esc = html.escape

    def marked(text: str, marker: str) -> str:
        return f'{esc(text)}<sup><a href="#footnote-{marker}">{marker}</a></sup>' if marker else esc(text)

    head = "".join(f"<th>{marked(h, m)}</th>" for h, m in zip(table.headers, table.header_markers))
    body = "\n".join("<tr>" + "".join(f"<td>{marked(c.text, c.marker)}</td>" for c in row.cells) + "</tr>"
                     for row in table.rows)
    notes = "\n".join(f'<li id="footnote-{m}"><sup>{m}</sup> {esc(t)}</li>' for m, t in table.footnotes)
    view = f"<br/><small>{esc(table.view)}</small>" if table.view else ""
    return (f"<table>\n<caption>{esc(table.title)}{view}</caption>\n<thead><tr>{head}</tr></thead>\n"
            f"<tbody>\n{body}\n</tbody>\n</table>\n<ol class=\"footnotes\">\n{notes}\n</ol>\n")
