"""Shared fixtures: the packaged graph in memory, and the real ``dlkg`` command in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dlkg.stores import MemoryStore

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = Path(__file__).resolve().parent / "data"
DLKG = "https://w3id.org/dlkg/ontology#"
RES = "https://w3id.org/dlkg/resource/"

PREFIXES = f"""PREFIX dlkg: <{DLKG}>
PREFIX res: <{RES}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


@pytest.fixture(scope="session")
def store() -> MemoryStore:
    """The packaged graph, in memory."""
    return MemoryStore()


def select(store, query: str, **bindings) -> list[tuple[str, ...]]:
    """Rows of plain values (IRIs shortened to their local name under res: or dlkg:)."""
    result = store.query(PREFIXES + query, bindings=bindings or None)
    return [tuple(short(t) for t in row) for row in result.rows]


def short(term) -> str:
    if term is None:
        return ""
    value = term.value
    for prefix in (RES, DLKG):
        if value.startswith(prefix):
            return value[len(prefix):]
    return value


def run_dlkg(*args: str, cwd: Path | None = None, input: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real command line (``python -m dlkg``) and capture its output."""
    return subprocess.run([sys.executable, "-m", "dlkg", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, input=input, env={**os.environ, **(env or {})}, timeout=300)
