"""Real triple-store servers (Oxigraph, Virtuoso) for tests and benchmarks.

Every server runs as a child process bound to 127.0.0.1 on free ports, with its own
fresh data folder under a caller-given work directory. Nothing is mocked.

Typical use::

    from tests.support.servers import oxigraph_server, require_server

    def test_something(tmp_path):
        require_server("oxigraph")          # skip (or fail in CI) when not installed
        with oxigraph_server(tmp_path) as srv:
            ...                              # srv.query_url, srv.gsp_url, ...

Fault tests can kill a server abruptly and restart it on the same data and port::

    with virtuoso_server(tmp_path) as srv:
        kill_server(srv)                     # SIGKILL, no shutdown
        srv = restart_server(srv)            # same data folder and ports, new pid

The context managers always stop the *current* process of the server on exit, also
after a restart and also when the body raises.

Set ``DLKG_REQUIRE_SERVERS=1`` to make :func:`require_server` fail instead of skip.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal

if TYPE_CHECKING:  # pragma: no cover
    import httpx

__all__ = [
    "OXIGRAPH_SKIP_REASON",
    "REQUIRE_SERVERS_ENV",
    "VIRTUOSO_INI_TEMPLATE",
    "VIRTUOSO_SKIP_REASON",
    "RunningServer",
    "ServerKind",
    "ServerStartError",
    "find_free_port",
    "have_oxigraph",
    "have_server",
    "have_virtuoso",
    "is_port_free",
    "kill_server",
    "oxigraph_server",
    "require_server",
    "restart_server",
    "skip_reason",
    "start_server",
    "stop_server",
    "virtuoso_server",
]

ServerKind = Literal["oxigraph", "virtuoso"]

#: One-line reason used to skip (or, with ``DLKG_REQUIRE_SERVERS=1``, fail) a test.
OXIGRAPH_SKIP_REASON = "Oxigraph server not installed: pip install oxigraph"
#: One-line reason used to skip (or, with ``DLKG_REQUIRE_SERVERS=1``, fail) a test.
VIRTUOSO_SKIP_REASON = "Virtuoso not installed: apt-get install virtuoso-opensource"
#: Environment variable: when "1", a missing server fails the test instead of skipping.
REQUIRE_SERVERS_ENV = "DLKG_REQUIRE_SERVERS"
#: Template rendered into each Virtuoso instance's virtuoso.ini.
VIRTUOSO_INI_TEMPLATE = Path(__file__).resolve().parent.parent / "virtuoso.ini.in"

_HOST = "127.0.0.1"
_VIRTUOSO_USER = "dba"
_VIRTUOSO_PASSWORD = "dba"  # every new Virtuoso database starts with dba/dba
_LOG_TAIL_LINES = 40
_POLL_INTERVAL_S = 0.05
_STOP_TIMEOUT_S = 10.0
_PR_SET_PDEATHSIG = 1


class ServerStartError(RuntimeError):
    """A server process did not become ready (it exited, or the deadline passed).

    The message names the command, the data folder and ends with the last lines of
    the server's log.
    """


@dataclass(frozen=True)
class RunningServer:
    """Connection facts of one running server.

    Attributes:
        kind: "oxigraph" or "virtuoso".
        query_url: SPARQL query endpoint (anonymous access).
        update_url: SPARQL Update endpoint (Virtuoso: ``/sparql-auth``, needs Digest auth).
        gsp_url: Graph Store Protocol endpoint; add ``?graph=IRI``
            (Virtuoso: ``/sparql-graph-crud-auth``, needs Digest auth).
        username: User for ``update_url`` / ``gsp_url``; None when no auth is needed.
        password: Password for ``username``; None when no auth is needed.
        auth_scheme: "digest" when credentials are needed, else None.
        pid: Process id of the current server process (changes on restart).
        base_url: ``http://127.0.0.1:PORT`` without a trailing slash.
        port: HTTP port.
        data_dir: The server's own data folder (logs, database, rendered ini).
        log_path: File receiving the server's stdout and stderr.
        sql_port: Virtuoso's SQL (isql-vt) port; None for Oxigraph.
        anonymous_update_url: An endpoint taking SPARQL Update *without* credentials,
            or None. Oxigraph: ``/update``. Virtuoso: ``/sparql`` when SPARQL_UPDATE was
            granted to the anonymous user "SPARQL" (which also opens anonymous writes
            on ``/sparql-graph-crud``), else None.
    """

    kind: ServerKind
    query_url: str
    update_url: str
    gsp_url: str
    username: str | None
    password: str | None
    auth_scheme: Literal["digest"] | None
    pid: int
    base_url: str
    port: int
    data_dir: Path
    log_path: Path
    sql_port: int | None = None
    anonymous_update_url: str | None = None

    @property
    def anonymous_update(self) -> bool:
        """Whether SPARQL Update works without credentials (see ``anonymous_update_url``)."""
        return self.anonymous_update_url is not None

    def graph_url(self, graph_iri: str) -> str:
        """Return the Graph Store Protocol URL for one named graph.

        Args:
            graph_iri: Absolute IRI of the named graph.

        Returns:
            ``gsp_url`` with a percent-encoded ``graph=`` query parameter.
        """
        return f"{self.gsp_url}?{urllib.parse.urlencode({'graph': graph_iri})}"

    def httpx_auth(self) -> httpx.Auth:
        """Return an httpx auth object for ``update_url`` / ``gsp_url``.

        Returns:
            ``httpx.DigestAuth(username, password)`` for Virtuoso; for Oxigraph the
            no-op base ``httpx.Auth()`` (sends no credentials).
        """
        import httpx  # local import: keep this module importable without httpx

        if self.auth_scheme is None:
            return httpx.Auth()
        assert self.username is not None and self.password is not None
        return httpx.DigestAuth(self.username, self.password)


# --------------------------------------------------------------------------- discovery


def _oxigraph_executable() -> str | None:
    """Return the ``oxigraph`` CLI: next to ``sys.executable`` first, then on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("oxigraph")


