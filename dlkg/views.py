"""One view model per kind of page, read from a store by the queries in ``dlkg/queries/``:

- a framework's profile (:func:`framework_profile`): ``dlkg show`` and ``/page/NAME``;
- any resource's description (:func:`resource_view`): ``/page/NAME`` of other resources;
- the ontology's terms (:func:`ontology_terms`, :func:`dlkg.docs.ontology_view`): ``/ontology`` and
  ``dlkg docs``;
- Table 14.1 (:class:`dlkg.table.Table`): ``dlkg table`` and ``/``.

A view model is plain data (dicts, lists, strings) that a Jinja template or a text renderer
reads; links are ``{"iri", "label", "path"}`` where ``path`` is the local page that serves
a dlkg IRI (``None`` for other vocabularies).

>>> from dlkg.stores import open_store
>>> store = open_store()
>>> keras = framework_profile(store, "https://w3id.org/dlkg/resource/Keras", "en", labels=Labels(store))
>>> [t["label"] for row in keras["profile"] if row["label"] == "has backend" for t in row["terms"]]
['Deeplearning4j', 'TensorFlow', 'Theano']
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from dlkg.catalogue import internal_queries
from dlkg.namespaces import DLKG, XSD
from dlkg.resources import ONTOLOGY_GRAPH
from dlkg.stores import Store

__all__ = ["W3ID", "LEVELS", "PROFILE_PROPERTIES", "Labels", "local_path", "in_language", "link", "term_view",
           "capabilities", "framework_profile", "resource_view", "ontology_terms"]

_QUERIES = internal_queries(__file__)

W3ID = "https://w3id.org/dlkg/"
#: URL parameter -> support level IRI, in the order pages offer them.
LEVELS: dict[str, str] = {"supported": DLKG + "Supported", "not-supported": DLKG + "NotSupported",
                          "conditional": DLKG + "Conditional"}
#: Profile properties of a framework, in the order a profile lists them.
PROFILE_PROPERTIES = ("developedBy", "implementedIn", "runsOn", "hasInterface", "hasBackend", "integratesWith",
                      "adoptedBy")


def local_path(iri: str) -> str | None:
    """The local server path that serves a dlkg IRI (``None`` for IRIs of other vocabularies).

    >>> local_path("https://w3id.org/dlkg/resource/Caffe"), local_path("https://w3id.org/dlkg/ontology#Framework")
    ('/resource/Caffe', '/ontology#Framework')
    >>> local_path("http://www.w3.org/2002/07/owl#Class") is None
    True

    A rest that would make the path leave the server (``//host/x`` is a link to another
    host; a backslash is read as a slash by browsers) is no local path:

    >>> local_path("https://w3id.org/dlkg//evil.example/x") is None
    True
    """
    if iri.startswith(W3ID):
        rest = iri[len(W3ID):]
        if rest.startswith(("/", "\\")) or "\\" in rest:
            return None
        return "/" + rest
    return None


class Labels:
    """Every label of a store, read once: the IRI's label in a language, with fallbacks."""

    def __init__(self, store: Store) -> None:
        self._labels: dict[str, dict[str, str]] = {}
        for subject, label in _QUERIES.run(store, "labels").rows:
            self._labels.setdefault(subject.value, {}).setdefault(label.language or "", label.value)

    def label(self, iri: str, lang: str = "en") -> str:
        """The IRI's label in ``lang``, else English, else untagged, else in another language
        (the first by language tag), else the IRI's local name: a value of a store's own data
        always has something to show.

        >>> labels = Labels.__new__(Labels)
        >>> labels._labels = {"https://example.org/x": {"de": "Ix", "pt": "Xis"}}
        >>> labels.label("https://example.org/x", "en"), labels.label("https://example.org/a/y#z", "en")
        ('Ix', 'z')
        """
        found = self._labels.get(iri, {})
        for key in (lang, "en", "", *sorted(found)):
            if found.get(key):
                return found[key]
        return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1] or iri

    def has_label(self, iri: str, lang: str) -> bool:
        """Whether the IRI has a label in exactly this language."""
        return lang in self._labels.get(iri, {})


