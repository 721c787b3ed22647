"""The 弥生 target, case by case: bookings, cp932 and length rules, fiscal period, determinism,
file splitting, and the stable key that lets a re-sent voucher be recognised."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_yayoi_properties import SAMPLE_SETTINGS, import_files, render_yayoi, yayoi_settings
from test_yayoi_reader import read_import_file

from journalgen.build import build
from journalgen.close import CashCount, CashMovement, DailyClose, PaymentItem, PaymentKind, Sale, Store, Void
from journalgen.errors import MissingFiscalPeriodError, OutOfFiscalPeriodError, SettingsError
from journalgen.i18n import translate
from journalgen.journalize import journalize
from journalgen.settings import CashReason, FiscalPeriod, PaymentBooking, Settings
from journalgen_yayoi import errors
from journalgen_yayoi.errors import TextTooLongError, TextTooWideError, UnencodableTextError, UnmappedTaxError
from journalgen_yayoi.options import REPLACEMENT_RULE

SAMPLE_CLOSES = sorted((Path(__file__).parents[1] / "journalgen" / "sample" / "closes").glob("*.json"))
DAY = dt.date(2025, 1, 10)
PERIOD = SAMPLE_SETTINGS.company.fiscal_period


def a_close(store_name: str = "サンプル食堂 本店", **rows: object) -> DailyClose:
    """A close on 2025-01-10 with one cash and one card sale unless `rows` say otherwise."""
    rows.setdefault("sales", (
        Sale(payment="cash", tax="standard_10", amount=3300, tax_amount=300),
        Sale(payment="credit", payment_item=PaymentItem(id="0001", name="Visa"), tax="reduced_8",
             amount=1080, tax_amount=80),
    ))
    return DailyClose(business_date=DAY, store=Store(code="0001", name=store_name), **rows)


def lines_of(outputs: dict[str, bytes]) -> list:
    return [line for file in import_files(outputs) for voucher in read_import_file(file, PERIOD)
            for line in voucher.lines]


def smart_records(outputs: dict[str, bytes]) -> list[dict]:
    return json.loads(outputs["yayoi-smart.json"])["records"]


# --- registration and the sample ------------------------------------------------------------

@pytest.mark.parametrize("path", SAMPLE_CLOSES, ids=[path.stem for path in SAMPLE_CLOSES])
def test_every_sample_day_builds_both_outputs_through_the_plugin_system(path):
    close = DailyClose.model_validate_json(path.read_text(encoding="utf-8"))
    outputs = build(close, SAMPLE_SETTINGS, target="yayoi", source=path.name)
    assert set(outputs) == {"yayoi-smart.json", "yayoi-import.csv"}
    journal = journalize(close, SAMPLE_SETTINGS)
    vouchers = read_import_file(outputs["yayoi-import.csv"], PERIOD)
    assert [voucher.memo for voucher in vouchers] == [f"journalgen:{entry.key}" for entry in journal.entries]
    assert [record["id"] for record in smart_records(outputs)] == [entry.key for entry in journal.entries]


def test_unknown_option_is_a_settings_error_naming_it():
    with pytest.raises(SettingsError) as caught:
        build(a_close(), yayoi_settings(sectoins=True), target="yayoi")
    assert caught.value.field == "targets.yayoi.sectoins"


# --- bookings ---------------------------------------------------------------------------------

def test_sales_debit_cash_or_receivable_with_the_payment_label_and_credit_sales_with_its_tax():
    cash, card = lines_of(render_yayoi(a_close(), SAMPLE_SETTINGS))
    assert (cash.debit.account, cash.debit.sub_account, cash.debit.tax_category) == ("現金", "", "対象外")
    assert (cash.credit.account, cash.credit.tax_category, cash.credit.amount, cash.credit.tax_amount) == (
        "売上高", "課税売上込10%", 3300, 300)
    assert (card.debit.account, card.debit.sub_account) == ("売掛金", "クレジット")
    assert (card.credit.tax_category, card.credit.amount, card.credit.tax_amount) == ("課税売上込軽減8%", 1080, 80)
    assert card.debit.section == card.credit.section == "0001:サンプル食堂 本店"


def test_sections_are_left_empty_unless_asked_for():
    lines = lines_of(render_yayoi(a_close(), yayoi_settings(sections=False)))
    assert {line.debit.section for line in lines} | {line.credit.section for line in lines} == {""}


def test_payment_item_as_sub_account():
    _, card = lines_of(render_yayoi(a_close(), yayoi_settings("payment_item", sub_account="payment_item")))
    assert card.debit.sub_account == "Visa"


def test_a_void_swaps_sides_and_names_the_receipt_and_original_date():
    void = Void(receipt_no="0000123", original_date=dt.date(2025, 1, 9), payment="credit", tax="standard_10",
                amount=1100, tax_amount=100)
    (line,) = lines_of(render_yayoi(a_close(sales=(), voids=(void,)), SAMPLE_SETTINGS))
    assert (line.debit.account, line.debit.tax_category, line.debit.amount, line.debit.tax_amount) == (
        "売上高", "課税売上込10%", 1100, 100)
    assert (line.credit.account, line.credit.sub_account, line.credit.amount) == ("売掛金", "クレジット", 1100)
    assert "0000123" in line.description and "2025-01-09" in line.description
    (record,) = smart_records(render_yayoi(a_close(sales=(), voids=(void,)), SAMPLE_SETTINGS))
    assert (record["収支"], record["取引手段"], record["勘定科目"]) == ("支出", "売掛金", "売上高")


def test_cash_movements_and_cash_difference():
    close = a_close(sales=(), cash_movements=(
        CashMovement(direction="out", reason="消耗品購入", amount=1650),
        CashMovement(direction="out", reason="雑費立替", amount=500),
        CashMovement(direction="in", reason="釣銭補充", amount=30000),
    ), cash_count=CashCount(expected=1000, counted=900))
    supplies, advance, change, shortage = lines_of(render_yayoi(close, SAMPLE_SETTINGS))
    assert (supplies.debit.account, supplies.debit.tax_category, supplies.debit.tax_amount) == (
        "消耗品費", "課対仕入込10%", 150)
    assert (advance.debit.account, advance.credit.account) == ("仮払金", "現金")
    assert (change.debit.account, change.credit.account) == ("現金", "普通預金")
    assert (shortage.debit.account, shortage.credit.account, shortage.debit.amount) == ("雑損失", "現金", 100)


def test_a_purchase_side_tax_without_a_yayoi_name_is_refused_until_named():
    settings = SAMPLE_SETTINGS.model_copy(update={
        "cash_movements": {"輸出経費": CashReason(account="支払手数料", tax="export")}})
    close = a_close(sales=(), cash_movements=(CashMovement(direction="out", reason="輸出経費", amount=500),))
    with pytest.raises(UnmappedTaxError) as caught:
        render_yayoi(close, settings)
    assert caught.value.code == "YAYOI_UNMAPPED_TAX" and "export" in caught.value.message("ja")
    named = settings.model_copy(update={"targets": {"yayoi": {"purchase_tax_categories": {"export": "対象外"}}}})
    (line,) = lines_of(render_yayoi(close, named))
    assert line.debit.tax_category == "対象外"


def test_an_amount_over_nine_digits_becomes_a_multi_line_voucher_that_balances():
    sale = Sale(payment="cash", tax="standard_10", amount=2_500_000_000, tax_amount=227_272_727)
    outputs = render_yayoi(a_close(sales=(sale,)), SAMPLE_SETTINGS)
    (voucher,) = read_import_file(outputs["yayoi-import.csv"], PERIOD)
    assert [line.flag for line in voucher.lines] == ["2110", "2100", "2101"]
    assert [line.cells["タイプ"] for line in voucher.lines] == ["3", "3", "3"]  # 振替伝票
    assert [line.credit.amount for line in voucher.lines] == [833_333_334, 833_333_333, 833_333_333]
    assert sum(line.credit.tax_amount for line in voucher.lines) == 227_272_727
    assert voucher.debit_total == voucher.credit_total == 2_500_000_000
    assert smart_records(outputs)[0]["金額"] == 2_500_000_000


def test_a_multi_line_void_and_cash_out_spread_their_taxed_debit_over_the_lines():
    void = Void(receipt_no="0000009", original_date=dt.date(2025, 1, 9), payment="credit", tax="standard_10",
                amount=2_000_000_000, tax_amount=181_818_181)
    paid_out = CashMovement(direction="out", reason="消耗品購入", amount=1_500_000_001)
    outputs = render_yayoi(a_close(sales=(), voids=(void,), cash_movements=(paid_out,)), SAMPLE_SETTINGS)
    refund, supplies = read_import_file(outputs["yayoi-import.csv"], PERIOD)
    assert [(line.flag, line.cells["タイプ"]) for line in refund.lines] == [
        ("2110", "3"), ("2100", "3"), ("2101", "3")]
    assert [(line.debit.account, line.debit.amount, line.debit.tax_amount) for line in refund.lines] == [
        ("売上高", 666_666_667, 60_606_061), ("売上高", 666_666_667, 60_606_060),
        ("売上高", 666_666_666, 60_606_060)]
    assert [(line.credit.account, line.credit.amount, line.credit.tax_amount) for line in refund.lines] == [
        ("売掛金", 666_666_667, 0), ("売掛金", 666_666_667, 0), ("売掛金", 666_666_666, 0)]
    # 1,500,000,001 yen at 10%, tax floored: 136,363,636.
    assert [(line.flag, line.debit.account, line.debit.tax_category, line.debit.amount, line.debit.tax_amount)
            for line in supplies.lines] == [("2110", "消耗品費", "課対仕入込10%", 750_000_001, 68_181_818),
                                            ("2101", "消耗品費", "課対仕入込10%", 750_000_000, 68_181_818)]
    assert [(line.credit.account, line.credit.amount, line.credit.tax_amount) for line in supplies.lines] == [
        ("現金", 750_000_001, 0), ("現金", 750_000_000, 0)]
    assert [record["税額"] for record in smart_records(outputs)] == [181_818_181, 136_363_636]


def test_a_day_without_entries_gives_an_empty_import_file_and_no_records():
    outputs = render_yayoi(a_close(sales=()), SAMPLE_SETTINGS)
    assert outputs["yayoi-import.csv"] == b"" and smart_records(outputs) == []


def test_single_line_flag_2111_writes_one_line_transfer_slips():
    lines = lines_of(render_yayoi(a_close(), yayoi_settings(single_line_flag="2111")))
    assert [(line.flag, line.cells["タイプ"]) for line in lines] == [("2111", "3"), ("2111", "3")]  # 振替伝票
    journal_lines = lines_of(render_yayoi(a_close(), yayoi_settings(single_line_flag="2000")))
    assert [(line.flag, line.cells["タイプ"]) for line in journal_lines] == [("2000", "0"), ("2000", "0")]  # 仕訳


def test_default_tax_category_names_as_yayoi_writes_them():
    """The defaults, spelled out here rather than read from the target's options."""
    reasons = {f"経費{tax}": CashReason(account="消耗品費", tax=tax)
               for tax in ("standard_10", "reduced_8", "old_8", "non_taxable", "out_of_scope")}
    settings = Settings.model_validate({
        "company": {"fiscal_period": {"start": "2025-01-01", "end": "2025-12-31"}},
        "cash_movements": {reason: booking.model_dump() for reason, booking in reasons.items()}})
    sales = tuple(Sale(payment="cash", tax=tax, amount=1000)
                  for tax in ("standard_10", "reduced_8", "old_8", "non_taxable", "export", "out_of_scope"))
    cash_outs = tuple(CashMovement(direction="out", reason=reason, amount=1000) for reason in reasons)
    lines = lines_of(render_yayoi(a_close(sales=sales, cash_movements=cash_outs), settings))
    assert [line.credit.tax_category for line in lines[:6]] == [
        "課税売上込10%", "課税売上込軽減8%", "課税売上込8%", "非課売上", "輸出売上", "対象外"]
    assert [line.debit.tax_category for line in lines[6:]] == [
        "課対仕入込10%", "課対仕入込軽減8%", "課対仕入込8%", "非課仕入", "対象外"]
    # The payment side (現金) is always 対象外.
    assert {line.debit.tax_category for line in lines[:6]} | {line.credit.tax_category for line in lines[6:]} == {
        "対象外"}


