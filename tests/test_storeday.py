"""A store-day's switch (`storeday.switch`): what it makes durable, and in which order."""

from __future__ import annotations

import errno
import os
import stat
import threading
from pathlib import Path

import pytest

from journalgen import storeday

OLD = {"journal.json": b"old\n", "yayoi-import.csv": b"old,csv\n"}
NEW = {"journal.json": b"new\n", "journal.csv": b"new,csv\n"}


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.name != storeday.MANIFEST}


@pytest.fixture
def events(monkeypatch):
    """Every fsync (by the inode it synced) and every step that puts a folder in place, in order."""
    seen: list[tuple[str, int]] = []
    real_fsync, real_rename, real_exchange = os.fsync, os.rename, storeday.exchange

    def fsync(handle):
        seen.append(("fsync", os.fstat(handle).st_ino))
        real_fsync(handle)

    def rename(source, target):
        real_rename(source, target)
        seen.append(("rename", os.stat(target).st_ino))

    def exchange(first, second):
        real_exchange(first, second)
        seen.append(("rename", os.stat(second).st_ino))

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "rename", rename)
    monkeypatch.setattr(storeday, "exchange", exchange)
    return seen


@pytest.mark.parametrize("earlier", ["none", "exchange", "two renames"])
def test_every_new_file_and_the_new_folder_are_synced_before_the_switch_and_the_date_folder_after(
        tmp_path, monkeypatch, events, earlier):
    folder = tmp_path / "2025-01-10" / "0001"
    if earlier != "none":
        storeday.switch(folder, OLD)
        (folder / "notes.txt").write_text("mine", encoding="utf-8")
    if earlier == "two renames":
        def refuse(first, second):
            raise NotImplementedError("renameat2")
        monkeypatch.setattr(storeday, "exchange", refuse)
    events.clear()

    switched = storeday.switch(folder, NEW)

    assert files(folder) == {**NEW, **({"notes.txt": b"mine"} if earlier != "none" else {})}
    assert sorted(switched.written) == sorted(folder / name for name in NEW)
    assert [path.name for path in switched.removed] == (["yayoi-import.csv"] if earlier != "none" else [])
    new = {(folder / name).stat().st_ino for name in [*NEW, storeday.MANIFEST]} | {folder.stat().st_ino}
    into_place = events.index(("rename", folder.stat().st_ino))
    assert new <= {ino for kind, ino in events[:into_place] if kind == "fsync"}
    assert ("fsync", folder.parent.stat().st_ino) in events[into_place:]


@pytest.mark.parametrize("links", [True, False], ids=["hard links", "copies"])
def test_what_a_rebuild_carries_over_is_synced_before_the_switch(tmp_path, monkeypatch, events, links):
    folder = tmp_path / "2025-01-10" / "0001"
    storeday.switch(folder, OLD)
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    (folder / "scans").mkdir()
    (folder / "scans" / "receipt.txt").write_text("scan", encoding="utf-8")
    if not links:
        def refuse(source, target):
            raise PermissionError(errno.EPERM, os.strerror(errno.EPERM))
        monkeypatch.setattr(os, "link", refuse)
    events.clear()

    storeday.switch(folder, NEW)

    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (folder / "scans" / "receipt.txt").read_text(encoding="utf-8") == "scan"
    carried = {(folder / "scans").stat().st_ino, (folder / "scans" / "receipt.txt").stat().st_ino}
    if not links:
        carried.add((folder / "notes.txt").stat().st_ino)
    into_place = events.index(("rename", folder.stat().st_ino))
    assert carried <= {ino for kind, ino in events[:into_place] if kind == "fsync"}


def test_a_failed_fsync_fails_the_switch_leaves_the_old_set_and_no_open_handle(tmp_path, monkeypatch):
    folder = tmp_path / "2025-01-10" / "0001"
    storeday.switch(folder, OLD)
    real_fsync = os.fsync

    def fsync(handle):  # the disk fails the new journal.csv (the only file of its size this switch writes)
        if os.fstat(handle).st_size == len(NEW["journal.csv"]):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_fsync(handle)

    monkeypatch.setattr(os, "fsync", fsync)
    handles = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None

    with pytest.raises(OSError) as caught:
        storeday.switch(folder, NEW)

    assert caught.value.errno == errno.EIO
    assert files(folder) == OLD
    assert sorted(p.name for p in folder.parent.iterdir()) == ["0001"]
    if handles is not None:
        assert len(os.listdir("/proc/self/fd")) == handles


def test_a_named_pipe_in_a_carried_folder_is_carried_without_being_opened(tmp_path):
    folder = tmp_path / "2025-01-10" / "0001"
    storeday.switch(folder, OLD)
    (folder / "sockets").mkdir()
    os.mkfifo(folder / "sockets" / "pipe")  # opening it to sync would wait for a writer forever
    switching = threading.Thread(target=storeday.switch, args=(folder, NEW), daemon=True)

    switching.start()
    switching.join(60)

    assert not switching.is_alive()
    assert files(folder) == NEW and stat.S_ISFIFO((folder / "sockets" / "pipe").lstat().st_mode)