def _virtuoso_executable() -> str | None:
    """Return the ``virtuoso-t`` server executable on PATH, or None."""
    return shutil.which("virtuoso-t")


def _isql_executable() -> str | None:
    """Return Virtuoso's SQL client ``isql-vt`` (not unixODBC's ``isql``), or None."""
    found = shutil.which("isql-vt")
    if found:
        return found
    server = _virtuoso_executable()
    if server:
        beside = Path(server).parent / "isql-vt"
        if beside.is_file() and os.access(beside, os.X_OK):
            return str(beside)
    return None


def have_oxigraph() -> bool:
    """Return whether the Oxigraph server executable can be found.

    Returns:
        True when ``oxigraph`` is next to ``sys.executable`` or on PATH.
    """
    return _oxigraph_executable() is not None


def have_virtuoso() -> bool:
    """Return whether the Virtuoso server executable can be found.

    Returns:
        True when ``virtuoso-t`` is on PATH.
    """
    return _virtuoso_executable() is not None


def have_server(kind: ServerKind) -> bool:
    """Return whether the server of this kind is installed.

    Args:
        kind: "oxigraph" or "virtuoso".

    Returns:
        The result of :func:`have_oxigraph` or :func:`have_virtuoso`.
    """
    return {"oxigraph": have_oxigraph, "virtuoso": have_virtuoso}[_check_kind(kind)]()


def skip_reason(kind: ServerKind) -> str:
    """Return the one-line reason naming what to install for this kind of server.

    Args:
        kind: "oxigraph" or "virtuoso".

    Returns:
        :data:`OXIGRAPH_SKIP_REASON` or :data:`VIRTUOSO_SKIP_REASON`.
    """
    return {"oxigraph": OXIGRAPH_SKIP_REASON, "virtuoso": VIRTUOSO_SKIP_REASON}[_check_kind(kind)]


def require_server(kind: ServerKind) -> None:
    """Skip the calling test when the server is missing, or fail it in strict mode.

    Strict mode is ``DLKG_REQUIRE_SERVERS=1`` in the environment (use it in CI, where a
    silently skipped server test would hide a broken install).

    Args:
        kind: "oxigraph" or "virtuoso".

    Raises:
        pytest.skip.Exception: The server is missing and strict mode is off.
        pytest.fail.Exception: The server is missing and strict mode is on.
    """
    import pytest  # local import: the module stays usable outside pytest

    if have_server(kind):
        return
    reason = skip_reason(kind)
    if os.environ.get(REQUIRE_SERVERS_ENV) == "1":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def _check_kind(kind: str) -> ServerKind:
    if kind not in ("oxigraph", "virtuoso"):
        raise ValueError(f"unknown server kind {kind!r}: expected 'oxigraph' or 'virtuoso'")
    return kind  # type: ignore[return-value]


