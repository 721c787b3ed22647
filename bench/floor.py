"""The floor: what a batch costs at least — an `orjson` parse of each close and the same files
and bytes per store-day as a real build wrote, each through a temporary file and a rename.

Run: .venv/bin/python bench/floor.py CLOSES.jsonl LAYOUT.json OUT [--fsync]

LAYOUT.json is `layout()` of a real build's output tree: per store-day (`<date>/<store>`) the
names and sizes of its files. OUT must not exist (each run into a fresh folder). `--fsync`
adds one fsync per store-day (of its first file, before the renames), as a durable build needs.
Needs `pip install -e '.[bench]'` (orjson).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path


def layout(out_dir: Path) -> dict[str, list[tuple[str, int]]]:
    """{"<date>/<store>": [(file name, size), …]} of every store-day folder a build wrote into
    `out_dir` (hidden files of the build, such as its manifest, included; sub-folders not)."""
    found = {}
    for day in sorted(p for p in out_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for store in sorted(p for p in day.iterdir() if p.is_dir() and not p.name.startswith(".")):
            found[f"{day.name}/{store.name}"] = [(f.name, f.stat().st_size) for f in sorted(store.iterdir()) if f.is_file()]
    return found


def run(closes: Path, files: dict[str, list[tuple[str, int]]], out_dir: Path, fsync: bool) -> int:
    """Parse every close with orjson and write its store-day's files; the store-days written."""
    import orjson

    out_dir.mkdir(parents=True)
    count = 0
    with closes.open("rb") as stream:
        for line in stream:
            close = orjson.loads(line)
            key = f"{close['business_date']}/{close['store']['code']}"
            folder = out_dir / key
            folder.mkdir(parents=True, exist_ok=True)
            body = orjson.dumps(close, option=orjson.OPT_INDENT_2)
            staged = []
            for index, (name, size) in enumerate(files.get(key, ())):
                data = (body * (size // len(body) + 1))[:size]
                temporary = folder / f".{name}.tmp"
                with open(temporary, "wb") as handle:
                    handle.write(data)
                    if fsync and index == 0:
                        handle.flush()
                        os.fsync(handle.fileno())
                staged.append((temporary, folder / name))
            for temporary, final in staged:
                os.replace(temporary, final)
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("closes", type=Path)
    parser.add_argument("layout", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--fsync", action="store_true", help="one fsync per store-day")
    args = parser.parse_args()
    files = {key: [tuple(f) for f in value] for key, value in json.loads(args.layout.read_text()).items()}
    print(run(args.closes, files, args.out, args.fsync))


if __name__ == "__main__":
    main()
