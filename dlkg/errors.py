"""One exception hierarchy for dlkg, each error carrying the exit code the CLI uses.

Exit codes: 0 ok, 1 a check or query failed, 2 usage or input error.

>>> err = InputError("unexpected end of file", path="data.ttl", line=3, column=11)
>>> str(err)
'data.ttl:3:11: unexpected end of file'
>>> err.exit_code
2
"""

from __future__ import annotations

__all__ = [
    "DlkgError",
    "InputError",
    "UsageError",
    "CheckFailed",
    "QueryError",
    "QueryTimeout",
    "ResultTooLarge",
    "StoreError",
]


class DlkgError(Exception):
    """Base class of every error dlkg raises on purpose; ``str()`` is one line for a user."""

    exit_code: int = 1


class InputError(DlkgError, ValueError):
    """Bad input: a file that does not parse, a value that is not known. Exit code 2.

    Args:
        message: What is wrong, in plain words.
        path: The file (or the parameter name) where it is wrong.
        line: 1-based line, where known.
        column: 1-based column, where known.
    """

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 column: int | None = None) -> None:
        self.message = _one_line(message)
        self.path = path
        self.line = line
        self.column = column
        super().__init__(self._render())

    def __reduce__(self):
        # Keep path, line and column across processes (a query worker sends errors back).
        return (_rebuild_input_error, (type(self), self.message, self.path, self.line, self.column))

    def _render(self) -> str:
        where = ":".join(str(part) for part in (self.path, self.line, self.column) if part is not None)
        return f"{where}: {self.message}" if where else self.message


def _rebuild_input_error(cls, message, path, line, column):
    return cls(message, path=path, line=line, column=column)


def _one_line(message: str, limit: int = 240) -> str:
    """Collapse a (possibly multi-line) engine message to one line of bounded length."""
    line = " ".join(message.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class UsageError(InputError):
    """A command or API call used wrongly: an unknown name, a missing parameter. Exit code 2."""


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