# --- cp932 and lengths ------------------------------------------------------------------------

def test_a_store_name_cp932_cannot_encode_is_an_error_naming_field_and_character():
    with pytest.raises(UnencodableTextError) as caught:
        render_yayoi(a_close(store_name="𠮷野家"), SAMPLE_SETTINGS)
    error = caught.value
    assert error.code == "YAYOI_UNENCODABLE"
    assert error.field == "借方部門" and error.value == "0001:𠮷野家"
    assert "借方部門" in error.message("en") and "𠮷" in error.message("en") and "U+20BB7" in error.message("en")
    assert "借方部門" in error.message("ja") and "𠮷" in error.message("ja") and "表せない文字" in error.message("ja")


def test_unencodable_characters_are_replaced_by_the_documented_rule_when_asked():
    outputs = render_yayoi(a_close(store_name="𠮷野家〜😀"), yayoi_settings(unencodable="replace"))
    assert {line.debit.section for line in lines_of(outputs)} == {"0001:〓野家～〓"}
    assert smart_records(outputs)[0]["部門"] == "0001:〓野家～〓"
    dash = render_yayoi(a_close(store_name="A—B ¥"), yayoi_settings(unencodable="replace"))
    assert lines_of(dash)[0].debit.section == "0001:A―B ￥"


