"""Seeded realistic daily closes for the bench, as JSON Lines, and a settings file that knows their stores.

Run: .venv/bin/python bench/closes.py N OUT.jsonl [--seed S] [--stores K] [--v2-share F] [--settings OUT.toml]

A close is one store's day: 20–80 sales rows over the tax rates and
every payment kind, 0–3 voids, 0–4 cash movements, a cash
count; a quarter of the stores (`--v2-share`) send version 2 closes, adding the cash
denominations, menus, hours, discounts, 客層, 広告媒体, cancelled receipts and the masters, agreeing to the yen
as the input contract demands. Lines go day by day, store by store (as a
night's feed arrives); at most 365 days, so every day lies in the settings' fiscal year 2025.
The same N, seed and store count give the same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
from collections.abc import Iterator
from pathlib import Path

SEED = 20250110
V2_SHARE = 0.25
"""The share of stores whose register sends version 2 closes (those linked to an analytics feed)."""
FIRST_DAY = dt.date(2025, 1, 1)
DAYS_PER_YEAR = 365
TAXES = ("standard_10", "standard_10", "standard_10", "reduced_8", "reduced_8", "non_taxable")
PAYMENTS = ("cash", "cash", "cash", "credit", "credit", "qr", "qr", "emoney", "gift_change",
            "gift_no_change", "on_account", "uncollected", "points")
PAYMENT_ITEMS = {  # 支払科目 of the kinds a register itemises
    "credit": (("00000000000001000001", "Visa"), ("00000000000001000002", "JCB"),
               ("00000000000001000003", "Mastercard")),
    "qr": (("00000000000002000001", "PayPay"), ("00000000000002000002", "楽天ペイ")),
    "emoney": (("00000000000003000001", "交通系IC"),),
}
REASONS = (("out", "消耗品購入"), ("in", "釣銭補充"), ("out", "売上金入金"), ("out", "雑費立替"), ("in", "お預かり金"))
DENOMINATIONS = (10000, 5000, 1000, 500, 100, 50, 10, 5, 1)
CATEGORIES = (("1", "フード", None), ("11", "定食", "1"), ("12", "弁当", "1"), ("2", "ドリンク", None),
              ("21", "ビール", "2"), ("22", "ソフトドリンク", "2"))
PRODUCTS = tuple(
    (f"{1000 + n}", name, category, tax)
    for n, (name, category, tax) in enumerate(
        [(f"唐揚げ定食{n}", "11", "standard_10") for n in range(8)]
        + [(f"日替わり弁当{n}", "12", "reduced_8") for n in range(6)]
        + [(f"生ビール{n}", "21", "standard_10") for n in range(4)]
        + [(f"ウーロン茶{n}", "22", "standard_10") for n in range(4)]
    )
)
SEGMENTS = (("US00800000000000000103", "3", "集客", "SNS"), ("US00800000000000000105", "5", "集客", "紹介"),
            ("US00800000000000000003", "3", "利用シーン", "ランチ"))
MEDIA = (("M01", "折込チラシ"), ("M02", "Instagram"))


def store_codes(count: int) -> list[str]:
    """The generated stores' codes: 0001, 0002, …"""
    return [f"{n:04d}" for n in range(1, count + 1)]


