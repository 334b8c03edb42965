"""Checks on queries from users (``dlkg sparql``, the server) before they reach any engine.

The engines do not protect themselves: a query nested a few thousand levels deep crashes
Oxigraph (stack overflow), ``SERVICE <url>`` makes every engine fetch the URL, and a ``FROM
<url>`` can make a store fetch it. So, before a query runs:

- it must be one query of the forms SELECT, ASK, CONSTRUCT or DESCRIBE (no update: loads go
  through ``dlkg load``);
- its size and its nesting of ``{ }`` and ``( )`` are capped;
- ``SERVICE`` is refused unless the caller turns it on;
- ``FROM`` / ``FROM NAMED`` may only name dlkg's own graphs.

>>> check_query("SELECT * WHERE { ?s ?p ?o }")
>>> check_query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
Traceback (most recent call last):
...
dlkg.errors.InputError: query:1:18: SERVICE is refused (it makes the engine fetch a remote URL); turn it on explicitly if you trust the query
>>> check_query("SELECT * FROM <http://example.org/x.ttl> WHERE { ?s ?p ?o }")
Traceback (most recent call last):
...
dlkg.errors.InputError: query:1:10: FROM <http://example.org/x.ttl> is refused: only dlkg's own graphs may be named (https://w3id.org/dlkg/graph/data, https://w3id.org/dlkg/graph/ontology)
>>> check_query("PREFIX x: <http://e/> DELETE WHERE { ?s ?p ?o }")
Traceback (most recent call last):
...
dlkg.errors.UpdateRefused: query:1:23: DELETE is an update; dlkg runs queries only (loads go through 'dlkg load')
"""

from __future__ import annotations

import re
from functools import lru_cache

from dlkg.errors import InputError, UpdateRefused
from dlkg.resources import DATA_GRAPH, ONTOLOGY_GRAPH
from dlkg.sparql import blank_out

__all__ = ["MAX_QUERY_LENGTH", "MAX_NESTING", "check_query"]

#: Longest query text accepted, in characters.
MAX_QUERY_LENGTH = 100_000
#: Deepest nesting of braces and parentheses accepted (Oxigraph crashes in the thousands).
MAX_NESTING = 64

# Run on blanked text, where the prologue's IRIs are already spaces.
_PROLOGUE = re.compile(r"\s*(?:(?:BASE|PREFIX\s+[^\s:]*:)\s*)*", re.I)
_FORM = re.compile(r"(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)
_SERVICE = re.compile(r"\bSERVICE\b", re.I)
_FROM = re.compile(r"\bFROM\s+(?:NAMED\s+)?<([^>]*)>", re.I)
_UPDATE = re.compile(r"\b(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.I)
_ALLOWED_GRAPHS = (DATA_GRAPH, ONTOLOGY_GRAPH)


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def _refuse(message: str, text: str, index: int, kind: type[InputError] = InputError) -> InputError:
    line, column = _position(text, index)
    return kind(message, path="query", line=line, column=column)


@lru_cache(maxsize=1024)  # a server sees the same texts again and again; a refusal is not kept
def check_query(text: str, *, allow_service: bool = False, max_length: int = MAX_QUERY_LENGTH,
                max_nesting: int = MAX_NESTING, allowed_graphs: frozenset[str] = frozenset()) -> None:
    """Refuse a user query that is not safe to hand to an engine.

    ``allowed_graphs`` are graphs besides dlkg's own that ``FROM`` may name (a local store's
    named graphs, which naming cannot make anything fetch).

    Raises:
        UpdateRefused: the text is a SPARQL Update (an :class:`InputError`).
        InputError: what is refused and where (line and column).
    """
    if len(text) > max_length:
        raise InputError(f"the query is {len(text):,} characters long; the limit is {max_length:,}", path="query")
    blank = blank_out(text)
    prologue = _PROLOGUE.match(blank)
    start = prologue.end() if prologue else 0
    if not _FORM.match(blank, start):
        update = _UPDATE.match(blank, start)
        if update:
            raise _refuse(f"{update.group(1).upper()} is an update; dlkg runs queries only (loads go through 'dlkg load')",
                          text, start, UpdateRefused)
        raise _refuse("not a SELECT, ASK, CONSTRUCT or DESCRIBE query", text, start)
    depth = 0
    for index, char in enumerate(blank):
        if char in "{(":
            depth += 1
            if depth > max_nesting:
                raise _refuse(f"the query nests deeper than {max_nesting} levels", text, index)
        elif char in "})":
            depth -= 1
    if not allow_service:
        service = _SERVICE.search(blank)
        if service:
            raise _refuse("SERVICE is refused (it makes the engine fetch a remote URL); turn it on explicitly if you trust the query",
                          text, service.start())
    for match in _FROM.finditer(text):
        if blank[match.start():match.start() + 4].upper() != "FROM":
            continue  # inside a string or comment
        if match.group(1) not in _ALLOWED_GRAPHS and match.group(1) not in allowed_graphs:
            raise _refuse(f"FROM <{match.group(1)}> is refused: only dlkg's own graphs may be named "
                          f"({', '.join(sorted(_ALLOWED_GRAPHS))})", text, match.start())