def test_jis_code_points_are_written_as_their_cp932_twins_in_both_outputs():
    outputs = render_yayoi(a_close(store_name="〜−"), SAMPLE_SETTINGS)
    assert lines_of(outputs)[0].debit.section == smart_records(outputs)[0]["部門"] == "0001:～－"


def test_a_custom_replacement():
    custom = render_yayoi(a_close(store_name="𠮷野家"), yayoi_settings(unencodable="replace", replacement="吉"))
    assert lines_of(custom)[0].debit.section == "0001:吉野家"
    # A JIS code point is written as its cp932 twin, in both outputs, like any other text.
    wave = render_yayoi(a_close(store_name="𠮷"), yayoi_settings(unencodable="replace", replacement="〜"))
    assert lines_of(wave)[0].debit.section == smart_records(wave)[0]["部門"] == "0001:～"


@pytest.mark.parametrize("replacement", ["😀", "\r\n", "\n", "\t", "\x85", "", "〓〓"])
def test_the_replacement_must_be_one_cp932_character_and_not_a_control_character(replacement):
    with pytest.raises(SettingsError) as caught:
        build(a_close(), yayoi_settings(unencodable="replace", replacement=replacement), target="yayoi")
    error = caught.value
    assert (error.code, error.field, error.value) == (
        "INVALID_SETTINGS", "targets.yayoi.replacement", json.dumps(replacement, ensure_ascii=False))
    assert error.message("en").startswith(f"{SAMPLE_SETTINGS.file_name}: ")
    assert REPLACEMENT_RULE in error.message("en")
    assert "Shift_JIS (cp932) で表せる1文字にしてください" in error.message("ja")  # from the plugin's catalog


