"""The ASPIT target: its feeds' sums equal the close's for random v2 closes and mappings, the
shipped schemas, the link settings and their limits, and a store-day left out of the feed."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from string import Formatter

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st
from journalgen_aspit import errors, mapping_csv, options
from journalgen_aspit.feeds import FEEDS, feed_schema_text
from strategies import closes

from journalgen.build import build
from journalgen.cli import cli
from journalgen.close import (
    CancelledLine,
    CancelledReceipt,
    CashDenomination,
    CustomerSegment,
    DailyClose,
    Discount,
    DiscountKind,
    HourlyMenuSale,
    HourlySale,
    MenuSale,
    PaymentKind,
    TaxCategory,
)
from journalgen.errors import JournalgenError
from journalgen.i18n import catalog
from journalgen.inputs import SAMPLE_CLOSES, parse_close
from journalgen.settings import Settings

ROOT = Path(__file__).parents[1]
SCHEMAS = {name: jsonschema.Draft202012Validator(json.loads(
    (ROOT / "schemas" / f"{name.removesuffix('.json')}.schema.json").read_text(encoding="utf-8")))
    for name in FEEDS}
DENOMINATIONS = (10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 1)
LINK = {"company_code": "12345678", "store_code": "1"}


def aspit_settings(**aspit) -> Settings:
    return Settings.model_validate({"targets": {"aspit": aspit}})


def feeds_of(close: DailyClose, settings: Settings) -> dict[str, dict]:
    outputs = build(close, settings, "aspit")
    for name, data in outputs.items():
        SCHEMAS[name].validate(json.loads(data))
    return {name: json.loads(data) for name, data in outputs.items()}


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_each_feed_has_its_schema_in_schemas(name):
    shipped = (ROOT / "schemas" / f"{name.removesuffix('.json')}.schema.json").read_text(encoding="utf-8")
    assert shipped == feed_schema_text(name), "regenerate: .venv/bin/python -m journalgen_aspit.feeds schemas/"
    money = [field for field in json.dumps(json.loads(shipped)).split('"') if field.endswith("amount")]
    assert money, name


def split(draw, total: int, parts: int) -> list[int]:
    """`total` cut into `parts` non-negative integers."""
    if parts == 0:
        return []
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=parts - 1, max_size=parts - 1)))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total])]


@st.composite
def v2_closes(draw) -> DailyClose:
    """A random close (sometimes left at version 1) whose v2 sections agree with its totals."""
    close = draw(closes(max_rows=6))
    if draw(st.booleans()):
        return close
    sales = sum(row.amount for row in close.sales)
    discounts = [Discount(kind=draw(st.sampled_from(DiscountKind)), id=draw(st.sampled_from(["0001", "0002", "0003"])),
                          name=draw(st.sampled_from(["クーポン値引", "全体割引"])), count=1, amount=amount)
                 for amount in draw(st.lists(st.integers(0, 5000), max_size=3))]
    gross = sales + sum(row.amount for row in discounts)
    menus = [MenuSale(code=f"{index:04}", name=f"品{index}", tax=draw(st.sampled_from(TaxCategory)),
                      quantity=draw(st.integers(0, 9)), amount=amount)
             for index, amount in enumerate(split(draw, gross, draw(st.integers(1, 4))))]
    hourly = [HourlySale(hour=hour, customers=draw(st.integers(0, 30)), amount=amount)
              for hour, amount in zip(range(10, 24), split(draw, sales, draw(st.integers(1, 4))))]
    hourly_menus = [HourlyMenuSale(hour=12, code=menu.code, quantity=menu.quantity, amount=menu.amount) for menu in menus]
    segments = [CustomerSegment(id=f"US{index:020}", choice=str(index), type_name=draw(st.sampled_from(["集客", "利用シーン"])),
                                name=draw(st.sampled_from(["SNS", "紹介", "ランチ"])), customers=draw(st.integers(0, 9)),
                                amount=draw(st.integers(0, 50_000))) for index in range(draw(st.integers(0, 4)))]
    voided: dict[str, list] = defaultdict(list)
    for void in close.voids:
        voided[void.receipt_no].append(void)
    receipts = [CancelledReceipt(receipt_no=number, original_date=rows[0].original_date,
                                 amount=sum(row.amount for row in rows),
                                 lines=tuple(CancelledLine(code="0001", name="品", quantity=1, amount=amount)
                                             for amount in split(draw, sum(row.amount for row in rows), 2)))
                for number, rows in voided.items()]
    denominations, left = [], close.cash_count.counted if close.cash_count else 0
    for value in DENOMINATIONS:
        denominations.append(CashDenomination(denomination=value, count=left // value))
        left %= value
    return close.model_copy(update=dict(
        version=2, menus=tuple(menus), hourly=tuple(hourly), hourly_menus=tuple(hourly_menus),
        discounts=tuple(discounts), segments=tuple(segments), cancelled_receipts=tuple(receipts),
        cash_denominations=tuple(denominations) if close.cash_count else None))


@st.composite
def mappings(draw) -> dict:
    """Random [targets.aspit] mappings: by kind or per item, some things left unmapped."""
    codes = st.integers(0, 19)
    return {
        "payment": draw(st.sampled_from([
            {}, {"by": "payment", "kinds": draw(st.dictionaries(st.sampled_from([k.value for k in PaymentKind]), codes))},
            {"by": "payment_item", "items": draw(st.dictionaries(
                st.sampled_from(["0001", "00000000000001000001", "42"]), codes))}])),
        "discount": draw(st.sampled_from([
            {}, {"by": "discount", "items": draw(st.dictionaries(st.sampled_from(["0001", "0002"]), st.integers(0, 13)))}])),
        "segment": {"codes": draw(st.dictionaries(st.sampled_from([f"US{i:020}" for i in range(4)]),
                                                  st.integers(0, 999_999_999)))},
    }


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(close=v2_closes(), mapping=mappings())
def test_every_feed_adds_up_to_the_close(close, mapping):
    """Σ payments = net sales; discounts, menus, hours, 客層 (sent + counted as unmapped) and
    cancelled receipts all equal the close's own totals: nothing is lost to その他."""
    close = DailyClose.model_validate(close.model_dump())  # the v2 overlap checks hold
    feeds = feeds_of(close, aspit_settings(stores={close.store.code: LINK}, **mapping))
    assert sorted(feeds) == sorted(FEEDS)
    sales, voids = sum(r.amount for r in close.sales), sum(r.amount for r in close.voids)

    def total(name, key):
        return sum(row["amount"] for row in feeds[name][key])

    daily = feeds["aspit-daily.json"]
    assert total("aspit-payments.json", "payments") == daily["net_sales_amount"] == sales - voids
    assert daily["gross_sales_amount"] == sales and daily["void_amount"] == voids
    assert total("aspit-discounts.json", "discounts") == daily["discount_amount"] == sum(
        r.amount for r in close.discounts or ())
    assert total("aspit-menus.json", "menus") == total("aspit-hourly-menus.json", "hourly_menus") == sum(
        r.amount for r in close.menus or ())
    assert total("aspit-hourly.json", "hourly") == (sales if close.hourly is not None else 0)
    segments = feeds["aspit-segments.json"]
    assert total("aspit-segments.json", "segments") + segments["unmapped_amount"] == sum(
        r.amount for r in close.segments or ())
    assert total("aspit-cancelled-receipts.json", "cancelled_receipts") == voids
    assert total("aspit-cancelled-receipt-lines.json", "cancelled_receipt_lines") == (
        voids if close.cancelled_receipts is not None else 0)
    assert sum(row["amount"] for row in daily["denominations"]) == (
        close.cash_count.counted if close.cash_denominations is not None else 0)
    codes = [row["code"] for row in feeds["aspit-payments.json"]["payments"]]
    assert len(codes) == len(set(codes)) and None not in codes[:-1], "one row per code, その他 last"


