"""The whole bench in one process and one run: a table on stdout and the figures as JSON.

Run: .venv/bin/python bench/run.py [--sizes 1000,10000,100000] [--stages 1000] [--runs 20]
                                  [--repeats 1] [--jobs-at N] [--parts stages,builds,scale,startup] [--seed S]
                                  [--scale-sizes 1000,10000,100000] [--json bench-results.json] [--work DIR]

For each size N it generates N seeded closes (closes.py) and runs, each as a child process
measured with `os.wait4`: the CLI build to files of the three default targets (`--jobs 1`
where this journalgen has `--jobs`), the same build of the journal target alone, and the floor
(floor.py) on the same closes with the same files and bytes per store-day as that build wrote,
without and with one fsync per store-day; at `--jobs-at` also `--jobs 2`. With `--repeats R` the
three-target build, the floors and `--jobs 2` run R times each, taking turns, and the medians
count. Every run writes into a fresh folder, removed afterwards. Needs `pip install -e '.[bench]'`
(orjson, for the floor).

The scale part (`--parts scale`) builds the journal target alone, `--jobs 1`, at each of
`--scale-sizes`: whether throughput and peak memory stay flat as a batch grows (100k store-days
take about a quarter of an hour on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

import stages
import startup
from closes import SEED, write_closes, write_settings
from floor import layout
from processes import PYTHON, Usage, build_command, measured, supports_jobs

DEFAULT_TARGETS = ["journal", "freee", "yayoi"]
BENCH = Path(__file__).parent


def _commit() -> str | None:
    found = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=BENCH)
    return found.stdout.strip() or None


def _per_s(count: int, usage: Usage) -> dict:
    """Store-days per second of wall time, and per second of CPU (steadier on a shared machine)."""
    return {"per_s": round(count / usage.wall_s, 1), "per_cpu_s": round(count / usage.cpu_s, 1)}


def _build(closes: Path, settings: Path, work: Path, targets: list[str], jobs: int | None) -> tuple[Usage, Path]:
    out = Path(tempfile.mkdtemp(dir=work, prefix="out-"))
    usage = measured(build_command(closes, settings, out, targets, jobs))
    if usage.returncode:
        print(f"  warning: the build exited {usage.returncode} (some store-days failed)", file=sys.stderr)
    return usage, out


def _done(count: int, name: str, run: dict) -> None:
    """Say a run's figures as soon as it ends (a long bench shows its progress)."""
    print(f"[{count}] {name}: {run['per_s']} store-days/s, {run['per_cpu_s']} per CPU s, user {run['user_s']} s, "
          f"sys {run['sys_s']} s, peak RSS {run['max_rss_mb']} MB", file=sys.stderr)


def _median(runs: list[Usage]) -> Usage:
    """Each figure's median over `runs` (each figure on its own: a run's figures need not be one run's)."""
    def middle(values: list[float]) -> float:
        return round(statistics.median(values), 4)
    return Usage(middle([run.wall_s for run in runs]), middle([run.user_s for run in runs]),
                 middle([run.sys_s for run in runs]), middle([run.max_rss_mb for run in runs]),
                 max(run.returncode for run in runs))


def _figures(count: int, runs: list[Usage]) -> dict:
    """The median run's figures, with every run's when there were several."""
    median = _median(runs)
    figures = {**median.figures(), **_per_s(count, median)}
    if len(runs) > 1:
        figures["runs"] = [run.figures() for run in runs]
    return figures


