"""Remote HTTP for remote stores, in one place: credentials, an auth that answers Basic or
Digest challenges, one retry loop (bounded, exponential backoff with jitter), a wall-clock
deadline per operation (retries and waits included), request bodies streamed from disk and
every response read with a size cap.

Credentials come from the environment (``DLKG_STORE_USER``, ``DLKG_STORE_PASSWORD``) or from
``~/.netrc`` for the store's host; never from the command line, never written to a log line.

Both clients go through here: httpx for the Graph Store Protocol and SPARQL Update
(:class:`Session`), SPARQLWrapper for the SPARQL Query protocol (its attempts are sent
through :func:`send_with_retries` and read with :func:`read_capped` by
:mod:`dlkg.stores.remote`).
"""

from __future__ import annotations

import base64
import netrc
import os
import random
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, TypeVar
from urllib.parse import urlsplit

import httpx

from dlkg.background import Background
from dlkg.errors import DlkgError, StoreError, UsageError

__all__ = ["Answer", "ChallengeAuth", "Deadline", "FileBody", "Retry", "Session", "backoff_delay", "challenge",
           "credentials", "declared_length", "describe_transport_error", "max_response_bytes", "read_capped", "retry_after",
           "send_with_retries", "DEFAULT_MAX_RESPONSE_BYTES", "MAX_RESPONSE_ENV", "READ_TIMEOUT", "RETRY_STATUSES"]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Environment variable: the largest response body dlkg reads from a store, in bytes.
MAX_RESPONSE_ENV = "DLKG_MAX_RESPONSE_BYTES"
DEFAULT_MAX_RESPONSE_BYTES = 1024**3
#: Seconds one socket read may wait when no ``--timeout`` bounds the operation.
READ_TIMEOUT = 60.0
ATTEMPTS = 4
#: A response body up to this size stays in memory; a larger one goes to a temporary file,
#: so memory stays flat however much a store sends (up to the cap).
_SPOOL_BYTES = 8 * 1024**2
_CHUNK = 64 * 1024

T = TypeVar("T")


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


def challenge(header: str) -> tuple[str, str | None]:
    """The scheme (lower case) and realm of a ``WWW-Authenticate`` header.

    >>> challenge('Digest realm="SPARQL", nonce="abc", qop="auth"')
    ('digest', 'SPARQL')
    >>> challenge('Basic realm="dlkg test"')
    ('basic', 'dlkg test')
    >>> challenge("")
    ('', None)
    """
    scheme, _, rest = header.strip().partition(" ")
    realm = None
    for part in rest.split(","):
        key, _, value = part.strip().partition("=")
        if key.lower() == "realm":
            realm = value.strip().strip('"')
    return scheme.lower(), realm