def test_shared_own_codes_are_sent_when_the_common_settings_ask():
    close_path = SAMPLE_CLOSES / "2025-01-11_0002.json"
    close = parse_close(close_path.read_text(encoding="utf-8"), str(close_path))
    own = feeds_of(close, aspit_settings(stores={"0002": LINK}, own_product_codes=True, own_category_codes=True))
    assert [(m["product_code"], m["parent_category_code"], m["child_category_code"])
            for m in own["aspit-menus.json"]["menus"]] == [("A1001", "P1", "C11"), ("A2001", "P2", "C21"),
                                                           ("A1002", "P1", "C12")]
    assert own["aspit-hourly-menus.json"]["hourly_menus"][0]["product_code"] == "A1001"
    register = feeds_of(close, aspit_settings(stores={"0002": LINK}))
    assert [(m["product_code"], m["parent_category_code"], m["child_category_code"])
            for m in register["aspit-menus.json"]["menus"]][0] == ("1001", "1", "11")
    bare = close.model_copy(update={"menus": tuple(m.model_copy(update={"own_code": None}) for m in close.menus),
                                    "masters": None})
    with pytest.raises(JournalgenError) as refused:
        build(bare, aspit_settings(stores={"0002": LINK}, own_product_codes=True), "aspit")
    assert refused.value.code == "ASPIT_OWN_CODE_MISSING" and "1001" in refused.value.message("en")