def test_line_breaks_in_text_become_spaces():
    settings = SAMPLE_SETTINGS.model_copy(update={"naming": SAMPLE_SETTINGS.naming.model_copy(
        update={"sales_description": "{{ payment_label }}\n売上"})})
    assert lines_of(render_yayoi(a_close(), settings))[0].description == "現金 売上"


def test_decomposed_text_is_composed_before_the_cp932_rules():
    # macOS writes が as か + U+3099 (NFD); cp932 has no U+3099 alone.
    settings = SAMPLE_SETTINGS.model_copy(update={"cash_movements": {
        "か\u3099ス代": CashReason(account="水道光熱費"), "\u212b\ufa10": CashReason(account="仮払金")}})
    close = a_close(sales=(), cash_movements=(CashMovement(direction="out", reason="か\u3099ス代", amount=500),
                                              CashMovement(direction="out", reason="\u212b\ufa10", amount=100)))
    outputs = render_yayoi(close, settings)
    gas, other = lines_of(outputs)
    assert gas.description == smart_records(outputs)[0]["摘要"] == "出金 がス代"
    # Characters without marks are kept as they are: whole-text NFC would make the Å of cp932
    # (U+212B ANGSTROM SIGN) U+00C5, which cp932 lacks, and 塚 (U+FA10) U+585A.
    assert other.description == "出金 \u212b\ufa10"


def test_an_account_name_over_twelve_characters_is_an_error_or_truncated_when_asked():
    settings = SAMPLE_SETTINGS.model_copy(update={"accounts": SAMPLE_SETTINGS.accounts.model_copy(
        update={"sales": "売上高（ポスレジ店舗売上分）"})})
    with pytest.raises(TextTooLongError) as caught:
        render_yayoi(a_close(), settings)
    assert (caught.value.code, caught.value.field) == ("YAYOI_TOO_LONG", "貸方勘定科目")
    assert "14" in caught.value.message("ja") and "12 文字" in caught.value.message("ja")
    truncated = settings.model_copy(update={"targets": {"yayoi": {"overlong": "truncate"}}})
    assert lines_of(render_yayoi(a_close(), truncated))[0].credit.account == "売上高（ポスレジ店舗売上"


