"""Query slots shared fairly between clients, in front of the query worker pool.

The server runs at most ``slots`` queries at once (one per query worker). Without more, four
expensive queries from one client hold every worker until the time limit and every other
client waits behind them (issue 13, item 7). :class:`FairSlots` keeps two promises:

- one client holds at most ``per_client`` slots (default ``slots - 1``), so with two or more
  workers a slot is always left for someone else;
- waiting queries are served in turn by client (round robin), not first come first served,
  so a client that sends a burst waits behind its own queries, not others'.

A client is its address (behind a reverse proxy every client has the proxy's).

>>> async def demo():
...     slots = FairSlots(3)
...     await slots.acquire("a", 1); await slots.acquire("a", 1)
...     try:
...         await slots.acquire("a", 0.05)  # a third for "a" would leave none for others
...     except TimeoutError:
...         pass
...     await slots.acquire("b", 1)  # "b" is not kept waiting
...     return slots.running
>>> asyncio.run(demo())
{'a': 2, 'b': 1}
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque

__all__ = ["FairSlots"]


class FairSlots:
    """At most ``slots`` holders at once, at most ``per_client`` of them one client's; the
    waiting are served round robin by client. Use from one event loop."""

    def __init__(self, slots: int, per_client: int | None = None) -> None:
        self.slots = max(1, slots)
        self.per_client = max(1, per_client if per_client is not None else self.slots - 1)
        self.running: dict[str, int] = {}
        self._waiting: OrderedDict[str, deque[asyncio.Future]] = OrderedDict()

    @property
    def busy(self) -> int:
        """Slots held now."""
        return sum(self.running.values())

    async def acquire(self, client: str, timeout: float) -> None:
        """Wait for a slot for ``client``.

        Raises:
            TimeoutError: no slot came free within ``timeout`` seconds.
        """
        future = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(client, deque()).append(future)
        self._dispatch()
        if future.done():  # a slot was free: no timer to arm (most requests, on a quiet server)
            return
        try:
            await asyncio.wait_for(asyncio.shield(future), timeout)
        except (asyncio.TimeoutError, asyncio.CancelledError) as err:
            if future.done() and not future.cancelled():
                self.release(client)  # granted at the last moment: give it back
            else:
                future.cancel()
                self._forget(client, future)
            if isinstance(err, asyncio.TimeoutError):  # not the built-in one before Python 3.11
                raise TimeoutError(f"no query slot came free within {timeout:g} s") from None
            raise

    def release(self, client: str) -> None:
        """Give back a slot ``client`` held."""
        left = self.running.get(client, 0) - 1
        if left > 0:
            self.running[client] = left
        else:
            self.running.pop(client, None)
        self._dispatch()

    def _forget(self, client: str, future: asyncio.Future) -> None:
        queue = self._waiting.get(client)
        if queue is not None:
            try:
                queue.remove(future)
            except ValueError:
                pass
            if not queue:
                del self._waiting[client]

    def _dispatch(self) -> None:
        # Round robin: look at the clients in turn; one served goes to the back of the line.
        progress = True
        while progress and self.busy < self.slots:
            progress = False
            for client in list(self._waiting):
                queue = self._waiting[client]
                while queue and queue[0].done():  # cancelled while waiting
                    queue.popleft()
                if not queue:
                    del self._waiting[client]
                    continue
                if self.running.get(client, 0) >= self.per_client:
                    continue
                queue.popleft().set_result(None)
                self.running[client] = self.running.get(client, 0) + 1
                if queue:
                    self._waiting.move_to_end(client)
                else:
                    del self._waiting[client]
                progress = True
                break
