"""Properties of the freee target for any close, including days whose groups pass freee's 100
details per deal: the deals book exactly the neutral journal's sales per (tax code × 品目), the
cash payments are exactly the net cash sales, every cash movement and cash difference is booked
once, and every body validates against freee's schema."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from journalgen_freee import FreeeRequests, deal_bodies
from journalgen_freee.options import DEFAULT_TAX_CODES
from strategies import closes
from test_freee_schema import SAMPLE_SETTINGS, assert_valid

from journalgen.close import DailyClose, PaymentKind, Store
from journalgen.journal import EntryKind, Journal
from journalgen.journalize import journalize
from journalgen.settings import Settings

FREEE = SAMPLE_SETTINGS.target_section("freee")
SALES_ID = FREEE["account_items"]["売上高"]
CASH_ID = FREEE["account_items"]["現金"]
CASH = SAMPLE_SETTINGS.accounts.cash
TAX_CODES = {**DEFAULT_TAX_CODES, **{category: code for category, code in FREEE["tax_codes"].items()}}
STORE = Store(code="0001", name="サンプル食堂 本店")  # a store the sample settings have a 部門 for


def variant(sales_grouping: str, sales_deals: str) -> Settings:
    return SAMPLE_SETTINGS.model_copy(update={
        "journal": SAMPLE_SETTINGS.journal.model_copy(update={"sales_grouping": sales_grouping}),
        "targets": {**SAMPLE_SETTINGS.targets, "freee": {**FREEE, "sales_deals": sales_deals}},
    })


def nonzero(counter: Counter[tuple[int, int]]) -> dict[tuple[int, int], int]:
    return {key: value for key, value in counter.items() if value}


VARIANTS = {(grouping, deals): variant(grouping, deals)
            for grouping in ("tax_payment", "payment_item", "row") for deals in ("per_payment_kind", "per_day")}


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(close=closes(), variant_key=st.sampled_from(sorted(VARIANTS)))
def test_deals_book_the_journal_exactly_and_validate(close: DailyClose, variant_key: tuple[str, str]):
    settings = VARIANTS[variant_key]
    journal = journalize(close.model_copy(update={"store": STORE}), settings, "close.json")
    assert_books_the_journal(journal, deal_bodies(journal, settings))


MANY_ROWS = {deals: variant("row", deals) for deals in ("per_payment_kind", "per_day")}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(close=closes(min_rows=90, max_rows=160), kind=st.sampled_from(PaymentKind),
       sales_deals=st.sampled_from(sorted(MANY_ROWS)))
def test_days_over_100_details_are_split_and_still_book_the_journal_exactly(
    close: DailyClose, kind: PaymentKind, sales_deals: str
):
    """One detail per input row: per day, the day's sales are one group of 90 rows or more; per
    payment kind, every sale is moved to one kind so that its group passes 100 too (the voids
    keep their kinds)."""
    if sales_deals == "per_payment_kind":
        close = close.model_copy(update={"sales": tuple(sale.model_copy(update={"payment": kind})
                                                        for sale in close.sales)})
    settings = MANY_ROWS[sales_deals]
    journal = journalize(close.model_copy(update={"store": STORE}), settings, "close.json")
    requests = deal_bodies(journal, settings)
    assert all(len(deal["details"]) <= 100 for deal in requests.deals)
    assert_books_the_journal(journal, requests)


def assert_books_the_journal(journal: Journal, requests: FreeeRequests) -> None:
    """The bodies validate; Σ detail amounts per (tax code × 品目) of the sales deals and the
    売上高 lines of manual journals equals the journal's sales lines; their Σ payments and 現金
    lines equal net cash sales; every cash movement and cash
    difference is one deal or transfer for its amount."""
    assert_valid(requests)

    expected_sales: Counter[tuple[int, int]] = Counter()
    expected_cash = 0
    for entry in journal.entries:
        if entry.kind in (EntryKind.sale, EntryKind.void):
            sign, side = (1, "credit") if entry.kind is EntryKind.sale else (-1, "debit")
            line = next(line for line in entry.lines if line.side == side)
            expected_sales[(TAX_CODES[line.tax], FREEE["items"][line.item])] += sign * line.amount
            if any(other.account == CASH for other in entry.lines if other is not line):
                expected_cash += sign * line.amount

    booked_sales: Counter[tuple[int, int]] = Counter()
    booked_cash = 0
    for deal in requests.deals:
        sign = 1 if deal["type"] == "income" else -1
        total = sum(detail["amount"] for detail in deal["details"])
        paid = sum(payment["amount"] for payment in deal.get("payments", []))
        assert total > 0, deal["ref_number"]
        assert 0 < paid <= total or "payments" not in deal, deal["ref_number"]
        if all(detail["account_item_id"] == SALES_ID for detail in deal["details"]):
            for detail in deal["details"]:
                booked_sales[(detail["tax_code"], detail["item_id"])] += sign * detail["amount"]
            booked_cash += sign * paid
    for manual in requests.manual_journals:  # refunds a positive deal cannot hold
        for detail in manual["details"]:
            sign = 1 if detail["entry_side"] == "debit" else -1
            if detail["account_item_id"] == SALES_ID:
                booked_sales[(detail["tax_code"], detail["item_id"])] -= sign * detail["amount"]
            elif detail["account_item_id"] == CASH_ID:
                booked_cash += sign * detail["amount"]

    assert nonzero(booked_sales) == nonzero(expected_sales)
    assert booked_cash == expected_cash

    others = [entry for entry in journal.entries if entry.kind not in (EntryKind.sale, EntryKind.void)]
    non_sales = [deal for deal in requests.deals if deal["details"][0]["account_item_id"] != SALES_ID]
    assert len(non_sales) + len(requests.transfers) == len(others)
    moved = sum(deal["payments"][0]["amount"] for deal in non_sales)
    moved += sum(transfer["to_walletables"][0]["amount"] for transfer in requests.transfers)
    assert moved == sum(entry.amount for entry in others)
