"""The embedded store's folder (:mod:`dlkg.stores.folder`): versions, the pointer, the lock,
leftovers removed on open, and folders written by dlkg 0.1 moved into the layout."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from dlkg.errors import StoreError, UsageError
from dlkg.stores import OxigraphStore
from dlkg.stores.folder import POINTER, StoreFolder
from tests.conftest import run_dlkg

G = ox.NamedNode("http://e/g")
QUAD = ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("1"), G)


def test_a_new_folder_gets_a_pointer_to_no_version_until_its_first_write(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "kg")
    assert json.loads((tmp_path / "kg" / POINTER).read_text()) == {"layout": 1, "current": None}
    assert list((tmp_path / "kg" / "versions").iterdir()) == []
    assert store.size() == 0 and store.count(G.value) == 0
    assert not store.query("ASK { ?s ?p ?o }").boolean
    store.close()
    reader = OxigraphStore(tmp_path / "kg", read_only=True)  # a store, empty: not "no store at"
    assert reader.size() == 0
    reader.close()
    store = OxigraphStore(tmp_path / "kg")
    staged = store.stage()
    assert staged.method == "new"
    staged.store.add(QUAD)
    store.swap(staged)
    pointer = json.loads((tmp_path / "kg" / POINTER).read_text())
    assert [p.name for p in (tmp_path / "kg" / "versions").iterdir()] == [pointer["current"]]
    assert store.count(G.value) == 1
    store.close()


def test_a_first_write_killed_leaves_a_store_with_no_version(tmp_path: Path) -> None:
    """The half-built first version goes on the next open; the pointer still names none."""
    store = OxigraphStore(tmp_path / "kg")
    staged = store.stage()
    staged.store.add(QUAD)
    staged.store.flush()
    store.close()  # as if killed here: never swapped
    reopened = OxigraphStore(tmp_path / "kg")
    assert reopened.repair() == [f"versions/{staged.path.name}"]
    assert list((tmp_path / "kg" / "versions").iterdir()) == [] and reopened.size() == 0
    reopened.close()


def test_a_folder_written_by_dlkg_0_1_is_moved_into_versions(tmp_path: Path) -> None:
    """dlkg 0.1 kept the Oxigraph database in the folder itself: its triples are still there
    after the first open, now in a version, and the old files are gone."""
    legacy = tmp_path / "old-store"
    database = ox.Store(str(legacy))
    database.add(QUAD)
    database.flush()
    del database
    (legacy / "notes.txt").write_text("the user's own file stays")
    store = OxigraphStore(legacy)
    assert store.count(G.value) == 1
    store.close()
    names = sorted(p.name for p in legacy.iterdir())
    assert names == sorted([POINTER, "dlkg.lock", "notes.txt", "versions"]), names
    reopened = OxigraphStore(legacy)
    assert reopened.count(G.value) == 1
    reopened.close()


def test_a_second_process_is_told_the_store_is_in_use(tmp_path: Path) -> None:
    """Writing waits for the holder; reading does not (tests/test_cli_stores.py)."""
    store = OxigraphStore(tmp_path / "kg")
    try:
        answer = run_dlkg("load", "--into", str(tmp_path / "kg"))
        assert answer.returncode == 1, answer.stdout
        assert answer.stderr.count("\n") == 1 and "is open in another process" in answer.stderr, answer.stderr
    finally:
        store.close()
    assert run_dlkg("load", "--into", str(tmp_path / "kg")).returncode == 0


def test_read_only_refuses_a_missing_store_and_writes_nothing_in_a_held_one(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no store at"):
        OxigraphStore(tmp_path / "kg", read_only=True)
    assert not (tmp_path / "kg").exists()
    holder = OxigraphStore(tmp_path / "kg")
    staged = holder.stage()
    staged.store.add(QUAD)
    holder.swap(staged)
    (tmp_path / "kg" / "versions" / "leftover").mkdir()  # what a dead writer left: the holder's to remove
    try:
        reader = OxigraphStore(tmp_path / "kg", read_only=True)
        assert reader.count(G.value) == 1
        with pytest.raises(StoreError, match="open in another process"):
            reader.stage()
        reader.close()
        assert (tmp_path / "kg" / "versions" / "leftover").is_dir()
    finally:
        holder.close()


def test_leftovers_of_a_dead_writer_go_on_open(tmp_path: Path) -> None:
    folder = StoreFolder(tmp_path / "kg")
    first = folder.new_version()
    ox.Store(str(first)).add(QUAD)
    folder.switch(first)
    current = folder.current
    half_built = folder.new_version()
    ox.Store(str(half_built)).add(QUAD)
    (tmp_path / "kg" / f"{POINTER}.123.tmp").write_text("{")
    folder.close()
    reopened = StoreFolder(tmp_path / "kg")
    assert reopened.current == current
    assert sorted(reopened.removed_on_open) == sorted([f"versions/{half_built.name}", f"{POINTER}.123.tmp"])
    assert [p.name for p in (tmp_path / "kg" / "versions").iterdir()] == [current]
    reopened.close()


def test_a_damaged_pointer_is_one_line(tmp_path: Path) -> None:
    StoreFolder(tmp_path / "kg").close()
    (tmp_path / "kg" / POINTER).write_text('{"layout": 1, "current": "nope"}')
    with pytest.raises(StoreError, match="names no version of this store"):
        StoreFolder(tmp_path / "kg")
    answer = run_dlkg("query", "python-on-android", "--store", str(tmp_path / "kg"))
    assert answer.returncode == 1 and answer.stderr.count("\n") == 1 and "names no version" in answer.stderr


def test_a_file_is_not_a_store(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(UsageError, match="not a folder"):
        StoreFolder(tmp_path / "file")
