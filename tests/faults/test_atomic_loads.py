"""Issue 12: a load into the embedded store is atomic at every moment.

``dlkg load`` of 500,000 triples is killed (SIGKILL) at ten moments spread over its run, into
a new graph and into a graph that already holds triples; after each kill, queries see either
none or all of the new triples, never part of them, and everything else in the store (the
packaged ontology and data, the old content of the replaced graph) is exactly as before. The
same on a full disk (a small tmpfs): the load fails with one line, exit 1, and nothing
changed. What a killed load left (a half-built version) is gone after the next open.

The expected counts are the generator's own (``write_ntriples`` writes one triple a line,
500,000 lines, all distinct) and the packaged graph's, counted by rdflib in conftest.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dlkg.canon import graph_digest
from dlkg.resources import DATA_GRAPH, ONTOLOGY_GRAPH
from dlkg.stores import OxigraphStore
from dlkg.stores.folder import POINTER
from tests.conftest import ROOT, run_dlkg
from tests.faults.conftest import BULK, write_ntriples

N_NEW = 500_000
N_OLD = 1_000
TARGET = "urn:x:g"
MOMENTS = 10
_SEEN_NEW = f'SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{BULK}s")) }}'


def _state(folder: Path) -> dict:
    """What queries see in the store: the target graph's count and digest, the packaged
    graphs' digests, and how many triples of the bulk file the union shows."""
    store = OxigraphStore(folder)
    try:
        return {
            "target": store.count(TARGET),
            "target_digest": graph_digest(store.graph_triples(TARGET)) if store.count(TARGET) <= N_OLD else None,
            "data": graph_digest(store.graph_triples(DATA_GRAPH)),
            "ontology": graph_digest(store.graph_triples(ONTOLOGY_GRAPH)),
            "seen_new": int(store.query(_SEEN_NEW).rows[0][0].value),
            "versions": sorted(p.name for p in (folder / "versions").iterdir()),
        }
    finally:
        store.close()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("atomic")
    new = write_ntriples(folder / "new.nt", N_NEW).path
    old = folder / "old.nt"  # other subjects than the bulk file's: they never count as "new"
    old.write_text("".join(f'<urn:old:s{i}> <urn:old:p> "old {i}" .\n' for i in range(N_OLD)))
    return {"new": new, "old": old, "folder": folder}


@pytest.fixture(scope="module", params=["new graph", "existing graph"])
def pristine(request: pytest.FixtureRequest, files: dict[str, Path]) -> dict:
    """A store with the packaged graph (and, for "existing graph", 1,000 old triples in the
    target graph), its state, and how long an uninterrupted load of the new file takes."""
    folder = files["folder"] / request.param.replace(" ", "-") / "store"
    assert run_dlkg("load", "--into", str(folder)).returncode == 0
    if request.param == "existing graph":
        loaded = run_dlkg("load", str(files["old"]), "--into", str(folder), "--graph", TARGET)
        assert loaded.returncode == 0, loaded.stderr
    before = _state(folder)
    assert before["target"] == (N_OLD if request.param == "existing graph" else 0)
    assert before["seen_new"] == 0
    # The kills are spread over the shorter of two uninterrupted loads: a timing slowed by
    # other work on the machine would put the later kills after the load's end.
    times = []
    for run in range(2):
        trial = folder.with_name(f"timing-{run}")
        shutil.copytree(folder, trial)
        start = time.monotonic()
        done = run_dlkg("load", str(files["new"]), "--into", str(trial), "--graph", TARGET)
        times.append(time.monotonic() - start)
        assert done.returncode == 0, done.stderr
        after = _state(trial)
        assert (after["target"], after["seen_new"]) == (N_NEW, N_NEW)
        assert (after["data"], after["ontology"]) == (before["data"], before["ontology"])
        shutil.rmtree(trial)
    return {"kind": request.param, "folder": folder, "before": before, "seconds": min(times)}


