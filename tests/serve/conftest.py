"""Fixtures for the server tests (see ``serve_support``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from serve_support import LiveServer, live_server

from dlkg.stores import MemoryStore


@pytest.fixture(scope="session")
def memory_store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture(scope="session")
def server(memory_store) -> Iterator[LiveServer]:
    """The packaged graph served with the default limits (but no rate limit)."""
    with live_server(memory_store) as running:
        yield running


@pytest.fixture(scope="session")
def strict_server(memory_store) -> Iterator[LiveServer]:
    """Tight limits for the limit tests: 2 s per query, 50 rows, a 4 KiB body; three query
    workers, so that two slow queries leave one free."""
    with live_server(memory_store, query_timeout=2.0, row_limit=50, max_body=4096, workers=3) as running:
        yield running


@pytest.fixture(scope="session")
def base_url(server) -> str:
    return server.url


def pytest_terminal_summary(terminalreporter) -> None:
    """Print the W3C protocol suite's pass counts at the end of the run."""
    import sys

    module = sys.modules.get("test_serve_w3c_protocol")
    lines = module.summary() if module is not None else []
    if lines:
        terminalreporter.section("W3C SPARQL 1.1 Protocol")
        for line in lines:
            terminalreporter.write_line(line)
