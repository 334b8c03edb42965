"""Writing results: to stdout, or to a file as a shell redirect (``>``) would, except that a
regular file is replaced atomically (a temporary file renamed into place), so that a failed
or interrupted write never leaves a half-written file behind.

Like ``>``: a symbolic link is followed (its target is written, the link stays); a device,
FIFO or socket is written in place (never replaced by a file); an existing file keeps its
mode; a new file gets ``0666`` less the umask.

Text for people (tables, profiles) is made safe to print on a terminal by :func:`printable`.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dlkg.errors import InputError

TYPE_CHECKING = False  # typing itself costs start-up time; only type checkers read this
if TYPE_CHECKING:
    from typing import BinaryIO

__all__ = ["write_output", "open_output", "printable"]

# C0 controls but tab and newline, DEL and the C1 controls: ESC starts a terminal escape
# (clear screen, set the window title, rewrite earlier lines), and C1 CSI (U+009B) is one on
# its own; a label in the data must never drive the terminal that shows it.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    r"""``text`` with its control characters removed (tab and newline kept): what a table or
    profile shown to a person may print, whatever the labels in the data hold.

    >>> printable("Caffe\x1b[2J\x1b]0;owned\x07 and\ttab\n")
    'Caffe[2J]0;owned and\ttab\n'
    """
    return _CONTROLS.sub("", text)


def write_output(data: str | bytes, path: str | Path | None = None) -> None:
    """Write text or bytes to ``path`` as a shell redirect would, or to stdout when ``path``
    is None or ``-`` (regular files atomically: see the module's docstring).

    >>> import os, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     os.symlink("target.txt", f"{tmp}/link")
    ...     write_output("hi\\n", f"{tmp}/link")
    ...     (os.path.islink(f"{tmp}/link"), open(f"{tmp}/target.txt").read())
    (True, 'hi\\n')

    Raises:
        InputError: the file cannot be written (the message names it); nothing is left behind.
    """
    with open_output(path) as out:
        out.write(data.encode("utf-8") if isinstance(data, str) else data)


@contextmanager
def open_output(path: str | Path | None = None) -> Iterator[BinaryIO]:
    """A binary file to stream output into, written as :func:`write_output` writes: stdout
    when ``path`` is None or ``-``; a regular file replaced atomically when the block ends
    without an error (on an error nothing is left behind and the old file stays).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     with open_output(f"{tmp}/out.txt") as out:
    ...         _ = out.write(b"one ")
    ...         _ = out.write(b"two")
    ...     open(f"{tmp}/out.txt").read()
    'one two'

    Raises:
        InputError: the file cannot be written (the message names it).
    """
    if path in (None, "-"):
        yield sys.stdout.buffer
        sys.stdout.flush()
        return
    import stat

    target = Path(os.path.realpath(path))  # a symlink's target, as `>` writes it
    try:
        existing = os.stat(target)
    except FileNotFoundError:
        existing = None
    except OSError as err:
        raise InputError(f"cannot write: {err.strerror or err}", path=str(path)) from None
    try:
        if existing is not None and stat.S_ISDIR(existing.st_mode):
            raise IsADirectoryError(21, "Is a directory")
        if existing is not None and not stat.S_ISREG(existing.st_mode):
            # A device, FIFO or socket: written in place, as `>` does; replacing it would
            # leave a plain file where /dev/null was, and a FIFO's reader with nothing.
            with open(target, "wb") as out:
                yield out
            return
        with _replacing(target, existing) as out:
            yield out
    except OSError as err:
        raise InputError(f"cannot write: {err.strerror or err}", path=str(path)) from None


@contextmanager
def _replacing(target: Path, existing: os.stat_result | None) -> Iterator[BinaryIO]:
    """Write a regular file atomically: a temporary file beside it, renamed over it."""
    import secrets

    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    # 0666 at creation, so the kernel applies the umask as it does for `>`; an existing
    # file's own mode (and owner, where permitted) is put back on the replacement.
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
            if existing is not None:
                os.fchmod(out.fileno(), existing.st_mode & 0o7777)
                if (existing.st_uid, existing.st_gid) != (os.geteuid(), os.getegid()):
                    try:
                        os.fchown(out.fileno(), existing.st_uid, existing.st_gid)
                    except PermissionError:
                        pass  # as with any editor's save: the new owner is the writer
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
