"""In-process store-days/s of each stage: validate (parse), journalize, and each target's render.

Run: .venv/bin/python bench/stages.py CLOSES.jsonl SETTINGS.toml [--targets journal,freee,…]

Reads the closes line by line and times each stage per store-day with the CPU clock of this
process, so memory does not grow with the file. Uses the library API only (`parse_close`,
`journalize`, `load_settings`, and `journalgen.build.render` for one target at a time, or
`build` minus journalize where `render` is not there). Each target's options are validated
once, before the clock starts, as a build does.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from journalgen import build, journalize, load_settings, parse_close

TARGETS = ("journal", "freee", "yayoi", "aspit", "makasete", "flaro")

try:
    from journalgen.build import render as _render
except ImportError:  # a journalgen without it: render = build − journalize, measured below
    _render = None
try:
    from journalgen.build import prepare_targets
except ImportError:  # a journalgen that validates the targets' options on every render
    prepare_targets = None


def measure(closes: Path, settings_file: Path, targets: tuple[str, ...] = TARGETS) -> dict[str, dict]:
    """{stage: {"store_days", "cpu_s", "per_s", "ms"}} over every close of `closes`."""
    settings = load_settings(settings_file)
    prepared = {target: prepare_targets(settings, [target]) if prepare_targets else [target] for target in targets}
    seconds = dict.fromkeys(("validate", "journalize", *targets), 0.0)
    count = 0
    clock = time.process_time
    with closes.open(encoding="utf-8") as stream:
        for line in stream:
            started = clock()
            close = parse_close(line, source="bench")
            parsed = clock()
            journal = journalize(close, settings, "bench")
            journalized = clock()
            seconds["validate"] += parsed - started
            seconds["journalize"] += journalized - parsed
            for target in targets:
                started = clock()
                if _render is not None:
                    _render(journal, settings, prepared[target])
                else:
                    build(close, settings, target=target)
                seconds[target] += clock() - started - (0 if _render is not None else journalized - parsed)
            count += 1
    return {stage: {"store_days": count, "cpu_s": round(cpu, 3), "per_s": round(count / cpu, 1) if cpu else None,
                    "ms": round(cpu / count * 1000, 3) if count else None} for stage, cpu in seconds.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("closes", type=Path)
    parser.add_argument("settings", type=Path)
    parser.add_argument("--targets", default=",".join(TARGETS))
    args = parser.parse_args()
    for stage, figures in measure(args.closes, args.settings, tuple(args.targets.split(","))).items():
        print(f"{stage:<11} {figures['per_s']:>9} store-days/s  {figures['ms']:>8} ms each")


if __name__ == "__main__":
    main()
