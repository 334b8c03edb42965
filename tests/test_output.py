"""``-o FILE`` writes like a shell redirect (issue 13, item 12): a device or FIFO is written in
place, a symlink's target is written, an existing file keeps its mode, a new file gets 0666
less the umask; a regular file is still replaced atomically."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

from tests.conftest import run_dlkg

#: SPARQL CSV results end lines with CRLF.
ANDROID_CSV = (b"framework,label\r\n"
               b"https://w3id.org/dlkg/resource/Deeplearning4j,Deeplearning4j\r\n"
               b"https://w3id.org/dlkg/resource/MXNet,MXNet\r\n")


def _query_to(target: Path | str, umask: int | None = None) -> None:
    if umask is not None:
        # the child inherits the umask: set it around the spawn (tests run one at a time)
        old = os.umask(umask)
    try:
        done = run_dlkg("query", "python-on-android", "--format", "csv", "-o", str(target))
    finally:
        if umask is not None:
            os.umask(old)
    assert done.returncode == 0, done.stderr


def test_a_new_file_gets_0666_less_the_umask(tmp_path: Path) -> None:
    _query_to(tmp_path / "a.csv", umask=0o022)
    assert stat.S_IMODE(os.stat(tmp_path / "a.csv").st_mode) == 0o644
    _query_to(tmp_path / "b.csv", umask=0o002)
    assert stat.S_IMODE(os.stat(tmp_path / "b.csv").st_mode) == 0o664
    assert (tmp_path / "a.csv").read_bytes() == ANDROID_CSV
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary left


def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old")
    target.chmod(0o640)
    _query_to(target, umask=0o022)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640
    assert target.read_bytes() == ANDROID_CSV


def test_a_symlink_is_followed_and_stays(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "made-by-the-write.csv")
    _query_to(link)
    _query_to(dangling)
    assert link.is_symlink() and real.read_bytes() == ANDROID_CSV
    assert dangling.is_symlink() and (tmp_path / "made-by-the-write.csv").read_bytes() == ANDROID_CSV


def test_a_fifo_reader_gets_the_output(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    _query_to(fifo)
    reader.join(timeout=60)
    assert received == [ANDROID_CSV]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_character_device_stays_a_device() -> None:
    _query_to("/dev/null")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_device_behind_a_symlink_stays_a_device(tmp_path: Path) -> None:
    link = tmp_path / "null"
    link.symlink_to("/dev/null")
    _query_to(link)
    assert link.is_symlink() and stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_regular_file_is_replaced_by_a_rename(tmp_path: Path) -> None:
    """Atomic: a reader holding the old file keeps reading the old content whole."""
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")
    with open(target, "rb") as before:
        _query_to(target)
        assert before.read() == b"old"
    assert target.read_bytes() == ANDROID_CSV
