"""The FLARO target: its feeds' sums equal the close's for random v2 closes, the shipped schemas,
the link and webhook settings and their limits, 共通設定, and the 支払種別 CSV."""

from __future__ import annotations

import json
from pathlib import Path
from string import Formatter

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st
from journalgen_flaro import errors, options
from journalgen_flaro.feeds import FEEDS, feed_schema_text
from test_aspit import v2_closes

from journalgen.build import build
from journalgen.cli import cli
from journalgen.close import DailyClose
from journalgen.errors import JournalgenError
from journalgen.i18n import catalog
from journalgen.inputs import SAMPLE_CLOSES, parse_close
from journalgen.settings import Settings

ROOT = Path(__file__).parents[1]
SCHEMAS = {name: jsonschema.Draft202012Validator(json.loads(
    (ROOT / "schemas" / f"{name.removesuffix('.json')}.schema.json").read_text(encoding="utf-8")))
    for name in FEEDS}
SAMPLE = SAMPLE_CLOSES / "2025-01-11_0002.json"


def flaro_settings(**flaro) -> Settings:
    return Settings.model_validate({"targets": {"flaro": flaro}})


def feeds_of(close: DailyClose, settings: Settings) -> dict[str, dict]:
    outputs = build(close, settings, "flaro")
    for name, data in outputs.items():
        SCHEMAS[name].validate(json.loads(data))
    return {name: json.loads(data) for name, data in outputs.items()}


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_each_feed_has_its_schema_in_schemas(name):
    shipped = (ROOT / "schemas" / f"{name.removesuffix('.json')}.schema.json").read_text(encoding="utf-8")
    assert shipped == feed_schema_text(name), "regenerate: .venv/bin/python -m journalgen_flaro.feeds schemas/"


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(close=v2_closes(), store_code=st.from_regex(r"[0-9]{1,10}", fullmatch=True))
def test_every_feed_adds_up_to_the_close(close, store_code):
    """Σ payments = net sales; discounts, products, hours and cancelled checks equal the close's."""
    close = DailyClose.model_validate(close.model_dump())
    feeds = feeds_of(close, flaro_settings(stores={close.store.code: {"store_code": store_code}}))
    assert sorted(feeds) == sorted(FEEDS)
    sales, voids = sum(r.amount for r in close.sales), sum(r.amount for r in close.voids)

    def total(name, key):
        return sum(row["amount"] for row in feeds[name][key])

    settlement = feeds["flaro-settlement.json"]
    assert total("flaro-payments.json", "payments") == settlement["net_sales_amount"] == sales - voids
    assert total("flaro-discounts.json", "discounts") == settlement["discount_amount"] == sum(
        r.amount for r in close.discounts or ())
    assert total("flaro-products.json", "products") == total("flaro-products-hourly.json", "products_hourly") == sum(
        r.amount for r in close.menus or ())
    assert total("flaro-hourly.json", "hourly") == (sales if close.hourly is not None else 0)
    assert total("flaro-media.json", "media") == sum(r.amount for r in close.media or ())
    assert total("flaro-checks.json", "cancelled_checks") == voids
    keys = [(row["payment_type"], row["import_code"]) for row in feeds["flaro-payments.json"]["payments"]]
    assert len(keys) == len(set(keys)) and all(row["store_code"] == store_code for row in feeds.values())


def test_own_codes_are_sent_when_the_common_settings_ask_and_refused_when_missing():
    close = parse_close(SAMPLE.read_text(encoding="utf-8"), str(SAMPLE))
    link = {"0002": {"store_code": "1"}}
    own = feeds_of(close, flaro_settings(stores=link, own_product_codes=True, own_category_codes=True))
    assert [(p["product_code"], p["parent_category_code"], p["child_category_code"])
            for p in own["flaro-products.json"]["products"]][0] == ("A1001", "P1", "C11")
    bare = close.model_copy(update={"menus": tuple(m.model_copy(update={"own_code": None}) for m in close.menus),
                                    "masters": None})
    with pytest.raises(JournalgenError) as refused:
        build(bare, flaro_settings(stores=link, own_product_codes=True), "flaro")
    assert refused.value.code == "FLARO_OWN_CODE_MISSING" and "[targets.flaro]" in refused.value.message("en")


@pytest.mark.parametrize(("toml", "key", "limit"), [
    ('[targets.flaro.stores."0001"]\nstore_code = "12345678901"\n', "targets.flaro.stores.0001.store_code",
     "at most 10 digits"),
    ('[targets.flaro.stores."0001"]\nstore_code = 1\n', "targets.flaro.stores.0001.store_code", "must be a string"),
    ('[targets.flaro]\nwebhook_url = "http://flaro.example/hook"\n', "targets.flaro.webhook_url", "https://"),
])
def test_a_bad_setting_exits_2_naming_the_key_and_the_limit(tmp_path, toml, key, limit):
    config = tmp_path / "settings.toml"
    config.write_text(toml, encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--config", str(config), "--target", "flaro", "--input",
                                      str(SAMPLE_CLOSES), "--out", str(tmp_path / "out"), "--lang", "en"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert key in result.stderr and limit in result.stderr, result.stderr


def test_the_payment_csv_lists_each_payment_item_with_its_20_digit_import_code_as_text(tmp_path):
    exported = tmp_path / "支払種別.csv"
    args = ["--target", "flaro", "--kind", "payment", "--input", str(SAMPLE_CLOSES), "--lang", "en", str(exported)]
    result = CliRunner().invoke(cli, ["mapping", "export", *args])
    assert result.exit_code == 0, result.output
    lines = exported.read_bytes().decode("cp932").split("\r\n")
    assert lines[0] == "支払種目,支払科目名称,取込コード"
    assert "1,Visa,00000000000001000001" in lines
    refused = CliRunner().invoke(cli, ["mapping", "import", *args])
    assert refused.exit_code == 1 and "FLARO_EXPORT_ONLY" in refused.stderr


def test_every_flaro_message_has_japanese_with_the_same_placeholders():
    ids = [cls.template for cls in vars(errors).values() if isinstance(cls, type) and issubclass(cls, errors.FlaroError)
           and cls is not errors.FlaroError]
    ids += [options.STORE_CODE_RULE, options.WEBHOOK_RULE, "✓ {where}: delivered {key}",
            "✗ {where}: {key} not delivered ({reason}); the next send delivers it", "· {where}: would deliver {key}"]
    japanese = catalog(errors.LOCALE_DIR, "ja")
    for msgid in ids:
        assert japanese.get(msgid), msgid
        assert sorted(f for _, f, _, _ in Formatter().parse(msgid) if f) == sorted(
            f for _, f, _, _ in Formatter().parse(japanese[msgid]) if f), msgid
