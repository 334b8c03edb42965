"""Documentation for people: the ontology as one HTML page, and two diagrams.

``build_docs(out_dir)`` writes

* ``index.html``: every class, object property, datatype property, annotation property and
  named individual of the dlkg namespace, each with its IRI (and an anchor named after it),
  English and Chinese labels and comments, domain and range, superclasses, definitions
  (``owl:equivalentClass``), characteristics and alignments; plus the ontology's metadata,
  the terms it uses from other vocabularies, and the two diagrams;
* ``classes.svg`` / ``classes.png``: classes as boxes (with their datatype properties inside),
  subclass edges, and object properties as labelled domain → range edges;
* ``frameworks.svg`` / ``frameworks.png``: the frameworks of the data with their
  implementation languages, platforms and supported capabilities.

Why not pyLODE: the newest pyLODE that installs on Python 3.11 (3.4.1) fails on import (it
reads a ``pyproject.toml`` that its wheel does not ship); 3.3.4 runs, but leaves the named
individuals (the capabilities and support levels) undocumented, writes different bytes on each
run, repeats HTML ids, and switches the root logger to DEBUG when imported. So the page is
built here, from the parsed Turtle, as a view model rendered by the web server's Jinja
environment (``dlkg/serve/templates/docs.html``), with no network access.

The diagrams are drawn by Graphviz's ``dot`` (Debian package ``graphviz``; Chinese labels are
drawn only when a CJK font such as ``fonts-noto-cjk`` is installed). Same input, same
machine: same bytes. Files are written into a temporary folder next to ``out_dir`` and moved
into place one by one, so no half-written file is ever seen there.

>>> "index.html" in DOC_FILES and "frameworks.png" in DOC_FILES
True
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from dlkg import rdf
from dlkg.errors import DlkgError, InputError
from dlkg.namespaces import DCTERMS, OWL, PREFIXES, RDF, RDFS, SKOS, curie
from dlkg.resources import DATA_FILE, DLKG, ONTOLOGY_FILE, ONTOLOGY_IRI

__all__ = ["DOC_FILES", "build_docs", "classes_dot", "frameworks_dot", "ontology_html", "ontology_view"]

#: The files ``build_docs`` writes, in this order.
DOC_FILES: tuple[str, ...] = ("index.html", "classes.svg", "classes.png", "frameworks.svg", "frameworks.png")

_TYPE = ox.NamedNode(RDF + "type")
_FIRST = ox.NamedNode(RDF + "first")
_REST = ox.NamedNode(RDF + "rest")
_NIL = ox.NamedNode(RDF + "nil")
_LABEL = ox.NamedNode(RDFS + "label")
_COMMENT = ox.NamedNode(RDFS + "comment")
_DOMAIN = ox.NamedNode(RDFS + "domain")
_RANGE = ox.NamedNode(RDFS + "range")
_SUBCLASS = ox.NamedNode(RDFS + "subClassOf")
_SUBPROPERTY = ox.NamedNode(RDFS + "subPropertyOf")
_IS_DEFINED_BY = ox.NamedNode(RDFS + "isDefinedBy")
_NOTATION = ox.NamedNode(SKOS + "notation")
_CLOSE_MATCH = ox.NamedNode(SKOS + "closeMatch")
_OWL_CLASS = ox.NamedNode(OWL + "Class")
_NAMED_INDIVIDUAL = ox.NamedNode(OWL + "NamedIndividual")
_THING = ox.NamedNode(OWL + "Thing")


def _owl(name: str) -> ox.NamedNode:
    return ox.NamedNode(OWL + name)


#: The kinds of term documented, in page order: (rdf:type, section id, heading, badge).
_KINDS: tuple[tuple[str, str, str, str], ...] = (
    ("Class", "classes", "Classes", "c"),
    ("ObjectProperty", "object-properties", "Object properties", "op"),
    ("DatatypeProperty", "datatype-properties", "Datatype properties", "dp"),
    ("AnnotationProperty", "annotation-properties", "Annotation properties", "ap"),
    ("NamedIndividual", "individuals", "Named individuals", "ni"),
)
_CHARACTERISTICS = ("FunctionalProperty", "InverseFunctionalProperty", "TransitiveProperty",
                    "SymmetricProperty", "AsymmetricProperty", "ReflexiveProperty", "IrreflexiveProperty")


# ---------------------------------------------------------------------------------------
# Reading the graph
# ---------------------------------------------------------------------------------------

class _Graph:
    """Triples indexed by subject, in file order (which makes every listing deterministic)."""

    def __init__(self, quads: Iterable[ox.Quad]) -> None:
        self.out: dict[object, dict[ox.NamedNode, list[object]]] = {}
        self.into: dict[object, list[tuple[object, ox.NamedNode]]] = {}
        self.order: dict[object, int] = {}
        for quad in quads:
            s, p, o = quad.subject, quad.predicate, quad.object
            self.order.setdefault(s, len(self.order))
            values = self.out.setdefault(s, {}).setdefault(p, [])
            if o not in values:
                values.append(o)
                self.into.setdefault(o, []).append((s, p))

    def objects(self, s: object, p: ox.NamedNode) -> list[object]:
        return list(self.out.get(s, {}).get(p, ()))

    def value(self, s: object, p: ox.NamedNode) -> object | None:
        values = self.out.get(s, {}).get(p)
        return values[0] if values else None

    def subjects(self, p: ox.NamedNode, o: object) -> list[object]:
        return [s for s, pred in self.into.get(o, ()) if pred == p]

    def typed(self, cls: ox.NamedNode, namespace: str | None = None) -> list[ox.NamedNode]:
        found = [s for s in self.subjects(_TYPE, cls) if isinstance(s, ox.NamedNode)
                 and (namespace is None or s.value.startswith(namespace))]
        return sorted(found, key=lambda s: self.order.get(s, 0))

    def literal(self, s: object, p: ox.NamedNode, lang: str | None) -> str | None:
        """The first literal of ``s p`` in language ``lang`` (``None``: one without a language)."""
        for o in self.objects(s, p):
            if isinstance(o, ox.Literal) and (o.language or None) == lang:
                return o.value
        return None

    def items(self, head: object) -> list[object]:
        """The members of an RDF list."""
        members: list[object] = []
        seen: set[object] = set()
        while head is not None and head != _NIL and head not in seen:
            seen.add(head)
            first = self.value(head, _FIRST)
            if first is not None:
                members.append(first)
            head = self.value(head, _REST)
        return members


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri.rstrip("/").rsplit("/", 1)[-1]


# ---------------------------------------------------------------------------------------
# The HTML page: a view model of the ontology's terms, rendered by the server's Jinja
# environment with ``dlkg/serve/templates/docs.html`` (no HTML is written here).
#
# A value shown on the page is a dict with a ``kind``:
#   ``code`` (a literal), ``ontology`` (this ontology), ``anchor`` (a term on this page),
#   ``external`` (an IRI elsewhere), ``and``/``or`` (``parts``), ``oneof`` (``items``),
#   ``not`` (``part``), ``restriction`` (``property``, ``word``, ``filler`` or ``number`` and
#   ``on``), ``anonymous``; class expressions carry ``nested`` (parenthesized).
# A row of facts is ``{"heading", "kind", "items"}`` with kind ``links`` (comma-separated),
# ``lines`` (one per line), ``texts`` (``(lang, text)`` paragraphs), ``codes``, ``words`` or
# ``none`` ("not restricted").
# ---------------------------------------------------------------------------------------


class _Page:
    """Builds the page's view model from the ontology graph."""

    def __init__(self, graph: _Graph, diagrams: bool, lang: str = "en") -> None:
        self.g = graph
        self.diagrams = diagrams
        self.lang = lang
        self.kinds: dict[str, list[ox.NamedNode]] = {
            kind: graph.typed(_owl(kind), DLKG) for kind, *_ in _KINDS}
        self.documented = {node for nodes in self.kinds.values() for node in nodes}

    # --- small pieces ---------------------------------------------------------------

    def label(self, node: object) -> str:
        if isinstance(node, ox.NamedNode):
            return (self.g.literal(node, _LABEL, self.lang) or self.g.literal(node, _LABEL, "en")
                    or self.g.literal(node, _LABEL, None) or curie(node.value))
        if isinstance(node, ox.Literal):
            return node.value
        return "(anonymous)"

    def link(self, node: object) -> dict:
        """A link to a term: to its section on this page, or out to its IRI."""
        if isinstance(node, ox.Literal):
            return {"kind": "code", "text": node.value}
        if not isinstance(node, ox.NamedNode):
            return self.expression(node)
        if node.value == ONTOLOGY_IRI:
            return {"kind": "ontology", "iri": node.value}
        if node in self.documented:
            return {"kind": "anchor", "anchor": _local(node.value), "iri": node.value, "label": self.label(node)}
        label = self.g.literal(node, _LABEL, "en")
        return {"kind": "external", "iri": node.value, "curie": curie(node.value),
                "title": f"{label} ({node.value})" if label else node.value}

    def links(self, nodes: Iterable[object]) -> list[dict]:
        return [self.link(n) for n in nodes]

    def expression(self, node: object, nested: bool = False) -> dict:
        """An OWL class expression in words (Manchester-like)."""
        if not isinstance(node, ox.BlankNode):
            return self.link(node)
        g = self.g
        found: dict | None = None
        for op in ("intersectionOf", "unionOf"):
            head = g.value(node, _owl(op))
            if head is not None:
                found = {"kind": "and" if op == "intersectionOf" else "or",
                         "parts": [self.expression(m, True) for m in g.items(head)]}
        head = g.value(node, _owl("oneOf"))
        if head is not None:
            return {"kind": "oneof", "items": self.links(g.items(head)), "nested": False}
        complement = g.value(node, _owl("complementOf"))
        if complement is not None:
            found = {"kind": "not", "part": self.expression(complement, True)}
        prop = g.value(node, _owl("onProperty"))
        if prop is not None:
            found = self._restriction(node, prop)
        if found is None:
            return {"kind": "anonymous"}
        return {**found, "nested": nested}

    def _restriction(self, node: object, prop: object) -> dict:
        g = self.g
        found = {"kind": "restriction", "property": self.link(prop), "word": "", "filler": None, "number": None}
        for key, word in (("someValuesFrom", "some"), ("allValuesFrom", "only")):
            filler = g.value(node, _owl(key))
            if filler is not None:
                return {**found, "word": word, "filler": self.expression(filler, True)}
        filler = g.value(node, _owl("hasValue"))
        if filler is not None:
            return {**found, "word": "value", "filler": self.link(filler)}
        for key, word in (("cardinality", "exactly"), ("minCardinality", "min"), ("maxCardinality", "max"),
                          ("qualifiedCardinality", "exactly"), ("minQualifiedCardinality", "min"),
                          ("maxQualifiedCardinality", "max")):
            number = g.value(node, _owl(key))
            if isinstance(number, ox.Literal):
                on = g.value(node, _owl("onClass"))
                return {**found, "word": word, "number": number.value,
                        "filler": self.expression(on, True) if on is not None else None}
        return found

    def text(self, node: object, predicate: ox.NamedNode) -> list[tuple[str, str]]:
        """English and Chinese values of a text annotation, each with its language ("" for none)."""
        parts = [(lang, value) for lang in ("en", "zh") if (value := self.g.literal(node, predicate, lang))]
        plain = self.g.literal(node, predicate, None)
        return parts + [("", plain)] if plain else parts

    def _members(self, node: object) -> list[object]:
        """A domain or range as named classes: a union is split into its members."""
        head = self.g.value(node, _owl("unionOf")) if isinstance(node, ox.BlankNode) else None
        return self.g.items(head) if head is not None else [node]

    @staticmethod
    def _row(heading: str, kind: str, items: list) -> dict:
        return {"heading": heading, "kind": kind, "items": items}

    # --- one term -----------------------------------------------------------------------

    def term(self, node: ox.NamedNode, kind: str) -> dict:
        g = self.g
        rows = [self._row("IRI", "codes", [node.value])]
        other_kinds = [k for k, *_ in _KINDS if k != kind and node in self.kinds[k]]
        types = [t for t in g.objects(node, _TYPE) if isinstance(t, ox.NamedNode)
                 and t.value.startswith(OWL) and _local(t.value) not in (kind, *other_kinds)]
        if kind == "NamedIndividual":
            classes = [t for t in g.objects(node, _TYPE) if not (isinstance(t, ox.NamedNode) and t.value.startswith(OWL))]
            rows.append(self._row("Instance of", "links", self.links(classes)))
        for heading, predicate in (("Labels", _LABEL), ("Description", _COMMENT)):
            texts = self.text(node, predicate)
            if texts:
                rows.append(self._row(heading, "texts", texts))
        notation = g.objects(node, _NOTATION)
        if notation:
            rows.append(self._row("Notation", "codes", [n.value for n in notation]))
        if kind == "Class":
            rows += self._class_rows(node)
        elif kind in ("ObjectProperty", "DatatypeProperty", "AnnotationProperty"):
            rows += self._property_rows(node, kind, types)
        for heading, predicate in (("Close match", _CLOSE_MATCH), ("Defined by", _IS_DEFINED_BY)):
            values = g.objects(node, predicate)
            if values:
                rows.append(self._row(heading, "links", self.links(values)))
        if other_kinds:
            rows.append(self._row("Also", "words", other_kinds))
        badge = next(b for k, _, _, b in _KINDS if k == kind)
        return {"anchor": _local(node.value), "iri": node.value, "label": self.label(node), "kind": kind,
                "badge": badge, "zh": g.literal(node, _LABEL, "zh") or "", "rows": rows}

    def _class_rows(self, node: ox.NamedNode) -> list[dict]:
        g = self.g
        rows = []
        for heading, predicate in (("Equivalent to", _owl("equivalentClass")), ("Subclass of", _SUBCLASS)):
            values = g.objects(node, predicate)
            if values:
                rows.append(self._row(heading, "lines", [self.expression(v) for v in values]))
        subclasses = [s for s in g.subjects(_SUBCLASS, node) if isinstance(s, ox.NamedNode)]
        if subclasses:
            rows.append(self._row("Subclasses", "links", self.links(self._ordered(subclasses))))
        disjoint = g.objects(node, _owl("disjointWith")) + [
            s for s in g.subjects(_owl("disjointWith"), node)]
        for group in g.subjects(_TYPE, _owl("AllDisjointClasses")):
            members = g.items(g.value(group, _owl("members")))
            if node in members:
                disjoint += [m for m in members if m != node]
        if disjoint:
            rows.append(self._row("Disjoint with", "links", self.links(self._ordered(dict.fromkeys(disjoint)))))
        domain_of, range_of = [], []
        for kind in ("ObjectProperty", "DatatypeProperty"):
            for prop in self.kinds[kind]:
                if any(node in self._members(d) for d in g.objects(prop, _DOMAIN)):
                    domain_of.append(prop)
                if any(node in self._members(r) for r in g.objects(prop, _RANGE)):
                    range_of.append(prop)
        if domain_of:
            rows.append(self._row("In domain of", "links", self.links(domain_of)))
        if range_of:
            rows.append(self._row("In range of", "links", self.links(range_of)))
        members = [m for m in g.subjects(_TYPE, node) if isinstance(m, ox.NamedNode)]
        if members:
            rows.append(self._row("Instances", "links", self.links(self._ordered(members))))
        return rows

    def _property_rows(self, node: ox.NamedNode, kind: str, types: list[ox.NamedNode]) -> list[dict]:
        g = self.g
        rows = []
        if kind != "AnnotationProperty":
            for heading, predicate in (("Domain", _DOMAIN), ("Range", _RANGE)):
                values = g.objects(node, predicate)
                rows.append(self._row(heading, "lines", [self.expression(v) for v in values]) if values
                            else self._row(heading, "none", []))
        characteristics = [_local(t.value) for t in types if _local(t.value) in _CHARACTERISTICS]
        if characteristics:
            rows.append(self._row("Characteristics", "words", characteristics))
        for heading, predicate in (("Subproperty of", _SUBPROPERTY), ("Equivalent to", _owl("equivalentProperty")),
                                   ("Inverse of", _owl("inverseOf")),
                                   ("Disjoint with", _owl("propertyDisjointWith"))):
            values = g.objects(node, predicate)
            if values:
                rows.append(self._row(heading, "links", self.links(values)))
        for heading, predicate in (("Inverse", _owl("inverseOf")), ("Subproperties", _SUBPROPERTY)):
            values = g.subjects(predicate, node)
            if values:
                rows.append(self._row(heading, "links", self.links(values)))
        return rows

    def _ordered(self, nodes: Iterable[object]) -> list[object]:
        return sorted(nodes, key=lambda n: (self.g.order.get(n, 1 << 30), str(n)))

    # --- whole page ---------------------------------------------------------------------

    def model(self) -> dict:
        """Everything the page shows."""
        g = self.g
        ontology = ox.NamedNode(ONTOLOGY_IRI)
        sections = [{"id": section_id, "heading": heading, "terms": [self.term(n, kind) for n in self.kinds[kind]]}
                    for kind, section_id, heading, _ in _KINDS]
        return {"title": g.literal(ontology, ox.NamedNode(DCTERMS + "title"), "en") or "dlkg ontology",
                "title_zh": g.literal(ontology, ox.NamedNode(DCTERMS + "title"), "zh") or "",
                "metadata": self._metadata(ontology), "sections": sections, "external": self._external(),
                "diagrams": self.diagrams, "namespaces": list(PREFIXES.items()), "dlkg": DLKG}

    def _metadata(self, ontology: ox.NamedNode) -> list[dict]:
        g = self.g
        vann = PREFIXES["vann"]
        rows = [self._row("IRI", "codes", [ontology.value])]
        for heading, predicate in (("Version IRI", _owl("versionIRI")), ("Version", _owl("versionInfo")),
                                   ("Created", ox.NamedNode(DCTERMS + "created")),
                                   ("License", ox.NamedNode(DCTERMS + "license")),
                                   ("Source", ox.NamedNode(DCTERMS + "source")),
                                   ("Preferred prefix", ox.NamedNode(vann + "preferredNamespacePrefix")),
                                   ("Namespace", ox.NamedNode(vann + "preferredNamespaceUri"))):
            values = g.objects(ontology, predicate)
            if values:
                rows.append(self._row(heading, "links", self.links(values)))
        description = self.text(ontology, ox.NamedNode(DCTERMS + "description"))
        if description:
            rows.append(self._row("Description", "texts", description))
        return rows

    def _external(self) -> list[dict]:
        """Terms of other vocabularies that the ontology declares, and which dlkg terms use them."""
        g = self.g
        users: dict[object, list[tuple[dict, str]]] = {}
        for node in self.documented:
            for predicate, word in ((_SUBCLASS, "subclass"), (_SUBPROPERTY, "subproperty"),
                                    (_owl("equivalentProperty"), "equivalent"),
                                    (_owl("equivalentClass"), "equivalent"), (_CLOSE_MATCH, "close match")):
                for target in g.objects(node, predicate):
                    users.setdefault(target, []).append((self.link(node), word))
        rows = []
        for kind, *_ in _KINDS[:4]:
            for node in g.typed(_owl(kind)):
                if node in self.documented:
                    continue
                used = [{"link": link, "word": word} for link, word in  # by anchor, as on the page
                        sorted(users.get(node, []), key=lambda u: (u[0]["anchor"], u[0]["iri"], u[1]))]
                rows.append({"term": self.link(node), "kind": kind, "label": g.literal(node, _LABEL, "en") or "",
                             "used": used})
        return rows


