"""Running work that cannot be interrupted in a forked child process, killed at a deadline.

pyoxigraph cannot stop a running query or canonicalization (no timeout parameter, signals
are not honoured while Rust code runs), so the only sure stop is ending the process that
runs it. The child is a fork: it shares the parent's open store and data without copying
them up front.

>>> call_with_deadline(sum, [1, 2, 3], timeout=30)
6
>>> call_with_deadline(int, "x", timeout=30)
Traceback (most recent call last):
...
ValueError: invalid literal for int() with base 10: 'x'
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["call_with_deadline", "WorkerDied"]


class WorkerDied(ChildProcessError):
    """The worker process ended without an answer (killed, or out of memory)."""


#: One fork at a time: a server forks from several threads, and the child should copy a quiet process.
_FORK_LOCK = threading.Lock()


def _limit_memory(extra: int) -> None:
    """Cap this (worker) process's address space at its current size plus ``extra`` bytes."""
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as handle:
            pages = int(handle.read().split()[0])
        limit = pages * os.sysconf("SC_PAGE_SIZE") + extra
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, OSError, ValueError):  # not Linux: no cap
        pass


def _run(func: Callable[..., Any], args: tuple, memory: int | None, conn) -> None:
    import pickle

    try:
        if memory:
            _limit_memory(memory)
        payload = ("ok", func(*args))
    except BaseException as err:  # noqa: BLE001 - raised again in the parent
        payload = ("error", err)
    try:
        data = pickle.dumps(payload)
    except Exception as err:  # noqa: BLE001 - an answer or error that does not pickle
        data = pickle.dumps(("error", RuntimeError(f"{type(err).__name__}: {err}")))
    try:
        conn.send_bytes(data)
    finally:
        conn.close()


def call_with_deadline(func: Callable[..., Any], *args: Any, timeout: float, memory: int | None = None) -> Any:
    """``func(*args)`` in a forked worker process that is killed when ``timeout`` passes.

    Args:
        func: What to run; its answer and any exception it raises must pickle.
        args: Its arguments.
        timeout: Seconds before the worker is killed.
        memory: Bytes of address space the worker may add to what it starts with.

    Raises:
        TimeoutError: the time limit passed (the worker was killed).
        WorkerDied: the worker ended without an answer (it may have run out of memory).
        Exception: what ``func`` raised, raised again here (``MemoryError`` when it ran
            out of the memory allowed).
    """
    import multiprocessing  # only here: it costs start-up time on every other path
    import pickle

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_run, args=(func, args, memory, sender), daemon=True)
    with _FORK_LOCK:
        process.start()
    sender.close()
    try:
        answered = receiver.poll(timeout)
        if answered:
            status, payload = pickle.loads(receiver.recv_bytes())
    except (EOFError, OSError):
        raise WorkerDied("the worker process died without an answer (it may have run out of memory)") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
    if not answered:
        raise TimeoutError(f"stopped after the time limit of {timeout:g} s")
    if status == "error":
        raise payload
    return payload
