"""Whole processes measured from outside: wall time, user and system CPU and peak RSS of one
child (`os.wait4`, the child's own `getrusage`), and the CLI commands the bench runs.

Library only: `run.py` and `startup.py` use it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

PYTHON = sys.executable


@dataclass
class Usage:
    """What one child process took."""

    wall_s: float
    user_s: float
    sys_s: float
    max_rss_mb: float
    returncode: int

    @property
    def cpu_s(self) -> float:
        """User + system CPU seconds."""
        return self.user_s + self.sys_s

    def figures(self) -> dict:
        """The figures as plain JSON values."""
        return {**asdict(self), "cpu_s": round(self.cpu_s, 4)}


def child_env() -> dict[str, str]:
    """The environment of every measured child: this one, in English, and allowed to write its
    bytecode caches (a `PYTHONDONTWRITEBYTECODE` here would make every child compile every module
    again, which no installed journalgen does)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}


def measured(command: list[str], cwd: Path | None = None) -> Usage:
    """Run `command` to its end (output discarded unless it fails) and say what it took."""
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a chatty child cannot block
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, env=child_env(), cwd=cwd)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        said = errors.read()[-2000:].decode(errors="replace")
    if child.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} exited {child.returncode}: {said}")
    return Usage(round(wall, 4), round(usage.ru_utime, 4), round(usage.ru_stime, 4),
                 round(usage.ru_maxrss / 1024, 1), child.returncode)


def journalgen_command() -> list[str]:
    """How to run this environment's `journalgen` CLI."""
    script = Path(PYTHON).parent / "journalgen"
    if script.exists():
        return [str(script)]
    found = shutil.which("journalgen")
    return [found] if found else [PYTHON, "-m", "journalgen"]


def build_help() -> str:
    """`journalgen build --help` (English), to see which options this journalgen has."""
    return subprocess.run([*journalgen_command(), "build", "--help"], capture_output=True, text=True, env=child_env()).stdout


def supports_jobs() -> bool:
    """Whether this journalgen's `build` has `--jobs`."""
    return "--jobs" in build_help()


def build_command(closes: Path, settings: Path, out_dir: Path, targets: list[str], jobs: int | None = None) -> list[str]:
    """`journalgen build` of `closes` into `out_dir` for `targets`, quiet, with `--jobs` if given."""
    command = [*journalgen_command(), "build", "--input", str(closes), "--config", str(settings),
               "--out", str(out_dir), "-q", "--lang", "en"]
    for target in targets:
        command += ["--target", target]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    return command