def ontology_view(quads: Iterable[ox.Quad], *, lang: str = "en", diagrams: bool = False) -> dict:
    """The view model of the ontology's terms (described above): what ``dlkg docs`` writes
    and what the server's ``/ontology`` page shows, labels in ``lang`` where there are some.

    >>> view = ontology_view(rdf.parse(ONTOLOGY_FILE), lang="zh")
    >>> [t["label"] for s in view["sections"] for t in s["terms"] if t["anchor"] == "Framework"]
    ['开发框架']
    """
    return _Page(_Graph(quads), diagrams, lang).model()


def ontology_html(ontology: str | Path = ONTOLOGY_FILE, *, diagrams: bool = True) -> str:
    """The ontology's documentation as one HTML page (no network, no scripts, no remote assets).

    Args:
        ontology: The ontology's Turtle (or other RDF) file.
        diagrams: Show ``classes.svg`` and ``frameworks.svg`` (expected next to the page).

    Raises:
        InputError: the ontology file is missing or does not parse.
    """
    from dlkg.serve.site import template_environment

    view = ontology_view(rdf.parse(ontology), diagrams=diagrams)
    return template_environment().get_template("docs.html").render(**view)


# ---------------------------------------------------------------------------------------
# Diagrams (Graphviz DOT)
# ---------------------------------------------------------------------------------------

