"""A rebuild failed at every file-system step in turn leaves a store-day's folder holding exactly
the previous build or exactly the new one, byte for byte, and the next run leaves no temporary file.

Faults are injected through Python's audit hooks (`sys.addaudithook`): every file-system call the
write path makes (open, mkdir, rename, link, remove, rmdir, listing, the ctypes `renameat2`) raises
an event, and the hook fails the k-th one — by raising OSError in this process, or by killing a
forked child on the spot (`os._exit`, no handler runs). k runs from 1 until a build goes through.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from journalgen import storeday
from journalgen.build import build_closes
from journalgen.errors import JournalgenError
from journalgen.inputs import SAMPLE_CLOSES, SAMPLE_SETTINGS, read_closes
from journalgen.settings import load_settings

EVENTS = {"open", "os.mkdir", "os.rename", "os.link", "os.symlink", "os.remove", "os.rmdir", "os.listdir",
          "os.scandir", "shutil.rmtree", "shutil.copyfile", "shutil.copytree", "os.chmod", "ctypes.call_function"}


class Fault:
    """The armed fault: fail the `at`-th file-system event under `root` by `action`."""

    at = 0
    seen = 0
    root = ""
    action = "raise"
    only = ""  # count only events whose arguments mention this
    errno = errno.EIO


def _hook(event: str, args: tuple) -> None:
    if not Fault.at or event not in EVENTS:
        return
    path = args[0] if args else None
    if event == "open" and isinstance(path, str | bytes) and os.path.isabs(path) \
            and not os.fsdecode(path).startswith(Fault.root):
        return  # a module imported on first use, not the write path
    if Fault.only and Fault.only not in repr(args):
        return
    Fault.seen += 1
    if Fault.seen == Fault.at:
        Fault.at = 0
        if Fault.action == "kill":
            os._exit(0)
        raise OSError(Fault.errno, os.strerror(Fault.errno), os.fsdecode(path) if isinstance(path, str | bytes) else None)


sys.addaudithook(_hook)


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def close_file(folder: Path, extra_yen: int) -> Path:
    close = json.loads((SAMPLE_CLOSES / "2025-01-10_0001.json").read_text(encoding="utf-8"))
    close["sales"][0]["amount"] += extra_yen
    close["sales"][0].pop("tax_amount", None)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "close.json"
    path.write_text(json.dumps(close, ensure_ascii=False), encoding="utf-8")
    return path


def build(source: Path, out: Path, targets: list[str]):
    return list(build_closes(read_closes(source), load_settings(SAMPLE_SETTINGS), targets, out))


@pytest.fixture
def scene(tmp_path):
    """An old build (journal + 弥生, and the user's note) and what the new close builds (journal
    only: the 弥生 files of the old build are stale and must go in the same switch)."""
    old_close, new_close = close_file(tmp_path / "old", 0), close_file(tmp_path / "new", 1100)
    pristine, expected = tmp_path / "pristine", tmp_path / "expected"
    for out, close, targets in ((pristine, old_close, ["journal", "yayoi"]), (expected, old_close, ["journal", "yayoi"]),
                                (expected, new_close, ["journal"])):
        assert not any(result.error for result in build(close, out, targets))
        (out / "2025-01-10" / "0001" / "notes.txt").write_text("mine", encoding="utf-8")
    old, new = tree(pristine / "2025-01-10" / "0001"), tree(expected / "2025-01-10" / "0001")
    assert old != new and "yayoi-import.csv" in old and "yayoi-import.csv" not in new and new["notes.txt"] == b"mine"
    return tmp_path, pristine, new_close, old, new


def _fresh_out(tmp_path: Path, pristine: Path) -> Path:
    out = tmp_path / "out"
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(pristine, out)
    return out


def _no_exchange(first, second):
    raise NotImplementedError("renameat2")


def _fail_at(at: int, action: str, root: Path, source: Path, out: Path) -> bool:
    """Rebuild with the `at`-th event failed; whether the fault fired."""
    Fault.at, Fault.seen, Fault.root, Fault.action = at, 0, str(root), action
    try:
        if action == "kill":
            child = os.fork()
            if child == 0:
                try:
                    build(source, out, ["journal"])
                finally:
                    os._exit(3)  # the build went through: the fault never fired
            _, status = os.waitpid(child, 0)
            return os.waitstatus_to_exitcode(status) == 0
        try:
            build(source, out, ["journal"])
        except JournalgenError as error:  # the output folder's lock could not be taken: nothing was done
            assert error.code == "OUTPUT_FOLDER"
        return Fault.at == 0
    finally:
        Fault.at = 0


@pytest.mark.parametrize("mode", ["exchange", "two renames"])
@pytest.mark.parametrize("action", ["raise", "kill"])
def test_a_rebuild_failed_at_any_step_leaves_the_old_or_the_new_set(scene, monkeypatch, mode, action):
    tmp_path, pristine, source, old, new = scene
    if mode == "two renames":
        monkeypatch.setattr(storeday, "exchange", _no_exchange)
    folder = tmp_path / "out" / "2025-01-10" / "0001"
    outcomes = []
    for at in range(1, 200):
        out = _fresh_out(tmp_path, pristine)
        if not _fail_at(at, action, tmp_path / "out", source, out):
            break
        if action == "kill":
            storeday.recover(folder)  # what the next run does first
        now = tree(folder)
        assert now in (old, new), f"fault at step {at}: a mix of builds"
        outcomes.append("old" if now == old else "new")

        assert not any(result.error for result in build(source, out, ["journal"]))
        assert tree(folder) == new
        leftovers = [p.name for p in out.rglob(".*") if p.name not in (storeday.MANIFEST, storeday.LOCK_FILE)]
        assert leftovers == [], f"fault at step {at}"
    else:
        pytest.fail("the rebuild never went through")
    assert len(outcomes) > 10 and "old" in outcomes and (action == "raise" or "new" in outcomes)


def test_a_full_disk_is_that_store_days_failure_named_with_the_path(scene):
    tmp_path, pristine, source, old, _ = scene
    out = _fresh_out(tmp_path, pristine)
    Fault.at, Fault.seen, Fault.root, Fault.action, Fault.only, Fault.errno = (
        1, 0, str(out), "raise", ".journalgen-new-", errno.ENOSPC)
    try:
        [result] = build(source, out, ["journal"])
    finally:
        Fault.at, Fault.only, Fault.errno = 0, "", errno.EIO
    assert result.error is not None and result.error.code == "OUTPUT_NOT_WRITTEN"
    message = result.error.message("ja")
    assert str(out / "2025-01-10" / "0001") in message and "ディスクの空き容量がありません" in message
    assert tree(out / "2025-01-10" / "0001") == old