def in_language(literals: Sequence[ox.Literal], lang: str) -> str:
    """The text of the literal in ``lang``, else the English one, else the first: where the
    data says a thing in several languages, a page shows it in its own.

    >>> in_language([ox.Literal("read as", language="en"), ox.Literal("读作", language="zh")], "zh")
    '读作'
    >>> in_language([ox.Literal("read as", language="en")], "zh")
    'read as'
    """
    by_language = {literal.language or "": literal.value for literal in literals}
    for key in (lang, "en", ""):
        if key in by_language:
            return by_language[key]
    return literals[0].value if literals else ""


def link(iri: str, labels: Labels, lang: str) -> dict:
    """A link to an IRI: ``{"iri", "label", "path"}``."""
    return {"iri": iri, "label": labels.label(iri, lang), "path": local_path(iri)}


def term_view(term, labels: Labels, lang: str) -> dict:
    """A term of a description, ready for a template: a link, a literal or a blank node."""
    if isinstance(term, ox.NamedNode):
        return {"kind": "iri", **link(term.value, labels, lang)}
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        short = datatype.rsplit("#", 1)[-1] if datatype != XSD + "string" else ""
        return {"kind": "literal", "value": term.value, "language": term.language or "",
                "datatype": "" if term.language else short}
    return {"kind": "blank", "value": str(term)}


def capabilities(store: Store) -> list[tuple[str, str]]:
    """(short name, capability IRI) of every capability, in the table's column order first."""
    rows = _QUERIES.run(store, "capabilities").rows
    ordered = sorted(rows, key=lambda r: (int(r[2].value) if r[2] is not None else 99, r[1].value))
    return [(short.value, capability.value) for capability, short, _ in ordered]


def _sources(store: Store, node: ox.NamedNode, labels: Labels, lang: str) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for item, source in _QUERIES.run(store, "profile-sources", framework=node).rows:
        found.setdefault(item.value, []).append(link(source.value, labels, lang))
    for links in found.values():
        links.sort(key=lambda entry: entry["label"])
    return found


