"""The console script's short way for ``dlkg query NAME``: same bytes and exit codes as the full
command line, which every other command line and every error goes through."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dlkg.launch import plain_query
from tests.conftest import ROOT, run_dlkg


def run_full(*args: str) -> subprocess.CompletedProcess:
    """The same command line through click only (``dlkg.cli``), bypassing the short way."""
    code = "import sys; from dlkg.cli import main; main(args=sys.argv[1:], prog_name='dlkg')"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, timeout=300)


@pytest.mark.parametrize("args", [
    ["query", "python-on-android"],
    ["query", "mobile-frameworks", "--format", "json"],
    ["query", "frameworks-per-platform", "--format", "md"],
    ["query", "capabilities", "--format", "tsv"],
])
def test_short_way_prints_what_the_full_command_prints(args):
    assert plain_query(args) is not None
    short, full = run_dlkg(*args), run_full(*args)
    assert (short.returncode, short.stdout, short.stderr) == (full.returncode, full.stdout, full.stderr)
    assert short.returncode == 0 and short.stdout


def test_flagship_answer_by_the_short_way():
    # Deeplearning4j and MXNet: the only frameworks whose Table 14.1 row lists both the Python
    # interface and the Android platform (worked out by hand from the seed table).
    done = run_dlkg("query", "python-on-android")
    assert done.stdout.splitlines()[1:] == ["https://w3id.org/dlkg/resource/Deeplearning4j,Deeplearning4j",
                                            "https://w3id.org/dlkg/resource/MXNet,MXNet"]


@pytest.mark.parametrize("args, message", [
    (["query", "python-on-andriod"], "closest: python-on-android"),
    (["query", "frameworks-by-interface"], None),  # a default exists: answered, exit 0
    (["query", "python-on-android", "--format", "turtle"], "does not fit a SELECT"),
    (["query", "python-on-android", "--format", "yaml"], "Invalid value for '--format'"),
])
def test_errors_are_reported_by_the_full_command(args, message):
    short, full = run_dlkg(*args), run_full(*args)
    assert (short.returncode, short.stdout, short.stderr) == (full.returncode, full.stdout, full.stderr)
    if message:
        assert short.returncode == 2 and message in short.stderr and "Traceback" not in short.stderr


@pytest.mark.parametrize("args", [
    [], ["query"], ["query", "--help"], ["query", "x", "-p", "a=b"], ["query", "x", "--store", "d"],
    ["query", "x", "--format", "turtle"], ["sparql", "x"], ["query", "x", "--format"], ["query", "x", "y", "z"],
])
def test_other_command_lines_take_the_full_way(args):
    assert plain_query(args) is None
