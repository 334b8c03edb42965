"""One framework's profile as text, for ``dlkg show``: the same view model as the framework's
web page (:func:`dlkg.views.framework_profile`), rendered for a terminal.

>>> print(render_profile("keras").splitlines()[0])
Keras  [view: the book's view (2018)]
"""

from __future__ import annotations

import difflib

from dlkg import views
from dlkg.catalogue import internal_queries
from dlkg.errors import UsageError
from dlkg.output import printable
from dlkg.stores import Store, open_store

__all__ = ["render_profile", "framework_names", "profile_text"]

_QUERIES = internal_queries(__file__)  # dlkg/queries/framework-names.rq


def framework_names(store: Store) -> list[str]:
    """The frameworks' English labels, sorted."""
    return _QUERIES.run(store, "framework-names").values("label")


def profile_text(view: dict) -> str:
    """A framework's profile view model (:func:`dlkg.views.framework_profile`) as plain text."""
    name = view["name"]
    rows = [(row["label"], ", ".join(t["label"] for t in row["terms"])) for row in view["profile"]]
    if view["model_zoos"]:
        rows.append(("model zoo", ", ".join(view["model_zoos"])))
    rows += [(f"capability: {c['capability']['label']}", _capability_text(c)) for c in view["capabilities"]]
    width = max((len(label) for label, _ in rows), default=0)
    lines = [name, "=" * len(name)] + [f"{label:<{width}}  {value}" for label, value in rows]
    for key, heading, mark in (("strengths", "Strengths", "✓"), ("weaknesses", "Weaknesses", "X")):
        if view[key]:
            lines += ["", f"{heading} (section 14.2):"]
            lines += [f"  {mark} {bullet['zh']} — {bullet['en']}" for bullet in view[key]]
    return printable("\n".join(lines) + "\n")


def _capability_text(statement: dict) -> str:
    """A capability cell in words: its level, its condition, what the table printed (where it
    differs) and its footnote, e.g. ``conditional (...); printed: not supported; footnote e: ...``."""
    parts = [statement["level_label"] + (f" ({statement['condition']})" if statement["condition"] else "")]
    if statement["printed_label"]:
        parts.append(f"printed: {statement['printed_label']}")
    if statement["marker"]:
        parts.append(f"footnote {statement['marker']}" + (f": {statement['footnote']}" if statement["footnote"] else ""))
    return "; ".join(parts)


def render_profile(framework: str, *, store: Store | None = None, view=None) -> str:
    """The profile of a framework (named by label, any case) as plain text.

    Raises:
        UsageError: no such framework; the message lists the closest names.
    """
    from dlkg.query import read_view

    store = read_view(store, view) or open_store()
    rows = _QUERIES.run(store, "framework-names").rows
    matches = [iri.value for iri, label in rows if label.value.casefold() == framework.casefold()]
    if not matches:
        names = [label.value for _, label in rows]
        close = difflib.get_close_matches(framework, names, n=3, cutoff=0.4) or names
        raise UsageError(f"unknown framework {framework!r}; known: {', '.join(close)}", path="FRAMEWORK")
    from dlkg.timeviews import BOOK

    text = profile_text(views.framework_profile(store, matches[0], "en", labels=views.Labels(store)))
    name, _, rest = text.partition("\n")
    return f"{name}  [{(store.view or BOOK).caption()}]\n{rest}"  # the header says which view
