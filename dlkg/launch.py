"""The ``dlkg`` console script: the main job answered without loading the command-line framework.

``dlkg query NAME`` (optionally ``--format F``) on the packaged graph is what most runs are,
and click with every verb's options costs more start-up time than answering the query (see
``benchmarks/results/profiles/cold-start.txt``). That one command line is answered here with
the same library calls as the ``query`` verb; every other command line, and any error, goes
to :mod:`dlkg.cli`, which parses it fully and reports it (same messages, same exit codes).

>>> plain_query(["query", "python-on-android"])
('python-on-android', None)
>>> plain_query(["query", "python-on-android", "--format", "json"])
('python-on-android', 'json')
>>> plain_query(["query", "frameworks-by-platform", "-p", "platform=iOS"]) is None
True
>>> plain_ask(["ask", "Who developed Keras?", "--format", "json"])
('Who developed Keras?', 'json')
"""

from __future__ import annotations

import sys

__all__ = ["main", "plain_query", "plain_ask"]


def plain_query(args: list[str]) -> tuple[str, str | None] | None:
    """``(name, format)`` for ``query NAME [--format F]`` with a row format; None otherwise."""
    if len(args) not in (2, 4) or args[0] != "query" or args[1].startswith("-"):
        return None
    if len(args) == 2:
        return args[1], None
    from dlkg.results import SELECT_FORMATS

    if args[2] != "--format" or args[3] not in SELECT_FORMATS:
        return None
    return args[1], args[3]


def _answer(name: str, fmt: str | None) -> bool:
    """Run the canned query on the packaged graph and print it; False if it raised a dlkg error."""
    from dlkg.errors import DlkgError
    from dlkg.output import write_output
    from dlkg.query import run_canned
    from dlkg.results import default_format, format_result, view_note
    from dlkg.timeviews import BOOK

    try:
        result = run_canned(name)
        fmt = fmt or default_format(result, to_terminal=sys.stdout.isatty())
        data = format_result(result, fmt, view=BOOK)  # the packaged graph's default view
    except DlkgError:
        return False  # nothing printed yet: the full command runs it again and reports the error
    note = view_note(fmt, BOOK)
    if note:
        print(note, file=sys.stderr)
    write_output(data)
    return True


def plain_ask(args: list[str]) -> tuple[str, str] | None:
    """``(question, format)`` for ``ask QUESTION [--format text|json]``; None otherwise."""
    if len(args) not in (2, 4) or args[0] != "ask" or args[1].startswith("-"):
        return None
    if len(args) == 2:
        return args[1], "text"
    return (args[1], args[3]) if args[2] == "--format" and args[3] in ("text", "json") else None


def _ask(question: str, fmt: str) -> bool:
    """Answer a question on the packaged graph and print it; False on a dlkg error (the full
    command then runs it again and reports it, refusals and their suggestions included)."""
    from dlkg.ask import ask
    from dlkg.errors import DlkgError
    from dlkg.output import write_output

    try:
        answer = ask(question)
    except DlkgError:
        return False
    if fmt == "json":
        import json

        write_output(json.dumps(answer.as_dict(), ensure_ascii=False, indent=1) + "\n")
    else:
        write_output(answer.to_text())
    return True


def main(argv: list[str] | None = None) -> int | None:
    """Run the ``dlkg`` command with ``argv`` (default: the process's arguments)."""
    args = sys.argv[1:] if argv is None else list(argv)
    plain, question = plain_query(args), plain_ask(args)
    try:
        if plain is not None and _answer(*plain):
            return 0
        if question is not None and _ask(*question):  # `dlkg ask` without click, as `dlkg query`
            return 0
    except KeyboardInterrupt:
        print("dlkg: interrupted", file=sys.stderr)
        return 130
    from dlkg.cli import main as command

    return command.main(args=args, prog_name="dlkg")
