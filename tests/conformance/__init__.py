"""W3C conformance suites, read from ``../shared/w3c/`` beside the checkout (never copied in).

Each suite is a folder of ``W3C_DIR``; where one is absent its tests skip with one line saying
where to get it, and in CI (``CI`` set, or ``DLKG_REQUIRE_SERVERS=1``) they fail instead, so a
missing suite cannot pass unnoticed.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["ROOT", "SUITES", "W3C_DIR", "missing_reason", "require_suite", "strict", "suite_dir"]

#: The repository root (the checkout).
ROOT = Path(__file__).resolve().parents[2]
#: Where the W3C suites live: ``shared/w3c`` beside the checkout.
W3C_DIR = ROOT.parent / "shared" / "w3c"
#: Each suite folder and the upstream repository and commit it is a copy of.
SUITES = {
    "json-ld-api": ("https://github.com/w3c/json-ld-api", "92f0770"),
    "rdf-tests": ("https://github.com/w3c/rdf-tests", "ad541a5"),
}


def strict() -> bool:
    """True in CI (``CI`` set to anything but empty/0/false) or with ``DLKG_REQUIRE_SERVERS=1``."""
    ci = os.environ.get("CI", "").strip().lower()
    return ci not in ("", "0", "false", "no") or os.environ.get("DLKG_REQUIRE_SERVERS") == "1"


def suite_dir(name: str) -> Path | None:
    """The suite's folder, or None when it is not there."""
    path = W3C_DIR / name
    return path if path.is_dir() else None


def missing_reason(name: str) -> str:
    """One line: which suite is missing, where it belongs and where to get it."""
    url, commit = SUITES[name]
    return f"W3C suite {name} not found at {W3C_DIR / name}: clone {url} at commit {commit} there"


def require_suite(name: str) -> Path:
    """The suite's folder; skip the calling test when it is absent (fail in CI)."""
    import pytest

    path = suite_dir(name)
    if path is None:
        if strict():
            pytest.fail(missing_reason(name) + " (required: CI or DLKG_REQUIRE_SERVERS=1)", pytrace=False)
        pytest.skip(missing_reason(name))
    return path
