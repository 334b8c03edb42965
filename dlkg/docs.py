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
written here, from the parsed Turtle, with a small string template and no network access.

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
from dlkg.resources import DATA_FILE, DLKG, ONTOLOGY_FILE, ONTOLOGY_IRI, RES

__all__ = ["DOC_FILES", "build_docs", "classes_dot", "frameworks_dot", "ontology_html"]

#: The files ``build_docs`` writes, in this order.
DOC_FILES: tuple[str, ...] = ("index.html", "classes.svg", "classes.png", "frameworks.svg", "frameworks.png")

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_DCT = "http://purl.org/dc/terms/"

#: Prefixes used to shorten IRIs of other vocabularies (and listed on the page).
PREFIXES: dict[str, str] = {
    "dlkg": DLKG,
    "res": RES,
    "owl": _OWL,
    "rdf": _RDF,
    "rdfs": _RDFS,
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": _DCT,
    "skos": _SKOS,
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "doap": "http://usefulinc.com/ns/doap#",
    "wdt": "http://www.wikidata.org/prop/direct/",
    "swo": "http://www.ebi.ac.uk/swo/",
    "vann": "http://purl.org/vocab/vann/",
}

_TYPE = ox.NamedNode(_RDF + "type")
_FIRST = ox.NamedNode(_RDF + "first")
_REST = ox.NamedNode(_RDF + "rest")
_NIL = ox.NamedNode(_RDF + "nil")
_LABEL = ox.NamedNode(_RDFS + "label")
_COMMENT = ox.NamedNode(_RDFS + "comment")
_DOMAIN = ox.NamedNode(_RDFS + "domain")
_RANGE = ox.NamedNode(_RDFS + "range")
_SUBCLASS = ox.NamedNode(_RDFS + "subClassOf")
_SUBPROPERTY = ox.NamedNode(_RDFS + "subPropertyOf")
_IS_DEFINED_BY = ox.NamedNode(_RDFS + "isDefinedBy")
_NOTATION = ox.NamedNode(_SKOS + "notation")
_CLOSE_MATCH = ox.NamedNode(_SKOS + "closeMatch")
_OWL_CLASS = ox.NamedNode(_OWL + "Class")
_NAMED_INDIVIDUAL = ox.NamedNode(_OWL + "NamedIndividual")
_THING = ox.NamedNode(_OWL + "Thing")


def _owl(name: str) -> ox.NamedNode:
    return ox.NamedNode(_OWL + name)


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