class ChallengeAuth(httpx.Auth):
    """Answers whichever scheme the server's 401 challenge asks for (Digest or Basic).

    Digest is httpx's own implementation, which keeps the last challenge and answers it up
    front on later requests, so a large body need not be sent twice. Basic credentials are
    sent only to a server that asked for Basic.
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
            if response.status_code == 401 and challenge(response.headers.get("www-authenticate", ""))[0] == "basic":
                self._basic = True
                request.headers["Authorization"] = self._basic_header
                yield request
                return
            try:
                retry = flow.send(response)
            except StopIteration:
                return
            response = yield retry


def retry_after(headers: Mapping[str, str] | None) -> float | None:
    """The seconds a response's ``Retry-After`` header asks to wait (delta-seconds form), or None.

    >>> retry_after(httpx.Headers({"Retry-After": "7"}))
    7.0
    """
    if headers is None:
        return None
    value = headers.get("retry-after")
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


# -- limits ------------------------------------------------------------------------------


def max_response_bytes() -> int:
    """The response size cap: ``DLKG_MAX_RESPONSE_BYTES``, else 1 GiB.

    Raises:
        UsageError: the variable is not a positive whole number.
    """
    value = os.environ.get(MAX_RESPONSE_ENV, "").strip()
    if not value:
        return DEFAULT_MAX_RESPONSE_BYTES
    if not value.isdigit() or int(value) == 0:
        raise UsageError(f"{MAX_RESPONSE_ENV} must be a positive whole number of bytes, not {value!r}",
                         path=MAX_RESPONSE_ENV)
    return int(value)


class Deadline:
    """The wall-clock limit of one operation: every attempt, read and backoff wait in it.

    Args:
        seconds: The limit; None for none (each socket read then waits :data:`READ_TIMEOUT`).

    >>> Deadline(None).remaining() is None
    True
    >>> 0 < Deadline(5).remaining() <= 5 and Deadline(5).read_timeout() <= 5
    True
    """

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self._end = None if seconds is None else time.monotonic() + seconds

    def remaining(self) -> float | None:
        """Seconds left (never below 0), or None without a limit."""
        return None if self._end is None else max(0.0, self._end - time.monotonic())

    def read_timeout(self, default: float = READ_TIMEOUT) -> float:
        """The timeout for one socket read: the time left, or ``default`` without a limit."""
        remaining = self.remaining()
        return default if remaining is None else max(0.001, remaining)


class _Expired(Exception):
    """The deadline passed during an attempt (internal; :func:`send_with_retries` reports it)."""


def _within(deadline: Deadline, attempt: Callable[[threading.Event], T]) -> T:
    """``attempt(cancel)``, given up when the deadline passes.

    A socket timeout bounds each read, not a whole answer (a store sending a byte a second
    never trips it), so the attempt runs in a helper thread that the caller stops waiting for
    at the deadline; ``cancel`` is then set, and the attempt's reading loop
    (:func:`read_capped`) stops at its next chunk and closes the connection.
    """
    cancel = threading.Event()
    remaining = deadline.remaining()
    if remaining is None:
        return attempt(cancel)
    if remaining <= 0:
        raise _Expired

    def run() -> T:
        value = attempt(cancel)
        if cancel.is_set():  # nobody waits for it any more
            close = getattr(value, "close", None)
            if close is not None:
                close()
        return value

    call = Background(run, name="dlkg-http")
    if not call.done(remaining):
        cancel.set()
        raise _Expired
    return call.result()


class Retry(Exception):
    """Raised by an attempt that may be tried again.

    Args:
        cause: A few words on what went wrong (for the final error line).
        retry_after: Seconds the server asked to wait, if it did.
        maybe_applied: Whether the request may have reached the server (matters to
            ``settled`` in :func:`send_with_retries`).
    """

    def __init__(self, cause: str, *, retry_after: float | None = None, maybe_applied: bool = True) -> None:
        super().__init__(cause)
        self.cause, self.retry_after, self.maybe_applied = cause, retry_after, maybe_applied


def send_with_retries(attempt: Callable[[threading.Event], T], *, url: str, what: str, deadline: Deadline,
                      attempts: int = ATTEMPTS, settled: Callable[[], bool] | None = None,
                      expired: Callable[[], DlkgError] | None = None) -> T | None:
    """The one retry loop: call ``attempt`` until it returns, at most ``attempts`` times, all
    within ``deadline``.

    ``attempt(cancel)`` raises :class:`Retry` for a failure worth another try (a connection
    error, 429/5xx) and anything else for a failure that is final. Between tries it waits an
    exponential backoff with jitter (a ``Retry-After`` is a floor); a wait that would pass the
    deadline is not begun. Only safe requests may be retried so: reads, and writes that
    replace whole.

    Args:
        settled: For a write that must not be applied twice: asked after the backoff that
            follows a failure that may have reached the server (also after the last try);
            True means the write was applied, and the loop returns None without sending it
            again.
        expired: The error to raise when the deadline passes (default: a :class:`StoreError`
            naming the URL and the limit).

    Raises:
        StoreError: the last failure, as one line naming the URL and the cause.
    """
    last: Retry | None = None
    for number in range(attempts):
        try:
            return _within(deadline, attempt)
        except _Expired:
            raise (expired() if expired else StoreError(
                f"{what} failed at {url}: timed out (time limit {deadline.seconds:g} s)")) from None
        except Retry as failure:
            last = failure
        check = settled is not None and last.maybe_applied
        if number + 1 == attempts and not check:
            break
        wait = backoff_delay(number, last.retry_after)
        remaining = deadline.remaining()
        if remaining is not None and remaining <= wait:
            raise StoreError(f"{what} failed at {url}: {last.cause} (gave up after {number + 1} attempt(s), at the "
                             f"time limit of {deadline.seconds:g} s)")
        time.sleep(wait)
        if check and settled():  # type: ignore[misc]
            return None
    assert last is not None
    raise StoreError(f"{what} failed at {url}: {last.cause} (after {attempts} attempts)")


def _size(n: int) -> str:
    """
    >>> _size(1024**3), _size(5000)
    ('1 GiB', '5,000 bytes')
    """
    return f"{n // 1024**3} GiB" if n % 1024**3 == 0 else f"{n:,} bytes"


def read_capped(chunks: Iterable[bytes], *, url: str, what: str, cancel: threading.Event | None = None,
                declared: int | None = None) -> IO[bytes]:
    """A response body read chunk by chunk into a spooled temporary file, rewound.

    Memory stays flat: past a few MiB the body goes to disk. Reading stops at the first chunk
    past the cap (:func:`max_response_bytes`), or before the first one when the declared
    ``Content-Length`` is past it, and when ``cancel`` is set (the deadline passed).

    Raises:
        StoreError: the body is larger than the cap.
    """
    limit = max_response_bytes()

    def too_large() -> StoreError:
        return StoreError(f"{what} at {url} sent an answer larger than {_size(limit)}, the cap "
                          f"({MAX_RESPONSE_ENV}); refused")

    if declared is not None and declared > limit:
        raise too_large()
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES, prefix="dlkg-answer-")
    size = 0
    try:
        for chunk in chunks:
            if cancel is not None and cancel.is_set():
                raise _Expired
            size += len(chunk)
            if size > limit:
                raise too_large()
            spool.write(chunk)
        if declared is not None and size < declared:  # urllib's read1 takes an early close for the end
            raise Retry(f"connection lost (the answer ended after {size:,} of {declared:,} bytes)")
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool  # type: ignore[return-value]


def declared_length(headers: Mapping[str, str]) -> int | None:
    """A response's ``Content-Length``, where it gives one."""
    value = (headers.get("content-length") or "").strip()
    return int(value) if value.isdigit() else None


