"""Batches: the streaming input's two passes, and `build --jobs N` giving what a serial run gives."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from journalgen.cli import cli
from journalgen.errors import DuplicateStoreDayError
from journalgen.inputs import Batch
from tests.batch_input import closes, write_settings


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` but the sent-ledger's own (it records when and by which run)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".journalgen" not in p.relative_to(folder).parts}


def mixed_input(path: Path, count: int) -> list[dict]:
    """`count` generated closes as JSON Lines, with a line that is no JSON, a refused store-day
    (outside the fiscal period) and a second copy of the fifth close's store-day near the end."""
    generated = list(closes(count))
    refused = {**generated[7], "business_date": "2026-02-01"}
    lines = [json.dumps(item, ensure_ascii=False) for item in generated]
    lines[3:3] = ['{"business_date": "2025-01-02", "store": ']
    lines[9:9] = [json.dumps(refused, ensure_ascii=False)]
    lines.insert(len(lines) - 2, json.dumps({**generated[4], "cash_count": None}, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return generated


def run_build(tmp_path: Path, out: str, jobs: int, *extra: str):
    result = CliRunner().invoke(cli, ["build", "--config", str(tmp_path / "settings.toml"), "--input",
                                      str(tmp_path / "in.jsonl"), "--out", str(tmp_path / out), "--jobs", str(jobs),
                                      "--lang", "en", *extra])
    return result.exit_code, result.stdout.replace(out, "OUT"), result.stderr.replace(out, "OUT")


def test_jobs_2_writes_the_same_files_lines_and_exit_code_as_jobs_1(tmp_path):
    mixed_input(tmp_path / "in.jsonl", 70)
    write_settings(tmp_path / "settings.toml", 70)
    serial = run_build(tmp_path, "serial", 1)
    parallel = run_build(tmp_path, "parallel", 2)
    assert serial[0] == 1 and "[INPUT_JSON_SYNTAX]" in serial[2] and "[DUPLICATE_STORE_DAY]" in serial[2]
    assert "Store-days: 69 built, 4 failed" in serial[1]
    assert parallel == serial
    built = tree(tmp_path / "serial")
    assert len([name for name in built if name.endswith("journal.json")]) == 69
    assert tree(tmp_path / "parallel") == built
    again = run_build(tmp_path, "serial", 1, "--json"), run_build(tmp_path, "parallel", 2, "--json")
    assert again[0] == again[1]
    summary = json.loads(again[0][1])
    assert summary["totals"]["failed"] == 4 and summary["totals"]["store_days"] == 73
    assert "Sent-ledger: 0 sent for the first time, 69 unchanged, 0 re-sent." in again[0][2]
    assert tree(tmp_path / "serial") == tree(tmp_path / "parallel") == built


def test_a_duplicate_store_day_after_thousands_of_lines_refuses_both_copies(tmp_path):
    path = tmp_path / "in.jsonl"
    generated = mixed_input(path, 3000)
    with path.open("a", encoding="utf-8") as stream:
        stream.write(json.dumps(generated[1], ensure_ascii=False) + "\n")
    day = dt.date.fromisoformat(generated[1]["business_date"])
    found = list(Batch(path, day, day, generated[1]["store"]["code"]).closes())
    assert [item.source for item in found if item.close is None] == [f"{path}:4"]  # no JSON: no store-day
    copies = [item for item in found if item.close is not None]
    assert len(copies) == 2
    for item in copies:
        assert isinstance(item.error, DuplicateStoreDayError)
        assert item.error.params["places"] == f"{path}:2, {path}:3004"


def test_the_filter_is_applied_before_a_close_is_validated(tmp_path):
    path = tmp_path / "in.jsonl"
    mixed_input(path, 40)
    batch = Batch(path, store="0002")
    sources = [item.source for item in batch.closes()]
    # the line that is no JSON names no store-day, so it is always reported; the refused close
    # of store 0002 (line 10, outside the fiscal period) is not even read when 0001 is asked for
    assert batch.total == len(sources) and f"{path}:4" in sources and f"{path}:10" in sources
    assert f"{path}:10" not in [item.source for item in Batch(path, store="0001").closes()]
    assert f"{path}:10" in [item.source for item in Batch(path).closes()]


def _descendants(pid: int) -> set[int]:
    """The processes below `pid` now (Linux: /proc/PID/task/*/children)."""
    found: set[int] = set()
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in map(int, children.read_text().split()):
            found |= {child, *_descendants(child)}
    return found


def _building(tmp_path: Path, jobs: int, lang: str = "en") -> tuple[list[str], Path, subprocess.Popen]:
    """A CLI build of 400 generated closes with `--jobs jobs`, started and seen writing its first
    store-day: the command, its output folder and the process."""
    generated = list(closes(400))
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in generated),
                                        encoding="utf-8")
    write_settings(tmp_path / "settings.toml", 400)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "journalgen", "build", "--config", str(tmp_path / "settings.toml"), "--input",
               str(tmp_path / "in.jsonl"), "--out", str(out), "--jobs", str(jobs), "--lang", lang, "-q"]
    # Ctrl-C as at a terminal: a test run started in the background (CI) ignores SIGINT, and a
    # child that starts with it ignored keeps ignoring it
    build = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while not list(out.glob("*/*/journal.json")) and time.monotonic() < deadline:
        time.sleep(0.2)
    return command, out, build