def _kill_at(folder: Path, new: Path, delay: float, sig: int) -> int:
    proc = subprocess.Popen([sys.executable, "-m", "dlkg", "load", str(new), "--into", str(folder), "--graph", TARGET],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(sig)
    proc.communicate(timeout=60)
    return proc.returncode


def test_load_killed_at_ten_moments_is_all_or_nothing(pristine: dict, files: dict[str, Path],
                                                      tmp_path: Path) -> None:
    """SIGKILL at 5%, 15%, ... 95% of an uninterrupted load's time: every time, the target
    graph is the old one or all 500,000 new triples, the rest of the store is untouched, and
    the next open leaves one version only."""
    before = pristine["before"]
    outcomes = []
    for moment in range(MOMENTS):
        trial = tmp_path / f"kill-{moment}"
        shutil.copytree(pristine["folder"], trial)
        delay = pristine["seconds"] * (moment + 0.5) / MOMENTS
        code = _kill_at(trial, files["new"], delay, signal.SIGKILL)
        left = sorted(p.name for p in (trial / "versions").iterdir())
        after = _state(trial)
        old = (after["target"], after["target_digest"], after["seen_new"]) == (
            before["target"], before["target_digest"], 0)
        new = (after["target"], after["seen_new"]) == (N_NEW, N_NEW)
        assert old or new, f"{pristine['kind']}, killed at {delay:.2f} s: {after}"
        assert (after["data"], after["ontology"]) == (before["data"], before["ontology"])
        assert len(after["versions"]) == 1, f"leftovers after the next open: {after['versions']}"
        outcomes.append(("killed" if code == -signal.SIGKILL else f"exit {code}", "new" if new else "old", len(left)))
        shutil.rmtree(trial)
    killed = [o for o in outcomes if o[0] == "killed"]
    assert len(killed) >= MOMENTS - 2, outcomes  # the kills really landed during the loads
    assert any(o[2] > 1 for o in killed), f"no kill found a half-built version: {outcomes}"


def test_load_stopped_by_sigterm_is_all_or_nothing(pristine: dict, files: dict[str, Path], tmp_path: Path) -> None:
    trial = tmp_path / "term"
    shutil.copytree(pristine["folder"], trial)
    assert _kill_at(trial, files["new"], pristine["seconds"] / 2, signal.SIGTERM) == -signal.SIGTERM
    after = _state(trial)
    before = pristine["before"]
    assert (after["target"], after["target_digest"], after["seen_new"]) == (before["target"], before["target_digest"], 0)
    assert len(after["versions"]) == 1


def test_repair_reports_what_a_killed_load_left(pristine: dict, files: dict[str, Path], tmp_path: Path) -> None:
    """``dlkg load --repair`` names the half-built version it removes (opening with the
    library would remove it silently first, so the command is run on the folder as left)."""
    trial = tmp_path / "repair"
    shutil.copytree(pristine["folder"], trial)
    assert _kill_at(trial, files["new"], pristine["seconds"] / 2, signal.SIGKILL) == -signal.SIGKILL
    current = (trial / POINTER).read_text()
    half_built = sorted(p.name for p in (trial / "versions").iterdir() if p.name not in current)
    assert half_built, "the kill came before the new version was started"
    repaired = run_dlkg("load", "--repair", "--into", str(trial))
    assert repaired.returncode == 0, repaired.stderr
    for name in half_built:
        assert f"versions/{name}" in repaired.stdout
    assert [p.name for p in (trial / "versions").iterdir()] == [current.split('"current": "')[1].split('"')[0]]


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 24 MB tmpfs: room for the packaged graph's store, not for 500,000 more triples."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)], capture_output=True,
                             text=True)
    if mounted.returncode != 0:
        if __import__("os").environ.get("CI"):
            pytest.fail(f"cannot mount a tmpfs in CI: {mounted.stderr.strip()}")
        pytest.skip(f"mounting a tmpfs is not allowed here: {mounted.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.parametrize("existing", [False, True], ids=["new graph", "existing graph"])
def test_full_disk_fails_with_one_line_and_changes_nothing(small_disk: Path, files: dict[str, Path],
                                                           existing: bool) -> None:
    folder = small_disk / "store"
    assert run_dlkg("load", "--into", str(folder)).returncode == 0
    if existing:
        assert run_dlkg("load", str(files["old"]), "--into", str(folder), "--graph", TARGET).returncode == 0
    before = _state(folder)
    failed = run_dlkg("load", str(files["new"]), "--into", str(folder), "--graph", TARGET)
    assert failed.returncode == 1, (failed.stdout, failed.stderr)
    lines = failed.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in failed.stderr, failed.stderr
    assert "is full; nothing was changed" in lines[0] and str(folder) in lines[0], lines[0]
    after = _state(folder)
    assert {k: after[k] for k in ("target", "target_digest", "data", "ontology", "seen_new")} == {
        k: before[k] for k in ("target", "target_digest", "data", "ontology", "seen_new")}
    assert after["versions"] == before["versions"], "the half-built version was not removed"
    # The space came back: a small load goes through.
    small = files["folder"] / "small.nt"
    small.write_text('<urn:small:s> <urn:small:p> "1" .\n')
    again = run_dlkg("load", str(small), "--into", str(folder), "--graph", "urn:x:small")
    assert again.returncode == 0 and "read-back: verified" in again.stdout, again.stderr


def test_first_load_into_a_new_folder_killed_leaves_it_empty(files: dict[str, Path], tmp_path: Path) -> None:
    """A folder never written to has a pointer to no version; its first load builds the first
    version. Killed at a quarter, half and three quarters of an uninterrupted first load, the
    folder is as it was: no version after the next open, no triple to query."""
    timing = tmp_path / "timing"
    start = time.monotonic()
    assert run_dlkg("load", str(files["new"]), "--into", str(timing), "--graph", TARGET).returncode == 0
    seconds = time.monotonic() - start
    codes, half_built = [], []
    for share in (0.25, 0.5, 0.75):
        trial = tmp_path / f"first-{share}"
        trial.mkdir()
        OxigraphStore(trial).close()  # the new folder, as the load's own open would make it
        codes.append(_kill_at(trial, files["new"], seconds * share, signal.SIGKILL))
        half_built.append(len(list((trial / "versions").iterdir())))
        store = OxigraphStore(trial)
        try:
            seen = int(store.query(_SEEN_NEW).rows[0][0].value)
            assert (store.size(), seen) in {(0, 0), (N_NEW, N_NEW)}, (share, store.size(), seen)
            versions = sorted(p.name for p in (trial / "versions").iterdir())
            assert len(versions) == (0 if seen == 0 else 1), versions
        finally:
            store.close()
    assert codes.count(-signal.SIGKILL) >= 2, codes  # the kills really landed during the loads
    assert any(half_built), "no kill found the first version half-built"
