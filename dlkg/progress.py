"""Progress for long loads: a file reader that reports the bytes read, shown as a progress bar
(rich) when stderr is a terminal, and nothing otherwise."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TYPE_CHECKING = False  # typing itself costs start-up time; only type checkers read this
if TYPE_CHECKING:
    from typing import BinaryIO

__all__ = ["reading"]


class _CountingReader(io.RawIOBase):
    def __init__(self, handle: BinaryIO, advance) -> None:
        self._handle = handle
        self._advance = advance

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._handle.read(len(buffer))
        buffer[: len(data)] = data
        self._advance(len(data))
        return len(data)


@contextmanager
def reading(path: Path, *, label: str, show: bool | None = None) -> Iterator[BinaryIO]:
    """Open ``path`` for binary reading, with a progress bar over its size on a terminal.

    >>> with reading(Path(__file__), label="x", show=False) as handle:
    ...     len(handle.read(3))
    3
    """
    show = sys.stderr.isatty() if show is None else show
    with open(path, "rb") as handle:
        if not show:
            yield handle
            return
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

        with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                      transient=True) as progress:
            task = progress.add_task(label, total=path.stat().st_size)
            yield io.BufferedReader(_CountingReader(handle, lambda n: progress.advance(task, n)))