def size_figures(count: int, work: Path, seed: int, jobs: bool, jobs_at: int | None, repeats: int = 1) -> dict:
    """Builds, floors and their ratios for `count` store-days. With `repeats` > 1 the three-target
    build, the floors and `--jobs 2` run that many times, taking turns, and each figure is the
    median: on a shared machine one run of the floor (about a second) can be off by half."""
    closes = write_closes(work / f"closes-{count}.jsonl", count, seed)
    settings = write_settings(work / f"settings-{count}.toml", count)
    serial = 1 if jobs else None
    figures: dict = {"store_days": count, "input_bytes": closes.stat().st_size, "repeats": repeats}
    runs: dict[str, list[Usage]] = {"build": [], "floor": [], "floor_fsync": [], "build_jobs2": []}
    for repeat in range(1, repeats + 1):
        print(f"[{count}] build, three targets ({repeat}/{repeats}) …", file=sys.stderr)
        usage, out = _build(closes, settings, work, DEFAULT_TARGETS, serial)
        if repeat == 1:
            files = layout(out)
            figures["files"] = sum(len(v) for v in files.values())
            figures["output_bytes"] = sum(size for v in files.values() for _, size in v)
            (work / "layout.json").write_text(json.dumps(files))
        shutil.rmtree(out)
        runs["build"].append(usage)
        for name, extra in (("floor", []), ("floor_fsync", ["--fsync"])):
            out = work / f"floor-{time.monotonic_ns()}"
            runs[name].append(measured([PYTHON, str(BENCH / "floor.py"), str(closes), str(work / "layout.json"),
                                        str(out), *extra]))
            shutil.rmtree(out)
        if count == jobs_at and jobs:
            print(f"[{count}] build --jobs 2 ({repeat}/{repeats}) …", file=sys.stderr)
            usage, out = _build(closes, settings, work, DEFAULT_TARGETS, 2)
            shutil.rmtree(out)
            runs["build_jobs2"].append(usage)
    for name, measured_runs in runs.items():
        if measured_runs:
            figures[name] = _figures(count, measured_runs)
            _done(count, name, figures[name])
    build = figures["build"]
    for name in ("floor", "floor_fsync"):
        figures[f"build/{name}"] = {"cpu": round(build["cpu_s"] / figures[name]["cpu_s"], 2),
                                    "user": round(build["user_s"] / figures[name]["user_s"], 2)}
    print(f"[{count}] build, journal only …", file=sys.stderr)
    usage, out = _build(closes, settings, work, ["journal"], serial)
    shutil.rmtree(out)
    figures["build_journal"] = _figures(count, [usage])
    _done(count, "build_journal", figures["build_journal"])
    if count == jobs_at:
        if jobs:
            figures["jobs2/jobs1"] = round(figures["build_jobs2"]["per_s"] / build["per_s"], 2)  # wall time
        else:
            figures["build_jobs2"] = "--jobs not supported by this journalgen"
    closes.unlink()
    return figures


def scale_figures(sizes: list[int], work: Path, seed: int) -> dict:
    """The journal target alone, `--jobs 1`, at each size: throughput and peak RSS, and each as a
    multiple of the smallest size's."""
    figures: dict = {}
    for count in sizes:
        closes = write_closes(work / f"scale-{count}.jsonl", count, seed)
        settings = write_settings(work / f"scale-{count}.toml", count)
        print(f"[scale {count}] build, journal only …", file=sys.stderr)
        usage, out = _build(closes, settings, work, ["journal"], 1)
        shutil.rmtree(out)
        closes.unlink()
        figures[count] = {**usage.figures(), **_per_s(count, usage)}
        _done(count, "scale", figures[count])
    first = figures[min(sizes)]
    for row in figures.values():
        row["x_first"] = {"per_s": round(row["per_s"] / first["per_s"], 2),
                          "per_cpu_s": round(row["per_cpu_s"] / first["per_cpu_s"], 2),
                          "max_rss_mb": round(row["max_rss_mb"] / first["max_rss_mb"], 2)}
    return figures


def print_table(results: dict) -> None:
    """The figures, for people."""
    info = results["info"]
    print(f"journalgen {info['journalgen']} at {info['commit']}, Python {info['python']}, {info['cpus']} CPUs, "
          f"--jobs {'supported' if info['jobs'] else 'not supported'}; load average before "
          f"{info['load_before'][0]:.1f}, after {info['load_after'][0]:.1f}")
    if "stages" in results:
        print(f"\nIn-process, {next(iter(results['stages'].values()))['store_days']} store-days (CPU of this process):")
        for stage, row in results["stages"].items():
            print(f"  {stage:<11} {row['per_s']:>9} store-days/s  {row['ms']:>8} ms each")
    for count, row in results.get("sizes", {}).items():
        print(f"\n{count} store-days ({row['files']} files, {row['output_bytes'] / 1e6:.1f} MB written):")
        print(f"  {'run':<14} {'store-days/s':>12} {'per CPU s':>10} {'wall s':>8} {'user s':>8} {'sys s':>8}"
              f" {'peak RSS MB':>12}")
        for name in ("build", "build_journal", "build_jobs2", "floor", "floor_fsync"):
            run = row.get(name)
            if isinstance(run, str):
                print(f"  {name:<14} {run}")
            elif run:
                print(f"  {name:<14} {run['per_s']:>12} {run['per_cpu_s']:>10} {run['wall_s']:>8.2f} {run['user_s']:>8.2f}"
                      f" {run['sys_s']:>8.2f}"
                      f" {run['max_rss_mb']:>12}")
        for name in ("floor", "floor_fsync"):
            ratio = row[f"build/{name}"]
            print(f"  build/{name}: total CPU {ratio['cpu']}×, user CPU {ratio['user']}×")
        if "jobs2/jobs1" in row:
            print(f"  --jobs 2 / --jobs 1 throughput: {row['jobs2/jobs1']}×")
    sizes = results.get("sizes", {})
    if len(sizes) > 1:
        first, last = sizes[min(sizes)], sizes[max(sizes)]
        print(f"\nThroughput {max(sizes)} / {min(sizes)}: {last['build']['per_s'] / first['build']['per_s']:.2f}× "
              f"(per CPU s {last['build']['per_cpu_s'] / first['build']['per_cpu_s']:.2f}×); "
              f"peak RSS {max(sizes)} / {min(sizes)}: three targets {last['build']['max_rss_mb'] / first['build']['max_rss_mb']:.2f}×, "
              f"journal {last['build_journal']['max_rss_mb'] / first['build_journal']['max_rss_mb']:.2f}×")
    if "scale" in results:
        print("\nScale: the journal target alone, --jobs 1 (× = against the smallest size):")
        print(f"  {'store-days':>10} {'store-days/s':>12} {'per CPU s':>10} {'peak RSS MB':>12}")
        for count, row in results["scale"].items():
            ratio = row["x_first"]
            print(f"  {count:>10} {row['per_s']:>7} ({ratio['per_s']:.2f}×) {row['per_cpu_s']:>6} ({ratio['per_cpu_s']:.2f}×)"
                  f" {row['max_rss_mb']:>7} ({ratio['max_rss_mb']:.2f}×)")
    if "startup" in results:
        print("\nStart-up (mean wall time):")
        for name, entry in results["startup"].items():
            print(f"  {name:<32} {entry['mean_s'] * 1000:8.1f} ms  {entry['x_python']:5.2f}× python -c pass"
                  f"  (CPU {entry['cpu_mean_s'] * 1000:.1f} ms, {entry['x_python_cpu']:.2f}×)")
        imports = results["imports"]
        print(f"\npython -X importtime -c 'import journalgen.cli': {imports['journalgen.cli_ms']} ms; top:")
        for row in imports["top"]:
            print(f"  {row['cumulative_ms']:8.1f} ms  {'  ' * row['depth']}{row['module']}")