# --------------------------------------------------------------------------- ports


def find_free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now.

    Another process may still take it before the server binds it; the context
    managers retry with new ports when a start fails because a port got taken.

    Returns:
        A port number.
    """
    return _free_ports(1)[0]


def _free_ports(count: int) -> list[int]:
    """Return ``count`` distinct free ports (sockets held open together, then closed)."""
    socks: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((_HOST, 0))
            socks.append(sock)
        return [s.getsockname()[1] for s in socks]
    finally:
        for sock in socks:
            sock.close()


def is_port_free(port: int) -> bool:
    """Return whether nothing listens on (and nothing holds) 127.0.0.1:``port``.

    Args:
        port: TCP port number.

    Returns:
        True when a fresh socket can bind the port.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((_HOST, port))
        except OSError:
            return False
    return True


# --------------------------------------------------------------------------- processes


def _set_parent_death_signal() -> None:  # pragma: no cover - runs in the child
    """In the child: get SIGKILL when the parent dies (Linux), so no server outlives us."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except Exception:
        pass


def _log_tail(path: Path, lines: int = _LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return f"(no log: {exc})"
    tail = text.splitlines()[-lines:]
    return "\n".join(tail) if tail else "(log is empty)"


def _http_status(url: str, timeout: float = 2.0) -> int | None:
    """GET ``url`` without proxies; return the HTTP status, or None if unreachable."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as resp:
            resp.read()
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (OSError, ValueError):
        return None


