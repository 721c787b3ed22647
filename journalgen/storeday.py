"""A store-day's output folder `OUT/<date>/<store>/`, switched from one build to the next as one step.

A rebuild must never leave a mix of two builds (a new `journal.json` beside an old
`freee-deals.json`, a new `yayoi-import.csv` beside an old `-2.csv` that would be booked twice),
and the folder may hold the user's own files (notes, `review.html`), which journalgen must keep.
Per-file renames cannot give that, so a store-day is switched as a whole folder:

1. Leftovers of a killed run (hidden siblings `.<store>.journalgen-…` in the date folder) are
   removed first; they are never read as output.
2. The complete new folder is built as such a hidden sibling: the rendered files, the manifest
   `.journalgen-manifest.json` naming them, and every file of the current folder journalgen did
   not write (hard-linked, folders too, or copied where links are not possible). The new files,
   every copy and copied folder, and the sibling itself are then fsynced all at once, each on a
   thread of a small pool, so that the disk serves them together rather than one after another
   (one wait per store-day, not seven); the exchange below starts only when every one has returned.
3. The two folders are exchanged with one `renameat2(RENAME_EXCHANGE)` (Linux 3.15+, through
   ctypes), so at every instant `OUT/<date>/<store>` is the complete old set or the complete new
   set; the sibling, now holding the old set, is removed. A first build is a plain rename.

Where the exchange is not available (not Linux, or a file system that refuses it) the switch
falls back to two renames: the old folder is moved aside, then the new one moved in. Between the
two the store-day's folder is briefly absent (never mixed); if a run is killed right there, the
next run moves the old folder back before it does anything else.

Only the files the manifest names are ever replaced or removed. A folder written before the
manifest existed has none: then only the files the new build writes are replaced, and nothing
else is removed. `output_lock` keeps two runs from switching folders under one output folder
at once.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import functools
import json
import os
import secrets
import shutil
import stat
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from journalgen.errors import OutputBusyError

MANIFEST = ".journalgen-manifest.json"
"""The file in a store-day's folder that names the files journalgen wrote there."""
LOCK_FILE = ".journalgen.lock"
"""The lock file in the output folder, held for the whole of a run that writes there."""
TEMPORARY_PREFIX = ".journalgen-tmp-"
"""The prefix of a file being written in place (`write_atomically`); such a file is never output."""
LOCK_POLL_S = 0.05
"""How often a run waiting for the output lock tries it again."""
_SIBLING = ".journalgen-"
_RENAME_EXCHANGE = 2


@dataclass
class Switched:
    """What one switch did: the files it wrote and the earlier build's files it removed."""

    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)