def _save(path: Path, results: dict) -> None:
    """Write the figures so far (a bench stopped half-way keeps what it measured)."""
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="store-day counts, comma-separated")
    parser.add_argument("--stages", type=int, default=1000, help="store-days of the in-process stages")
    parser.add_argument("--runs", type=int, default=20, help="runs of each start-up command")
    parser.add_argument("--repeats", type=int, default=1,
                        help="runs of each build and floor per size, taking turns; the medians count")
    parser.add_argument("--jobs-at", type=int, help="the size to compare --jobs 1 and 2 at (default: the largest ≤ 10000)")
    parser.add_argument("--parts", default="stages,builds,startup", help="which parts to run (stages, builds, scale, startup)")
    parser.add_argument("--scale-sizes", default="1000,10000,100000", help="store-day counts of the scale part")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--json", type=Path, default=Path("bench-results.json"), help="where the figures go")
    parser.add_argument("--work", type=Path, help="folder for the generated data and outputs (default: a temporary one)")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    parts = set(args.parts.split(","))
    jobs_at = args.jobs_at or max((size for size in sizes if size <= 10_000), default=min(sizes))
    started = time.perf_counter()
    results: dict = {"info": {
        "commit": _commit(), "journalgen": metadata.version("journalgen"), "python": platform.python_version(),
        "cpus": os.cpu_count(), "jobs": supports_jobs(), "seed": args.seed, "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "load_before": os.getloadavg(),
    }}
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="journalgen-bench-", dir=args.work) as work:
        work = Path(work)
        if "stages" in parts:
            print(f"in-process stages, {args.stages} store-days …", file=sys.stderr)
            closes = write_closes(work / "stages.jsonl", args.stages, args.seed)
            results["stages"] = stages.measure(closes, write_settings(work / "stages.toml", args.stages))
            _save(args.json, results)
        if "builds" in parts:
            results["sizes"] = {}
            for count in sizes:
                results["sizes"][count] = size_figures(count, work, args.seed, results["info"]["jobs"], jobs_at,
                                                           args.repeats)
                _save(args.json, results)
        if "scale" in parts:
            results["scale"] = scale_figures([int(size) for size in args.scale_sizes.split(",")], work, args.seed)
            _save(args.json, results)
    if "startup" in parts:
        print("start-up …", file=sys.stderr)
        results["startup"] = startup.compare(args.runs)
        results["imports"] = startup.import_times()
    results["info"]["bench_s"] = round(time.perf_counter() - started, 1)
    results["info"]["load_after"] = os.getloadavg()
    print_table(results)
    _save(args.json, results)
    print(f"\nFigures: {args.json} (the bench took {results['info']['bench_s']} s)")


if __name__ == "__main__":
    try:
        main()
    except RuntimeError as error:  # a child that failed: say which and how, without a traceback
        sys.exit(f"bench: {error}")