_FONT = "Helvetica"   # SVG: font-family="Helvetica,sans-Serif"; PNG: fontconfig's match for it


def _q(text: str) -> str:
    """A DOT double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _h(text: str) -> str:
    """Text for a DOT HTML-like label."""
    return html.escape(text, quote=False)


def classes_dot(ontology: str | Path = ONTOLOGY_FILE, *, chinese: bool = True) -> str:
    """The class and property diagram in DOT.

    Classes are boxes with their English (and Chinese) label and their datatype properties;
    open-headed edges lead to superclasses (dashed for a defined class, whose definition
    makes it a subclass); object properties are labelled edges from domain to range (a
    property without a domain or range meets the "anything" box).

    Args:
        ontology: The ontology file.
        chinese: Draw the Chinese labels too (needs a CJK font).
    """
    g = _Graph(rdf.parse(ontology))
    classes = g.typed(_OWL_CLASS, DLKG)
    ids = {c: _local(c.value) for c in classes}
    datatype = g.typed(_owl("DatatypeProperty"), DLKG)
    objects = g.typed(_owl("ObjectProperty"), DLKG)

    def en(node: object) -> str:
        return g.literal(node, _LABEL, "en") or _local(str(getattr(node, "value", node)))

    def members(node: object) -> list[object]:
        head = g.value(node, _owl("unionOf")) if isinstance(node, ox.BlankNode) else None
        return g.items(head) if head is not None else [node]

    def where(prop: ox.NamedNode, predicate: ox.NamedNode) -> list[object]:
        found = [m for v in g.objects(prop, predicate) for m in members(v)]
        return found or [_THING]

    def short_type(node: object) -> str:
        return curie(node.value).split(":", 1)[-1] if isinstance(node, ox.NamedNode) else "…"

    attributes: dict[object, list[str]] = {}
    for prop in datatype:
        ranges = g.objects(prop, _RANGE)
        row = f"{en(prop)} : {', '.join(short_type(r) for r in ranges) or 'literal'}"
        for domain in where(prop, _DOMAIN):
            attributes.setdefault(domain, []).append(row)

    def definition(cls: ox.NamedNode) -> tuple[list[object], str] | None:
        """Named superclasses and a short text of an intersection definition."""
        for eq in g.objects(cls, _owl("equivalentClass")):
            head = g.value(eq, _owl("intersectionOf"))
            if head is None:
                continue
            named, words = [], []
            for part in g.items(head):
                if isinstance(part, ox.NamedNode):
                    named.append(part)
                    continue
                prop = g.value(part, _owl("onProperty"))
                some = g.value(part, _owl("someValuesFrom"))
                value = g.value(part, _owl("hasValue"))
                if prop is not None and some is not None:
                    words.append(f"{en(prop)} some {en(some)}")
                elif prop is not None and value is not None:
                    words.append(f"{en(prop)} {en(value) if value in g.out else _local(value.value)}")
            return named, " and ".join(words)
        return None

    lines = [
        "digraph classes {",
        f'  graph [rankdir=LR, fontname="{_FONT}", fontsize=12, nodesep=0.3, ranksep=0.9, newrank=true,'
        ' pad=0.3, bgcolor="white", labelloc=b, labeljust=l];',
        f'  node [shape=box, style="rounded,filled", fillcolor="#fff4e0", color="#b45309", fontname="{_FONT}",'
        ' fontsize=12, margin="0.12,0.06"];',
        f'  edge [fontname="{_FONT}", fontsize=10, color="#1d4ed8", fontcolor="#1e3a8a", arrowsize=0.7];',
    ]
    nodes = list(classes)
    needs_thing = any(_THING in where(p, _DOMAIN) + where(p, _RANGE) for p in objects) or _THING in attributes
    for cls in nodes:
        rows = [f"<tr><td><b>{_h(en(cls))}</b></td></tr>"]
        zh = g.literal(cls, _LABEL, "zh")
        if chinese and zh:
            rows.append(f'<tr><td><font point-size="10" color="#57534e">{_h(zh)}</font></td></tr>')
        one_of = [m for eq in g.objects(cls, _owl("equivalentClass")) for m in g.items(g.value(eq, _owl("oneOf")))]
        if one_of:
            rows.append(f'<tr><td><font point-size="10"><i>one of: {_h(", ".join(en(m) for m in one_of))}</i>'
                        "</font></td></tr>")
        defined = definition(cls)
        if defined and defined[1]:
            rows.append(f'<tr><td><font point-size="10"><i>≡ {_h(", ".join(en(n) for n in defined[0]))} that '
                        f"{_h(defined[1])}</i></font></td></tr>")
        attrs = attributes.get(cls, [])
        if attrs:
            rows.append("<hr/>")
            rows += [f'<tr><td align="left"><font point-size="10">{_h(a)}</font></td></tr>' for a in attrs]
        label = '<table border="0" cellborder="0" cellspacing="0" cellpadding="1">' + "".join(rows) + "</table>"
        style = ', style="rounded,filled,dashed", fillcolor="#fffbeb"' if defined else ""
        lines.append(f"  {_q(ids[cls])} [label=<{label}>{style}];")
    if needs_thing:
        attrs = attributes.get(_THING, [])
        rows = ["<tr><td><b>anything</b></td></tr>",
                '<tr><td><font point-size="10" color="#57534e">owl:Thing (no domain or range stated)</font></td></tr>']
        if attrs:
            rows.append("<hr/>")
            rows += [f'<tr><td align="left"><font point-size="10">{_h(a)}</font></td></tr>' for a in attrs]
        label = '<table border="0" cellborder="0" cellspacing="0" cellpadding="1">' + "".join(rows) + "</table>"
        lines.append(f'  "owl:Thing" [label=<{label}>, style="rounded,dashed", color="#78716c"];')
        ids[_THING] = "owl:Thing"
    # Superclass edges (only between dlkg classes; alignments are on the HTML page). Laid out
    # parent -> child, so that a hierarchy reads left to right next to the properties that
    # point at its top; drawn with the open arrowhead at the parent. A defined class's edge
    # goes the other way, which puts the defined classes left of the class they refine.
    for cls in nodes:
        for parent in g.objects(cls, _SUBCLASS):
            if parent in ids:
                lines.append(f"  {_q(ids[parent])} -> {_q(ids[cls])} [dir=back, arrowtail=empty, arrowsize=1.0,"
                             ' color="#78716c", penwidth=1.2];')
        defined = definition(cls)
        for parent in (defined[0] if defined else []):
            if parent in ids:
                lines.append(f"  {_q(ids[cls])} -> {_q(ids[parent])} [arrowhead=empty, arrowsize=1.0,"
                             ' color="#78716c", style=dashed];')
    # Object properties; parallel ones share one edge with one label per line.
    edges: dict[tuple[str, str], list[str]] = {}
    for prop in objects:
        for domain in where(prop, _DOMAIN):
            for range_ in where(prop, _RANGE):
                if domain in ids and range_ in ids:
                    edges.setdefault((ids[domain], ids[range_]), []).append(en(prop))
    for (source, target), names in edges.items():
        text = "\n".join(names)
        if source == target:   # a loop below the box, its label one line lower, clear of the loop
            lines.append(f"  {_q(source)} -> {_q(target)} [tailport=s, headport=s, label={_q(chr(10) + text)}];")
        else:
            lines.append(f"  {_q(source)} -> {_q(target)} [label={_q(text)}];")
    lines.append(f"  label=<{_CLASS_LEGEND}>;")
    lines.append("}")
    return "\n".join(lines) + "\n"


_CLASS_LEGEND = (
    '<table border="0" cellborder="0" cellspacing="2" cellpadding="2">'
    '<tr><td align="left"><b>dlkg classes and properties</b></td></tr>'
    '<tr><td align="left">box: class, with its datatype properties (name : type) below the line;'
    " dashed box: defined class (≡ its definition)</td></tr>"
    '<tr><td align="left"><font color="#78716c">——▷</font> subclass of (dashed: follows from the definition)'
    '      <font color="#1d4ed8">——➤</font> object property, from its domain to its range</td></tr>'
    "</table>")

#: Colours of the frameworks' lines (Tableau 10, without grey), in data-file order.
_PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#d4a20b", "#b07aa1", "#ff7f9f", "#9c755f",
            "#17becf")
_KIND_STYLE = {
    "framework": ("box", "rounded,filled,bold", "#dbeafe"),
    "language": ("box", "rounded,filled", "#dcfce7"),
    "platform": ("box", "rounded,filled", "#ffedd5"),
    "capability": ("box", "rounded,filled", "#f3e8ff"),
}


def frameworks_dot(ontology: str | Path = ONTOLOGY_FILE, data: str | Path = DATA_FILE, *,
                   chinese: bool = True) -> str:
    """The frameworks diagram in DOT: languages and platforms | frameworks | capabilities.

    Every framework (``dlkg:Framework`` in the data) is a node in the middle column; its
    implementation languages (``dlkg:implementedIn``) and the platforms it runs on
    (``dlkg:runsOn``) are on the left, the capabilities it supports (``dlkg:supports``) on the right.
    Each framework's lines have the framework's colour.

    Args:
        ontology: The ontology file (labels of capabilities).
        data: The data file.
        chinese: Draw the Chinese labels of capabilities too (needs a CJK font).
    """
    g = _Graph(list(rdf.parse(data)) + list(rdf.parse(ontology)))
    frameworks = g.typed(ox.NamedNode(DLKG + "Framework"))

    def en(node: object) -> str:
        return g.literal(node, _LABEL, "en") or _local(str(getattr(node, "value", node)))

    groups: dict[str, list[object]] = {"language": [], "platform": [], "capability": []}
    predicates = {"language": "implementedIn", "platform": "runsOn", "capability": "supports"}
    edges: list[tuple[str, object, object]] = []
    for fw in frameworks:
        for kind, local in predicates.items():
            for target in g.objects(fw, ox.NamedNode(DLKG + local)):
                if target not in groups[kind]:
                    groups[kind].append(target)
                edges.append((kind, fw, target))
    # Order each column by source order (the data file lists languages and platforms in a sensible order).
    for kind in groups:
        groups[kind].sort(key=lambda n: g.order.get(n, 1 << 30))
    # Node ids are per column, so that a thing in two columns would be drawn in both.
    ids: dict[tuple[str, object], str] = {("framework", fw): f"framework:{_local(fw.value)}" for fw in frameworks}
    for kind, nodes in groups.items():
        for node in nodes:
            ids[(kind, node)] = f"{kind}:{_local(node.value)}"
    colours = {fw: _PALETTE[i % len(_PALETTE)] for i, fw in enumerate(frameworks)}

    lines = [
        "digraph frameworks {",
        f'  graph [rankdir=LR, fontname="{_FONT}", fontsize=13, nodesep=0.18, ranksep=2.6, newrank=true,'
        ' pad=0.3, bgcolor="white", labelloc=t, labeljust=c, splines=true];',
        f'  node [fontname="{_FONT}", fontsize=12, margin="0.14,0.05", height=0.35, penwidth=1.2];',
        "  edge [arrowhead=none, penwidth=1.5];",
        f"  label=<{_FRAMEWORK_TITLE}>;",
    ]

    def node_line(node: object, kind: str, extra: str = "") -> str:
        shape, style, fill = _KIND_STYLE[kind]
        zh = g.literal(node, _LABEL, "zh") if kind == "capability" and chinese else None
        label = (f'<<b>{_h(en(node))}</b><br/><font point-size="10" color="#57534e">{_h(zh)}</font>>'
                 if zh else f"<{_h(en(node))}>")
        return (f"    {_q(ids[(kind, node)])} [label={label}, shape={shape}, style={_q(style)},"
                f" fillcolor={_q(fill)}{extra}];")

    clusters = (("language", "cluster_languages", "implemented in", "#16a34a"),
                ("platform", "cluster_platforms", "runs on", "#ea580c"),
                ("capability", "cluster_capabilities", "supports", "#9333ea"))
    lines += ["  subgraph cluster_frameworks {",
              '    label=<<b>framework</b>>; style="rounded"; color="#93c5fd"; fontcolor="#1e3a8a";']
    for fw in frameworks:
        lines.append(node_line(fw, "framework", f', color={_q(colours[fw])}, fontsize=14, penwidth=2.5'))
    lines.append("  }")
    for kind, name, title, colour in clusters:
        lines += [f"  subgraph {name} {{",
                  f'    label=<<b>{_h(title)}</b>>; style="rounded"; color={_q(colour)}; fontcolor={_q(colour)};']
        lines += [node_line(n, kind, f", color={_q(colour)}") for n in groups[kind]]
        lines.append("  }")
    # Columns left of the frameworks get their edges written target -> framework (no arrowheads).
    for kind, fw, target in edges:
        ends = (ids[(kind, target)], ids[("framework", fw)])
        source, sink = ends if kind in _LEFT else ends[::-1]
        lines.append(f"  {_q(source)} -> {_q(sink)} [tailport=e, headport=w, color={_q(colours[fw])}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


#: Columns drawn left of the frameworks (the rest go right). Every line joins the facing
#: sides of its two boxes (ports e and w), so lines fan out instead of wrapping round boxes.
_LEFT = frozenset({"language", "platform"})

_FRAMEWORK_TITLE = (
    '<table border="0" cellborder="0" cellspacing="0" cellpadding="3">'
    '<tr><td><font point-size="16"><b>Deep-learning frameworks (Table 14.1, as of 2018)</b></font></td></tr>'
    '<tr><td><font point-size="11" color="#44403c">Left: the languages a framework is implemented in'
    " and the platforms it runs on. Right: the capabilities it supports.</font></td></tr>"
    '<tr><td><font point-size="11" color="#44403c">Each line has its framework\'s colour.'
    " No line to a capability: not supported, supported only under a condition, or not stated."
    "</font></td></tr></table>")


# ---------------------------------------------------------------------------------------
# Running dot, writing files
# ---------------------------------------------------------------------------------------

_MISSING_DOT = ("`dot` (Graphviz) not found: install the Debian package graphviz "
                "(bash .ci/install-docs-deps.sh, or apt-get install graphviz)")


def _find_dot() -> str:
    dot = shutil.which("dot")
    if dot is None:
        raise DlkgError(_MISSING_DOT)
    return dot


def _chinese_font_available() -> bool:
    """Whether fontconfig knows a font with Chinese glyphs (else diagrams are English only)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    try:
        found = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(found.stdout.strip())