def run(tmp_path, toml: str, *args: str):
    config = tmp_path / "settings.toml"
    config.write_text(toml, encoding="utf-8")
    return CliRunner().invoke(cli, ["build", "--input", str(SAMPLE_CLOSES), "--config", str(config), "--target",
                                    "aspit", "--out", str(tmp_path / "out"), "--lang", "en", *args])


@pytest.mark.parametrize(("toml", "key", "limit"), [
    ('[targets.aspit.stores."0001"]\ncompany_code = "123456789"\nstore_code = "1"\n',
     "targets.aspit.stores.0001.company_code", "at most 8 digits"),
    ('[targets.aspit.stores."0001"]\ncompany_code = "1"\nstore_code = "12345"\n',
     "targets.aspit.stores.0001.store_code", "1 to 4 digits"),
    ('[targets.aspit.stores."0001"]\ncompany_code = 12345678\nstore_code = "1"\n',
     "targets.aspit.stores.0001.company_code", "must be a string"),
    ("[targets.aspit.payment]\nby = \"payment_item\"\nitems = {" + ", ".join(f'"{i}" = {i}' for i in range(21)) + "}\n",
     "targets.aspit.payment", "at most 20"),
    ("[targets.aspit.discount]\nby = \"discount\"\nitems = {" + ", ".join(f'"{i}" = {i}' for i in range(15)) + "}\n",
     "targets.aspit.discount", "at most 14"),
    ('[targets.aspit.segment.codes]\n"US1" = 1000000000\n', "targets.aspit.segment.codes.US1", "999999999"),
])
def test_a_bad_link_or_mapping_setting_exits_2_naming_the_key_and_the_limit(tmp_path, toml, key, limit):
    result = run(tmp_path, toml, "--date", "2025-01-10")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert key in result.stderr and limit in result.stderr, result.stderr


def test_a_store_day_outside_its_link_window_is_skipped_with_its_reason_and_exit_0(tmp_path):
    toml = ('[targets.aspit.stores."0001"]\ncompany_code = "12345678"\nstore_code = "1"\n'
            'link_start = 2025-01-11\nlink_end = 2025-01-12\n'
            '[targets.aspit.stores."0002"]\ncompany_code = "12345678"\nstore_code = "2"\nlinked = false\n')
    result = run(tmp_path, toml, "--from", "2025-01-10", "--to", "2025-01-13")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "  aspit: skipped, linked from 2025-01-11" in lines
    assert "  aspit: skipped, linked until 2025-01-12" in lines
    assert lines.count("  aspit: skipped, not linked (linked = false)") == 2
    out = tmp_path / "out"
    assert sorted(p.name for p in (out / "2025-01-11" / "0001").iterdir() if not p.name.startswith(".")) == sorted(FEEDS)
    assert not (out / "2025-01-10" / "0001").exists() or not any((out / "2025-01-10" / "0001").iterdir())


def test_a_store_without_link_settings_is_skipped_naming_the_table_to_add(tmp_path):
    result = run(tmp_path, "", "--date", "2025-01-10")
    assert result.exit_code == 0
    assert '  aspit: skipped, store 0001 has no [targets.aspit.stores."0001"] link settings' in result.output


def test_every_aspit_message_has_japanese_with_the_same_placeholders():
    ids = [cls.template for cls in vars(errors).values() if isinstance(cls, type) and issubclass(cls, errors.AspitError)
           and cls is not errors.AspitError]
    ids += [value for module in (options, mapping_csv) for name, value in vars(module).items() if name.endswith("_RULE")]
    japanese = catalog(errors.LOCALE_DIR, "ja")
    for msgid in ids:
        assert japanese.get(msgid), msgid
        assert sorted(f for _, f, _, _ in Formatter().parse(msgid) if f) == sorted(
            f for _, f, _, _ in Formatter().parse(japanese[msgid]) if f), msgid