def test_a_sub_account_over_fifteen_characters_is_an_error():
    settings = Settings.model_validate({"payments": {"credit": {"label": "クレジットカード（国際ブランド）"}},
                                        "company": {"fiscal_period": {"start": "2025-01-01", "end": "2025-12-31"}}})
    with pytest.raises(TextTooLongError) as caught:
        render_yayoi(a_close(), settings)
    assert caught.value.field == "借方補助科目"


def test_a_sub_account_of_fifteen_full_width_characters_is_too_wide_for_the_desktop():
    settings = SAMPLE_SETTINGS.model_copy(update={"payments": {
        **SAMPLE_SETTINGS.payments,
        PaymentKind.credit: PaymentBooking(label="クレジットカード国際ブランド", account="売掛金")}})
    with pytest.raises(TextTooWideError) as caught:
        render_yayoi(a_close(), settings)
    assert caught.value.field == "借方補助科目" and "28" in caught.value.message("ja")
    truncated = settings.model_copy(update={"targets": {"yayoi": {"overlong": "truncate"}}})
    assert lines_of(render_yayoi(a_close(), truncated))[1].debit.sub_account == "クレジットカード国際ブラ"


def test_a_description_wider_than_64_columns_is_an_error_or_cut_on_a_character_boundary():
    settings = SAMPLE_SETTINGS.model_copy(update={"naming": SAMPLE_SETTINGS.naming.model_copy(
        update={"sales_description": "a" + "売" * 40})})
    with pytest.raises(TextTooWideError) as caught:
        render_yayoi(a_close(), settings)
    assert caught.value.field == "摘要" and "81" in caught.value.message("en")
    truncated = settings.model_copy(update={"targets": {"yayoi": {"overlong": "truncate"}}})
    description = lines_of(render_yayoi(a_close(), truncated))[0].description
    assert description == "a" + "売" * 31 and len(description.encode("cp932")) == 63


def test_every_message_has_japanese():
    for error in (errors.UnencodableTextError, errors.TextTooLongError, errors.TextTooWideError,
                  errors.UnmappedTaxError, errors.VoucherTooLongError):
        assert translate(error.template, "ja", errors.LOCALE_DIR) != error.template, error.__name__
    assert "制御文字" in translate(REPLACEMENT_RULE, "ja", errors.LOCALE_DIR)


# --- fiscal period ----------------------------------------------------------------------------

def test_a_day_outside_the_fiscal_period_is_refused_with_the_shared_rule():
    close = a_close().model_copy(update={"business_date": dt.date(2026, 1, 5)})
    with pytest.raises(OutOfFiscalPeriodError) as caught:
        render_yayoi(close, SAMPLE_SETTINGS)
    assert caught.value.code == "OUT_OF_FISCAL_PERIOD"
    assert "当年会計期間外" in caught.value.message("ja") and "2026-01-05" in caught.value.message("en")


def test_the_run_override_of_the_fiscal_period_is_honoured():
    close = a_close().model_copy(update={"business_date": dt.date(2026, 1, 5)})
    settings = SAMPLE_SETTINGS.model_copy(update={
        "fiscal_period_override": FiscalPeriod(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))})
    assert "yayoi-import.csv" in render_yayoi(close, settings)
    with pytest.raises(OutOfFiscalPeriodError):
        render_yayoi(a_close(), settings)


def test_no_fiscal_period_at_all_is_refused():
    with pytest.raises(MissingFiscalPeriodError):
        render_yayoi(a_close(), Settings())


# --- determinism, splitting, keys -------------------------------------------------------------

