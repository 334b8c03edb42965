"""Writing results: to stdout, or to a file atomically (a temporary file renamed into place),
so that a failed or interrupted write never leaves a half-written file behind; and making
text for people (tables, profiles) safe to print on a terminal (:func:`printable`)."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from dlkg.errors import InputError

__all__ = ["write_output", "printable"]

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
    """Write text or bytes to ``path`` atomically, or to stdout when ``path`` is None or ``-``.

    Raises:
        InputError: the file cannot be written (the message names it); nothing is left behind.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if path in (None, "-"):
        sys.stdout.buffer.write(raw)
        sys.stdout.flush()
        return
    import tempfile  # only for files: writing to stdout is the start-up path of `dlkg query`

    target = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    except OSError as err:
        raise InputError(f"cannot write: {err.strerror or err}", path=str(target)) from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(raw)
        os.replace(temporary, target)
    except OSError as err:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(f"cannot write: {err.strerror or err}", path=str(target)) from None
