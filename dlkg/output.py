"""Writing results: to stdout, or to a file atomically (a temporary file renamed into place),
so that a failed or interrupted write never leaves a half-written file behind."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dlkg.errors import InputError

__all__ = ["write_output"]


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
