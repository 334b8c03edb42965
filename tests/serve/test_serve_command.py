"""``dlkg.serve.serve``, the one function the ``dlkg serve`` verb calls: a real process on
127.0.0.1 that answers, refuses a port in use with one line, and stops on SIGINT."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest
from serve_support import ROOT

from dlkg.errors import DlkgError
from dlkg.serve import serve


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_runs_answers_and_stops():
    port = free_port()
    code = f"from dlkg.serve import serve; serve(None, port={port}, log_level='warning')"
    process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/sparql", params={"query": "ASK {}"}, timeout=5)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"dlkg serve did not start: {process.stderr.read() if process.poll() is not None else ''}")
                time.sleep(0.1)
        assert answer.json()["boolean"] is True
        turtle = httpx.get(f"http://127.0.0.1:{port}/resource/Caffe", headers={"Accept": "text/turtle"})
        assert b"dlkg:developedBy res:BVLC" in turtle.content
    finally:
        process.send_signal(signal.SIGINT)
        try:
            _, err = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            _, err = process.communicate()
    assert process.returncode == 0, err
    assert f"http://127.0.0.1:{port}/" in err


def test_port_in_use_is_one_clear_error():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(DlkgError, match=f"cannot listen on 127.0.0.1:{port}"):
            serve(None, "127.0.0.1", port)


def test_unknown_host_name_is_a_usage_error():
    from tests.conftest import run_dlkg

    done = run_dlkg("serve", "--host", "no-such-host.invalid", "--port", "0")
    assert done.returncode == 2
    assert "--host: not a host name or address: 'no-such-host.invalid'" in done.stderr
