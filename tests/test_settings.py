"""Settings: shipped defaults, the documented example file, and clear refusals (exit 2)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from journalgen.cli import cli
from journalgen.errors import SettingsError
from journalgen.settings import FiscalPeriod, Settings, load_settings

ROOT = Path(__file__).parents[1]


def test_the_documented_example_loads_and_overrides_what_it_says():
    settings = load_settings(ROOT / "docs" / "settings.example.toml")
    assert settings.fiscal_period_for("0001") == FiscalPeriod(start="2025-04-01", end="2026-03-31")
    assert settings.fiscal_period_for("0002") == FiscalPeriod(start="2025-01-01", end="2025-12-31")
    assert settings.payments["gift_no_change"].account == "受取商品券"
    assert settings.payments["gift_no_change"].label == "商品券(釣りなし)"  # merged with the default
    assert settings.cash_movements["釣銭補充"].transfer


def test_every_settings_key_is_in_the_example_file():
    example = (ROOT / "docs" / "settings.example.toml").read_text(encoding="utf-8")
    for section, model in Settings.model_fields.items():
        if section == "fiscal_period_override":
            continue
        assert f"[{section}" in example, section
        annotation = model.annotation
        for key in getattr(annotation, "model_fields", {}):
            assert f"{key} =" in example, f"{section}.{key}"


def test_defaults_need_no_file():
    settings = load_settings(None)
    assert settings == Settings()
    assert settings.payments["cash"].account == "現金" and settings.payments["qr"].account == "売掛金"


def test_payment_accounts_follow_the_accounts_section_unless_a_kind_names_its_own():
    settings = Settings.model_validate({
        "accounts": {"cash": "小口現金", "receivable": "未収入金"},
        "payments": {"qr": {"label": "PayPay"}, "points": {"account": "ポイント未収金"}},
    })
    assert settings.payments["cash"].account == "小口現金"
    assert settings.payments["credit"].account == "未収入金"
    assert (settings.payments["qr"].label, settings.payments["qr"].account) == ("PayPay", "未収入金")
    assert (settings.payments["points"].label, settings.payments["points"].account) == ("ポイント", "ポイント未収金")


def test_a_run_can_name_its_fiscal_period():
    settings = Settings(company={"fiscal_period": {"start": "2025-01-01", "end": "2025-12-31"}})
    override = settings.model_copy(update={"fiscal_period_override": FiscalPeriod.parse("2024-01-01..2024-12-31")})
    assert dt.date(2024, 6, 1) in override.fiscal_period_for("0001")


@pytest.mark.parametrize(("text", "field", "value"), [
    ("[acounts]\nsales = 'x'\n", "acounts", ""),
    ("[journal]\nsales_grouping = 'weekly'\n", "journal.sales_grouping", '"weekly"'),
    ("[company]\nfiscal_period = { start = 2025-12-31, end = 2025-01-01 }\n", "company.fiscal_period", ""),
    ("[naming]\nitem = '{{ payment_label '\n", "naming.item", ""),
    ("fiscal_period_override = { start = 2025-01-01, end = 2025-12-31 }\n", "fiscal_period_override", ""),
    ("[company\n", "", ""),
    ("[naming]\nitem = '{{ nope }}'\n", "naming.item", ""),
    ("[naming]\nitem = '{{ receipt_no }}'\n", "naming.item", ""),  # only void descriptions get it
    ("[naming]\nitem = '{{ [payment, tax]|random }}'\n", "naming.item", ""),  # same day, same names
    ('payments = "x"\n', "payments", '"x"'),
    ("tax_labels = 1\n", "tax_labels", "1"),
    ('[accounts]\ncash = ""\n', "accounts.cash", '""'),
    ('[cash_movements."両替"]\naccount = ""\n', "cash_movements.両替.account", '""'),
])
def test_bad_settings_name_the_key_and_exit_2(tmp_path, text, field, value):
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    assert caught.value.file == str(path) and caught.value.field.startswith(field) and value in caught.value.value

    result = CliRunner().invoke(cli, ["build", "--config", str(path), "--out", str(tmp_path / "out"), "--lang", "en"])
    assert result.exit_code == 2
    assert "[INVALID_SETTINGS]" in result.stderr and str(path) in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_bad_target_section_names_the_settings_file_and_the_key(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text("[targets.yayoi]\nsectoins = true\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--config", str(path), "--target", "yayoi",
                                      "--out", str(tmp_path / "out"), "--lang", "en"])
    assert result.exit_code == 2
    assert f"[INVALID_SETTINGS] {path}: the settings cannot be used" in result.stderr
    assert "targets.yayoi.sectoins = true: unknown field" in result.stderr


def test_a_section_for_a_target_that_is_not_installed_is_refused_before_anything_is_built(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text("[targets.fre]\ncompany_id = 1\n", encoding="utf-8")
    for command in (["build", "--target", "journal"], ["review", "--date", "2025-01-10"]):
        result = CliRunner().invoke(cli, [*command, "--config", str(path), "--out", str(tmp_path / "out"), "--lang", "en"])
        assert result.exit_code == 2, result.output
        assert "targets.fre: no installed target has this name; installed targets: aspit, flaro, freee, journal, makasete, yayoi" in result.stderr
    assert not (tmp_path / "out").exists()