# -- httpx -------------------------------------------------------------------------------


class FileBody:
    """A request body streamed from a file in chunks, never read whole; iterable again from
    the start (httpx sends a body twice when an auth challenge comes back)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.length = path.stat().st_size

    def __iter__(self) -> Iterator[bytes]:
        with open(self.path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                yield chunk


class Answer:
    """A whole (capped) response: status, headers and the body in a spooled file.

    Use as a context manager, or call :meth:`close`, to free the body.
    """

    def __init__(self, status: int, reason: str, headers: httpx.Headers, body: IO[bytes]) -> None:
        self.status, self.reason, self.headers, self.body = status, reason, headers, body

    @property
    def content_type(self) -> str:
        """The media type, lower case, without parameters."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def read(self) -> bytes:
        """The whole body (already capped)."""
        self.body.seek(0)
        return self.body.read()

    def text(self, limit: int = 4096) -> str:
        """The first ``limit`` bytes of the body as text."""
        self.body.seek(0)
        return self.body.read(limit).decode("utf-8", "replace")

    def raise_for(self, url: str, what: str) -> None:
        """Raise a one-line :class:`StoreError` for a status of 300 or more."""
        if self.status < 300:
            return
        if self.status == 404:
            raise StoreError(f"{what} failed: {url} answered 404 Not Found (not that kind of endpoint?)")
        if self.status in (401, 403):
            raise StoreError(f"{what} refused at {url}: HTTP {self.status} (credentials: "
                             "DLKG_STORE_USER/DLKG_STORE_PASSWORD or ~/.netrc)")
        detail = "" if self.content_type == "text/html" else " ".join(self.text(400).split())[:200]
        raise StoreError(f"{what} failed at {url}: HTTP {self.status}" + (f": {detail}" if detail else ""))

    def close(self) -> None:
        self.body.close()

    def __enter__(self) -> Answer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Session:
    """The httpx side of a remote store: one client, the store's credentials, and every
    request sent with :func:`send_with_retries` and read with :func:`read_capped`.

    Args:
        url: The store's query URL (credentials are looked up for its host).
        timeout: Seconds one operation may take, retries included; None: no limit (each
            socket read waits :data:`READ_TIMEOUT`).
    """

    def __init__(self, url: str, *, timeout: float | None = None) -> None:
        self.credentials = credentials(url)
        self.auth = ChallengeAuth(*self.credentials) if self.credentials else None
        self.timeout = timeout
        self.client = httpx.Client(auth=self.auth, follow_redirects=False)

    def request(self, method: str, url: str, *, what: str, params: Mapping[str, str] | None = None,
                headers: Mapping[str, str] | None = None, data: Mapping[str, str] | None = None,
                body: Path | None = None, retry: bool = True, read_timeout: float | None = None,
                attempts: int = ATTEMPTS, settled: Callable[[], bool] | None = None) -> Answer | None:
        """Send one request and read its whole answer.

        Args:
            method, url, params, headers, data: As httpx takes them (``data``: a form).
            what: Names the request in error lines ("Graph Store PUT").
            body: A file sent as the body, streamed from disk.
            retry: Whether connection errors and 429/5xx are tried again (only for requests
                safe to repeat); False: one try, a connection error is a final StoreError.
            read_timeout: Seconds one socket read may wait when no ``timeout`` was given.
            attempts: Tries in all, when ``retry``.
            settled: See :func:`send_with_retries`; None is returned when it said so.

        Returns:
            The answer (any status; retryable ones only after the last try, when ``retry``
            is False). Close it.

        Raises:
            StoreError: the request failed (one line naming the URL and the cause), timed out,
                or the answer is larger than the cap.
        """
        deadline = Deadline(self.timeout)
        send_headers = dict(headers or {})
        content = None
        if body is not None:
            content = FileBody(body)
            send_headers["Content-Length"] = str(content.length)  # not chunked: not every store takes it

        def attempt(cancel: threading.Event) -> Answer:
            timeout = deadline.read_timeout(read_timeout or READ_TIMEOUT)
            try:
                with self.client.stream(method, url, params=params, headers=send_headers, data=data,
                                         content=content, timeout=httpx.Timeout(timeout)) as response:
                    if retry and response.status_code in RETRY_STATUSES:
                        raise Retry(f"HTTP {response.status_code} {response.reason_phrase}".strip(),
                                    retry_after=retry_after(response.headers))
                    spool = read_capped(response.iter_bytes(_CHUNK), url=url, what=what, cancel=cancel,
                                        declared=declared_length(response.headers))
                    return Answer(response.status_code, response.reason_phrase, response.headers, spool)
            except httpx.TransportError as err:
                cause = describe_transport_error(err)
                if not retry:
                    unknown = "" if isinstance(err, httpx.ConnectError) else "; whether the store applied it is unknown"
                    raise StoreError(f"{what} failed at {url}: {cause}{unknown}") from None
                raise Retry(cause, maybe_applied=not isinstance(err, (httpx.ConnectError, httpx.ConnectTimeout))) \
                    from None

        return send_with_retries(attempt, url=url, what=what, deadline=deadline, attempts=attempts if retry else 1,
                                 settled=settled)

    def challenge(self, url: str) -> tuple[str, str | None]:
        """The scheme and realm a URL's 401 challenge names (one GET without credentials, one
        try): for clients that must be told the scheme up front (SPARQLWrapper)."""
        try:  # the body is never read
            with self.client.stream("GET", url, auth=None, timeout=Deadline(self.timeout).read_timeout()) as response:
                header = response.headers.get("www-authenticate", "") if response.status_code == 401 else ""
        except httpx.HTTPError:
            return "", None
        return challenge(header)

    def close(self) -> None:
        self.client.close()
