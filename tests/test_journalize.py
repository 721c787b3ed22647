"""The core's promises, for any close: balanced entries, every yen booked exactly once, sales per
(tax × payment) equal to Σsales − Σvoids, and the same input giving the same bytes."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import cash_movements, closes, sales, voids

from journalgen.close import CashCount, CashMovement, DailyClose, Sale, Store, TaxCategory, Void
from journalgen.errors import UnbalancedEntryError, UnreconciledError
from journalgen.journal import EntryKind, Journal
from journalgen.journal_target import render_csv, render_json
from journalgen.journalize import journalize
from journalgen.reconcile import check_journal
from journalgen.settings import JournalOptions, Settings, load_settings
from journalgen.tax import compute_tax

SAMPLE_SETTINGS = load_settings(Path(__file__).parents[1] / "journalgen" / "sample" / "settings.toml")


@st.composite
def full_closes(draw: st.DrawFn) -> DailyClose:
    """A close with at least one row of every event kind, each with yen in it: a sale, a void,
    a cash in, a cash out, and a cash count that is off."""
    close = draw(closes())
    some_yen = st.integers(1, 10**9)
    sale = draw(sales()).model_copy(update={"amount": draw(some_yen), "tax_amount": None})
    void = draw(voids(latest=close.business_date)).model_copy(update={"amount": draw(some_yen), "tax_amount": None})
    inward, outward = (draw(cash_movements).model_copy(update={"direction": d, "amount": draw(some_yen)})
                       for d in ("in", "out"))
    expected = draw(some_yen)
    counted = draw(st.integers(0, 2 * 10**9).filter(lambda n: n != expected))
    return close.model_copy(update={
        "sales": close.sales + (sale,),
        "voids": close.voids + (void,),
        "cash_movements": (*close.cash_movements, inward, outward),
        "cash_count": CashCount(expected=expected, counted=counted),
    })


def input_yen(close: DailyClose) -> int:
    total = sum(row.amount for row in (*close.sales, *close.voids, *close.cash_movements))
    return total + (abs(close.cash_count.difference) if close.cash_count else 0)


def assert_books_the_close(journal: Journal, close: DailyClose, rounding: str = "floor") -> None:
    """The invariants, computed here independently of journalgen.reconcile."""
    for entry in journal.entries:
        assert entry.debit == entry.credit > 0
        assert len({line.key for line in entry.lines}) == len(entry.lines)
    # every yen of the input is in exactly one entry
    assert sum(entry.amount for entry in journal.entries) == input_yen(close)
    cited = Counter(source for entry in journal.entries for source in entry.sources)
    assert all(count == 1 for count in cited.values())
    nonzero = {f"sales[{i}]" for i, r in enumerate(close.sales) if r.amount}
    nonzero |= {f"voids[{i}]" for i, r in enumerate(close.voids) if r.amount}
    nonzero |= {f"cash_movements[{i}]" for i, r in enumerate(close.cash_movements) if r.amount}
    assert nonzero <= set(cited)
    # sales lines per (tax × payment) are Σsales − Σvoids
    expected, booked = Counter(), Counter()
    for row in close.sales:
        expected[row.tax, row.payment] += row.amount
    for row in close.voids:
        expected[row.tax, row.payment] -= row.amount
    for _entry, line in journal.lines():
        if line.account == "売上高":
            booked[line.tax, line.payment] += line.amount if line.side == "credit" else -line.amount
    assert {k: v for k, v in expected.items() if v} == {k: v for k, v in booked.items() if v}
    # and so is their tax: the register's where given, else computed with the settings' rounding
    expected_tax, booked_tax = Counter(), Counter()
    for sign, rows in ((1, close.sales), (-1, close.voids)):
        for row in rows:
            tax = row.tax_amount if row.tax_amount is not None else compute_tax(row.amount, row.tax, rounding)
            expected_tax[row.tax] += sign * tax
    for _entry, line in journal.lines():
        if line.account == "売上高":
            booked_tax[line.tax] += line.tax_amount if line.side == "credit" else -line.tax_amount
    assert {k: v for k, v in expected_tax.items() if v} == {k: v for k, v in booked_tax.items() if v}


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(close=full_closes(), rounding=st.sampled_from(["floor", "round", "ceil"]))
def test_every_event_kind_balances_and_reconciles(close, rounding):
    settings = SAMPLE_SETTINGS.model_copy(update={"journal": JournalOptions(tax_rounding=rounding)})
    journal = journalize(close, settings)
    kinds = {entry.kind for entry in journal.entries}
    assert EntryKind.sale in kinds and EntryKind.void in kinds
    assert kinds & {EntryKind.cash_in, EntryKind.transfer_in} and kinds & {EntryKind.cash_out, EntryKind.transfer_out}
    assert kinds & {EntryKind.shortage, EntryKind.overage}
    assert_books_the_close(journal, close, rounding)


@settings(max_examples=300, deadline=None)
@given(close=closes(), grouping=st.sampled_from(["tax_payment", "payment_item", "row"]))
def test_every_grouping_reconciles_and_is_deterministic(close, grouping):
    options = Settings(journal={"sales_grouping": grouping})
    journal = journalize(close, options)
    assert_books_the_close(journal, close)
    again = journalize(DailyClose.model_validate_json(close.model_dump_json()), options)
    assert render_json(journal) == render_json(again)
    assert render_csv(journal, options) == render_csv(again, options)


def test_rows_with_one_key_sum_into_one_line():
    close = DailyClose(
        business_date="2025-01-10", store=Store(code="0001", name="店"),
        sales=(Sale(payment="cash", tax="standard_10", amount=1100, tax_amount=100),
               Sale(payment="cash", tax="standard_10", amount=2200, tax_amount=200),
               Sale(payment="credit", tax="standard_10", amount=550)),
    )
    journal = journalize(close, Settings())
    assert [(e.sources, e.amount, e.lines[1].tax_amount) for e in journal.entries] == [
        (("sales[0]", "sales[1]"), 3300, 300),
        (("sales[2]",), 550, 50),
    ]
    assert [line.item for line in journal.entries[1].lines] == ["【POS Regi】クレジット"] * 2
    assert journal.entries[1].lines[0].account == "売掛金"


def test_void_of_an_earlier_day_is_booked_on_the_void_day_with_receipt_and_date():
    close = DailyClose(
        business_date="2025-01-11", store=Store(code="0001", name="店"),
        voids=(Void(receipt_no="0000123", original_date="2025-01-09", payment="cash", tax="reduced_8",
                    amount=1080, tax_amount=80),),
    )
    (entry,) = journalize(close, Settings()).entries
    debit, credit = entry.lines
    assert (debit.side, debit.account, debit.tax, debit.tax_amount) == ("debit", "売上高", TaxCategory.reduced_8, 80)
    assert (credit.side, credit.account) == ("credit", "現金")
    assert "0000123" in debit.description and "2025-01-09" in debit.description


def test_unmapped_cash_reasons_go_to_suspense_never_to_an_expense():
    close = DailyClose.model_validate({
        "business_date": "2025-01-10", "store": {"code": "1", "name": "店"},
        "cash_movements": [{"direction": "out", "reason": "謎の出金", "amount": 500},
                           {"direction": "in", "reason": "謎の入金", "amount": 700}],
    })
    out, inward = journalize(close, Settings()).entries
    assert [(l.side, l.account, l.tax) for l in out.lines] == [
        ("debit", "仮払金", TaxCategory.out_of_scope), ("credit", "現金", TaxCategory.out_of_scope)]
    assert [(l.side, l.account) for l in inward.lines] == [("debit", "現金"), ("credit", "仮受金")]


@pytest.mark.parametrize(("counted", "kind", "accounts"), [
    (99_900, EntryKind.shortage, [("debit", "雑損失"), ("credit", "現金")]),
    (100_050, EntryKind.overage, [("debit", "現金"), ("credit", "雑収入")]),
])
def test_cash_difference(counted, kind, accounts):
    close = DailyClose(business_date="2025-01-10", store=Store(code="1", name="店"),
                       cash_count=CashCount(expected=100_000, counted=counted))
    (entry,) = journalize(close, Settings()).entries
    assert entry.kind is kind and entry.amount == abs(counted - 100_000)
    assert [(l.side, l.account) for l in entry.lines] == accounts


@pytest.mark.parametrize(("rounding", "tax"), [("floor", 99), ("round", 100), ("ceil", 100)])
def test_tax_is_computed_with_the_rounding_in_settings(rounding, tax):
    assert compute_tax(1099, TaxCategory.standard_10, rounding) == tax
    assert compute_tax(1099, TaxCategory.non_taxable, rounding) == 0


def test_the_checks_catch_a_tampered_journal():
    close = DailyClose(business_date="2025-01-10", store=Store(code="1", name="店"),
                       sales=(Sale(payment="cash", tax="standard_10", amount=1100),
                              Sale(payment="qr", tax="standard_10", amount=2200)))
    journal = journalize(close, Settings())
    first = journal.entries[0]
    lopsided = dataclasses.replace(first, lines=(dataclasses.replace(first.lines[0], amount=1000), first.lines[1]))
    with pytest.raises(UnbalancedEntryError):
        check_journal(dataclasses.replace(journal, entries=(lopsided, journal.entries[1])))
    with pytest.raises(UnreconciledError, match=r"sales\[1\] is booked 0 times"):
        check_journal(dataclasses.replace(journal, entries=journal.entries[:1]))
    with pytest.raises(UnreconciledError, match="booked 2 times"):
        check_journal(dataclasses.replace(journal, entries=journal.entries + journal.entries[1:]))


def _keys(close: DailyClose) -> dict[str, str]:
    """Entry key → description, for comparing two runs."""
    return {entry.key: entry.lines[0].description for entry in journalize(close, Settings()).entries}


def test_keys_follow_content_not_row_positions():
    sale = lambda payment, amount: Sale(payment=payment, tax="standard_10", amount=amount)
    movement = CashMovement(direction="out", reason="消耗品購入", amount=500)
    void = Void(receipt_no="0000123", original_date="2025-01-09", payment="cash", tax="standard_10", amount=1100)
    base = DailyClose(business_date="2025-01-10", store=Store(code="1", name="店"),
                      sales=(sale("cash", 3300), sale("credit", 2200)), voids=(void,),
                      cash_movements=(movement, movement))
    keys = _keys(base)
    assert len(keys) == 5  # the two identical movements are told apart

    reordered = base.model_copy(update={"sales": base.sales[::-1]})
    assert _keys(reordered) == keys

    new_group = base.model_copy(update={"sales": (sale("qr", 1000), *base.sales)})
    assert set(keys) < set(_keys(new_group)) and len(_keys(new_group)) == 6

    grown = base.model_copy(update={"sales": (sale("credit", 1100), *base.sales)})
    changed = set(keys) - set(_keys(grown))
    assert [keys[key] for key in changed] == ["クレジット 課税10%"]  # only the group that grew


def test_the_checks_catch_tax_that_is_not_the_registers():
    close = DailyClose(business_date="2025-01-10", store=Store(code="1", name="店"),
                       sales=(Sale(payment="cash", tax="reduced_8", amount=1080, tax_amount=79),))
    journal = journalize(close, Settings())
    (entry,) = journal.entries
    retaxed = tuple(dataclasses.replace(line, tax_amount=80) if line.side == "credit" else line for line in entry.lines)
    with pytest.raises(UnreconciledError, match="tax reduced_8 cash: register 79 yen, journal 80 yen"):
        check_journal(dataclasses.replace(journal, entries=(dataclasses.replace(entry, lines=retaxed),)))


# --- treatments, the 釣りなし excess, 売上返還, 取引先 and drawers (docs/accounting.md) ----------

DAY = DailyClose(business_date="2025-03-10", store=Store(code="0001", name="店"))


def booked(close: DailyClose, **data: object) -> Journal:
    return journalize(close, Settings.model_validate(data))


def test_points_as_a_discount_carry_the_sales_tax_and_cancel_it():
    close = DAY.model_copy(update={"sales": (Sale(payment="points", tax="standard_10", amount=1100, tax_amount=100),)})
    (entry,) = booked(close, payments={"points": {"treatment": "discount"}}).entries
    debit, credit = entry.lines
    assert (debit.account, debit.tax, debit.tax_amount) == ("売上値引高", TaxCategory.standard_10, 100)
    assert (credit.account, credit.tax, credit.tax_amount) == ("売上高", TaxCategory.standard_10, 100)


def test_own_vouchers_as_a_liability_debit_it_out_of_scope_and_the_account_can_be_named():
    close = DAY.model_copy(update={"sales": (Sale(payment="gift_change", tax="reduced_8", amount=1080),)})
    (entry,) = booked(close, payments={"gift_change": {"treatment": "liability"}}).entries
    assert (entry.lines[0].account, entry.lines[0].tax) == ("前受金", TaxCategory.out_of_scope)
    (entry,) = booked(close, payments={"gift_change": {"treatment": "liability", "account": "商品券"}}).entries
    assert entry.lines[0].account == "商品券"


def test_a_voucher_excess_is_income_not_sales_and_booked_once():
    close = DailyClose.model_validate({**DAY.model_dump(), "sales": [
        {"payment": "gift_no_change", "tax": "standard_10", "amount": 4800}],
        "gift_no_change_excess": [{"amount": 200}]})
    journal = journalize(close, Settings())
    excess = journal.entries[-1]
    assert excess.sources == ("gift_no_change_excess[0]",) and excess.books_excess
    assert [(line.side, line.account, line.amount, line.tax) for line in excess.lines] == [
        ("debit", "売掛金", 200, TaxCategory.out_of_scope), ("credit", "雑収入", 200, TaxCategory.out_of_scope)]
    assert journal.net_sales() == 4800


def test_only_voids_of_earlier_days_become_sales_returns():
    earlier = Void(receipt_no="1", original_date="2025-03-09", payment="cash", tax="standard_10", amount=1100)
    same_day = earlier.model_copy(update={"receipt_no": "2", "original_date": DAY.business_date})
    untaxed = earlier.model_copy(update={"receipt_no": "3", "tax": TaxCategory.non_taxable})
    close = DAY.model_copy(update={"voids": (earlier, same_day, untaxed)})
    returned = [entry.lines[0].sales_return for entry in booked(close, journal={"earlier_day_voids": "sales_return"}).entries]
    assert returned == [True, False, False]
    assert not any(entry.lines[0].sales_return for entry in booked(close).entries)


@pytest.mark.parametrize(("day", "due"), [("2025-01-10", "2025-02-15"), ("2025-01-31", "2025-02-15"),
                                          ("2025-12-31", "2026-01-15")])
def test_month_end_closing_paid_the_15th_of_the_next_month(day: str, due: str):
    close = DailyClose(business_date=day, store=DAY.store, sales=(
        Sale(payment="credit", payment_item={"id": "7", "name": "Visa"}, tax="standard_10", amount=1100),
        Sale(payment="credit", tax="standard_10", amount=2200)))
    journal = booked(close, payments={"credit": {"partner": "カード会社", "partners": {"7": "三井住友カード"},
                                                 "due": {"closing_day": 31, "months_later": 1, "day": 15}}})
    assert [(entry.lines[0].partner, str(entry.lines[0].due_date)) for entry in journal.entries] == [
        ("カード会社", due), ("三井住友カード", due)]


def test_a_closing_day_past_the_month_end_and_a_pay_day_past_the_next_one():
    close = DailyClose(business_date="2025-01-21", store=DAY.store, sales=(
        Sale(payment="qr", tax="standard_10", amount=1100),))
    journal = booked(close, payments={"qr": {"due": {"closing_day": 20, "months_later": 1, "day": 31}}})
    assert str(journal.entries[0].lines[0].due_date) == "2025-03-31"  # closes 2-20, paid at March's end


def test_a_store_drawer_is_the_sub_account_of_every_cash_line_of_that_store_only():
    close = DAY.model_copy(update={"sales": (Sale(payment="cash", tax="standard_10", amount=1100),),
                                   "cash_count": CashCount(expected=1100, counted=1000)})
    journal = booked(close, stores={"0001": {"cash_drawer": "本店レジ"}})
    cash_lines = [line for _, line in journal.lines() if line.account == "現金"]
    assert len(cash_lines) == 2 and {line.sub_account for line in cash_lines} == {"本店レジ"}
    assert all(line.sub_account is None for _, line in journal.lines() if line.account != "現金")
    assert all(line.sub_account is None for _, line in booked(close, stores={"0002": {"cash_drawer": "x"}}).lines())


def test_new_line_fields_leave_the_keys_of_lines_without_them_unchanged():
    close = DAY.model_copy(update={"sales": (Sale(payment="cash", tax="standard_10", amount=1100),)})
    assert [entry.key for entry in booked(close).entries] == [
        entry.key for entry in booked(close, payments={"credit": {"partner": "x"}}).entries]
