"""Work that cannot be interrupted, run in forked worker processes that are killed at a deadline.

pyoxigraph cannot stop a running query or canonicalization (no timeout parameter, signals
are not honoured while Rust code runs), so the only sure stop is ending the process that
runs it. A :class:`WorkerPool` keeps forked worker processes ready: each shares the
parent's data as it was at the fork (an in-memory store, without copying it up front),
takes requests over a pipe and sends answers back. A worker that overruns its deadline is
killed and replaced by a fresh fork, so the work stops on time and the pool keeps its size;
no process is forked per request. :func:`call_with_deadline` is the one-shot form.

>>> call_with_deadline(sum, [1, 2, 3], timeout=30)
6
>>> call_with_deadline(int, "x", timeout=30)
Traceback (most recent call last):
...
ValueError: invalid literal for int() with base 10: 'x'
>>> with WorkerPool(pow, size=2) as pool:
...     [pool.call(2, n, timeout=30) for n in range(4)]
[1, 2, 4, 8]
"""

from __future__ import annotations

import os
import pickle
import queue
import signal
import struct
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

__all__ = ["WorkerPool", "WorkerDied", "PoolBusy", "call_with_deadline"]


class WorkerDied(ChildProcessError):
    """The worker process ended without an answer (killed, or out of memory)."""


class PoolBusy(TimeoutError):
    """No worker became free within the wait allowed."""


#: One fork at a time: a server forks from several threads, and the child should copy a quiet process.
_FORK_LOCK = threading.Lock()
_PR_SET_PDEATHSIG = 1


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


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this worker when the thread that forked it ends (Linux only), so
    a killed server leaves no workers behind holding its port or store."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the parent kills its workers when it closes
        pass
    if os.getppid() != parent:  # the parent ended before the request above took effect
        os._exit(1)


#: An answer's frame header: its size in bytes.
_SIZE = struct.Struct("!Q")


def _send_answer(fd: int, data: bytes) -> None:
    """Write one answer to the parent: its size, then its bytes."""
    for part in (_SIZE.pack(len(data)), data):
        view = memoryview(part)
        while view:
            view = view[os.write(fd, view):]


class _AnswerReader:
    """One answer from a worker, read in pieces as they arrive.

    Answers have their own framing, read here without ever blocking: an event loop's reader
    (uvloop's) leaves the pipe non-blocking, and a long answer arrives in several pieces, so
    a blocking ``recv_bytes`` after the first byte could fail half-way."""

    __slots__ = ("fd", "buffer", "size")

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = bytearray()
        self.size: int | None = None

    def feed(self) -> bool:
        """Read what has arrived; whether the answer is complete.

        Raises:
            EOFError: the worker closed its end (it died) before the answer was complete.
        """
        want = 1 << 16 if self.size is None else min(self.size + _SIZE.size - len(self.buffer), 1 << 20)
        try:
            chunk = os.read(self.fd, want)
        except BlockingIOError:
            return False
        if not chunk:
            raise EOFError("the worker closed its pipe")
        self.buffer += chunk
        if self.size is None and len(self.buffer) >= _SIZE.size:
            (self.size,) = _SIZE.unpack_from(self.buffer)
        return self.size is not None and len(self.buffer) >= _SIZE.size + self.size

    def answer(self) -> tuple[str, Any]:
        """The worker's ``(status, value)``, once :meth:`feed` said it is complete."""
        return pickle.loads(memoryview(self.buffer)[_SIZE.size:])


def _serve(conn, handler: Callable[..., Any], setup: Callable[[], None] | None, memory: int | None,
           parent: int) -> None:
    """The worker's loop: answer pickled argument tuples with pickled ``(status, value)``."""
    # Ctrl-C in a terminal reaches the whole process group: the parent decides, not the worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # A worker past its memory cap is aborted by the engine (Rust aborts when an allocation
    # fails); the parent reports that as one line, so an inherited faulthandler (pytest turns it
    # on) would only add a "Fatal Python error" dump of a death that is expected.
    import faulthandler

    faulthandler.disable()
    _die_with_parent(parent)
    if setup is not None:
        setup()
    if memory:
        _limit_memory(memory)
    while True:
        try:
            args = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return  # the pool closed
        try:
            payload = ("ok", handler(*args))
        except BaseException as err:  # noqa: BLE001 - raised again in the parent
            payload = ("error", err)
        try:
            data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as err:  # noqa: BLE001 - an answer or error that does not pickle
            data = pickle.dumps(("error", RuntimeError(f"{type(err).__name__}: {err}")))
        _send_answer(conn.fileno(), data)
        if payload[0] == "error" and isinstance(payload[1], MemoryError):
            return  # its heap may be in pieces: a fresh fork replaces it