def test_same_input_gives_the_same_bytes_even_in_another_process():
    script = (
        "import hashlib, sys; from pathlib import Path; from journalgen.build import build;"
        "from journalgen.close import DailyClose; from journalgen.settings import load_settings;"
        f"s = load_settings(Path({str(Path(__file__).parents[1] / 'journalgen/sample/settings.toml')!r}));"
        f"c = DailyClose.model_validate_json(Path({str(SAMPLE_CLOSES[0])!r}).read_text());"
        "o = build(c, s, target='yayoi');"
        "print(hashlib.sha256(b''.join(k.encode() + o[k] for k in sorted(o))).hexdigest())"
    )
    digests = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                              env={"PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    close = DailyClose.model_validate_json(SAMPLE_CLOSES[0].read_text(encoding="utf-8"))
    here = build(close, SAMPLE_SETTINGS, target="yayoi")
    assert digests == {hashlib.sha256(b"".join(k.encode() + here[k] for k in sorted(here))).hexdigest() + "\n"}


def many_sales(count: int) -> tuple[Sale, ...]:
    return tuple(Sale(payment="cash", tax="standard_10", amount=110 + index, tax_amount=10) for index in range(count))


def test_a_day_of_exactly_1000_lines_is_one_file():
    outputs = render_yayoi(a_close(sales=many_sales(1000)), yayoi_settings("row"))
    assert list(outputs) == ["yayoi-smart.json", "yayoi-import.csv"]
    assert len(read_import_file(outputs["yayoi-import.csv"], PERIOD)) == 1000


def test_a_day_of_1001_lines_is_split_into_1000_and_1():
    outputs = render_yayoi(a_close(sales=many_sales(1001)), yayoi_settings("row"))
    assert list(outputs) == ["yayoi-smart.json", "yayoi-import-1.csv", "yayoi-import-2.csv"]
    first, second = (read_import_file(outputs[name], PERIOD) for name in ("yayoi-import-1.csv", "yayoi-import-2.csv"))
    assert (len(first), len(second)) == (1000, 1)
    assert second[0].lines[0].credit.amount == 110 + 1000


def test_a_day_of_more_than_1000_lines_is_split_into_numbered_files_without_splitting_a_voucher():
    big = Sale(payment="cash", tax="standard_10", amount=2_000_000_000, tax_amount=0)
    outputs = render_yayoi(a_close(sales=(*many_sales(999), big)), yayoi_settings("row"))
    assert list(outputs) == ["yayoi-smart.json", "yayoi-import-1.csv", "yayoi-import-2.csv"]
    first, second = (read_import_file(outputs[name], PERIOD) for name in ("yayoi-import-1.csv", "yayoi-import-2.csv"))
    assert (len(first), len(second)) == (999, 1)
    assert [line.flag for line in second[0].lines] == ["2110", "2100", "2101"]
    assert outputs == render_yayoi(a_close(sales=(*many_sales(999), big)), yayoi_settings("row"))


def test_the_key_can_also_end_the_description_and_is_never_cut():
    settings = SAMPLE_SETTINGS.model_copy(update={
        "naming": SAMPLE_SETTINGS.naming.model_copy(update={"sales_description": "売" * 40}),
        "targets": {"yayoi": {"key_in_description": True, "overlong": "truncate"}}})
    key = journalize(a_close(), settings).entries[0].key
    description = lines_of(render_yayoi(a_close(), settings))[0].description
    assert description == "売" * 23 + f" #{key}" and len(description.encode("cp932")) == 64


def test_every_voucher_and_record_carries_the_stable_entry_key_and_a_resend_keeps_it():
    close = a_close()
    journal = journalize(close, SAMPLE_SETTINGS)
    outputs = render_yayoi(close, SAMPLE_SETTINGS)
    keys = [entry.key for entry in journal.entries]
    assert len(set(keys)) == len(keys)
    assert [line.memo for line in lines_of(outputs)] == [f"journalgen:{key}" for key in keys]
    assert [(record["id"], record["仕訳メモ"]) for record in smart_records(outputs)] == [
        (key, f"journalgen:{key}") for key in keys]
    # A re-send of the same day carries the same keys; a corrected day keeps the keys of what did
    # not change, so only the new voucher is new.
    assert render_yayoi(close, SAMPLE_SETTINGS) == outputs
    corrected = close.model_copy(update={"sales": (*close.sales, Sale(payment="qr", tax="standard_10", amount=550))})
    new_memos = {line.memo for line in lines_of(render_yayoi(DailyClose.model_validate(corrected.model_dump()),
                                                             SAMPLE_SETTINGS))}
    assert {f"journalgen:{key}" for key in keys} < new_memos and len(new_memos) == len(keys) + 1
