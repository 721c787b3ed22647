"""The まかせてネットEX target: its feeds' sums equal the close's for random v2 closes and mappings,
the shipped schemas, the link settings and their limits, and the mapping CSV's own columns."""

from __future__ import annotations

import json
from pathlib import Path
from string import Formatter

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings as hypothesis_settings
from journalgen_makasete import errors, options
from journalgen_makasete.feeds import FEEDS, feed_schema_text
from test_aspit import mappings, v2_closes

from journalgen.build import build
from journalgen.cli import cli
from journalgen.close import DailyClose
from journalgen.i18n import catalog
from journalgen.inputs import SAMPLE_CLOSES
from journalgen.settings import Settings

ROOT = Path(__file__).parents[1]
SCHEMAS = {name: jsonschema.Draft202012Validator(json.loads(
    (ROOT / "schemas" / f"{name.removesuffix('.json')}.schema.json").read_text(encoding="utf-8")))
    for name in FEEDS}
LINK = {"company_code": "12345", "store_code": "067890"}


def feeds_of(close: DailyClose, settings: Settings) -> dict[str, dict]:
    outputs = build(close, settings, "makasete")
    for name, data in outputs.items():
        SCHEMAS[name].validate(json.loads(data))
    return {name: json.loads(data) for name, data in outputs.items()}


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_each_feed_has_its_schema_in_schemas(name):
    shipped = (ROOT / "schemas" / f"{name.removesuffix('.json')}.schema.json").read_text(encoding="utf-8")
    assert shipped == feed_schema_text(name), "regenerate: .venv/bin/python -m journalgen_makasete.feeds schemas/"


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(close=v2_closes(), mapping=mappings())
def test_every_feed_adds_up_to_the_close(close, mapping):
    """Σ payments (hourly file and settlement) = Σ per tax = net sales; discounts, products, cash
    and 客層 (sent + counted as unmapped) equal the close's own totals: nothing is lost to その他."""
    close = DailyClose.model_validate(close.model_dump())
    settings = Settings.model_validate({"targets": {"makasete": {"stores": {close.store.code: LINK}, **mapping}}})
    feeds = feeds_of(close, settings)
    assert sorted(feeds) == sorted(FEEDS)
    sales, voids = sum(r.amount for r in close.sales), sum(r.amount for r in close.voids)

    def total(name, key):
        return sum(row["amount"] for row in feeds[name][key])

    day, settlement = feeds["makasete-sales.json"], feeds["makasete-settlement.json"]
    assert day["net_sales_amount"] == settlement["net_sales_amount"] == sales - voids
    assert total("makasete-payments-hourly.json", "payments") == total("makasete-settlement.json", "payments") == (
        sales - voids) == total("makasete-sales.json", "taxes")
    assert day["gross_sales_amount"] == sales and day["void_amount"] == voids
    assert total("makasete-settlement.json", "discounts") == day["discount_amount"] == sum(
        r.amount for r in close.discounts or ())
    assert total("makasete-sales-details.json", "details") == sum(r.amount for r in close.menus or ())
    assert total("makasete-settlement.json", "segments") + settlement["unmapped_amount"] == sum(
        r.amount for r in close.segments or ())
    movements = feeds["makasete-cash-movements.json"]
    assert total("makasete-cash-movements.json", "movements") == movements["cash_in_amount"] + movements[
        "cash_out_amount"] == sum(r.amount for r in close.cash_movements)
    assert total("makasete-cash-denominations.json", "denominations") == (
        close.cash_count.counted if close.cash_denominations is not None else 0)
    codes = [row["code"] for row in settlement["payments"]]
    assert len(codes) == len(set(codes)) and None not in codes[:-1], "one row per code, その他 last"


def run(tmp_path, toml: str, *args: str):
    config = tmp_path / "settings.toml"
    config.write_text(toml, encoding="utf-8")
    return CliRunner().invoke(cli, ["build", "--config", str(config), "--target", "makasete", "--out",
                                    str(tmp_path / "out"), "--input", str(SAMPLE_CLOSES), "--lang", "en", *args])