def _render(dot: str, source: str, outputs: dict[str, Path]) -> None:
    """Lay out ``source`` once and write it in each format (``{"svg": path, "png": path}``)."""
    args = [dot]
    for fmt, path in outputs.items():
        args += [f"-T{fmt}", f"-o{path}"]
    env = dict(os.environ, SOURCE_DATE_EPOCH="0")
    try:
        done = subprocess.run(args, input=source.encode("utf-8"), capture_output=True, timeout=300,
                              check=False, env=env)
    except FileNotFoundError:
        raise DlkgError(_MISSING_DOT) from None
    except subprocess.TimeoutExpired:
        raise DlkgError("`dot` (Graphviz) took more than 300 s to draw a diagram") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DlkgError(f"`dot` (Graphviz) failed: {message[0] if message else f'exit code {done.returncode}'}")
    for path in outputs.values():
        if not path.is_file() or path.stat().st_size == 0:
            raise DlkgError(f"`dot` (Graphviz) wrote no {path.suffix[1:].upper()} output")


def _prepare(out_dir: Path) -> Path:
    """Make ``out_dir``'s parent and a fresh temporary folder beside ``out_dir``."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError("not a folder", path=str(out_dir))
    try:
        out_dir.absolute().parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{out_dir.absolute().name}.", suffix=".tmp",
                                     dir=out_dir.absolute().parent))
    except OSError as err:
        raise InputError(f"cannot write: {err.strerror or err}", path=str(out_dir)) from None


def _install(staging: Path, out_dir: Path, names: Iterable[str]) -> Iterator[Path]:
    """Move finished files into ``out_dir`` (each one atomically)."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in names:
            target = out_dir / name
            os.replace(staging / name, target)
            yield target
    except OSError as err:
        raise InputError(f"cannot write: {err.strerror or err}", path=str(out_dir)) from None


