"""Start-up: one CLI build of one store-day, `journalgen --help`, `schema` and `targets`, each
against `python -c pass` (mean wall time, mean and median CPU, user and system CPU, of RUNS
runs), `python -c "import click"` beside them (the least any command of a click CLI takes), and
the imports of `journalgen.cli` that take longest.

Run: .venv/bin/python bench/startup.py [--runs 20] [--top 15]

The commands take turns, run by run, so that a machine whose load changes during the bench
changes every command's figures alike. The build is timed two ways, each run a new store-day:
into a fresh output folder (the sent-ledger is created, as on a first run) and into one that
earlier runs built into (the ledger exists, as every night after the first).
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


def _figures(usages: list) -> dict:
    walls, cpus = [u.wall_s for u in usages], [u.cpu_s for u in usages]
    return {"runs": len(usages), "mean_s": round(statistics.fmean(walls), 4), "min_s": round(min(walls), 4),
            "cpu_mean_s": round(statistics.fmean(cpus), 4), "cpu_median_s": round(statistics.median(cpus), 4),
            "user_mean_s": round(statistics.fmean(u.user_s for u in usages), 4),
            "sys_mean_s": round(statistics.fmean(u.sys_s for u in usages), 4)}


def compare(runs: int = 20) -> dict:
    """Wall time and CPU of `python -c pass`, `import click`, `journalgen --help`, `schema`,
    `targets` and a one-store-day build (fresh and existing output folder), each as a multiple
    of `python -c pass` (wall and CPU means, and the CPU medians)."""
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
        commands = {
            "python -c pass": lambda _: [PYTHON, "-c", "pass"],
            "python -c 'import click'": lambda _: [PYTHON, "-c", "import click"],
            "journalgen --help": lambda _: [*journalgen_command(), "--help"],
            "journalgen schema": lambda _: [*journalgen_command(), "schema"],
            "journalgen targets": lambda _: [*journalgen_command(), "targets"],
            "build 1 store-day, fresh out": lambda i: build_command(
                inputs[1 + i], settings, work / f"fresh-{i}", ["journal", "freee", "yayoi"]),
            "build 1 store-day, existing out": lambda i: build_command(
                inputs[2 + runs + i], settings, work / "warm", ["journal", "freee", "yayoi"]),
        }
        measured(build_command(inputs[0], settings, work / "warm", ["journal", "freee", "yayoi"]))
        for name, command_for_run in commands.items():  # once untimed: the bytecode caches are written, the files read
            if not name.startswith("build"):
                measured(command_for_run(runs))
        usages: dict[str, list] = {name: [] for name in commands}
        for index in range(runs):
            for name, command_for_run in commands.items():
                usages[name].append(measured(command_for_run(index)))
    figures = {name: _figures(runs_of) for name, runs_of in usages.items()}
    base = figures["python -c pass"]
    for entry in figures.values():
        entry["x_python"] = round(entry["mean_s"] / base["mean_s"], 2)
        entry["x_python_cpu"] = round(entry["cpu_mean_s"] / base["cpu_mean_s"], 2)
        entry["x_python_cpu_median"] = round(entry["cpu_median_s"] / base["cpu_median_s"], 2)
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
              f"  (CPU {entry['cpu_mean_s'] * 1000:.1f} ms = user {entry['user_mean_s'] * 1000:.1f}"
              f" + sys {entry['sys_mean_s'] * 1000:.1f}, {entry['x_python_cpu']:.2f}×;"
              f" median {entry['cpu_median_s'] * 1000:.1f} ms, {entry['x_python_cpu_median']:.2f}×)")
    imports = import_times(args.top)
    print(f"import journalgen.cli: {imports['journalgen.cli_ms']} ms")
    for row in imports["top"]:
        print(f"  {row['cumulative_ms']:8.1f} ms  {'  ' * row['depth']}{row['module']}")


if __name__ == "__main__":
    main()