def _curie(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


# ---------------------------------------------------------------------------------------
# The HTML page
# ---------------------------------------------------------------------------------------

_CSS = """
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --accent: #0a58ca; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC",
       "PingFang SC", "Microsoft YaHei", sans-serif; color: var(--ink); margin: 0; }
header, main, footer { max-width: 70rem; margin: 0 auto; padding: 0 1.5rem; }
header { padding-top: 2rem; }
h1 { margin-bottom: .25rem; }
h2 { border-bottom: 2px solid var(--line); padding-bottom: .25rem; margin-top: 3rem; }
h3 { margin: 0 0 .5rem; font-size: 1.15rem; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code { font: .9em ui-monospace, "DejaVu Sans Mono", monospace; background: var(--bg);
       padding: .05em .3em; border-radius: 4px; word-break: break-all; }
.zh { color: var(--muted); font-weight: normal; margin-left: .5em; }
.entity { border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; margin: 1rem 0; }
.entity:target { border-color: var(--accent); box-shadow: 0 0 0 3px #0a58ca33; }
table.facts { border-collapse: collapse; width: 100%; }
table.facts th { text-align: left; vertical-align: top; width: 11rem; padding: .2rem .75rem .2rem 0;
                 color: var(--muted); font-weight: 600; }
table.facts td { padding: .2rem 0; }
table.list { border-collapse: collapse; }
table.list th, table.list td { border: 1px solid var(--line); padding: .3rem .6rem; text-align: left;
                               vertical-align: top; }
table.list th { background: var(--bg); }
.badge { display: inline-block; min-width: 1.9em; text-align: center; font-size: .7rem; font-weight: 700;
         border-radius: 4px; padding: .05em .35em; margin-left: .5em; vertical-align: middle; color: #fff; }
.badge-c { background: #d97706; } .badge-op { background: #2563eb; } .badge-dp { background: #16a34a; }
.badge-ap { background: #6b7280; } .badge-ni { background: #9333ea; }
nav.toc ul { columns: 3 16rem; padding-left: 1.2rem; }
nav.toc > ol > li { margin-bottom: .5rem; }
figure { margin: 1.5rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 8px; }
figcaption { color: var(--muted); }
footer { color: var(--muted); border-top: 1px solid var(--line); margin-top: 3rem; padding-bottom: 2rem; }
"""


class _Page:
    """Builds the HTML page from the ontology graph."""

    def __init__(self, graph: _Graph, diagrams: bool) -> None:
        self.g = graph
        self.diagrams = diagrams
        self.kinds: dict[str, list[ox.NamedNode]] = {
            kind: graph.typed(_owl(kind), DLKG) for kind, *_ in _KINDS}
        self.documented = {node for nodes in self.kinds.values() for node in nodes}

    # --- small pieces ---------------------------------------------------------------

    def label(self, node: object) -> str:
        if isinstance(node, ox.NamedNode):
            return self.g.literal(node, _LABEL, "en") or self.g.literal(node, _LABEL, None) or _curie(node.value)
        if isinstance(node, ox.Literal):
            return node.value
        return "(anonymous)"

    def link(self, node: object) -> str:
        """A link to a term: to its section on this page, or out to its IRI."""
        if isinstance(node, ox.Literal):
            return f"<code>{_e(node.value)}</code>"
        if not isinstance(node, ox.NamedNode):
            return self.expression(node)
        if node.value == ONTOLOGY_IRI:
            return f'<a href="#metadata" title="{_e(node.value)}">this ontology</a>'
        if node in self.documented:
            return f'<a href="#{_e(_local(node.value))}" title="{_e(node.value)}">{_e(self.label(node))}</a>'
        shown = _curie(node.value)
        label = self.g.literal(node, _LABEL, "en")
        title = f"{label} ({node.value})" if label else node.value
        return f'<a href="{_e(node.value)}" title="{_e(title)}"><code>{_e(shown)}</code></a>'

    def links(self, nodes: Iterable[object]) -> str:
        return ", ".join(self.link(n) for n in nodes)

    def expression(self, node: object, nested: bool = False) -> str:
        """An OWL class expression in words (Manchester-like)."""
        if not isinstance(node, ox.BlankNode):
            return self.link(node)
        g = self.g
        text: str | None = None
        for op, word in (("intersectionOf", " and "), ("unionOf", " or ")):
            head = g.value(node, _owl(op))
            if head is not None:
                text = f" <em>{word.strip()}</em> ".join(self.expression(m, True) for m in g.items(head))
        head = g.value(node, _owl("oneOf"))
        if head is not None:
            return "<em>one of</em> {" + ", ".join(self.link(m) for m in g.items(head)) + "}"
        complement = g.value(node, _owl("complementOf"))
        if complement is not None:
            text = "<em>not</em> " + self.expression(complement, True)
        prop = g.value(node, _owl("onProperty"))
        if prop is not None:
            text = self._restriction(node, prop)
        if text is None:
            return "(anonymous class)"
        return f"({text})" if nested else text

    def _restriction(self, node: object, prop: object) -> str:
        g = self.g
        p = self.link(prop)
        for key, word in (("someValuesFrom", "some"), ("allValuesFrom", "only")):
            filler = g.value(node, _owl(key))
            if filler is not None:
                return f"{p} <em>{word}</em> {self.expression(filler, True)}"
        filler = g.value(node, _owl("hasValue"))
        if filler is not None:
            return f"{p} <em>value</em> {self.link(filler)}"
        for key, word in (("cardinality", "exactly"), ("minCardinality", "min"), ("maxCardinality", "max"),
                          ("qualifiedCardinality", "exactly"), ("minQualifiedCardinality", "min"),
                          ("maxQualifiedCardinality", "max")):
            number = g.value(node, _owl(key))
            if isinstance(number, ox.Literal):
                on = g.value(node, _owl("onClass"))
                tail = f" {self.expression(on, True)}" if on is not None else ""
                return f"{p} <em>{word}</em> {_e(number.value)}{tail}"
        return f"{p} (restriction)"

    def text(self, node: object, predicate: ox.NamedNode) -> str:
        """English and Chinese values of a text annotation, each marked with its language."""
        parts = []
        for lang in ("en", "zh"):
            value = self.g.literal(node, predicate, lang)
            if value:
                parts.append(f'<p lang="{lang}">{_e(value)}</p>')
        plain = self.g.literal(node, predicate, None)
        if plain:
            parts.append(f"<p>{_e(plain)}</p>")
        return "".join(parts)

    def _members(self, node: object) -> list[object]:
        """A domain or range as named classes: a union is split into its members."""
        head = self.g.value(node, _owl("unionOf")) if isinstance(node, ox.BlankNode) else None
        return self.g.items(head) if head is not None else [node]

    # --- one term -----------------------------------------------------------------------

    def term(self, node: ox.NamedNode, kind: str) -> str:
        g = self.g
        rows: list[tuple[str, str]] = [("IRI", f"<code>{_e(node.value)}</code>")]
        other_kinds = [k for k, *_ in _KINDS if k != kind and node in self.kinds[k]]
        types = [t for t in g.objects(node, _TYPE) if isinstance(t, ox.NamedNode)
                 and t.value.startswith(_OWL) and _local(t.value) not in (kind, *other_kinds)]
        if kind == "NamedIndividual":
            classes = [t for t in g.objects(node, _TYPE) if not (isinstance(t, ox.NamedNode) and t.value.startswith(_OWL))]
            rows.append(("Instance of", self.links(classes)))
        labels = self.text(node, _LABEL)
        if labels:
            rows.append(("Labels", labels))
        comment = self.text(node, _COMMENT)
        if comment:
            rows.append(("Description", comment))
        notation = g.objects(node, _NOTATION)
        if notation:
            rows.append(("Notation", ", ".join(f"<code>{_e(n.value)}</code>" for n in notation)))
        if kind == "Class":
            rows += self._class_rows(node)
        elif kind in ("ObjectProperty", "DatatypeProperty", "AnnotationProperty"):
            rows += self._property_rows(node, kind, types)
        matches = g.objects(node, _CLOSE_MATCH)
        if matches:
            rows.append(("Close match", self.links(matches)))
        defined_by = g.objects(node, _IS_DEFINED_BY)
        if defined_by:
            rows.append(("Defined by", self.links(defined_by)))
        if other_kinds:
            rows.append(("Also", ", ".join(_e(k) for k in other_kinds)))
        badge = next(b for k, _, _, b in _KINDS if k == kind)
        zh = g.literal(node, _LABEL, "zh")
        heading = (f'{_e(self.label(node))}'
                   + (f'<span class="zh" lang="zh">{_e(zh)}</span>' if zh else "")
                   + f'<span class="badge badge-{badge}" title="{_e(kind)}">{badge}</span>')
        body = "".join(f"\n<tr><th>{_e(h)}</th><td>{v}</td></tr>" for h, v in rows)
        return (f'<section class="entity" id="{_e(_local(node.value))}" data-iri="{_e(node.value)}">\n'
                f'<h3>{heading}</h3>\n<table class="facts">{body}\n</table>\n</section>\n')

    def _class_rows(self, node: ox.NamedNode) -> list[tuple[str, str]]:
        g = self.g
        rows: list[tuple[str, str]] = []
        for heading, predicate in (("Equivalent to", _owl("equivalentClass")), ("Subclass of", _SUBCLASS)):
            values = g.objects(node, predicate)
            if values:
                rows.append((heading, "<br>".join(self.expression(v) for v in values)))
        subclasses = [s for s in g.subjects(_SUBCLASS, node) if isinstance(s, ox.NamedNode)]
        if subclasses:
            rows.append(("Subclasses", self.links(self._ordered(subclasses))))
        disjoint = g.objects(node, _owl("disjointWith")) + [
            s for s in g.subjects(_owl("disjointWith"), node)]
        for group in g.subjects(_TYPE, _owl("AllDisjointClasses")):
            members = g.items(g.value(group, _owl("members")))
            if node in members:
                disjoint += [m for m in members if m != node]
        if disjoint:
            rows.append(("Disjoint with", self.links(self._ordered(dict.fromkeys(disjoint)))))
        domain_of, range_of = [], []
        for kind in ("ObjectProperty", "DatatypeProperty"):
            for prop in self.kinds[kind]:
                if any(node in self._members(d) for d in g.objects(prop, _DOMAIN)):
                    domain_of.append(prop)
                if any(node in self._members(r) for r in g.objects(prop, _RANGE)):
                    range_of.append(prop)
        if domain_of:
            rows.append(("In domain of", self.links(domain_of)))
        if range_of:
            rows.append(("In range of", self.links(range_of)))
        members = [m for m in g.subjects(_TYPE, node) if isinstance(m, ox.NamedNode)]
        if members:
            rows.append(("Instances", self.links(self._ordered(members))))
        return rows

    def _property_rows(self, node: ox.NamedNode, kind: str, types: list[ox.NamedNode]) -> list[tuple[str, str]]:
        g = self.g
        rows: list[tuple[str, str]] = []
        if kind != "AnnotationProperty":
            for heading, predicate in (("Domain", _DOMAIN), ("Range", _RANGE)):
                values = g.objects(node, predicate)
                rows.append((heading, "<br>".join(self.expression(v) for v in values)
                             if values else "<em>not restricted</em>"))
        characteristics = [_local(t.value) for t in types if _local(t.value) in _CHARACTERISTICS]
        if characteristics:
            rows.append(("Characteristics", ", ".join(_e(c) for c in characteristics)))
        for heading, predicate in (("Subproperty of", _SUBPROPERTY), ("Equivalent to", _owl("equivalentProperty")),
                                   ("Inverse of", _owl("inverseOf")),
                                   ("Disjoint with", _owl("propertyDisjointWith"))):
            values = g.objects(node, predicate)
            if values:
                rows.append((heading, self.links(values)))
        inverse = g.subjects(_owl("inverseOf"), node)
        if inverse:
            rows.append(("Inverse", self.links(inverse)))
        subproperties = g.subjects(_SUBPROPERTY, node)
        if subproperties:
            rows.append(("Subproperties", self.links(subproperties)))
        return rows

    def _ordered(self, nodes: Iterable[object]) -> list[object]:
        return sorted(nodes, key=lambda n: (self.g.order.get(n, 1 << 30), str(n)))

    # --- whole page ---------------------------------------------------------------------

    def render(self) -> str:
        g = self.g
        ontology = ox.NamedNode(ONTOLOGY_IRI)
        title_en = g.literal(ontology, ox.NamedNode(_DCT + "title"), "en") or "dlkg ontology"
        title_zh = g.literal(ontology, ox.NamedNode(_DCT + "title"), "zh")
        sections = [self._metadata(ontology)]
        toc = []
        for kind, section_id, heading, _ in _KINDS:
            nodes = self.kinds[kind]
            toc.append(f'<li><a href="#{section_id}">{_e(heading)}</a> ({len(nodes)})<ul>'
                       + "".join(f'<li><a href="#{_e(_local(n.value))}">{_e(self.label(n))}</a></li>' for n in nodes)
                       + "</ul></li>")
            sections.append(f'<section id="{section_id}">\n<h2>{_e(heading)}</h2>\n'
                            + "".join(self.term(n, kind) for n in nodes) + "</section>")
        sections.append(self._external())
        toc.append('<li><a href="#external">Terms from other vocabularies</a></li>')
        if self.diagrams:
            sections.append(_DIAGRAMS)
            toc.append('<li><a href="#diagrams">Diagrams</a></li>')
        sections.append(self._namespaces())
        toc.append('<li><a href="#namespaces">Namespaces</a></li>')
        zh = f'<p class="zh" lang="zh">{_e(title_zh)}</p>' if title_zh else ""
        return (
            "<!DOCTYPE html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(title_en)}</title>\n"
            '<meta name="generator" content="dlkg docs">\n'
            f"<style>{_CSS}</style>\n</head>\n<body>\n"
            f"<header><h1>{_e(title_en)}</h1>{zh}</header>\n<main>\n"
            f'<nav class="toc" aria-label="Contents"><h2>Contents</h2><ol>{"".join(toc)}</ol></nav>\n'
            + "\n".join(sections)
            + "\n</main>\n<footer><p>Generated by <code>dlkg docs</code> from the ontology's Turtle source. "
            "Anchors on this page are the terms' local names, as in "
            f'<code>{_e(DLKG)}Framework</code> → <a href="#Framework">#Framework</a>.</p></footer>\n'
            "</body>\n</html>\n")

    def _metadata(self, ontology: ox.NamedNode) -> str:
        g = self.g
        rows = [("IRI", f"<code>{_e(ontology.value)}</code>")]
        for heading, predicate in (("Version IRI", _owl("versionIRI")), ("Version", _owl("versionInfo")),
                                   ("Created", ox.NamedNode(_DCT + "created")),
                                   ("License", ox.NamedNode(_DCT + "license")),
                                   ("Source", ox.NamedNode(_DCT + "source")),
                                   ("Preferred prefix", ox.NamedNode(PREFIXES["vann"] + "preferredNamespacePrefix")),
                                   ("Namespace", ox.NamedNode(PREFIXES["vann"] + "preferredNamespaceUri"))):
            values = g.objects(ontology, predicate)
            if values:
                rows.append((heading, self.links(values)))
        description = self.text(ontology, ox.NamedNode(_DCT + "description"))
        if description:
            rows.append(("Description", description))
        body = "".join(f"<tr><th>{_e(h)}</th><td>{v}</td></tr>" for h, v in rows)
        return f'<section id="metadata"><h2>Metadata</h2><table class="facts">{body}</table></section>'

    def _external(self) -> str:
        """Terms of other vocabularies that the ontology declares, and which dlkg terms use them."""
        g = self.g
        users: dict[object, list[str]] = {}
        for node in self.documented:
            for predicate, word in ((_SUBCLASS, "subclass"), (_SUBPROPERTY, "subproperty"),
                                    (_owl("equivalentProperty"), "equivalent"),
                                    (_owl("equivalentClass"), "equivalent"), (_CLOSE_MATCH, "close match")):
                for target in g.objects(node, predicate):
                    users.setdefault(target, []).append(f"{self.link(node)} ({word})")
        rows = []
        for kind, *_ in _KINDS[:4]:
            for node in g.typed(_owl(kind)):
                if node in self.documented:
                    continue
                label = g.literal(node, _LABEL, "en") or ""
                used = sorted(users.get(node, []))
                rows.append(f"\n<tr><td>{self.link(node)}</td><td>{_e(kind)}</td><td>{_e(label)}</td>"
                            f"<td>{', '.join(used)}</td></tr>")
        return ('<section id="external"><h2>Terms from other vocabularies</h2>'
                "<p>Declared in the ontology so that it stays OWL 2 DL; the last column shows which dlkg "
                "terms are aligned with them.</p>"
                '<table class="list"><tr><th>Term</th><th>Declared as</th><th>Label</th><th>Used by</th></tr>'
                + "".join(rows) + "</table></section>")

    def _namespaces(self) -> str:
        rows = "".join(f"<tr><td><code>{_e(p)}</code></td><td><code>{_e(ns)}</code></td></tr>"
                       for p, ns in PREFIXES.items())
        return ('<section id="namespaces"><h2>Namespaces</h2><table class="list">'
                f"<tr><th>Prefix</th><th>Namespace</th></tr>{rows}</table></section>")


_DIAGRAMS = """<section id="diagrams"><h2>Diagrams</h2>
<figure id="classes-diagram"><a href="classes.svg"><img src="classes.svg" alt="Class diagram: the dlkg classes, their subclass links and the object properties between them"></a>
<figcaption>Classes and properties: boxes are classes (datatype properties inside), open arrows
lead to a superclass, labelled arrows are object properties from their domain to their range.
Also as <a href="classes.png">PNG</a>.</figcaption></figure>
<figure id="frameworks-diagram"><a href="frameworks.svg"><img src="frameworks.svg" alt="The frameworks with their implementation languages, platforms and supported capabilities"></a>
<figcaption>The frameworks of Table 14.1 with their implementation languages and the platforms they
run on (left) and the capabilities they support (right); each framework's lines have its colour.
Also as <a href="frameworks.png">PNG</a>.</figcaption></figure>
</section>"""


def ontology_html(ontology: str | Path = ONTOLOGY_FILE, *, diagrams: bool = True) -> str:
    """The ontology's documentation as one HTML page (no network, no scripts, no remote assets).

    Args:
        ontology: The ontology's Turtle (or other RDF) file.
        diagrams: Show ``classes.svg`` and ``frameworks.svg`` (expected next to the page).

    Raises:
        InputError: the ontology file is missing or does not parse.
    """
    return _Page(_Graph(rdf.parse(ontology)), diagrams).render()


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
        return _curie(node.value).split(":", 1)[-1] if isinstance(node, ox.NamedNode) else "…"

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
