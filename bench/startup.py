"""Start-up: one CLI build of one store-day and `journalgen --help`, each against `python -c
pass` (mean wall time and mean CPU of RUNS runs), and the imports of `journalgen.cli` that take
longest.

Run: .venv/bin/python bench/startup.py [--runs 20] [--top 15]

The build is timed two ways, each run a new store-day: into a fresh output folder (the
sent-ledger is created, as on a first run) and into one that earlier runs built into (the
ledger exists, as every night after the first).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import statistics
import subprocess
import tempfile
from pathlib import Path

from closes import close, store_codes, write_settings
from processes import PYTHON, build_command, child_env, journalgen_command, measured


def _mean(command_for_run, runs: int) -> dict:
    measured(command_for_run(runs))  # once untimed: the bytecode caches are written, the files read
    usages = [measured(command_for_run(index)) for index in range(runs)]
    walls = [u.wall_s for u in usages]
    return {"runs": runs, "mean_s": round(statistics.fmean(walls), 4), "min_s": round(min(walls), 4),
            "cpu_mean_s": round(statistics.fmean(u.cpu_s for u in usages), 4)}


def compare(runs: int = 20) -> dict:
    """Mean wall time of `python -c pass`, `journalgen --help` and a one-store-day build (fresh
    and existing output folder), and each as a multiple of `python -c pass`."""
    with tempfile.TemporaryDirectory(prefix="journalgen-bench-startup-") as work:
        work = Path(work)
        settings = write_settings(work / "settings.toml", 1, stores=1)
        rng = random.Random(1)
        days = [dt.date(2025, 2, 1) + dt.timedelta(days=n) for n in range(2 * runs + 3)]
        inputs = []
        for day in days:
            path = work / f"{day}.json"
            path.write_text(json.dumps(close(rng, day, store_codes(1)[0], v2=False), ensure_ascii=False), encoding="utf-8")
            inputs.append(path)
        measured(build_command(inputs[0], settings, work / "warm", ["journal", "freee", "yayoi"]))
        figures = {
            "python -c pass": _mean(lambda _: [PYTHON, "-c", "pass"], runs),
            "journalgen --help": _mean(lambda _: [*journalgen_command(), "--help"], runs),
            "build 1 store-day, fresh out": _mean(
                lambda i: build_command(inputs[1 + i], settings, work / f"fresh-{i}", ["journal", "freee", "yayoi"]), runs),
            "build 1 store-day, existing out": _mean(
                lambda i: build_command(inputs[2 + runs + i], settings, work / "warm", ["journal", "freee", "yayoi"]), runs),
        }
    base, base_cpu = figures["python -c pass"]["mean_s"], figures["python -c pass"]["cpu_mean_s"]
    for entry in figures.values():
        entry["x_python"] = round(entry["mean_s"] / base, 2)
        entry["x_python_cpu"] = round(entry["cpu_mean_s"] / base_cpu, 2)
    return figures


def import_times(top: int = 15) -> dict:
    """`python -X importtime -c "import journalgen.cli"`: the total and the `top` modules by
    cumulative time (ms)."""
    command = [PYTHON, "-X", "importtime", "-c", "import journalgen.cli"]
    subprocess.run(command, capture_output=True, env=child_env())  # the bytecode caches, as in compare()
    stderr = subprocess.run(command, capture_output=True, text=True, env=child_env()).stderr
    rows = []
    for line in stderr.splitlines():
        found = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if found:
            rows.append({"module": found[4], "self_ms": int(found[1]) / 1000, "cumulative_ms": int(found[2]) / 1000,
                         "depth": (len(found[3]) - 1) // 2})
    total = next((row["cumulative_ms"] for row in rows if row["module"] == "journalgen.cli"), None)
    return {"journalgen.cli_ms": total, "top": sorted(rows, key=lambda row: -row["cumulative_ms"])[:top]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    for name, entry in compare(args.runs).items():
        print(f"{name:<32} {entry['mean_s'] * 1000:8.1f} ms  {entry['x_python']:5.2f}× python -c pass"
              f"  (CPU {entry['cpu_mean_s'] * 1000:.1f} ms, {entry['x_python_cpu']:.2f}×)")
    imports = import_times(args.top)
    print(f"import journalgen.cli: {imports['journalgen.cli_ms']} ms")
    for row in imports["top"]:
        print(f"  {row['cumulative_ms']:8.1f} ms  {'  ' * row['depth']}{row['module']}")


if __name__ == "__main__":
    main()
