"""One exception hierarchy for dlkg, each error carrying the exit code the CLI uses.

Exit codes: 0 ok, 1 a check or query failed, 2 usage or input error.

An error about a file says where: ``path``, ``line`` and ``column``. An error about a value
the caller passed names the parameter instead, by its name in the Python API (``param``);
each front end shows that name in its own words: the command line as an option (``--graph``),
the server as a request field (``default-graph-uri``). No library module names an option.

>>> err = InputError("unexpected end of file", path="data.ttl", line=3, column=11)
>>> str(err)
'data.ttl:3:11: unexpected end of file'
>>> err.exit_code
2
>>> err = UsageError("unknown graph 'x' (known: all, data, ontology)", param="graph")
>>> str(err)
"graph: unknown graph 'x' (known: all, data, ontology)"
>>> err.describe({"graph": "--graph"})
"--graph: unknown graph 'x' (known: all, data, ontology)"
>>> isinstance(UpdateRefused("INSERT is an update", path="query", line=1, column=1), InputError)
True
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "DlkgError",
    "InputError",
    "UsageError",
    "UpdateRefused",
    "CheckFailed",
    "QueryError",
    "QueryTimeout",
    "ResultTooLarge",
    "StoreError",
    "QuestionNotUnderstood",
]


class DlkgError(Exception):
    """Base class of every error dlkg raises on purpose; ``str()`` is one line for a user."""

    exit_code: int = 1
    #: The Python API's name of the parameter whose value is wrong, where one is.
    param: str | None = None

    def describe(self, names: Mapping[str, str] | None = None) -> str:
        """The one-line message, with ``param`` shown by a front end's name for it.

        Args:
            names: The front end's name for each parameter name (an option, a request
                field); a parameter not in it is shown by its own name.
        """
        return str(self)


class InputError(DlkgError, ValueError):
    """Bad input: a file that does not parse, a value that is not known. Exit code 2.

    Args:
        message: What is wrong, in plain words.
        path: The file (or the text, such as ``query``) where it is wrong.
        line: 1-based line, where known.
        column: 1-based column, where known.
        param: The Python API's name of the parameter whose value is wrong (``graph``,
            ``store``, ``format``...), where the error is about a value passed in.
    """

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 column: int | None = None, param: str | None = None) -> None:
        self.message = _one_line(message)
        self.path = path
        self.line = line
        self.column = column
        self.param = param
        super().__init__(self.describe())

    def __reduce__(self):
        # Keep every field across processes (a query worker sends errors back pickled).
        return (_rebuild_input_error, (type(self), self.message, self.path, self.line, self.column, self.param))

    def describe(self, names: Mapping[str, str] | None = None) -> str:
        where = []
        if self.param is not None:
            where.append((names or {}).get(self.param, self.param))
        location = ":".join(str(part) for part in (self.path, self.line, self.column) if part is not None)
        if location:
            where.append(location)
        return ": ".join([*where, self.message])


def _rebuild_input_error(cls, message, path, line, column, param=None):
    return cls(message, path=path, line=line, column=column, param=param)


def _one_line(message: str, limit: int = 240) -> str:
    """Collapse a (possibly multi-line) engine message to one line of bounded length."""
    line = " ".join(message.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class UsageError(InputError):
    """A command or API call used wrongly: an unknown name, a missing parameter. Exit code 2."""


class UpdateRefused(InputError):
    """A SPARQL Update where only a query is accepted (updates go through ``dlkg load``).

    Exit code 2; the server answers it with 403 Forbidden (it is read-only).
    """


class CheckFailed(DlkgError):
    """A validation check found problems. Exit code 1.

    Args:
        message: A one-line summary.
        problems: One plain-words line per problem found.
    """

    exit_code = 1

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = problems or []
        super().__init__(message)


class QueryError(DlkgError):
    """A query could not be answered (the engine refused or failed). Exit code 1."""


class QueryTimeout(QueryError):
    """A query ran past its time limit and was stopped. Exit code 1."""


class ResultTooLarge(QueryError):
    """A query returned more rows (or triples) than the cap; nothing is returned as if complete.
    Exit code 1."""


class StoreError(DlkgError):
    """A triple store could not be reached or refused a request. Exit code 1."""


class QuestionNotUnderstood(CheckFailed):
    """``dlkg ask`` could not read a question; never a guess. Exit code 1.

    Args:
        message: Which words were not understood, or why nothing could be read.
        problems: Questions that can be answered (shown below the message).
    """

    param = "question"

    def __str__(self) -> str:
        return f"question: {self.args[0]}"