@contextlib.contextmanager
def output_lock(out_dir: Path, wait: float = 0) -> Iterator[None]:
    """Hold `OUT/.journalgen.lock` (an advisory `flock`, let go when the process ends however it
    ends) for the block; OutputBusyError when another run holds it (still, after waiting `wait`
    seconds for it)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(out_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise OutputBusyError(folder=str(out_dir), lock=str(out_dir / LOCK_FILE)) from None
                time.sleep(LOCK_POLL_S)
        yield
    finally:
        os.close(descriptor)  # lets go of the lock


def manifest_names(folder: Path) -> set[str]:
    """The files journalgen wrote in `folder`, by its manifest: none without one, nor when it
    is not journalgen's JSON (then no file is taken for journalgen's). Raises OSError when it
    exists but cannot be read, since the switch must not go on without knowing."""
    try:
        data = json.loads((folder / MANIFEST).read_bytes().decode("utf-8"))
    except (FileNotFoundError, ValueError):  # no manifest, or none of journalgen's
        return set()
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list):
        return set()
    return {name for name in files if isinstance(name, str) and name not in ("", ".", "..")
            and os.path.basename(name) == name and (os.altsep is None or os.altsep not in name)}


def _manifest(names: Iterable[str]) -> bytes:
    return (json.dumps({"written_by": "journalgen", "files": sorted(names)}, indent=2) + "\n").encode("utf-8")


def switch(folder: Path, outputs: dict[str, bytes]) -> Switched:
    """Make `folder` hold exactly `outputs` (plus the user's own files), as one step.

    An empty `outputs` removes the files of the earlier build (a refused store-day keeps nothing
    importable). Raises OSError when the file system refuses a step; the folder then still holds
    the complete earlier set."""
    recover(folder)
    try:
        is_dir = stat.S_ISDIR(os.stat(folder).st_mode)
    except FileNotFoundError:
        is_dir = None
    if is_dir is False:
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
    previous = manifest_names(folder) if is_dir else set()
    stale = sorted(name for name in previous if name not in outputs and os.path.exists(os.path.join(folder, name)))
    if not outputs and not stale:
        return Switched()
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = _sibling(folder, "new")
    try:
        staging.mkdir()
        handles: list[int] = []
        try:
            for name, data in outputs.items():
                handles.append(_write(os.path.join(staging, name), data))
            if is_dir:
                handles += _carry(folder, staging, skip=previous | set(outputs) | {MANIFEST})
            if outputs:
                handles.append(_write(os.path.join(staging, MANIFEST), _manifest(outputs)))
            handles.append(os.open(staging, os.O_RDONLY))
            _fsync_together(handles)
        finally:
            for handle in handles:
                os.close(handle)
        _swap_in(staging, folder, replace=bool(is_dir))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    with contextlib.suppress(OSError):  # the switch is done; a parent that cannot sync is no failure of it
        _fsync_folder(folder.parent)
    return Switched(written=[folder / name for name in outputs], removed=[folder / name for name in stale])


def recover(folder: Path) -> None:
    """Remove what a killed run left beside `folder`; if it was killed between the two renames
    of the fallback switch, first move the old folder back."""
    parent = folder.parent
    if not parent.is_dir():
        return
    prefix = f".{folder.name}{_SIBLING}"
    leftovers = sorted(parent / name for name in os.listdir(parent) if name.startswith(prefix))
    if not folder.exists():
        old = [path for path in leftovers if path.name.startswith(f"{prefix}old-")]
        if old:
            os.rename(old[0], folder)
            leftovers.remove(old[0])
    for path in leftovers:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def _sibling(folder: Path, kind: str) -> Path:
    return folder.parent / f".{folder.name}{_SIBLING}{kind}-{secrets.token_hex(6)}"


def _write(path: str, data: bytes) -> int:
    """Create `path` holding `data` (mode as open() would give); its open handle, for the
    caller to fsync and close."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view):]
    except BaseException:
        os.close(handle)
        raise
    return handle


@functools.cache
def _fsync_pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(8, thread_name_prefix="journalgen-fsync")


if hasattr(os, "register_at_fork"):  # a forked child has none of the parent's threads: it starts its own pool
    os.register_at_fork(after_in_child=_fsync_pool.cache_clear)


def _fsync_together(handles: list[int]) -> None:
    """fsync every handle at once, each on a thread of its own; returns when all did, raising
    the first failure (only then, so that no handle is closed while a thread still syncs it)."""
    done = [_fsync_pool().submit(os.fsync, handle) for handle in handles]
    wait(done)
    for future in done:
        future.result()


def _carry(folder: Path, staging: Path, skip: set[str]) -> list[int]:
    """Bring every entry of `folder` not in `skip` (and no leftover temporary file) into `staging`:
    files hard-linked (their bytes are on disk already), copied where that is not possible.
    Returns open handles of every copy and copied folder, for the caller to fsync and close."""
    handles: list[int] = []
    try:
        for path in sorted(folder.iterdir()):
            if path.name in skip or path.name.startswith(TEMPORARY_PREFIX):
                continue
            target = staging / path.name
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                os.symlink(os.readlink(path), target)
            elif stat.S_ISDIR(mode):  # a folder of the user's, or a resend-N/ of journalgen's
                shutil.copytree(path, target, symlinks=True, copy_function=_link_or_copy)
                for root, _, names in os.walk(target):
                    handles.append(os.open(root, os.O_RDONLY))
                    handles += [os.open(os.path.join(root, name), os.O_RDONLY) for name in names
                                if stat.S_ISREG(os.lstat(os.path.join(root, name)).st_mode)]  # no link, no FIFO
            elif not _link_or_copy(path, target):
                handles.append(os.open(target, os.O_RDONLY))
    except BaseException:
        for handle in handles:
            os.close(handle)
        raise
    return handles


def _link_or_copy(source: str | Path, target: str | Path) -> bool:
    """Hard-link `source` as `target`, or copy it where a link is not possible (a file system
    without hard links, a file owned by someone else); whether it was linked."""
    try:
        os.link(source, target)
        return True
    except OSError:
        shutil.copy2(source, target)
        return False


def _fsync_folder(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _swap_in(staging: Path, folder: Path, replace: bool) -> None:
    """Put `staging` in the place of `folder` (the existing folder when `replace`) in one step;
    `staging` then holds the old folder, which is removed (a failure to remove it is left for the
    next run's `recover`)."""
    if not replace:
        os.rename(staging, folder)
        return
    try:
        exchange(staging, folder)
    except NotImplementedError:
        old = _sibling(folder, "old")
        os.rename(folder, old)
        try:
            os.rename(staging, folder)
        except BaseException:
            os.rename(old, folder)  # should this fail too, the next run's `recover` moves it back
            raise
        staging = old
    shutil.rmtree(staging, ignore_errors=True)


@functools.cache
def _renameat2():
    """libc's `renameat2`, or None where the C library has none."""
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError, TypeError):  # no such function, or no C library to open (Windows)
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    return function


_AT_FDCWD = -100


def exchange(first: Path, second: Path) -> None:
    """Swap two folders atomically (`renameat2(RENAME_EXCHANGE)`). Raises NotImplementedError
    where the system or the file system cannot, OSError for any other refusal."""
    function = _renameat2()
    if function is None:
        raise NotImplementedError("renameat2")
    if function(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        raise NotImplementedError("renameat2")
    raise OSError(code, os.strerror(code), str(first), None, str(second))
