"""The accountants' snapshot workflow as docs/accountants.md tells it, run with real pytest on a
copy of the repository: a deleted snapshot fails until `--snapshot-update` writes it back, a
stale file fails a plain run, and an edited close shows a diff an accountant can read."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
CASE = "cash-only"


def run_pytest(repo: Path, *args: str) -> subprocess.CompletedProcess:
    """pytest in `repo` on the one case's tests, as the guide's command runs it (no file named)."""
    env = {**os.environ, "LANG": "C.UTF-8", "PYTHONPATH": str(repo)}
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-k", CASE, *args],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=240)


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """A copy of the tracked files, with this checkout's journalgen first on the import path."""
    copy = tmp_path_factory.mktemp("repo")
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in tracked.decode().split("\0"):
        if name and (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    prism = ROOT / "tools" / "prism" / "node_modules"  # installed, not tracked: the freee cases' Prism tests use it
    if prism.is_dir():
        (copy / "tools" / "prism" / "node_modules").symlink_to(prism, target_is_directory=True)
    return copy


def test_a_deleted_snapshot_fails_until_it_is_accepted(repo):
    snapshot = repo / "snapshots" / CASE / "journal.csv"
    approved = snapshot.read_bytes()
    snapshot.unlink()

    failed = run_pytest(repo)
    assert failed.returncode == 1
    assert f"snapshots/{CASE}/journal.csv: no such snapshot yet" in failed.stdout

    updated = run_pytest(repo, "--snapshot-update")
    assert updated.returncode == 0, updated.stdout
    assert snapshot.read_bytes() == approved
    assert run_pytest(repo).returncode == 0


def test_a_stale_snapshot_fails_a_plain_run_and_the_update_removes_it(repo):
    stale = repo / "snapshots" / CASE / "freee-old.json"
    stale.write_text("{}\n", encoding="utf-8")

    failed = run_pytest(repo)
    assert failed.returncode == 1 and "unused" in failed.stdout

    assert run_pytest(repo, "--snapshot-update").returncode == 0
    assert not stale.exists()


def test_an_edited_close_shows_the_change_as_a_diff(repo):
    close = repo / "tests" / "cases" / CASE / "close.json"
    original = close.read_text(encoding="utf-8")
    assert '"amount": 19800' in original
    close.write_text(original.replace('"amount": 19800', '"amount": 20900', 1), encoding="utf-8")
    try:
        failed = run_pytest(repo)
    finally:
        close.write_text(original, encoding="utf-8")
    assert failed.returncode == 1
    assert f"--- snapshots/{CASE}/journal.csv (stored)" in failed.stdout
    lines = failed.stdout.splitlines()  # the day's cash sales at 10%: 19,800 + 13,200 → 20,900 + 13,200
    assert any(line.startswith("-") and ",33000," in line for line in lines)
    assert any(line.startswith("+") and ",34100," in line for line in lines)
    assert "--snapshot-update" in failed.stdout
