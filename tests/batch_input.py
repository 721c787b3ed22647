"""Generated daily closes as JSON Lines, for batch tests and for measuring big runs by hand.

Run: .venv/bin/python tests/batch_input.py N FILE.jsonl SETTINGS.toml   (N store-days, same seed
every run). Each store-day is a busy one (20–80 sales rows, voids, cash movements, a cash count)
of business year 2025, spread over as many stores as N needs (365 days each); SETTINGS.toml is
the sample's settings with a freee section for each of those stores.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

from journalgen.inputs import SAMPLE_SETTINGS

PAYMENTS = ["cash", "credit", "qr", "emoney"]
TAXES = ["standard_10", "reduced_8", "non_taxable"]
REASONS = ["消耗品購入", "釣銭補充", "雑費立替"]
FIRST_DAY = dt.date(2025, 1, 1)


def close(rng: random.Random, day: dt.date, store: str) -> dict:
    """One busy store-day."""
    return {
        "business_date": day.isoformat(),
        "store": {"code": store, "name": f"サンプル食堂 {store}"},
        "sales": [{"payment": rng.choice(PAYMENTS), "tax": rng.choice(TAXES), "amount": rng.randint(100, 50_000)}
                  for _ in range(rng.randint(20, 80))],
        "voids": [{"receipt_no": f"{n:07d}", "original_date": FIRST_DAY.isoformat(), "payment": "cash",
                   "tax": "standard_10", "amount": rng.randint(100, 5_000)} for n in range(rng.randint(0, 3))],
        "cash_movements": [{"direction": rng.choice(["in", "out"]), "reason": rng.choice(REASONS),
                            "amount": rng.randint(100, 30_000)} for _ in range(rng.randint(0, 3))],
        "cash_count": {"expected": 100_000, "counted": 100_000 + rng.randint(-500, 500)},
    }


def store_count(count: int) -> int:
    """The stores `count` store-days are spread over."""
    return max(2, -(-count // 365))


def closes(count: int, seed: int = 20250110) -> Iterator[dict]:
    """`count` closes, day by day, each day's stores in order."""
    rng = random.Random(seed)
    stores = store_count(count)
    for number in range(count):
        day, store = divmod(number, stores)
        yield close(rng, FIRST_DAY + dt.timedelta(days=day), f"{store + 1:04d}")


def write_jsonl(path: Path, count: int) -> None:
    """Write `count` closes to `path`, one per line."""
    with path.open("w", encoding="utf-8") as stream:
        for item in closes(count):
            stream.write(json.dumps(item, ensure_ascii=False) + "\n")


def write_settings(path: Path, count: int) -> None:
    """Write the sample settings with a freee section for every store of `count` store-days."""
    text = SAMPLE_SETTINGS.read_text(encoding="utf-8")
    sections = "".join(f'"{n:04d}:サンプル食堂 {n:04d}" = {701000 + n}\n' for n in range(1, store_count(count) + 1))
    text = text.replace('"0001:サンプル食堂 本店" = 701001\n', sections).replace('"0002:サンプル食堂 駅前店" = 701002\n', "")
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write_jsonl(Path(sys.argv[2]), int(sys.argv[1]))
    write_settings(Path(sys.argv[3]), int(sys.argv[1]))
