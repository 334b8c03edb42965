"""The embedded store's folder: versions of an Oxigraph database and one pointer to the current one.

Layout of a store folder ``DIR``::

    DIR/dlkg-store.json     {"layout": 1, "current": "<id>"}: the pointer, replaced atomically
                            ("current": null in a store never written to: no database yet)
    DIR/versions/<id>/      one Oxigraph (RocksDB) database per version
    DIR/dlkg.lock           locked (flock) by the one process that has the store open

A new folder gets the pointer and no version: a database is made by the first write, as a
version like any other (opening RocksDB costs about as much as a small load, and an empty
first version was opened once to be made, again to be read and a third time as a copy).

A write never changes the current version. It builds a new one beside it, either as a
RocksDB checkpoint of the current one (hard links to its immutable files: no copy) that is
then changed, or from nothing; only when the new version is complete and checked does one
``rename`` of the pointer file make it current. A process killed at any moment, a full disk
or a failed check therefore leaves the pointer on a complete version, old or new, and every
reader sees one of the two whole. What a dead writer left (a half-built version, a
temporary pointer) is removed by the next open, which holds the lock and so knows that no
one else is writing.

A folder written by dlkg 0.1 (the Oxigraph database directly in ``DIR``) is moved into this
layout on its first open: a checkpoint becomes the first version, then the pointer is
written, then the old database's files are removed (an open killed in between redoes or
finishes that).
"""

from __future__ import annotations

import gc
import json
import os
import shutil
from pathlib import Path

import pyoxigraph as ox

from dlkg.errors import StoreError, UsageError

__all__ = ["StoreFolder", "POINTER", "LAYOUT"]

#: The pointer file's name.
POINTER = "dlkg-store.json"
#: The layout version written in the pointer.
LAYOUT = 1
_VERSIONS = "versions"
_LOCK = "dlkg.lock"
#: Files RocksDB writes into a database directory: what a 0.1 folder holds besides the user's own.
_ROCKSDB_NAMES = ("CURRENT", "IDENTITY", "LOCK")
_ROCKSDB_PREFIXES = ("LOG", "MANIFEST-", "OPTIONS-")
_ROCKSDB_SUFFIXES = (".sst", ".log", ".blob", ".dbtmp")


def _is_rocksdb_file(name: str) -> bool:
    return name in _ROCKSDB_NAMES or name.startswith(_ROCKSDB_PREFIXES) or name.endswith(_ROCKSDB_SUFFIXES)