class _Expired(Exception):
    """The time limit of an asynchronous call passed."""


def _expire(answer) -> None:
    if not answer.done():
        answer.set_exception(_Expired())


class _Worker:
    __slots__ = ("pid", "conn")

    def __init__(self, pid: int, conn) -> None:
        self.pid, self.conn = pid, conn

    def stop(self) -> None:
        """Kill the process and reap it (SIGKILL: it may be deep in Rust code)."""
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        self.conn.close()


class WorkerPool:
    """Pre-started worker processes that run ``handler(*args)``; one killed at its deadline is replaced.

    The workers are forks of this process made by one long-lived thread of the pool (so the
    kernel's parent-death signal is tied to the pool's life, not to a passing thread). The
    handler and what it reaches (an open store) are inherited by the fork; only the
    arguments and the answer cross the pipe, pickled.

    Args:
        handler: What a worker runs for each request; its answer and any exception it raises
            must pickle.
        size: Worker processes kept ready.
        memory: Bytes of address space a worker may add to what it starts with (``None``: no cap).
        setup: Run in each new worker before it takes requests (for example, reopening a
            store read-only).
        respawn: Replace a worker that was killed or died (off for one-shot pools).
    """

    def __init__(self, handler: Callable[..., Any], *, size: int = 1, memory: int | None = None,
                 setup: Callable[[], None] | None = None, respawn: bool = True) -> None:
        if size < 1:
            raise ValueError(f"a worker pool needs at least one worker, not {size}")
        self.size = size
        self._handler, self._memory, self._setup, self._respawn = handler, memory, setup, respawn
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._workers: dict[int, _Worker] = {}
        self._lock = threading.Lock()
        self._closed = False
        self._orders: queue.SimpleQueue[bool] = queue.SimpleQueue()
        self._spawner = threading.Thread(target=self._spawn_loop, name="dlkg-worker-spawner", daemon=True)
        self._spawner.start()
        for _ in range(size):
            self._orders.put(True)
        deadline = time.monotonic() + 60
        while self._idle.qsize() < size and time.monotonic() < deadline and self._spawner.is_alive():
            time.sleep(0.001)  # start-up only: the first requests should not wait for forks

    @property
    def pids(self) -> list[int]:
        """The worker processes' ids (a killed worker's replacement has a new one)."""
        with self._lock:
            return sorted(self._workers)

    def _spawn_loop(self) -> None:
        while self._orders.get() and not self._closed:
            try:
                worker = self._fork()
            except OSError:  # out of processes or memory: try again shortly, the pool must refill
                time.sleep(0.5)
                self._orders.put(True)
                continue
            with self._lock:
                if self._closed:
                    worker.stop()
                    return
                self._workers[worker.pid] = worker
            self._idle.put(worker)

    def _fork(self) -> _Worker:
        from multiprocessing import Pipe  # only here: it costs start-up time on every other path

        ours, theirs = Pipe(duplex=True)
        parent = os.getpid()
        with _FORK_LOCK:
            pid = os.fork()
            if pid == 0:  # the worker: never returns into the parent's code
                status = 0
                try:
                    ours.close()
                    _serve(theirs, self._handler, self._setup, self._memory, parent)
                except BaseException:  # noqa: BLE001 - nothing to report to
                    status = 1
                finally:
                    os._exit(status)
            theirs.close()
        return _Worker(pid, ours)

    def _discard(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            self._workers.pop(worker.pid, None)
            closed = self._closed
        if self._respawn and not closed:
            self._orders.put(True)

    def call(self, *args: Any, timeout: float | None, wait: float | None = None) -> Any:
        """``handler(*args)`` in a free worker, killed (and replaced) when ``timeout`` passes.

        Args:
            args: The handler's arguments (pickled to the worker).
            timeout: Seconds the worker may take (``None``: no limit).
            wait: Seconds to wait for a free worker (``None``: as long as it takes).

        Raises:
            TimeoutError: the time limit passed (the worker was killed).
            PoolBusy: no worker became free within ``wait``.
            WorkerDied: the worker ended without an answer (it may have run out of memory).
            Exception: what the handler raised, raised again here (``MemoryError`` when it
                ran out of the memory allowed).
        """
        if self._closed:
            raise RuntimeError("the worker pool is closed")
        try:
            worker = self._idle.get(timeout=wait)
        except queue.Empty:
            raise PoolBusy(f"no query worker became free within {wait:g} s") from None
        deadline = None if timeout is None else time.monotonic() + timeout
        reader = _AnswerReader(worker.conn.fileno())
        try:
            worker.conn.send_bytes(pickle.dumps(args, protocol=pickle.HIGHEST_PROTOCOL))
            answered = False
            while not answered:
                left = None if deadline is None else deadline - time.monotonic()
                if (left is not None and left <= 0) or not worker.conn.poll(left):
                    break
                answered = reader.feed()
            if answered:
                status, payload = reader.answer()
        except (EOFError, OSError):
            self._discard(worker)
            raise WorkerDied("the worker process died without an answer (it may have run out of memory)") from None
        except BaseException:  # interrupted mid-request: its answer would reach the next caller
            self._discard(worker)
            raise
        if not answered:
            self._discard(worker)
            raise TimeoutError(f"stopped after the time limit of {timeout:g} s")
        return self._settle(worker, status, payload)

    async def call_async(self, *args: Any, timeout: float | None, wait: float | None = None) -> Any:
        """:meth:`call` for an asyncio event loop: the loop waits on the worker's pipe itself,
        so a server needs no thread per query (the pipe is read once the answer is there).

        A cancelled call (the client went away) kills the worker, which is replaced.
        """
        import asyncio

        if self._closed:
            raise RuntimeError("the worker pool is closed")
        try:
            worker = self._idle.get_nowait()
        except queue.Empty:  # all busy (or one being replaced): wait in a thread, not in the loop
            loop = asyncio.get_running_loop()
            try:
                worker = await loop.run_in_executor(None, partial(self._idle.get, True, wait))
            except queue.Empty:
                raise PoolBusy(f"no query worker became free within {wait:g} s") from None
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[None] = loop.create_future()
        reader = _AnswerReader(worker.conn.fileno())

        def readable() -> None:
            if answer.done():
                return
            try:
                if reader.feed():
                    answer.set_result(None)
            except (EOFError, OSError) as err:
                answer.set_exception(err)

        try:
            worker.conn.send_bytes(pickle.dumps(args, protocol=pickle.HIGHEST_PROTOCOL))
            loop.add_reader(reader.fd, readable)
            # A timer on the future itself, not asyncio.wait_for: that wraps every call in a
            # second future and callbacks, a cost each query pays though few ever time out.
            expiry = loop.call_later(timeout, _expire, answer) if timeout is not None else None
            try:
                await answer
            finally:
                loop.remove_reader(reader.fd)
                if expiry is not None:
                    expiry.cancel()
            status, payload = reader.answer()
        except _Expired:
            self._discard(worker)
            raise TimeoutError(f"stopped after the time limit of {timeout:g} s") from None
        except (EOFError, OSError):
            self._discard(worker)
            raise WorkerDied("the worker process died without an answer (it may have run out of memory)") from None
        except BaseException:  # cancelled mid-request: its answer would reach the next caller
            self._discard(worker)
            raise
        return self._settle(worker, status, payload)

    def _settle(self, worker: _Worker, status: str, payload: Any) -> Any:
        """Put a worker that answered back to work (or replace it) and return or raise its answer."""
        if status == "error" and isinstance(payload, MemoryError):
            self._discard(worker)  # it leaves by itself; a fresh one takes its place
        else:
            self._idle.put(worker)
        if status == "error":
            raise payload
        return payload

    def close(self) -> None:
        """Stop every worker (those still running a request too) and the spawner."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            workers = list(self._workers.values())
            self._workers.clear()
        self._orders.put(False)
        for worker in workers:
            worker.stop()
        self._spawner.join(5)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        if not getattr(self, "_closed", True):
            self.close()


def call_with_deadline(func: Callable[..., Any], *args: Any, timeout: float, memory: int | None = None) -> Any:
    """``func(*args)`` in a one-shot forked worker process that is killed when ``timeout`` passes.

    Args:
        func: What to run; its answer and any exception it raises must pickle.
        args: Its arguments.
        timeout: Seconds before the worker is killed.
        memory: Bytes of address space the worker may add to what it starts with.

    Raises:
        TimeoutError: the time limit passed (the worker was killed).
        WorkerDied: the worker ended without an answer (it may have run out of memory).
        Exception: what ``func`` raised, raised again here.
    """
    # The arguments are bound before the fork, so they reach the worker without pickling.
    with WorkerPool(partial(func, *args), size=1, memory=memory, respawn=False) as pool:
        return pool.call(timeout=timeout)
