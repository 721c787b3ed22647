"""Bad input: a clear ja/en error naming file, field and value, a non-zero exit, no partial
output, and the other store-days of the same run still built — through the real CLI."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from journalgen.cli import cli
from journalgen.storeday import LOCK_FILE, MANIFEST

GOOD = {
    "business_date": "2025-01-10",
    "store": {"code": "0001", "name": "店舗0001"},
    "sales": [
        {"payment": "cash", "tax": "standard_10", "amount": 3300, "tax_amount": 300},
        {"payment": "credit", "payment_item": {"id": "00000000000001000001", "name": "Visa"},
         "tax": "reduced_8", "amount": 1080, "tax_amount": 80},
    ],
    "voids": [{"receipt_no": "0000123", "original_date": "2025-01-09", "reason": "cancel",
               "payment": "cash", "tax": "standard_10", "amount": 1100, "tax_amount": 100}],
    "cash_movements": [{"direction": "out", "reason": "消耗品購入", "amount": 1200}],
    "cash_count": {"expected": 152300, "counted": 152200},
}


def bad_close(**changes) -> dict:
    """GOOD for store 0009, with `changes` applied as dotted paths (`sales.0.amount=…`)."""
    close = copy.deepcopy(GOOD)
    close["store"]["code"] = "0009"
    for path, value in changes.items():
        *parents, last = path.split("__")
        node = close
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        key = int(last) if last.isdigit() else last
        if value is DELETE:
            del node[key]
        else:
            node[key] = value
    return close


DELETE = object()

# (case id, file content as bytes, field the error must name, value it must show, code)
BAD_INPUTS = [
    ("malformed-json", b'{"business_date": "2025-01-10", "store": {', "", '"store": {', "INPUT_JSON_SYNTAX"),
    ("not-utf8", json.dumps(bad_close(), ensure_ascii=False).encode("cp932"), "", "0x", "INPUT_NOT_UTF8"),
    ("unknown-field", bad_close(sales__0__amout=3300), "sales[0].amout", "3300", "INPUT_INVALID"),
    ("unknown-payment", bad_close(sales__0__payment="bitcoin"), "sales[0].payment", '"bitcoin"', "INPUT_INVALID"),
    ("unknown-tax", bad_close(sales__0__tax="standard_12"), "sales[0].tax", '"standard_12"', "INPUT_INVALID"),
    ("amount-float", bad_close(sales__0__amount=1100.5), "sales[0].amount", "1100.5", "INPUT_INVALID"),
    ("amount-string", bad_close(sales__0__amount="1100"), "sales[0].amount", '"1100"', "INPUT_INVALID"),
    ("amount-negative", bad_close(voids__0__amount=-1100), "voids[0].amount", "-1100", "INPUT_INVALID"),
    ("amount-huge", bad_close(cash_movements__0__amount=10**12 + 1), "cash_movements[0].amount",
     "1000000000001", "INPUT_INVALID"),
    ("item-id-number", bad_close(sales__1__payment_item__id=1000001), "sales[1].payment_item.id",
     "1000001", "INPUT_INVALID"),
    ("tax-over-amount", bad_close(sales__0__tax_amount=5000), "sales[0].tax_amount", "5000", "INPUT_INVALID"),
    ("tax-on-untaxed", bad_close(voids__0__tax="non_taxable"), "voids[0].tax_amount", "100", "INPUT_INVALID"),
    ("void-after-the-day", bad_close(voids__0__original_date="2025-01-11"), "voids[0].original_date",
     '"2025-01-11"', "INPUT_INVALID"),
    ("impossible-date", bad_close(business_date="2025-02-30"), "business_date", '"2025-02-30"', "INPUT_INVALID"),
    ("missing-store-code", bad_close(store__code=DELETE), "store.code", "(missing)", "INPUT_INVALID"),
]

REASONS = {  # what each case's message must say, in Japanese and English
    "item-id-number": ("先頭の0が失われます", "leading zeros would be lost"),
    "amount-float": ("円単位の整数", "whole number of yen"),
    "amount-negative": ("マイナス", "negative"),
    "impossible-date": ("存在する日付", "real calendar date"),
    "unknown-field": ("未知の項目", "unknown field"),
    "unknown-payment": ("'on_account', 'uncollected', 'points'", "'on_account', 'uncollected', 'points'"),
    "void-after-the-day": ("営業日 2025-01-10 より後の日付", "after the business date 2025-01-10"),
    "tax-over-amount": ("税込金額の内数", "part of the tax-inclusive amount"),
    "tax-on-untaxed": ("non_taxable には消費税がかかりません", "non_taxable carries no consumption tax"),
    "not-utf8": ("UTF-8 ではありません", "not UTF-8"),
    "malformed-json": ("JSON として読めません", "not valid JSON"),
}


def write_input(folder: Path, name: str, content: bytes | dict) -> Path:
    data = content if isinstance(content, bytes) else json.dumps(content, ensure_ascii=False).encode()
    path = folder / name
    path.write_bytes(data)
    return path


def run_build(input_dir: Path, out_dir: Path, lang: str):
    return CliRunner().invoke(
        cli, ["build", "--input", str(input_dir), "--out", str(out_dir), "--target", "journal", "--lang", lang]
    )


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize(("case", "content", "field", "value", "code"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_is_named_and_others_still_build(tmp_path, case, content, field, value, code, lang):
    inputs = tmp_path / "in"
    inputs.mkdir()
    write_input(inputs, "a-good.json", GOOD)
    bad = write_input(inputs, f"b-{case}.json", content)
    out = tmp_path / "out"

    result = run_build(inputs, out, lang)

    assert result.exit_code == 1
    failure = [line for line in result.stderr.splitlines() if str(bad) in line]
    assert failure, result.output
    message = result.stderr[result.stderr.index(failure[0]):]
    assert f"[{code}]" in message and value in message and field in message
    if case in REASONS:
        assert REASONS[case][0 if lang == "ja" else 1] in message
    # the good store-day was built, in full
    assert sorted(p.name for p in (out / "2025-01-10" / "0001").iterdir() if not p.name.startswith(".")) == [
        "journal.csv", "journal.json"]
    # nothing at all for the bad one, and no temporary file anywhere (the sent-ledger aside)
    assert not (out / "2025-01-10" / "0009").exists()
    assert not [p for p in out.rglob("*") if p.name.startswith(".") and p.name not in (MANIFEST, LOCK_FILE)
                and ".journalgen" not in p.relative_to(out).parts]


def test_the_same_store_day_twice_fails_every_copy(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    write_input(inputs, "a-good.json", GOOD)
    first = write_input(inputs, "b-first.json", bad_close())
    second = write_input(inputs, "c-second.json", bad_close(sales__0__amount=4400))
    out = tmp_path / "out"

    result = run_build(inputs, out, "en")

    assert result.exit_code == 1
    assert result.stderr.count("[DUPLICATE_STORE_DAY]") == 2
    assert f"{first}, {second}" in result.stderr and "store 0009 on 2025-01-10" in result.stderr
    assert (out / "2025-01-10" / "0001" / "journal.json").is_file()
    assert not (out / "2025-01-10" / "0009").exists()


def test_json_lines_fail_per_line(tmp_path):
    lines = [json.dumps(GOOD), json.dumps(bad_close(sales__0__amount=1.5)), json.dumps(bad_close(store__code="0010"))]
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"

    result = run_build(batch, out, "en")

    assert result.exit_code == 1
    assert f"[INPUT_INVALID] {batch}:2: " in result.stderr
    assert sorted(p.name for p in (out / "2025-01-10").iterdir() if not p.name.startswith(".")) == ["0001", "0010"]


def test_every_problem_of_a_close_is_reported_at_once(tmp_path):
    bad = write_input(tmp_path, "bad.json", bad_close(sales__0__amount="1", sales__1__tax="x", business_date="2025-13-01"))

    result = CliRunner().invoke(cli, ["validate", str(bad), "--lang", "en"])

    assert result.exit_code == 1
    for field in ("sales[0].amount", "sales[1].tax", "business_date"):
        assert field in result.stderr


def test_validate_accepts_good_input_and_writes_nothing(tmp_path):
    good = write_input(tmp_path, "good.json", GOOD)

    result = CliRunner().invoke(cli, ["validate", str(good), "--lang", "en"])

    assert result.exit_code == 0
    assert f"✓ {good}: valid" in result.output
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["good.json"]


def test_a_key_written_twice_is_refused_with_its_path(tmp_path):
    text = json.dumps(GOOD, ensure_ascii=False).replace('"amount": 3300', '"amount": 1, "amount": 3300')
    bad = write_input(tmp_path, "twice.json", text.encode())

    result = CliRunner().invoke(cli, ["validate", str(bad), "--lang", "ja"])

    assert result.exit_code == 1
    assert "sales[0].amount = 3300: 同じオブジェクトに2回あります" in result.stderr


def test_a_library_caller_gets_the_same_refusals_without_a_file():
    from journalgen import JournalgenError, parse_close

    with pytest.raises(JournalgenError) as caught:
        parse_close(json.dumps(bad_close(sales__0__amount="1100")))
    assert caught.value.code == "INPUT_INVALID"
    assert caught.value.message("en").splitlines() == [
        "the daily close does not follow the input contract",
        '  - sales[0].amount = "1100": must be a whole number of yen (not a decimal, not a string)',
    ]