class StoreFolder:
    """One embedded store folder, locked for this process while open.

    Args:
        path: The folder; created when missing (unless ``read_only``).
        read_only: Open a store that exists, for reading: a missing folder (or one that
            holds no store) is refused rather than created, and when another process holds
            the lock (a running ``dlkg serve``) the folder is opened without it, on the
            current version, and nothing in it is changed (:attr:`shared`).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     folder = StoreFolder(Path(tmp) / "kg")
    ...     first = folder.current
    ...     staged = folder.new_version()
    ...     ox.Store(str(staged)).flush()
    ...     folder.switch(staged)
    ...     second = folder.new_version()
    ...     ox.Store(str(second)).flush()
    ...     folder.switch(second)
    ...     removed = folder.remove_leftovers()
    ...     (first, removed == [f"versions/{staged.name}"], folder.current == second.name)
    ...     folder.close()
    ('', True, True)
    """

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        #: Opened read-only without the lock, which another process holds: nothing may change.
        self.shared = False
        self.removed_on_open: list[str] = []
        if self.path.exists() and not self.path.is_dir():
            raise UsageError(f"{self.path} is not a folder (an embedded store is a folder)", param="store")
        if read_only and not self.holds_store(self.path):
            raise UsageError(f"no store at {self.path}; create one with dlkg load --into {self.path}", param="store")
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            (self.path / _VERSIONS).mkdir(exist_ok=True)
        except OSError as err:
            raise StoreError(f"cannot open the embedded store {self.path}: {err.strerror or err}") from None
        try:
            self._lock_handle = self._lock()
        except StoreError:
            if not read_only:
                raise
            # Another process has the store open (`dlkg serve`): it never changes the
            # current version, so reading that version read-only is safe while it runs.
            self._lock_handle, self.shared = None, True
            current = self._read_pointer()
            if current is None:
                raise
            self.current = current
            return
        try:
            current = self._read_pointer()
            #: The current version's name; "" while the store was never written to (no database).
            self.current = current if current is not None else self._first_version()
            #: What opening removed (a killed write's leftovers), for :meth:`OxigraphStore.repair` to report.
            self.removed_on_open = self.remove_leftovers()
        except BaseException:
            self.close()
            raise

    @staticmethod
    def holds_store(path: str | Path) -> bool:
        """Whether a folder holds an embedded store: dlkg's pointer, or a database that dlkg
        0.1 (or ``oxigraph load``) wrote into the folder itself.

        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     before = StoreFolder.holds_store(tmp)
        ...     StoreFolder(tmp).close()
        ...     (before, StoreFolder.holds_store(tmp))
        (False, True)
        """
        path = Path(path)
        return (path / POINTER).is_file() or (path / "CURRENT").is_file()

    # -- the lock ------------------------------------------------------------------------

    def _lock(self):
        import fcntl

        try:
            handle = open(self.path / _LOCK, "a+b")  # noqa: SIM115 - held until close()
        except OSError as err:
            raise StoreError(f"cannot open the embedded store {self.path}: {err.strerror or err}") from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise StoreError(f"the embedded store {self.path} is open in another process (a running "
                             "'dlkg serve' or 'dlkg load'?); stop it, or query that server instead") from None
        return handle

    def close(self) -> None:
        """Release the folder's lock."""
        if self._lock_handle is not None:
            self._lock_handle.close()
            self._lock_handle = None

    # -- versions ------------------------------------------------------------------------

    def version_path(self, name: str) -> Path:
        """Where a version's database lives."""
        return self.path / _VERSIONS / name

    def open_current(self, *, read_only: bool = False) -> ox.Store:
        """Open the current version's database (``read_only``: beside the process that holds
        it); an empty in-memory one while the store has no version."""
        if not self.current:
            return ox.Store()
        try:
            path = str(self.version_path(self.current))
            return ox.Store.read_only(path) if read_only else ox.Store(path)
        except OSError as err:
            raise StoreError(f"cannot open the embedded store {self.path}: {' '.join(str(err).split())}") from None

    def new_version(self) -> Path:
        """Where a new version is to be built (not made yet: a RocksDB checkpoint wants a path
        that does not exist); not current until :meth:`switch`."""
        import uuid

        return self.version_path(uuid.uuid4().hex)

    def switch(self, version: Path) -> None:
        """Make a complete version current: one atomic rename of the pointer file. The
        previous version stays until :meth:`remove_leftovers` (its database may still be open).

        Raises:
            StoreError: the pointer could not be written; the current version is unchanged.
        """
        self._write_pointer(version.name)
        self.current = version.name

    def discard(self, version: Path) -> None:
        """Remove a version that was being built (the current one is never touched)."""
        if version.name != self.current:
            self._remove_version(version.name)

    def remove_leftovers(self) -> list[str]:
        """Remove what a writer that died left: versions that are not current, temporary
        pointers, a 0.1 database's files. Returns the names removed."""
        removed = []
        for entry in sorted((self.path / _VERSIONS).iterdir()):
            if entry.name != self.current:
                self._remove_version(entry.name)
                removed.append(f"{_VERSIONS}/{entry.name}")
        for entry in sorted(self.path.iterdir()):
            if entry.name.startswith(POINTER + ".") or (entry.is_file() and _is_rocksdb_file(entry.name)):
                entry.unlink()
                removed.append(entry.name)
        return removed

    def _remove_version(self, name: str) -> None:
        gc.collect()  # a dropped pyoxigraph Store closes its database only when collected
        shutil.rmtree(self.version_path(name), ignore_errors=True)

    # -- the pointer ---------------------------------------------------------------------

    def _read_pointer(self) -> str | None:
        """The current version's name ("" for none yet); None where there is no pointer."""
        pointer = self.path / POINTER
        try:
            data = json.loads(pointer.read_text(encoding="utf-8"))
            name = data["current"]
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise StoreError(f"{pointer}: not a dlkg store pointer ({err}); is {self.path} a dlkg store?") from None
        if name is None and data.get("layout") == LAYOUT:
            return ""
        if data.get("layout") != LAYOUT or not isinstance(name, str) or not self.version_path(name).is_dir():
            raise StoreError(f"{pointer}: names no version of this store (layout {data.get('layout')!r}, "
                             f"current {name!r})")
        return name

    def _write_pointer(self, name: str) -> None:
        """Write the pointer (to no version for "") so that it is the old one or the new one
        whatever happens: a temporary file, flushed to disk, renamed over the old one, the
        folder flushed."""
        pointer = self.path / POINTER
        temporary = self.path / f"{POINTER}.{os.getpid()}.tmp"
        try:
            with open(temporary, "w", encoding="utf-8") as handle:
                json.dump({"layout": LAYOUT, "current": name or None}, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, pointer)
            directory = os.open(self.path, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
        except OSError as err:
            temporary.unlink(missing_ok=True)
            raise StoreError(f"cannot switch the embedded store {self.path} to its new version: "
                             f"{err.strerror or err}; the store is as it was") from None

    def _first_version(self) -> str:
        """The pointer of a new folder, to no version (""), or the first version of a folder
        dlkg 0.1 wrote (moved in)."""
        if not (self.path / "CURRENT").is_file():
            self._write_pointer("")
            return ""
        version = self.new_version()  # a 0.1 store: the database is the folder itself
        try:
            legacy = ox.Store(str(self.path))
            legacy.backup(str(version))
            del legacy
        except OSError as err:
            self._remove_version(version.name)
            raise StoreError(f"cannot open the embedded store {self.path}: {' '.join(str(err).split())}") from None
        gc.collect()
        self._write_pointer(version.name)
        return version.name
