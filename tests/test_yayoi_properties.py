"""Properties of the 弥生 target for any close: every file parses with the independent reader,
Σ売上高 per 税区分 and every voucher's Σ税金額 equal the neutral journal, and every voucher
carries its entry's key."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import REASONS, closes
from test_yayoi_reader import read_import_file

from journalgen.close import CashMovement, DailyClose, PaymentKind, Store, TaxCategory, Void
from journalgen.journal import Journal
from journalgen.journalize import journalize
from journalgen.settings import Settings, load_settings
from journalgen_yayoi import plugin
from journalgen_yayoi.options import YayoiOptions

SAMPLE_SETTINGS = load_settings(Path(__file__).parents[1] / "journalgen" / "sample" / "settings.toml")
SALES = SAMPLE_SETTINGS.accounts.sales


def yayoi_settings(grouping: str = "tax_payment", **yayoi: object) -> Settings:
    """The sample settings with another sales grouping and `[targets.yayoi]` keys."""
    return SAMPLE_SETTINGS.model_copy(update={
        "journal": SAMPLE_SETTINGS.journal.model_copy(update={"sales_grouping": grouping}),
        "targets": {**SAMPLE_SETTINGS.targets, "yayoi": {**SAMPLE_SETTINGS.target_section("yayoi"), **yayoi}},
    })


def render_yayoi(close: DailyClose, settings: Settings) -> dict[str, bytes]:
    """What `build(close, settings, target="yayoi")` returns, without loading other plugins."""
    journal = journalize(close, settings, source="close.json")
    options = YayoiOptions.model_validate(settings.target_section("yayoi"))
    plugin.check(journal, settings, options)
    return plugin.render(journal, settings, options)


def import_files(outputs: dict[str, bytes]) -> list[bytes]:
    """The 弥生インポート形式 files of one build, in order: `yayoi-import.csv` alone, or
    `yayoi-import-1.csv`, `-2.csv` … numbered without gaps."""
    numbered = {int(match.group(1)): data for name, data in outputs.items()
                if (match := re.fullmatch(r"yayoi-import-([0-9]+)\.csv", name))}
    if "yayoi-import.csv" in outputs:
        assert not numbered
        return [outputs["yayoi-import.csv"]]
    assert sorted(numbered) == list(range(1, len(numbered) + 1)) and len(numbered) > 1
    return [numbered[number] for number in sorted(numbered)]


def journal_sales_by_category(journal: Journal, options: YayoiOptions) -> Counter[str]:
    """Σ売上高 (credit − debit) and Σ税額 per 弥生 税区分, from the neutral journal."""
    totals: Counter[str] = Counter()
    for _, line in journal.lines():
        if line.account == SALES:
            sign = 1 if line.side == "credit" else -1
            name = options.sales_tax_categories[line.tax]
            totals[name] += sign * line.amount
            totals[f"税額 {name}"] += sign * line.tax_amount
    return totals


def file_sales_by_category(data: list[bytes], settings: Settings) -> Counter[str]:
    """The same totals, read from the import files by the independent reader."""
    totals: Counter[str] = Counter()
    for file in data:
        for voucher in read_import_file(file, settings.fiscal_period_for("")):
            for line in voucher.lines:
                for sign, side in ((1, line.credit), (-1, line.debit)):
                    if side.account == SALES:
                        totals[side.tax_category] += sign * side.amount
                        totals[f"税額 {side.tax_category}"] += sign * side.tax_amount
    return totals


def non_zero(totals: Counter[str]) -> dict[str, int]:
    """Every total that is not 0, negative ones included (a refund-heavy day)."""
    return {name: total for name, total in totals.items() if total}


def check_close(close: DailyClose, settings: Settings) -> None:
    """Render `close` and check every property of the import files and the smart records."""
    journal = journalize(close, settings)
    options = YayoiOptions.model_validate(settings.target_section("yayoi"))
    outputs = render_yayoi(close, settings)
    files = import_files(outputs)
    assert all(len(file.split(b"\r\n")) - 1 <= 1000 for file in files)
    vouchers = [voucher for file in files for voucher in read_import_file(file, settings.fiscal_period_for(""))]
    # One voucher per entry, in journal order, each carrying its entry's stable key.
    assert [voucher.memo for voucher in vouchers] == [f"journalgen:{entry.key}" for entry in journal.entries]
    assert all(line.memo == voucher.memo for voucher in vouchers for line in voucher.lines)
    assert [voucher.debit_total for voucher in vouchers] == [entry.amount for entry in journal.entries]
    # Each voucher carries its entry's tax per side, however its lines split it.
    assert [(sum(line.debit.tax_amount for line in voucher.lines),
             sum(line.credit.tax_amount for line in voucher.lines)) for voucher in vouchers] == [
        tuple(sum(line.tax_amount for line in entry.lines if line.side == side) for side in ("debit", "credit"))
        for entry in journal.entries]
    assert non_zero(file_sales_by_category(files, settings)) == non_zero(journal_sales_by_category(journal, options))
    # Both renderings write the same words: the smart records match the vouchers' first lines.
    records = json.loads(outputs["yayoi-smart.json"])["records"]
    assert [(r["id"], r["金額"], r["摘要"], r["部門"]) for r in records] == [
        (v.memo.removeprefix("journalgen:"), v.debit_total, v.lines[0].description,
         v.lines[0].credit.section if r["収支"] == "収入" else v.lines[0].debit.section)
        for r, v in zip(records, vouchers, strict=True)]
    assert outputs["yayoi-smart.json"].endswith(b"}\n")


@settings(max_examples=700, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(close=closes())
def test_any_close_parses_and_matches_the_journal(close):
    check_close(close, SAMPLE_SETTINGS)


names = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=40)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    close=closes(),
    store_name=names,
    grouping=st.sampled_from(["tax_payment", "payment_item", "row"]),
    sub_account=st.sampled_from(["payment_label", "payment_item", "none"]),
    single_line_flag=st.sampled_from(["2000", "2111"]),
    key_in_description=st.booleans(),
)
def test_any_store_name_renders_when_replacing_and_truncating(close, store_name, grouping, sub_account,
                                                               single_line_flag, key_in_description):
    """With replacement and truncation asked for, any text renders and still parses exactly."""
    close = close.model_copy(update={"store": Store(code=close.store.code, name=store_name)})
    check_close(close, yayoi_settings(grouping, sections=True, sub_account=sub_account,
                                      single_line_flag=single_line_flag, key_in_description=key_in_description,
                                      unencodable="replace",
                                      overlong="truncate"))


over_nine_digits = st.integers(1_000_000_000, 30_000_000_000)
big_voids = st.builds(Void, receipt_no=st.just("0000001"), original_date=st.just(dt.date(2025, 1, 1)),
                      payment=st.sampled_from(PaymentKind), tax=st.sampled_from(TaxCategory), amount=over_nine_digits)
big_cash_outs = st.builds(CashMovement, direction=st.just("out"), reason=st.sampled_from(REASONS),
                          amount=over_nine_digits)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(close=closes(max_rows=4), voids=st.lists(big_voids, max_size=3), cash_outs=st.lists(big_cash_outs, max_size=3))
def test_voids_and_cash_outs_over_nine_digits_split_their_tax_over_the_voucher_lines(close, voids, cash_outs):
    """Voids and cash outs are the vouchers with a taxed 借方: when they span several lines, the
    lines' 税金額 still add up to the entry's, and Σ売上高 per 税区分 still matches."""
    check_close(DailyClose.model_validate({**close.model_dump(), "voids": [*close.voids, *voids],
                                           "cash_movements": [*close.cash_movements, *cash_outs]}),
                SAMPLE_SETTINGS)