@pytest.mark.parametrize(("toml", "key", "limit"), [
    ('[targets.makasete.stores."0001"]\ncompany_code = "123456"\nstore_code = "1"\n',
     "targets.makasete.stores.0001.company_code", "1 to 5 digits"),
    ('[targets.makasete.stores."0001"]\ncompany_code = "1"\nstore_code = "1234567"\n',
     "targets.makasete.stores.0001.store_code", "1 to 6 digits"),
    ('[targets.makasete.stores."0001"]\ncompany_code = 12345\nstore_code = "1"\n',
     "targets.makasete.stores.0001.company_code", "must be a string"),
    ("[targets.makasete.payment]\nby = \"payment_item\"\nitems = {" + ", ".join(f'"{i}" = {i}' for i in range(21))
     + "}\n", "targets.makasete.payment", "at most 20"),
])
def test_a_bad_link_or_mapping_setting_exits_2_naming_the_key_and_the_limit(tmp_path, toml, key, limit):
    result = run(tmp_path, toml, "--date", "2025-01-10")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert key in result.stderr and limit in result.stderr, result.stderr


def test_a_store_day_outside_its_link_window_is_skipped_and_the_others_built(tmp_path):
    toml = ('[targets.makasete.stores."0001"]\ncompany_code = "1"\nstore_code = "1"\n'
            'link_start = 2025-01-11\nlink_end = 2025-01-11\n')
    result = run(tmp_path, toml, "--from", "2025-01-10", "--to", "2025-01-12")
    assert result.exit_code == 0, result.output
    assert "  makasete: skipped, linked from 2025-01-11" in result.output.splitlines()
    assert "  makasete: skipped, linked until 2025-01-11" in result.output.splitlines()
    day = tmp_path / "out" / "2025-01-11" / "0001"
    assert sorted(p.name for p in day.iterdir() if not p.name.startswith(".")) == sorted(FEEDS)


def test_the_mapping_csv_round_trips_under_makasete_column_names(tmp_path):
    config = tmp_path / "settings.toml"
    config.write_text("", encoding="utf-8")
    edited = tmp_path / "edited.csv"
    edited.write_bytes("支払科目ID,店舗表示名,まかせてネット支払区分\r\n00000000000001000001,Visa,11\r\n".encode("cp932"))
    args = ["mapping", "import", "--target", "makasete", "--kind", "payment", "--config", str(config), "--lang", "en"]
    unset = CliRunner().invoke(cli, [*args, str(edited)])
    assert unset.exit_code == 1 and "[targets.makasete] names no mapping_file" in unset.stderr, unset.stderr
    config.write_text('[targets.makasete]\nmapping_file = "makasete-mapping.json"\n', encoding="utf-8")
    exported = tmp_path / "payment.csv"
    result = CliRunner().invoke(cli, ["mapping", "export", "--target", "makasete", "--kind", "payment",
                                      "--config", str(config), "--lang", "en", str(exported)])
    assert result.exit_code == 0, result.output
    assert exported.read_bytes().decode("cp932").splitlines()[0] == "支払科目ID,店舗表示名,まかせてネット支払区分"
    edited.write_bytes("支払科目ID,店舗表示名,まかせてネット支払区分\r\n00000000000001000001,Visa,11\r\n0042,x,abc\r\n"
                       .encode("cp932"))
    refused = CliRunner().invoke(cli, [*args, str(edited)])
    assert refused.exit_code == 1 and "line 3, まかせてネット支払区分" in refused.stderr, refused.stderr
    edited.write_bytes("支払科目ID,店舗表示名,まかせてネット支払区分\r\n00000000000001000001,Visa,11\r\n".encode("cp932"))
    applied = CliRunner().invoke(cli, [*args, str(edited)])
    assert applied.exit_code == 0, applied.stderr
    assert json.loads((tmp_path / "makasete-mapping.json").read_text(encoding="utf-8")) == {
        "payment": {"by": "payment_item", "items": {"00000000000001000001": 11}}}


def test_every_makasete_message_has_japanese_with_the_same_placeholders():
    japanese = catalog(errors.LOCALE_DIR, "ja")
    for msgid in (options.COMPANY_CODE_RULE, options.STORE_CODE_RULE, errors.MappingFileNotSetError.template):
        assert japanese.get(msgid), msgid
        assert [f for _, f, _, _ in Formatter().parse(msgid) if f] == [
            f for _, f, _, _ in Formatter().parse(japanese[msgid]) if f]