def test_a_build_stopped_with_ctrl_c_says_so_in_the_users_language_and_the_next_run_finishes(tmp_path):
    command, out, build = _building(tmp_path, jobs=1, lang="ja")
    build.send_signal(signal.SIGINT)
    _, stderr = build.communicate(timeout=120)
    assert build.returncode == 1 and "Traceback" not in stderr and "Aborted!" not in stderr, stderr
    assert "中断しました。終わった分はそのまま残っています。同じコマンドをもう一度実行すると続きを処理します。" in stderr
    assert not list(out.glob("*/.*journalgen-*"))  # no half-switched store-day
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0 and "作成 400 件、失敗 0 件" in rerun.stdout, rerun.stdout


def _still_running(pids: set[int], wait: float = 30) -> list[int]:
    """Those of `pids` still running after up to `wait` seconds (a zombie awaiting its reaper is not)."""
    def alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"

    deadline = time.monotonic() + wait
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    return [pid for pid in pids if alive(pid)]


def test_a_parallel_build_killed_outright_takes_its_workers_with_it_and_the_next_run_finishes(tmp_path):
    """SIGKILL (or the out-of-memory killer) leaves the run no chance to stop its workers: they
    notice it is gone and end, and the forkserver and the resource tracker with them."""
    command, out, build = _building(tmp_path, jobs=2)
    helpers = _descendants(build.pid)
    assert len(helpers) >= 3  # the forkserver, its two workers (and the resource tracker)
    build.kill()
    build.communicate(timeout=60)
    assert not _still_running(helpers)
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0 and "Store-days: 400 built, 0 failed" in rerun.stdout, rerun.stdout
    assert not list(out.glob("*/.*journalgen-*"))  # what a killed worker left was cleared


def test_a_terminated_parallel_build_stops_its_workers_and_leaves_whole_store_days(tmp_path):
    command, out, build = _building(tmp_path, jobs=2)
    workers = _descendants(build.pid)
    assert len(workers) >= 3  # the forkserver, its two workers (and the resource tracker)
    build.send_signal(signal.SIGTERM)
    _, stderr = build.communicate(timeout=120)
    assert build.returncode == 1 and "Traceback" not in stderr
    assert "Interrupted: journalgen stopped before the end." in stderr, stderr
    assert not _still_running(workers)
    assert not list(out.glob("*/.*journalgen-*"))  # no half-switched store-day
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0 and "Store-days: 400 built, 0 failed" in rerun.stdout