def framework_profile(store: Store, iri: str, lang: str, *, labels: Labels,
                      capability_order: Sequence[tuple[str, str]] | None = None) -> dict:
    """What a framework's profile shows: its properties (in the table's printed order),
    capabilities with their sources, strengths and weaknesses with their sources, links.

    Args:
        store: Where to read.
        iri: The framework.
        lang: The language of labels and conditions (``en`` or ``zh``).
        labels: The store's labels.
        capability_order: :func:`capabilities` of the store, when the caller keeps it.
    """
    node = ox.NamedNode(iri)
    positions = {(value.value, prop.value): int(position.value) for value, prop, position in
                 _QUERIES.run(store, "profile-list-positions", framework=node).rows}
    profile = []
    for local in PROFILE_PROPERTIES:
        prop = DLKG + local
        values = [row[0].value for row in
                  _QUERIES.run(store, "profile-values", framework=node, property=ox.NamedNode(prop)).rows]
        if values:
            values.sort(key=lambda v: (positions.get((v, prop), 99), labels.label(v, "en").casefold()))
            profile.append({"property": prop, "label": labels.label(prop, lang),
                            "terms": [link(v, labels, lang) for v in values]})

    sources = _sources(store, node, labels, lang)
    by_item: dict[str, list[ox.Literal]] = {}
    for item, note in _QUERIES.run(store, "profile-notes", framework=node).rows:
        by_item.setdefault(item.value, []).append(note)
    notes = {item: in_language(found, lang) for item, found in by_item.items()}
    order = {cap: i for i, (_, cap) in enumerate(capability_order or capabilities(store))}
    level_names = {v: k for k, v in LEVELS.items()}
    statements = []
    for statement, capability, level, condition, printed, marker, footnote in _QUERIES.run(
            store, "profile-capabilities", framework=node, lang=ox.Literal(lang)).rows:
        shown = printed is not None and printed.value != level.value  # e.g. conditional, printed 不支持
        statements.append({
            "iri": statement.value, "path": local_path(statement.value),
            "capability": link(capability.value, labels, lang),
            "level": level_names.get(level.value, ""), "level_label": labels.label(level.value, lang),
            "printed_label": labels.label(printed.value, lang) if shown else "",
            "condition": condition.value if condition else "", "marker": marker.value if marker else "",
            "footnote": footnote.value if footnote else "",
            "sources": sources.get(statement.value, []), "note": notes.get(statement.value, ""),
            "order": order.get(capability.value, 99)})
    statements.sort(key=lambda c: c["order"])

    bullets: dict[str, list[dict]] = {"strength": [], "weakness": []}
    concerns: dict[str, list[dict]] = {}
    for bullet, capability in _QUERIES.run(store, "profile-bullet-capabilities", framework=node).rows:
        concerns.setdefault(bullet.value, []).append(link(capability.value, labels, lang))
    for bullet, kind, _, zh, en in _QUERIES.run(store, "profile-bullets", framework=node).rows:
        bullets[kind.value].append({
            "iri": bullet.value, "path": local_path(bullet.value), "zh": zh.value, "en": en.value,
            "sources": sources.get(bullet.value, []), "note": notes.get(bullet.value, ""),
            "concerns": concerns.get(bullet.value, [])})
    zoos = [row[0].value for row in _QUERIES.run(store, "profile-model-zoos", framework=node).rows]
    derived = [link(row[0].value, labels, lang)
               for row in _QUERIES.run(store, "profile-derived-from", framework=node).rows]
    # Where the OCR lost part of the framework's section, an empty list means "lost", not "none".
    by_section: dict[str, list[ox.Literal]] = {}
    for section, note in _QUERIES.run(store, "profile-section-notes", framework=node).rows:
        by_section.setdefault(section.value, []).append(note)
    section_notes = [in_language(found, lang) for found in by_section.values()]
    return {"iri": iri, "name": labels.label(iri, "en"), "profile": profile, "capabilities": statements,
            "strengths": bullets["strength"], "weaknesses": bullets["weakness"], "model_zoos": zoos,
            "derived_from": derived, "section_note": " ".join(section_notes)}


def resource_view(store: Store, iri: str, lang: str, *, labels: Labels) -> dict:
    """Any resource's page: its label, what it says and what points at it."""
    node = ox.NamedNode(iri)
    outgoing: dict[str, list[dict]] = {}
    for prop, value in _QUERIES.run(store, "resource-outgoing", resource=node).rows:
        outgoing.setdefault(prop.value, []).append(term_view(value, labels, lang))
    incoming: dict[str, list[dict]] = {}
    for subject, prop in _QUERIES.run(store, "resource-incoming", resource=node).rows:
        incoming.setdefault(prop.value, []).append(term_view(subject, labels, lang))
    return {"iri": iri, "label": labels.label(iri, lang),
            "outgoing": [{"property": link(p, labels, lang), "terms": v} for p, v in outgoing.items()],
            "incoming": [{"property": link(p, labels, lang), "terms": v} for p, v in incoming.items()]}


def ontology_terms(store: Store, lang: str) -> list[dict]:
    """The dlkg terms of the store's ontology graph, grouped by kind: the same view model as
    ``dlkg docs`` writes (:func:`dlkg.docs.ontology_view`), labels in ``lang``."""
    from dlkg.docs import ontology_view

    graph = ox.NamedNode(ONTOLOGY_GRAPH)
    quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in store.graph_triples(ONTOLOGY_GRAPH)]
    return ontology_view(quads, lang=lang)["sections"]
