"""The canned-query catalogue: ``queries/*.rq`` files with grlc-compatible headers.

A canned query is a plain SPARQL file whose name (kebab-case) is the query's name. It opens
with ``#+ key: value`` lines (grlc's decorator syntax): ``summary`` (required), ``summary_zh``,
``description``, ``tags``, ``defaults``, ``enumerate`` (and grlc's ``method``, ``pagination``,
``endpoint``, ``endpoint_in_url``, ``transform``, accepted for compatibility). List values are
``- item`` lines below their key; ``defaults`` items are ``- name: value``. Parameters are the
variables ``?_name`` (required) and ``?__name`` (optional), as in grlc.

The header grammar is this small subset of YAML; it is parsed here rather than with a YAML
library to keep the command's start-up fast, and anything outside the subset is an error
naming the file and line.

>>> q = parse_query_text("#+ summary: Frameworks by interface\\n#+ defaults:\\n#+   - interface: Python\\n"
...                      "SELECT ?f WHERE { ?f ?p ?_interface }", name="by-interface")
>>> q.summary, q.parameters, q.defaults
('Frameworks by interface', ('interface',), {'interface': 'Python'})
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from dlkg.errors import InputError, UsageError
from dlkg.resources import QUERIES_DIR
from dlkg.sparql import variables

__all__ = ["CannedQuery", "Catalogue", "parse_query_text", "internal_queries", "KNOWN_KEYS"]

KNOWN_KEYS = frozenset({"summary", "summary_zh", "description", "tags", "defaults", "enumerate",
                        "method", "pagination", "endpoint", "endpoint_in_url", "transform"})
_LIST_KEYS = frozenset({"tags", "defaults", "enumerate"})
_HEADER = re.compile(r"^#\+(?:\s(.*))?$")
_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):(?:\s+(.*))?$")
_ITEM = re.compile(r"^\s+-\s+(.*)$")
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class CannedQuery:
    """One canned query.

    A plain class rather than a dataclass: ``dataclasses`` (and the ``inspect`` it loads)
    would be a tenth of the start-up time of ``dlkg query``.

    Attributes:
        name: The file name without ``.rq``.
        text: The whole SPARQL text (header lines are SPARQL comments).
        summary: One line saying what it answers.
        summary_zh: The summary in Chinese, where given.
        description: More about what it answers.
        tags: grlc tags.
        defaults: Default value per parameter.
        enumerate: Parameters whose values a client may list (grlc ``enumerate``).
        parameters: Parameter names (``?_name`` → ``name``), required ones first, sorted.
        optional: The names of optional parameters (``?__name``).
        path: The file it was read from.
    """

    __slots__ = ("name", "text", "summary", "summary_zh", "description", "tags", "defaults", "enumerate",
                 "parameters", "optional", "path")

    def __init__(self, name: str, text: str, summary: str, *, summary_zh: str = "", description: str = "",
                 tags: tuple[str, ...] = (), defaults: dict[str, str] | None = None, enumerate: tuple[str, ...] = (),
                 parameters: tuple[str, ...] = (), optional: frozenset[str] = frozenset(),
                 path: Path | None = None) -> None:
        self.name, self.text, self.summary, self.summary_zh = name, text, summary, summary_zh
        self.description, self.tags, self.defaults = description, tags, dict(defaults or {})
        self.enumerate, self.parameters, self.optional, self.path = enumerate, parameters, optional, path

    def __repr__(self) -> str:
        return f"CannedQuery(name={self.name!r}, parameters={self.parameters!r})"

    def variable(self, parameter: str) -> str:
        """The SPARQL variable name (without ``?``) of a parameter."""
        return ("__" if parameter in self.optional else "_") + parameter


def parse_query_text(text: str, *, name: str, path: Path | None = None) -> CannedQuery:
    """Parse a canned query's header and find its parameters.

    Raises:
        InputError: a malformed header line, an unknown key, a missing summary, or a bad
            name; the message names the file and line.
    """
    where = str(path) if path else name
    if not _NAME.match(name):
        raise InputError(f"query name {name!r} is not kebab-case", path=where)
    header: dict[str, object] = {}
    current: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        match = _HEADER.match(line)
        if not match:
            if line.strip() == "" or line.startswith("#"):
                continue
            break
        body = match.group(1) or ""
        item = _ITEM.match(body)
        if item and current in _LIST_KEYS:
            header.setdefault(current, []).append((item.group(1).strip(), number))
            continue
        key = _KEY.match(body)
        if not key:
            raise InputError(f"malformed header line (expected '#+ key: value'): {line!r}", path=where, line=number)
        current, value = key.group(1), (key.group(2) or "").strip()
        if current not in KNOWN_KEYS:
            raise InputError(f"unknown header key {current!r} (known: {', '.join(sorted(KNOWN_KEYS))})",
                             path=where, line=number)
        if current in header:
            raise InputError(f"header key {current!r} given twice", path=where, line=number)
        if current in _LIST_KEYS:
            if value:
                raise InputError(f"{current!r} takes '- item' lines below it", path=where, line=number)
            header[current] = []
        else:
            header[current] = value
    if not header.get("summary"):
        raise InputError("missing '#+ summary:' header line", path=where, line=1)

    defaults: dict[str, str] = {}
    for item, number in header.get("defaults", []):
        key = _KEY.match(item)
        if not key:
            raise InputError(f"a default must read '- name: value', not {item!r}", path=where, line=number)
        defaults[key.group(1)] = (key.group(2) or "").strip()

    names = variables(text)
    optional = {n[2:] for n in names if n.startswith("__") and len(n) > 2}
    required = {n[1:] for n in names if n.startswith("_") and not n.startswith("__") and len(n) > 1}
    parameters = tuple(sorted(required)) + tuple(sorted(optional - required))
    for key in defaults:
        if key not in parameters:
            raise InputError(f"default for {key!r}, which is not a parameter of the query", path=where)
    return CannedQuery(
        name=name, text=text, summary=str(header["summary"]), summary_zh=str(header.get("summary_zh", "")),
        description=str(header.get("description", "")),
        tags=tuple(i for i, _ in header.get("tags", [])), defaults=defaults,
        enumerate=tuple(i for i, _ in header.get("enumerate", [])),
        parameters=parameters, optional=frozenset(optional), path=path,
    )


class Catalogue:
    """The canned queries of a folder (the packaged ``queries/`` by default).

    >>> catalogue = Catalogue()
    >>> "python-on-android" in catalogue.names()
    True
    >>> catalogue.get("python-on-andriod")
    Traceback (most recent call last):
    ...
    dlkg.errors.UsageError: query: no canned query named 'python-on-andriod'; closest: python-on-android
    """

    def __init__(self, folder: Path = QUERIES_DIR, *, prologue: str = "") -> None:
        self.folder = folder
        self.prologue = prologue
        self._cache: dict[str, CannedQuery] = {}

    def names(self) -> list[str]:
        """All query names, sorted."""
        return sorted(p.stem for p in self.folder.glob("*.rq"))

    def get(self, name: str) -> CannedQuery:
        """One query by name.

        Raises:
            UsageError: no such query; the message lists the closest names.
        """
        if name not in self._cache:
            path = self.folder / f"{name}.rq"
            if "/" in name or not path.is_file():
                import difflib  # only for the error message

                close = difflib.get_close_matches(name, self.names(), n=3, cutoff=0.5)
                hint = f"; closest: {', '.join(close)}" if close else "; see 'dlkg queries'"
                raise UsageError(f"no canned query named {name!r}{hint}", path="query")
            query = parse_query_text(path.read_text(encoding="utf-8"), name=name, path=path)
            query.text = self.prologue + query.text
            self._cache[name] = query
        return self._cache[name]

    def run(self, store, name: str, /, *, timeout: float | None = None, **params):
        """Run the query NAME on ``store`` with parameter values (RDF terms) by parameter name;
        the values are bound by the store, through :func:`dlkg.sparql.bind_values`.

        Args:
            store: A :class:`dlkg.stores.Store`.
            name: The query's file name without ``.rq``.
            timeout: Seconds after which the store stops the query.
            **params: Parameter name (``?_name`` without ``?_``) to RDF term.

        Raises:
            UsageError: a parameter the query does not have (a programming error, named).
        """
        query = self.get(name)
        unknown = sorted(set(params) - set(query.parameters))
        if unknown:
            raise UsageError(f"{name}: no parameter {', '.join(unknown)} (has: {', '.join(query.parameters)})",
                             path="query")
        bindings = {query.variable(p): v for p, v in params.items()} or None
        return store.query(query.text, bindings=bindings, timeout=timeout)

    def __iter__(self):
        return (self.get(name) for name in self.names())


@lru_cache(maxsize=None)  # one catalogue per module, so each file is read once
def internal_queries(module_file: str, *, prologue: bool = True) -> Catalogue:
    """The internal queries of a module: the ``queries/*.rq`` files next to it, grlc-style
    like the canned ones, with dlkg's ``PREFIX`` block (:func:`dlkg.namespaces.sparql_prologue`)
    put before each (unless ``prologue`` is false: updates that name only IRIs), so no file
    repeats it.

    >>> internal_queries(__file__).folder.name
    'queries'
    """
    from dlkg.namespaces import sparql_prologue

    return Catalogue(Path(module_file).resolve().parent / "queries", prologue=sparql_prologue() if prologue else "")
