"""The one import-time check (the rule is in ``dlkg/_lazy.py``): ``import dlkg`` and the main
job, ``dlkg query NAME``, never import the heavy libraries other paths need."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

#: Libraries that cost more start-up time than answering a canned query.
HEAVY = ("click", "rdflib", "pyshacl", "owlready2", "httpx", "SPARQLWrapper", "multiprocessing")

_REPORT = ("import json, sys; print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & set(sys.argv[1:]))"
           " + sorted(m for m in sys.modules if m.startswith('dlkg'))), file=sys.stderr)")


def _modules_after(code: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    done = subprocess.run([sys.executable, "-c", f"{code}\n{_REPORT}", *HEAVY], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return done, json.loads(done.stderr.splitlines()[-1])


@pytest.mark.parametrize("code, stdout", [
    ("import dlkg", ""),
    # The console script's way (dlkg.launch.main), as `dlkg query python-on-android` runs it.
    ("from dlkg.launch import main\nmain(['query', 'python-on-android'])",
     "framework,label\nhttps://w3id.org/dlkg/resource/Deeplearning4j,Deeplearning4j\n"
     "https://w3id.org/dlkg/resource/MXNet,MXNet\n"),
    # The facade's way to the same answer.
    ("import dlkg\nprint(dlkg.query('python-on-android').values('label'))", "['Deeplearning4j', 'MXNet']\n"),
], ids=["import-dlkg", "dlkg-query", "facade-query"])
def test_the_start_up_paths_import_nothing_heavy(code, stdout):
    done, loaded = _modules_after(code)
    assert done.stdout == stdout
    assert [m for m in loaded if m in HEAVY] == []
    assert "dlkg.cli" not in loaded  # the short way answered, not click
    if code == "import dlkg":
        assert [m for m in loaded if m.startswith("dlkg")] == ["dlkg", "dlkg._lazy"]
