"""Input contract version 2: its optional sections, v1 files unchanged, and the overlaps with the
v1 totals that must agree to the yen (each refusal names both sides)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from journalgen.errors import InvalidInputError
from journalgen.inputs import SAMPLE_CLOSES, parse_close
from journalgen.schema import input_schema

ROOT = Path(__file__).parents[1]
V2_SAMPLE = SAMPLE_CLOSES / "2025-01-11_0002.json"
V1_SCHEMA = json.loads((ROOT / "schemas" / "daily-close-v1.schema.json").read_text(encoding="utf-8"))


def sample_v2() -> dict:
    return json.loads(V2_SAMPLE.read_text(encoding="utf-8"))


def refusal(data: dict) -> list[tuple[str, str]]:
    """(field, English reason) of each problem parse_close reports for `data`."""
    with pytest.raises(InvalidInputError) as caught:
        parse_close(json.dumps(data, ensure_ascii=False), "close.json")
    return [(problem.field, problem.message("en")) for problem in caught.value.problems]


def test_the_v2_sample_uses_every_section_and_parses():
    close = parse_close(V2_SAMPLE.read_text(encoding="utf-8"), str(V2_SAMPLE))
    assert close.version == 2
    for section in ("menus", "hourly", "hourly_menus", "discounts", "segments", "media",
                    "cancelled_receipts", "cash_denominations"):
        assert getattr(close, section), section
    masters = close.masters
    assert masters.products and masters.categories and masters.payment_items
    assert masters.payment_items[0].id == "00000000000001000001"


def test_v1_files_stay_valid_and_validate_against_both_schemas():
    v1, v2 = jsonschema.Draft202012Validator(V1_SCHEMA), jsonschema.Draft202012Validator(input_schema())
    for path in sorted(SAMPLE_CLOSES.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        v2.validate(data)
        if path != V2_SAMPLE:
            v1.validate(data)
            assert parse_close(path.read_text(encoding="utf-8"), str(path)).version == 1
    assert not v1.is_valid(sample_v2()), "the published v1 schema knows no v2 section"


def test_a_v2_section_needs_version_2():
    data = sample_v2()
    del data["version"]
    fields = [field for field, _ in refusal(data)]
    assert fields == ["menus", "hourly", "hourly_menus", "discounts", "segments", "media",
                      "cancelled_receipts", "cash_denominations", "masters"]


@pytest.mark.parametrize(("change", "field", "words"), [
    (lambda d: d["menus"][0].update(amount=5400), "menus", ["less discounts of 940 yen", "sales' total of 10960 yen"]),
    (lambda d: d["discounts"].pop(), "menus", ["less discounts of 500 yen", "10960 yen"]),
    (lambda d: d["hourly"][0].update(amount=4401), "hourly", ["total of sales, 10960 yen"]),
    (lambda d: d["hourly_menus"].pop(), "hourly_menus", ["total of menus, 11900 yen"]),
    (lambda d: d["cancelled_receipts"][0].update(amount=1000, lines=[]), "cancelled_receipts[0].amount",
     ["voids of receipt 0000501 add up to", "1100 yen"]),
    (lambda d: d["cancelled_receipts"].clear(), "voids[0].receipt_no", ["cancelled_receipts has no receipt"]),
    (lambda d: d["cancelled_receipts"][0]["lines"][0].update(amount=1000), "cancelled_receipts[0].lines",
     ["receipt's amount, 1100 yen"]),
    (lambda d: d["cash_denominations"][0].update(count=3), "cash_denominations", ["cash_count.counted, 54400 yen"]),
    (lambda d: d["masters"]["payment_items"][2].update(payment="emoney"), "sales[2].payment",
     ["支払種別 emoney", "支払科目 00000000000002000001"]),
    (lambda d: d["masters"]["products"].pop(), "menus[2].code", ["not in masters.products"]),
])
def test_a_v2_section_that_disagrees_with_the_v1_totals_is_refused_naming_both(change, field, words):
    data = sample_v2()
    change(data)
    problems = dict(refusal(data))
    assert field in problems, problems
    assert all(word in problems[field] for word in words), problems[field]


def test_ids_and_codes_are_text_and_keep_their_leading_zeros():
    data = sample_v2()
    data["segments"][0]["id"] = 800000000000000103
    data["menus"][0]["code"] = 1001
    fields = {field for field, _ in refusal(data)}
    assert {"segments[0].id", "menus[0].code"} <= fields


def test_a_denomination_the_yen_has_not_is_refused():
    data = sample_v2()
    data["cash_denominations"][0]["denomination"] = 3000
    assert [field for field, _ in refusal(data)] == ["cash_denominations[0].denomination"]