def stores_for(count: int, stores: int) -> int:
    """How many stores `count` store-days need so that they fit in one year of days."""
    return max(stores, math.ceil(count / DAYS_PER_YEAR))


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` in `parts` positive integers (total ≥ parts)."""
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    return [b - a for a, b in zip([0, *cuts], [*cuts, total])]


def _denominations(amount: int) -> list[dict]:
    rows = []
    for denomination in DENOMINATIONS:
        count, amount = divmod(amount, denomination)
        if count:
            rows.append({"denomination": denomination, "count": count})
    return rows


def close(rng: random.Random, day: dt.date, store: str, v2: bool = True) -> dict:
    """One realistic close of `store` on `day`: version 2 with every section, or version 1."""
    sales = []
    for _ in range(rng.randint(20, 80)):
        payment = rng.choice(PAYMENTS)
        row: dict = {"payment": payment}
        if payment in PAYMENT_ITEMS:
            item_id, name = rng.choice(PAYMENT_ITEMS[payment])
            row["payment_item"] = {"id": item_id, "name": name}
        sales.append(row | {"tax": rng.choice(TAXES), "amount": rng.randint(30, 2000) * 10})
    total = sum(row["amount"] for row in sales)
    voids, cancelled = [], []
    for n in range(rng.randint(0, 3)):
        original = day - dt.timedelta(days=rng.choice((0, 0, 0, 1, 7))) if day > FIRST_DAY + dt.timedelta(days=7) else day
        amount = rng.randint(30, 500) * 10
        receipt = f"{rng.randint(1, 9999999):07d}"
        if any(v["receipt_no"] == receipt for v in voids):
            continue
        product = rng.choice(PRODUCTS)
        voids.append({"receipt_no": receipt, "original_date": original.isoformat(), "reason": "取消",
                      "payment": "cash", "tax": product[3], "amount": amount})
        cancelled.append({"receipt_no": receipt, "original_date": original.isoformat(), "reason": "取消",
                          "amount": amount, "lines": [{"code": product[0], "name": product[1], "quantity": 1, "amount": amount}]})
    movements = []
    for _ in range(rng.randint(0, 4)):
        direction, reason = rng.choice(REASONS)
        movements.append({"direction": direction, "reason": reason, "amount": rng.randint(5, 3000) * 10})
    cash = sum(row["amount"] for row in sales if row["payment"] == "cash") - sum(v["amount"] for v in voids)
    cash += 50_000 + sum(m["amount"] if m["direction"] == "in" else -m["amount"] for m in movements)
    expected = max(cash, 0)
    counted = expected + rng.choice((0, 0, 0, 0, -10, 10, -100, 500))
    counted = max(counted, 0)
    discounts = [{"kind": kind, "id": code, "name": name, "count": rng.randint(1, 5), "amount": rng.randint(10, 200) * 10}
                 for kind, code, name in (("fixed", "0001", "クーポン値引"), ("percent", "0004", "全体割引(手入力)"))
                 if rng.random() < 0.6]
    menu_total = total + sum(d["amount"] for d in discounts)
    products = rng.sample(PRODUCTS, rng.randint(8, len(PRODUCTS)))
    menus, hourly_menus = [], []
    for (code, name, category, tax), amount in zip(products, _split(menu_total, len(products), rng)):
        quantity = rng.randint(2, 40)
        menus.append({"code": code, "name": name, "own_code": f"A{code}", "category_code": category,
                      "own_parent_category_code": f"P{category[0]}", "own_child_category_code": f"C{category}",
                      "tax": tax, "quantity": quantity, "amount": amount})
        first = rng.randint(1, quantity - 1)
        lunch = amount * first // quantity
        hourly_menus += [{"hour": rng.randint(11, 14), "code": code, "quantity": first, "amount": lunch},
                         {"hour": rng.randint(17, 22), "code": code, "quantity": quantity - first, "amount": amount - lunch}]
    hours = list(range(11, 23))
    hourly = [{"hour": hour, "customers": rng.randint(1, 40), "receipts": rng.randint(1, 25), "amount": amount}
              for hour, amount in zip(hours, _split(total, len(hours), rng))]
    segments = [{"id": sid, "choice": choice, "type_name": type_name, "name": name,
                 "customers": rng.randint(1, 50), "amount": rng.randint(100, 5000) * 10}
                for sid, choice, type_name, name in SEGMENTS]
    media = [{"id": mid, "name": name, "customers": rng.randint(1, 20), "amount": rng.randint(100, 3000) * 10}
             for mid, name in MEDIA]
    used_items = {(row["payment"], *row["payment_item"].values()) for row in sales if "payment_item" in row}
    v1 = {
        "business_date": day.isoformat(),
        "store": {"code": store, "name": store_name(store)},
        "sales": sales,
        "voids": voids,
        "cash_movements": movements,
        "cash_count": {"expected": expected, "counted": counted},
    }
    if not v2:
        return v1
    return {
        "version": 2,
        **v1,
        "menus": menus,
        "hourly": hourly,
        "hourly_menus": hourly_menus,
        "discounts": discounts,
        "segments": segments,
        "media": media,
        "cancelled_receipts": cancelled,
        "cash_denominations": _denominations(counted),
        "masters": {
            "products": [{"code": code, "name": name, "own_code": f"A{code}", "category_code": category}
                         for code, name, category, _ in PRODUCTS],
            "categories": [{"code": code, "name": name, **({"parent_code": parent} if parent else {}), "own_code":
                            f"C{code}" if parent else f"P{code}"} for code, name, parent in CATEGORIES],
            "payment_items": [{"id": item_id, "name": name, "payment": payment}
                              for payment, item_id, name in sorted(used_items)],
        },
    }


def store_name(code: str) -> str:
    """The generated store's name (the register's 店舗名)."""
    return f"ベンチ食堂 {int(code)}号店"


def is_v2(store: str, share: float) -> bool:
    """Whether `store` sends version 2 closes: a `share` of the stores, spread evenly."""
    n = int(store)
    return int(n * share) != int((n - 1) * share)


def closes(count: int, seed: int = SEED, stores: int = 100, v2_share: float = V2_SHARE) -> Iterator[str]:
    """`count` closes as JSON Lines (without the newline), day by day and store by store."""
    rng = random.Random(seed)
    codes = store_codes(stores_for(count, stores))
    for index in range(count):
        day, store = divmod(index, len(codes))
        record = close(rng, FIRST_DAY + dt.timedelta(days=day), codes[store], is_v2(codes[store], v2_share))
        yield json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def write_closes(path: Path, count: int, seed: int = SEED, stores: int = 100, v2_share: float = V2_SHARE) -> Path:
    """Write `count` closes to the JSON Lines file `path`."""
    with path.open("w", encoding="utf-8", newline="\n") as stream:
        for line in closes(count, seed, stores, v2_share):
            stream.write(line + "\n")
    return path


def settings_text(stores: int) -> str:
    """A settings file for every target: the shipped sample's, with every generated store added to
    freee's 部門, ASPIT, まかせてネット and FLARO (linked all year)."""
    sample = (Path(__file__).parents[1] / "journalgen" / "sample" / "settings.toml").read_text(encoding="utf-8")
    codes = store_codes(stores)
    lines = [sample.replace("[targets.freee.sections]", "[targets.freee.sections]\n" + "\n".join(
        f'"{code}:{store_name(code)}" = {702000 + n}' for n, code in enumerate(codes)))]
    for code in codes:
        n = int(code)
        lines.append(f'[targets.aspit.stores."{code}"]\ncompany_code = "12345678"\nstore_code = "{n % 10000:04d}"\n')
        lines.append(f'[targets.makasete.stores."{code}"]\ncompany_code = "12345"\nstore_code = "{n:06d}"\n')
        lines.append(f'[targets.flaro.stores."{code}"]\nstore_code = "{n:010d}"\n')
    return "\n".join(lines)


def write_settings(path: Path, count: int, stores: int = 100) -> Path:
    """Write the settings for the closes of `write_closes(…, count, stores=stores)` to `path`."""
    path.write_text(settings_text(stores_for(count, stores)), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="how many store-days")
    parser.add_argument("out", type=Path, help="the JSON Lines file to write")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--v2-share", type=float, default=V2_SHARE, help="share of stores sending version 2 closes")
    parser.add_argument("--stores", type=int, default=100, help="at least this many stores (more when N > 365 × K)")
    parser.add_argument("--settings", type=Path, help="also write a settings file that knows every store")
    args = parser.parse_args()
    write_closes(args.out, args.count, args.seed, args.stores, args.v2_share)
    if args.settings:
        write_settings(args.settings, args.count, args.stores)


if __name__ == "__main__":
    main()
