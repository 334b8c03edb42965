"""SPARQL text helpers: the one place that puts user values into queries, and query inspection.

User values (parameters, facet values) become RDF terms (pyoxigraph terms: IRIs are
validated, literals escaped by Oxigraph's N-Triples writer) and enter the query as a
``VALUES`` block at the start of the WHERE clause, so a value can never change the query's
shape, whatever engine runs it.

>>> bind_values("SELECT ?f WHERE { ?f <http://x/p> ?v }", {"v": ox.Literal('a" } UNION { ?s ?p ?o')})
'SELECT ?f WHERE { VALUES (?v) { ("a\\\\" } UNION { ?s ?p ?o") } ?f <http://x/p> ?v }'
>>> query_form("PREFIX a: <http://x/select#> # ASK?\\nCONSTRUCT WHERE { ?s ?p ?o }")
'construct'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

import pyoxigraph as ox

from dlkg.errors import InputError

__all__ = ["Term", "bind_values", "bind_iris", "named_iris", "names_graphs", "query_form", "has_order_by", "blank_out", "variables"]

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

_COMMENT = re.compile(r"#[^\n]*")
_STRING = re.compile(r"'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"", re.S)
_IRI = re.compile(r"<[^<>\"{}|^`\\\s]*>")
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)
_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.I)
_WHERE = re.compile(r"\bWHERE\b", re.I)
# A variable's name: ASCII letters, digits, _, U+00B7 and everything from U+00C0 up; written as a
# negated class because a range up to U+FFFF costs ~5 ms to compile, a tenth of dlkg's start-up.
_VARIABLE = re.compile(r"[?$]((?:[A-Za-z_0-9\u00B7]|[^\x00-\u00BF])+)")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z_0-9]*$")


@lru_cache(maxsize=64)
def blank_out(query: str) -> str:
    """The query with strings, IRIs and comments replaced by spaces of the same length.

    Keyword and variable searches then cannot be fooled by text inside them, and positions
    still match the original.
    """
    def spaces(match: re.Match) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    out = _STRING.sub(spaces, query)
    out = _IRI.sub(spaces, out)
    return _COMMENT.sub(spaces, out)


@lru_cache(maxsize=256)  # asked per request of the same few texts
def query_form(query: str) -> str:
    """The query form: ``select``, ``ask``, ``construct``, ``describe``, or ``""`` if none."""
    match = _FORM.search(blank_out(query))
    return match.group(1).lower() if match else ""


@lru_cache(maxsize=256)  # asked once per query run, of the same few texts
def has_order_by(query: str) -> bool:
    """Whether the query orders its own rows (its order is then kept, not re-sorted)."""
    return bool(_ORDER_BY.search(blank_out(query)))


def variables(query: str) -> set[str]:
    """The names of the variables the query mentions (outside strings, IRIs and comments)."""
    return set(_VARIABLE.findall(blank_out(query)))


def _where_brace(query: str) -> int:
    text = blank_out(query)
    where = _WHERE.search(text)
    start = where.end() if where else (_FORM.search(text).end() if _FORM.search(text) else 0)
    brace = text.find("{", start)
    if brace < 0:
        raise InputError("the query has no WHERE clause to bind values in", path="query")
    return brace


def bind_values(query: str, bindings: Mapping[str, Term]) -> str:
    """The query with the bindings as a ``VALUES`` block opening its WHERE clause.

    Args:
        query: SPARQL query text.
        bindings: Variable name (without ``?``) to RDF term.

    Raises:
        InputError: a variable name is not a plain name, or the query has no WHERE clause.
    """
    if not bindings:
        return query
    names = sorted(bindings)
    for name in names:
        if not _NAME.match(name):
            raise InputError(f"not a variable name: {name!r}", path="bindings")
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(str(bindings[n]) for n in names)}) }}"
    brace = _where_brace(query) + 1
    return query[:brace] + block + query[brace:]


def bind_iris(text: str, iris: Mapping[str, ox.NamedNode]) -> str:
    """An update or query whose IRI parameters (``?_name``) are written in place, each as the
    IRI Oxigraph serialized (a validated IRI in ``<>`` cannot change the text's shape): where
    SPARQL allows only an IRI (``MOVE``, ``ADD``, ``DROP GRAPH``, ``GRAPH`` in ``INSERT
    DATA``), and where a constant saves the engine work (a ``CONSTRUCT`` template's predicate
    bound by ``VALUES`` is decoded again for every triple; a constant is not).

    >>> bind_iris("MOVE ?_from TO ?_to", {"_from": ox.NamedNode("urn:a"), "_to": ox.NamedNode("urn:b")})
    'MOVE <urn:a> TO <urn:b>'

    Raises:
        InputError: a parameter with no value, or a value that is not an IRI.
    """
    out, last = [], 0
    for match in _VARIABLE.finditer(blank_out(text)):
        name = match.group(1)
        if not name.startswith("_"):
            continue
        value = iris.get(name)
        if not isinstance(value, ox.NamedNode):
            raise InputError(f"no IRI for the parameter ?{name}", path="bindings")
        out += [text[last:match.start()], str(value)]
        last = match.end()
    return "".join(out) + text[last:]


_PREFIX_DECL = re.compile(r"PREFIX\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE)
_PREFIXED = re.compile(r"(?<![\w?$<])([A-Za-z][\w.-]*|):([A-Za-z_][\w-]*)")


def named_iris(query: str) -> set[str]:
    """The IRIs a query names: ``<...>`` and prefixed names of its own ``PREFIX`` lines.

    >>> sorted(named_iris("PREFIX res: <http://x/> SELECT ?f WHERE { ?f <http://x/p> res:A }"))
    ['http://x/A', 'http://x/p']
    """
    prefixes = dict(_PREFIX_DECL.findall(query))
    body = _PREFIX_DECL.sub("", query)
    names = {match.group(0)[1:-1] for match in _IRI.finditer(body)}
    names |= {prefixes[p] + local for p, local in _PREFIXED.findall(_IRI.sub("", body)) if p in prefixes}
    return names


_GRAPH_WORDS = re.compile(r"\b(GRAPH|FROM)\b", re.IGNORECASE)


@lru_cache(maxsize=256)
def names_graphs(query: str) -> bool:
    """Whether a query chooses graphs itself (``GRAPH``, ``FROM``), outside strings and IRIs.

    >>> names_graphs("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"), names_graphs('SELECT * WHERE { ?s ?p "GRAPH" }')
    (True, False)
    """
    return bool(_GRAPH_WORDS.search(blank_out(query)))
