"""How long a build takes: journalize + render for each built-in target, over generated closes.

Run: .venv/bin/python bench/build_speed.py [N]   (N closes, default 2000; same seed every run)
Not a test: timings vary by machine; this prints them for comparison between changes.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from journalgen.build import render
from journalgen.close import DailyClose, PaymentKind, TaxCategory
from journalgen.journalize import journalize
from journalgen.settings import load_settings

SETTINGS = load_settings(Path(__file__).parents[1] / "journalgen" / "sample" / "settings.toml")
TAXES = [TaxCategory.standard_10, TaxCategory.reduced_8, TaxCategory.non_taxable]
REASONS = ["消耗品購入", "釣銭補充", "雑費立替"]


def close(rng: random.Random, day: int) -> DailyClose:
    """A busy store-day: 40 sales rows, 3 voids, 3 cash movements and a cash count."""
    return DailyClose.model_validate({
        "business_date": f"2025-03-{day % 28 + 1:02d}",
        "store": {"code": "0001", "name": "サンプル食堂 本店"},  # a store the sample settings know
        "sales": [{"payment": rng.choice(list(PaymentKind)).value, "tax": rng.choice(TAXES).value,
                   "amount": rng.randint(100, 50_000)} for _ in range(40)],
        "voids": [{"receipt_no": f"{n:07d}", "original_date": "2025-03-01", "payment": "cash",
                   "tax": "standard_10", "amount": rng.randint(100, 5_000)} for n in range(3)],
        "cash_movements": [{"direction": rng.choice(["in", "out"]), "reason": rng.choice(REASONS),
                            "amount": rng.randint(100, 30_000)} for _ in range(3)],
        "cash_count": {"expected": 100_000, "counted": 100_000 + rng.randint(-500, 500)},
    })


def main(count: int) -> None:
    rng = random.Random(20250110)
    closes = [close(rng, day) for day in range(count)]
    started = time.perf_counter()
    journals = [journalize(c, SETTINGS) for c in closes]
    timings = {"journalize": time.perf_counter() - started}
    for target in ("journal", "freee", "yayoi"):
        started = time.perf_counter()
        for journal in journals:
            render(journal, SETTINGS, [target])
        timings[target] = time.perf_counter() - started
    for name, seconds in timings.items():
        print(f"{name:<11} {count} store-days  {seconds:6.2f} s  {seconds / count * 1000:6.2f} ms each")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
