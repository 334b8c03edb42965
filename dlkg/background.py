"""A function run in a thread while the caller goes on, its value or its error taken back by
the caller: the one place for "start it, do something else, then wait for it".

Used where Oxigraph or Java works without holding the GIL (a bulk load beside the reading of
the same file, the read-back of a graph, HermiT beside the SPARQL checks) and where a wait
must end at a deadline (an HTTP answer that trickles).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

__all__ = ["Background"]

T = TypeVar("T")


class Background(Generic[T]):
    """``function(*args, **kwargs)``, running in a daemon thread from the moment this is made.

    The names follow :class:`concurrent.futures.Future`. Not a pool's future: a pool's threads
    are joined when the interpreter exits, and a call given up at its deadline (a store that
    sends a byte a second) must not hold the exit up; a daemon thread does not.

    Args:
        function: What to run.
        *args: Its positional arguments.
        name: The thread's name (``dlkg-...``: it shows in profiles and thread dumps).
        **kwargs: Its keyword arguments.

    >>> Background(sum, [1, 2, 3], name="dlkg-example").result()
    6
    >>> Background(int, "x", name="dlkg-example").exception()
    ValueError("invalid literal for int() with base 10: 'x'")
    >>> Background(int, "x", name="dlkg-example").result()
    Traceback (most recent call last):
    ...
    ValueError: invalid literal for int() with base 10: 'x'
    """

    __slots__ = ("_thread", "_value", "_error")

    def __init__(self, function: Callable[..., T], *args: Any, name: str, **kwargs: Any) -> None:
        self._value: T | None = None
        self._error: BaseException | None = None

        def run() -> None:
            try:
                self._value = function(*args, **kwargs)
            except BaseException as err:  # noqa: BLE001 - raised again in the caller by result()
                self._error = err

        self._thread = threading.Thread(target=run, name=name, daemon=True)
        self._thread.start()

    def done(self, timeout: float | None = None) -> bool:
        """Wait until the function has ended, at most ``timeout`` seconds (None: no limit);
        whether it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def exception(self, timeout: float | None = None) -> BaseException | None:
        """The function's error once it has ended, or None if it returned.

        Raises:
            TimeoutError: it is still running after ``timeout`` seconds.
        """
        if not self.done(timeout):
            raise TimeoutError(f"{self._thread.name} still running after {timeout} s")
        return self._error

    def result(self, timeout: float | None = None) -> T:
        """The function's value once it has ended; its error is raised here, in the caller.

        Raises:
            TimeoutError: it is still running after ``timeout`` seconds.
        """
        error = self.exception(timeout)
        if error is not None:
            raise error
        return self._value  # type: ignore[return-value]