def build_docs(out_dir: str | Path, *, ontology: str | Path = ONTOLOGY_FILE,
               data: str | Path = DATA_FILE) -> list[Path]:
    """Write the ontology's HTML documentation and the two diagrams (SVG and PNG) to ``out_dir``.

    Nothing is fetched from the network. The files are first written to a temporary folder
    next to ``out_dir`` and then moved in one by one, so each file in ``out_dir`` is whole;
    other files in ``out_dir`` are left alone.

    Args:
        out_dir: The folder to write to (made if missing).
        ontology: The ontology file.
        data: The data file (the frameworks diagram).

    Returns:
        The files written, in the order of :data:`DOC_FILES`.

    Raises:
        DlkgError: Graphviz's ``dot`` is not installed or fails (the message names the
            Debian package).
        InputError: an input file does not parse, or ``out_dir`` cannot be written.
    """
    out_dir = Path(out_dir)
    dot = _find_dot()
    chinese = _chinese_font_available()
    page = ontology_html(ontology)
    diagrams = {"classes": classes_dot(ontology, chinese=chinese),
                "frameworks": frameworks_dot(ontology, data, chinese=chinese)}
    staging = _prepare(out_dir)
    try:
        (staging / "index.html").write_text(page, encoding="utf-8")
        for name, source in diagrams.items():
            _render(dot, source, {"svg": staging / f"{name}.svg", "png": staging / f"{name}.png"})
        return list(_install(staging, out_dir, DOC_FILES))
    except OSError as err:
        raise InputError(f"cannot write: {err.strerror or err}", path=str(out_dir)) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
