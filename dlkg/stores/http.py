"""HTTP plumbing for remote stores: credentials, an auth that answers Basic or Digest
challenges, and bounded retries with exponential backoff and jitter.

Credentials come from the environment (``DLKG_STORE_USER``, ``DLKG_STORE_PASSWORD``) or from
``~/.netrc`` for the store's host; never from the command line, never written to a log line.
"""

from __future__ import annotations

import base64
import netrc
import os
import random
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx

from dlkg.errors import StoreError

__all__ = ["credentials", "retry_after", "ChallengeAuth", "backoff_delay", "describe_transport_error", "send_with_retries",
           "RETRY_STATUSES"]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def credentials(url: str) -> tuple[str, str] | None:
    """(user, password) for a store URL, from the environment or ``~/.netrc``, or None."""
    user, password = os.environ.get("DLKG_STORE_USER"), os.environ.get("DLKG_STORE_PASSWORD")
    if user is not None and password is not None:
        return user, password
    host = urlsplit(url).hostname or ""
    try:
        entry = netrc.netrc().authenticators(host)
    except (FileNotFoundError, netrc.NetrcParseError, OSError):
        return None
    if entry and entry[0] is not None and entry[2] is not None:
        return entry[0], entry[2]
    return None


class ChallengeAuth(httpx.Auth):
    """Answers whichever scheme the server's 401 challenge asks for (Digest or Basic).

    Digest is httpx's own implementation, which keeps the last challenge and answers it up
    front on later requests, so a large body need not be sent twice.
    """

    def __init__(self, user: str, password: str) -> None:
        self._digest = httpx.DigestAuth(user, password)
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        self._basic_header = f"Basic {token}"
        self._basic = False

    def auth_flow(self, request: httpx.Request):
        if self._basic:
            request.headers["Authorization"] = self._basic_header
            yield request
            return
        flow = self._digest.auth_flow(request)
        response = yield next(flow)
        while True:
            if response.status_code == 401 and response.headers.get("www-authenticate", "").lower().startswith("basic"):
                self._basic = True
                request.headers["Authorization"] = self._basic_header
                yield request
                return
            try:
                retry = flow.send(response)
            except StopIteration:
                return
            response = yield retry


def retry_after(response: httpx.Response | None) -> float | None:
    """The seconds a response's ``Retry-After`` header asks to wait (delta-seconds form), or None.

    >>> retry_after(httpx.Response(503, headers={"Retry-After": "7"}))
    7.0
    """
    if response is None:
        return None
    value = response.headers.get("retry-after")
    if value and value.strip().isdigit():
        return float(value)
    return None


def backoff_delay(attempt: int, retry_after: float | None = None, *, base_delay: float = 0.5,
                  max_delay: float = 8.0) -> float:
    """Seconds to wait before retry number ``attempt + 1``.

    Exponential backoff with jitter (half to full of ``base_delay * 2**attempt``), capped; a
    server's ``Retry-After`` is a floor, never shortened by jitter.

    >>> 0.25 <= backoff_delay(0) <= 0.5 and 2.0 <= backoff_delay(3) <= 4.0 and backoff_delay(9) <= 8.0
    True
    >>> 1.0 <= backoff_delay(0, retry_after=1) <= 1.5
    True
    """
    if retry_after is not None:
        return min(max_delay, retry_after * (1 + random.random() / 2)) if retry_after <= max_delay else max_delay
    return min(max_delay, base_delay * 2 ** attempt) * (0.5 + random.random() / 2)


def describe_transport_error(err: Exception) -> str:
    """A few words on why a request failed: could not connect, timed out, or lost midway."""
    if isinstance(err, httpx.TimeoutException):
        return "timed out"
    if isinstance(err, httpx.ConnectError):
        return f"cannot connect ({err})" if str(err) else "cannot connect"
    detail = " ".join(str(err).split())
    return f"connection lost ({type(err).__name__}: {detail})" if detail else f"connection lost ({type(err).__name__})"


def send_with_retries(send: Callable[[], httpx.Response], *, url: str, what: str, attempts: int = 4,
                      base_delay: float = 0.5, max_delay: float = 8.0) -> httpx.Response:
    """Call ``send`` until it answers without a retryable failure.

    Connection errors and 429/5xx answers are retried, at most ``attempts`` times in all, with
    exponential backoff, jitter and a cap (``Retry-After`` is honoured). Only safe requests
    may be retried this way: reads, and PUTs into a staging graph that replace it whole.

    Raises:
        StoreError: the last failure, as one line naming the URL and the cause.
    """
    last: str = ""
    for attempt in range(attempts):
        response = None
        try:
            response = send()
            if response.status_code not in RETRY_STATUSES:
                return response
            last = f"HTTP {response.status_code} {response.reason_phrase}".strip()
        except httpx.TransportError as err:
            last = describe_transport_error(err)
        if attempt + 1 < attempts:
            time.sleep(backoff_delay(attempt, retry_after(response), base_delay=base_delay, max_delay=max_delay))
    raise StoreError(f"{what} failed at {url}: {last} (after {attempts} attempts)")
