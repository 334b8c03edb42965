"""Counting W3C conformance results: every test marked ``w3c(suite, manifest)`` is counted as
passed, known failure (strict xfail), not applicable (skipped with a reason starting
``not applicable:``), skipped or failed; at the end of the session each suite's counts go to
``test-artifacts/w3c-<suite>-summary.json`` and one line per manifest is printed."""

from __future__ import annotations

import json
from collections import Counter, defaultdict

import pytest

from . import ROOT

_OUTCOMES = ("passed", "known_failures", "not_applicable", "skipped", "failed")
_NOT_APPLICABLE = "not applicable:"
_where: dict[str, tuple[str, str]] = {}           # nodeid -> (suite, manifest)
_results: dict[str, tuple[str, str]] = {}         # nodeid -> (outcome, reason)
_written: list[tuple[str, str, dict, object]] = []  # (suite, manifest, counts, summary file)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "w3c(suite, manifest): a test from a W3C conformance manifest, counted in "
                   "test-artifacts/w3c-<suite>-summary.json")


def pytest_collection_modifyitems(config, items):
    for item in items:
        marker = item.get_closest_marker("w3c")
        if marker is not None:
            _where[item.nodeid] = (marker.kwargs["suite"], marker.kwargs["manifest"])


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    text = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return text.removeprefix("Skipped: ")


def _outcome(report) -> tuple[str, str] | None:
    if report.failed:
        return "failed", ""
    if report.skipped:
        if hasattr(report, "wasxfail"):
            return "known_failures", report.wasxfail
        reason = _skip_reason(report)
        return ("not_applicable" if reason.startswith(_NOT_APPLICABLE) else "skipped"), reason
    if report.when == "call":
        return "passed", ""
    return None


def pytest_runtest_logreport(report):
    if report.nodeid not in _where:
        return
    outcome = _outcome(report)
    if outcome is None:
        return
    # The first failure or skip of a test wins (a teardown error after a pass is a failure).
    if report.nodeid not in _results or _results[report.nodeid][0] == "passed":
        _results[report.nodeid] = outcome


_left_out: list[tuple[str, str, str]] = []


def record_not_applicable(suite: str, manifest: str, reason: str) -> None:
    """Count a suite test that does not apply to dlkg (it is not collected at all)."""
    _left_out.append((suite, manifest, reason))


def pytest_sessionfinish(session):
    if not _results:
        return
    suites: dict[str, dict[str, dict]] = defaultdict(dict)
    for suite, manifest, reason in _left_out:
        counts = suites[suite].setdefault(manifest, {**{key: 0 for key in _OUTCOMES}, "reasons": {}})
        counts["not_applicable"] += 1
        counts["reasons"].setdefault("not_applicable", Counter())[reason] += 1
    for nodeid, (suite, manifest) in sorted(_where.items()):
        if nodeid not in _results:
            continue
        outcome, reason = _results[nodeid]
        counts = suites[suite].setdefault(manifest, {**{key: 0 for key in _OUTCOMES}, "reasons": {}})
        counts[outcome] += 1
        if reason and outcome in ("known_failures", "not_applicable", "skipped"):
            counts["reasons"].setdefault(outcome, Counter())[reason] += 1
    folder = ROOT / "test-artifacts"
    folder.mkdir(exist_ok=True)
    for suite, manifests in sorted(suites.items()):
        for counts in manifests.values():
            counts["reasons"] = {outcome: dict(sorted(by_reason.items()))
                                 for outcome, by_reason in sorted(counts["reasons"].items())}
        path = folder / f"w3c-{suite}-summary.json"
        path.write_text(json.dumps(manifests, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        for manifest, counts in sorted(manifests.items()):
            _written.append((suite, manifest, counts, path))


def pytest_terminal_summary(terminalreporter, config):
    if not _written:
        return
    terminalreporter.section("W3C conformance")
    for suite, manifest, counts, path in _written:
        terminalreporter.write_line(
            f"{suite} {manifest}: {counts['passed']} passed, {counts['known_failures']} known failures, "
            f"{counts['not_applicable']} not applicable, {counts['skipped']} skipped, {counts['failed']} failed "
            f"({path.relative_to(ROOT)})")