class _Controller:
    """Owns the child process of one server; survives kills and restarts."""

    def __init__(
        self,
        *,
        kind: ServerKind,
        argv: list[str],
        data_dir: Path,
        log_path: Path,
        ready_url: str,
        ports: list[int],
        extra_logs: Sequence[Path] = (),
    ) -> None:
        self.kind = kind
        self.argv = argv
        self.data_dir = data_dir
        self.log_path = log_path
        self.ready_url = ready_url
        self.ports = ports
        self.extra_logs = list(extra_logs)
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self, timeout: float) -> None:
        """Start the process and wait until ``ready_url`` answers 200."""
        if self.proc is not None and self.proc.poll() is None:
            raise RuntimeError(f"{self.kind} server is already running (pid {self.proc.pid})")
        self._close_log()
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()/kill()
        self._log.write(f"\n=== starting: {' '.join(self.argv)}\n".encode())
        self._log.flush()
        in_main_thread = threading.current_thread() is threading.main_thread()
        self.proc = subprocess.Popen(
            self.argv,
            cwd=self.data_dir,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            # PDEATHSIG fires when the *thread* that forked exits: only safe from main.
            preexec_fn=_set_parent_death_signal if in_main_thread else None,
        )
        deadline = time.monotonic() + timeout
        try:
            while True:
                code = self.proc.poll()
                if code is not None:
                    raise ServerStartError(self._failure(f"exited with code {code} during startup"))
                if _http_status(self.ready_url) == 200:
                    return
                if time.monotonic() >= deadline:
                    raise ServerStartError(self._failure(f"not ready after {timeout:.0f} s"))
                time.sleep(_POLL_INTERVAL_S)
        except BaseException:  # also KeyboardInterrupt: never leave a half-started server
            self.kill()
            raise

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL the process group and reap the process."""
        proc = self.proc
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            proc.wait()
        self._close_log()

    def stop(self, timeout: float = _STOP_TIMEOUT_S, *, graceful: bool = True) -> None:
        """Stop gracefully (kind-specific, then SIGTERM), SIGKILL after ``timeout``."""
        proc = self.proc
        try:
            if proc is None or proc.poll() is not None:
                return
            if graceful and self.kind == "virtuoso":
                _virtuoso_sql_shutdown(self.ports[1], timeout=min(timeout, 5.0))
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=min(timeout, 5.0))
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=timeout)
        finally:
            self.kill()  # no-op when already gone; always reaps and closes the log

    def _close_log(self) -> None:
        if self._log is not None:
            with contextlib.suppress(OSError):
                self._log.close()
            self._log = None

    def _failure(self, what: str) -> str:
        parts = [
            f"{self.kind} server {what}",
            f"command: {' '.join(self.argv)}",
            f"data folder: {self.data_dir}",
            f"--- last lines of {self.log_path} ---",
            _log_tail(self.log_path),
        ]
        for extra in self.extra_logs:
            if extra.exists():
                parts += [f"--- last lines of {extra} ---", _log_tail(extra, 15)]
        return "\n".join(parts)


_REGISTRY: dict[Path, _Controller] = {}
_REGISTRY_LOCK = threading.Lock()


def _controller(server: RunningServer) -> _Controller:
    with _REGISTRY_LOCK:
        ctl = _REGISTRY.get(server.data_dir)
    if ctl is None:
        raise RuntimeError(
            f"{server.kind} server at {server.base_url} is not managed here "
            "(its context manager has exited?)"
        )
    return ctl


def _new_data_dir(workdir: Path, kind: str) -> Path:
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{kind}-", dir=workdir)).resolve()


def _port_taken_during_start(ports: Sequence[int]) -> bool:
    return any(not is_port_free(p) for p in ports)


# --------------------------------------------------------------------------- oxigraph


@contextlib.contextmanager
def oxigraph_server(
    workdir: Path,
    *,
    in_memory: bool = False,
    extra_args: Sequence[str] = (),
    startup_timeout: float = 30.0,
) -> Iterator[RunningServer]:
    """Run ``oxigraph serve`` on a free 127.0.0.1 port for the duration of the block.

    Args:
        workdir: Folder under which a fresh data folder ``oxigraph-XXXX`` is created.
        in_memory: Omit ``--location`` (fast loads; data does not survive a restart).
        extra_args: More ``oxigraph serve`` arguments, e.g. ``["--timeout-s", "5"]``.
        startup_timeout: Seconds to wait for the server to answer a query.

    Yields:
        The running server. Endpoints: ``/query``, ``/update``, ``/store`` (no auth).

    Raises:
        FileNotFoundError: The ``oxigraph`` executable is missing.
        ServerStartError: The server exited or did not become ready in time.
    """
    exe = _oxigraph_executable()
    if exe is None:
        raise FileNotFoundError(OXIGRAPH_SKIP_REASON)
    data_dir = _new_data_dir(workdir, "oxigraph")
    store_dir = data_dir / "store"
    log_path = data_dir / "server.log"

    attempts = 3
    for attempt in range(attempts):
        port = find_free_port()
        argv = [exe, "serve", "--bind", f"{_HOST}:{port}"]
        if not in_memory:
            argv += ["--location", str(store_dir)]
        argv += list(extra_args)
        base = f"http://{_HOST}:{port}"
        ctl = _Controller(
            kind="oxigraph",
            argv=argv,
            data_dir=data_dir,
            log_path=log_path,
            ready_url=f"{base}/query?query=ASK%7B%7D",
            ports=[port],
        )
        try:
            ctl.start(startup_timeout)
            break
        except ServerStartError:
            if attempt + 1 < attempts and _port_taken_during_start([port]):
                continue  # lost a race for the port: try another one
            raise
    assert ctl.proc is not None
    server = RunningServer(
        kind="oxigraph",
        query_url=f"{base}/query",
        update_url=f"{base}/update",
        gsp_url=f"{base}/store",
        username=None,
        password=None,
        auth_scheme=None,
        pid=ctl.proc.pid,
        base_url=base,
        port=port,
        data_dir=data_dir,
        log_path=log_path,
        sql_port=None,
        anonymous_update_url=f"{base}/update",
    )
    with _managed(ctl):
        yield server


# --------------------------------------------------------------------------- virtuoso


def _render_virtuoso_ini(data_dir: Path, sql_port: int, http_port: int) -> Path:
    bad = [c for c in (",", ";", "\n", "\r", "\t", " ") if c in str(data_dir)]
    if bad:
        raise ValueError(
            f"Virtuoso data folder {str(data_dir)!r} contains {bad!r}, which break the ini "
            "file: use a work directory without spaces, commas or semicolons"
        )
    text = VIRTUOSO_INI_TEMPLATE.read_text(encoding="utf-8")
    text = (
        text.replace("@DIR@", str(data_dir))
        .replace("@SQLPORT@", str(sql_port))
        .replace("@HTTPPORT@", str(http_port))
    )
    for placeholder in ("@DIR@", "@SQLPORT@", "@HTTPPORT@"):
        assert placeholder not in text, placeholder
    (data_dir / "db").mkdir(parents=True, exist_ok=True)
    (data_dir / "vsp").mkdir(parents=True, exist_ok=True)
    ini = data_dir / "virtuoso.ini"
    ini.write_text(text, encoding="utf-8")
    return ini


def _isql(sql_port: int, statement: str, timeout: float = 10.0) -> tuple[bool, str]:
    """Run one SQL statement with ``isql-vt`` as dba; return (ok, output).

    isql-vt exits 0 even when the statement fails, so errors are detected from its
    output ("*** Error").
    """
    exe = _isql_executable()
    if exe is None:
        return False, "isql-vt not found"
    try:
        done = subprocess.run(
            [exe, f"{_HOST}:{sql_port}", _VIRTUOSO_USER, _VIRTUOSO_PASSWORD, f"exec={statement}"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, str(exc)
    out = (done.stdout + done.stderr).decode("utf-8", "replace")
    return done.returncode == 0 and "*** Error" not in out, out


def _virtuoso_sql_shutdown(sql_port: int, timeout: float) -> bool:
    """Ask Virtuoso to checkpoint and exit (takes well under a second when idle)."""
    ok, _ = _isql(sql_port, "shutdown;", timeout=timeout)
    return ok


def _grant_anonymous_update(sql_port: int) -> bool:
    """Grant SPARQL_UPDATE to the anonymous user "SPARQL"; return whether it worked."""
    deadline = time.monotonic() + 10.0
    while True:
        ok, out = _isql(sql_port, 'GRANT SPARQL_UPDATE TO "SPARQL";')
        # GRANT is not idempotent: a second one fails with U0013 "already have role".
        if ok or "U0013" in out:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.2)


@contextlib.contextmanager
def virtuoso_server(
    workdir: Path,
    *,
    grant_anonymous_update: bool = True,
    startup_timeout: float = 120.0,
) -> Iterator[RunningServer]:
    """Run a private ``virtuoso-t +foreground`` on free 127.0.0.1 ports for the block.

    The ini is rendered from ``tests/virtuoso.ini.in`` into a fresh data folder
    ``virtuoso-XXXX`` under ``workdir``. User ``dba``/``dba``; ``/sparql-auth`` and
    ``/sparql-graph-crud-auth`` need HTTP Digest auth (Basic gets 401).

    Args:
        workdir: Folder under which the fresh data folder is created.
        grant_anonymous_update: Run ``GRANT SPARQL_UPDATE TO "SPARQL"`` via isql-vt,
            so SPARQL Update works anonymously on ``/sparql`` (needed by clients that
            only do Basic auth, e.g. rdflib's SPARQLUpdateStore). This also allows
            anonymous writes on ``/sparql-graph-crud``. The outcome is in
            ``RunningServer.anonymous_update_url``.
        startup_timeout: Seconds to wait for ``/sparql`` to answer.

    Yields:
        The running server.

    Raises:
        FileNotFoundError: ``virtuoso-t`` is missing.
        ServerStartError: The server exited or did not become ready in time.
    """
    exe = _virtuoso_executable()
    if exe is None:
        raise FileNotFoundError(VIRTUOSO_SKIP_REASON)
    data_dir = _new_data_dir(workdir, "virtuoso")
    log_path = data_dir / "server.log"

    attempts = 3
    for attempt in range(attempts):
        sql_port, http_port = _free_ports(2)
        ini = _render_virtuoso_ini(data_dir, sql_port, http_port)
        base = f"http://{_HOST}:{http_port}"
        ctl = _Controller(
            kind="virtuoso",
            argv=[exe, "+foreground", "+configfile", str(ini)],
            data_dir=data_dir,
            log_path=log_path,
            ready_url=f"{base}/sparql?query=ASK%7B%7D",
            ports=[http_port, sql_port],
            extra_logs=[data_dir / "db" / "virtuoso.log"],
        )
        try:
            ctl.start(startup_timeout)
            break
        except ServerStartError:
            if attempt + 1 < attempts and _port_taken_during_start([http_port, sql_port]):
                shutil.rmtree(data_dir / "db", ignore_errors=True)  # half-made database
                continue
            raise
    assert ctl.proc is not None
    with _managed(ctl):
        granted = grant_anonymous_update and _grant_anonymous_update(sql_port)
        yield RunningServer(
            kind="virtuoso",
            query_url=f"{base}/sparql",
            update_url=f"{base}/sparql-auth",
            gsp_url=f"{base}/sparql-graph-crud-auth",
            username=_VIRTUOSO_USER,
            password=_VIRTUOSO_PASSWORD,
            auth_scheme="digest",
            pid=ctl.proc.pid,
            base_url=base,
            port=http_port,
            data_dir=data_dir,
            log_path=log_path,
            sql_port=sql_port,
            anonymous_update_url=f"{base}/sparql" if granted else None,
        )


# --------------------------------------------------------------------------- common


@contextlib.contextmanager
def _managed(ctl: _Controller) -> Iterator[None]:
    """Register ``ctl`` for kill/restart helpers; always stop its current process."""
    with _REGISTRY_LOCK:
        _REGISTRY[ctl.data_dir] = ctl
    try:
        yield
    finally:
        try:
            ctl.stop()
        finally:
            with _REGISTRY_LOCK:
                _REGISTRY.pop(ctl.data_dir, None)


@contextlib.contextmanager
def start_server(kind: ServerKind, workdir: Path, **options: object) -> Iterator[RunningServer]:
    """Run a server of the given kind (dispatches to the matching context manager).

    Args:
        kind: "oxigraph" or "virtuoso".
        workdir: Folder under which the fresh data folder is created.
        **options: Keyword options of :func:`oxigraph_server` / :func:`virtuoso_server`.

    Yields:
        The running server.
    """
    factory = {"oxigraph": oxigraph_server, "virtuoso": virtuoso_server}[_check_kind(kind)]
    with factory(workdir, **options) as server:  # type: ignore[operator]
        yield server


def kill_server(server: RunningServer) -> None:
    """Kill the server abruptly (SIGKILL, no shutdown, no checkpoint) and reap it.

    The data folder and ports stay reserved for :func:`restart_server`.

    Args:
        server: A server yielded by one of the context managers (still inside it).
    """
    _controller(server).kill()


def stop_server(server: RunningServer, timeout: float = _STOP_TIMEOUT_S) -> None:
    """Stop the server gracefully now (the context manager then has nothing to do).

    Virtuoso: ``shutdown`` through isql-vt, then SIGTERM; Oxigraph: SIGTERM. SIGKILL
    after ``timeout`` seconds.

    Args:
        server: A server yielded by one of the context managers (still inside it).
        timeout: Seconds to wait before SIGKILL.
    """
    _controller(server).stop(timeout)


def restart_server(server: RunningServer, startup_timeout: float = 120.0) -> RunningServer:
    """Start the server again on the same data folder and ports.

    A server still running is stopped gracefully first. Virtuoso replays its
    transaction log after a kill; the anonymous-update grant is re-applied if it was
    granted before.

    Args:
        server: A server yielded by one of the context managers (still inside it).
        startup_timeout: Seconds to wait for the server to answer again.

    Returns:
        The same connection facts with the new ``pid``.

    Raises:
        ServerStartError: The server did not come back (message has the log tail).
    """
    ctl = _controller(server)
    if ctl.alive():
        ctl.stop()
    deadline = time.monotonic() + 10.0
    while _port_taken_during_start(ctl.ports) and time.monotonic() < deadline:
        time.sleep(_POLL_INTERVAL_S)  # another process may briefly hold a port
    ctl.start(startup_timeout)
    assert ctl.proc is not None
    if server.kind == "virtuoso" and server.anonymous_update_url is not None:
        assert server.sql_port is not None
        if not _grant_anonymous_update(server.sql_port):
            return dataclasses.replace(server, pid=ctl.proc.pid, anonymous_update_url=None)
    return dataclasses.replace(server, pid=ctl.proc.pid)
