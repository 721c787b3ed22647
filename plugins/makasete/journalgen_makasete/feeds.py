"""The eight まかせてネットEX data items (seed 001 §1-1) as journalgen lays them out: one JSON file each.

Every file starts with the same header (format, business date, まかせてネット and register codes);
money is integer yen in fields named `…amount`. A version 1 close gives every file with what it
knows: the sections it lacks are empty lists, and counts it cannot know are `null`.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import defaultdict
from pathlib import Path

from journalgen_aspit.mappings import (
    OTHER_DISCOUNTS,
    OTHER_PAYMENTS,
    discount_code,
    payment_code,
    payment_name,
    segment_code,
)
from journalgen_aspit.options import AspitMapping
from pydantic import Field

from journalgen.close import DailyClose, TaxCategory
from journalgen.feeds import FeedModel, sales_tax, schema_text
from journalgen.journal import Journal
from journalgen.settings import Settings
from journalgen_makasete.options import MakaseteStore


class Header(FeedModel):
    """What every file starts with: which feed, which day, which store on both sides."""

    format: str = Field(description="journalgen-<file>/<layout version>, e.g. journalgen-makasete-sales/1")
    business_date: dt.date
    company_code: str = Field(description="まかせてネット企業コード (1–5 digits, as text)")
    store_code: str = Field(description="まかせてネット店舗コード (1–6 digits, as text)")
    pos_store_code: str = Field(description="the register's 店舗コード")
    pos_store_name: str


class TaxRow(FeedModel):
    """Net sales (sales − voids) of one tax category, tax-inclusive."""

    tax: TaxCategory
    amount: int


class SalesFeed(Header):
    """売上データ: the day's totals, and net sales per tax category."""

    gross_sales_amount: int
    void_amount: int
    net_sales_amount: int
    tax_amount: int
    discount_amount: int
    customers: int | None
    receipts: int | None
    void_receipts: int
    taxes: list[TaxRow]


class DetailRow(FeedModel):
    """One product sold: the register's codes, quantity, tax-inclusive yen before discounts."""

    product_code: str
    product_name: str
    category_code: str | None
    tax: TaxCategory
    quantity: int
    amount: int
    tax_amount: int | None


class SalesDetailsFeed(Header):
    """売上データ詳細: sales per product (none from a version 1 close)."""

    details: list[DetailRow]


class DenominationRow(FeedModel):
    """One note or coin of the counted cash: how many, and their yen."""

    denomination: int
    count: int
    amount: int


class CashDenominationsFeed(Header):
    """金種別現金在高: the counted cash per note and coin, with the expected and counted totals."""

    cash_expected_amount: int | None
    cash_counted_amount: int | None
    cash_difference_amount: int | None
    denominations: list[DenominationRow]


class MovementRow(FeedModel):
    """One 入金 (`in`) or 出金 (`out`) at the register."""

    direction: str
    reason: str
    amount: int


class CashMovementsFeed(Header):
    """入出金データ: each cash movement, and the day's totals in and out."""

    cash_in_amount: int
    cash_out_amount: int
    movements: list[MovementRow]


class ProductRow(FeedModel):
    """One product of the register's master (or, without one, of the day's sales)."""

    product_code: str
    product_name: str
    own_code: str | None
    category_code: str | None


class ProductsFeed(Header):
    """商品マスタ: the products the close's masters and sales know, by 商品コード."""

    products: list[ProductRow]


class CategoryRow(FeedModel):
    """One product category, with its parent."""

    category_code: str
    category_name: str
    parent_category_code: str | None
    own_code: str | None


class CategoriesFeed(Header):
    """商品カテゴリマスタ: the categories of the close's masters, by code."""

    categories: list[CategoryRow]


class CodeRow(FeedModel):
    """One mapped code (null: その他) and the register's names and yen mapped to it."""

    code: int | None
    name: str
    count: int
    amount: int


class PaymentRow(FeedModel):
    """One mapped 支払種別 code (null: その他支払種別): sales − voids of the payments mapped to it."""

    code: int | None
    name: str
    amount: int


class PaymentsHourlyFeed(Header):
    """支払種別明細: net sales (sales − voids) per mapped 支払種別 code as at 閉局; `code: null` is
    その他支払種別. The close has no payments per hour: this is the day's state the hourly send
    of seed 001 would carry last."""

    payments: list[PaymentRow]


class SegmentRow(FeedModel):
    """One 客層 code and the 客層 (客層種別名:選択項目名) mapped to it."""

    code: int
    name: str
    customers: int
    amount: int


class SettlementFeed(Header):
    """精算レポート: net sales by payment code, discounts by code, 客層 by code (unmapped ones
    counted), cash in, out and counted."""

    net_sales_amount: int
    payments: list[PaymentRow]
    discounts: list[CodeRow]
    segments: list[SegmentRow]
    unmapped_segments: int
    unmapped_customers: int
    unmapped_amount: int
    cash_in_amount: int
    cash_out_amount: int
    cash_counted_amount: int | None
    cash_difference_amount: int | None


FEEDS: dict[str, type[Header]] = {
    "makasete-sales.json": SalesFeed,
    "makasete-sales-details.json": SalesDetailsFeed,
    "makasete-cash-denominations.json": CashDenominationsFeed,
    "makasete-cash-movements.json": CashMovementsFeed,
    "makasete-products.json": ProductsFeed,
    "makasete-categories.json": CategoriesFeed,
    "makasete-payments-hourly.json": PaymentsHourlyFeed,
    "makasete-settlement.json": SettlementFeed,
}
"""Each file まかせてネットEX gets per store-day, and its model (whose JSON Schema is in `schemas/`)."""


def _grouped(rows: list[tuple[int | None, str, int, int]], other: str) -> list[CodeRow]:
    """(code, name, count, amount) rows summed per code, in code order with その他 (None, named
    `other`) last; a code's name lists the register's names mapped to it."""
    names: dict[int | None, list[str]] = defaultdict(list)
    counts: dict[int | None, int] = defaultdict(int)
    amounts: dict[int | None, int] = defaultdict(int)
    for code, name, count, amount in rows:
        if name not in names[code]:
            names[code].append(name)
        counts[code] += count
        amounts[code] += amount
    order = sorted(names, key=lambda code: (code is None, code or 0))
    return [CodeRow(code=code, name=other if code is None else "、".join(names[code]), count=counts[code],
                    amount=amounts[code]) for code in order]


def _products(close: DailyClose) -> list[ProductRow]:
    """The master's products, then any product sold that the master lacks, by code."""
    found = {row.code: ProductRow(product_code=row.code, product_name=row.name, own_code=row.own_code,
                                  category_code=row.category_code)
             for row in (close.masters.products if close.masters else ())}
    for menu in close.menus or ():
        found.setdefault(menu.code, ProductRow(product_code=menu.code, product_name=menu.name,
                                               own_code=menu.own_code, category_code=menu.category_code))
    return [found[code] for code in sorted(found)]


def feeds(journal: Journal, settings: Settings, store: MakaseteStore, mapping: AspitMapping) -> dict[str, Header]:
    """The eight files of one store-day, by file name."""
    close = journal.close

    def header(file_name: str) -> dict:
        return {"format": f"journalgen-{file_name.removesuffix('.json')}/1", "business_date": close.business_date,
                "company_code": store.company_code, "store_code": store.store_code,
                "pos_store_code": close.store.code, "pos_store_name": close.store.name}

    sales = sum(row.amount for row in close.sales)
    voided = sum(row.amount for row in close.voids)
    taxes: dict[TaxCategory, int] = defaultdict(int)
    for row in close.sales:
        taxes[row.tax] += row.amount
    for row in close.voids:
        taxes[row.tax] -= row.amount
    count = close.cash_count
    cash_in = sum(row.amount for row in close.cash_movements if row.direction == "in")
    cash_out = sum(row.amount for row in close.cash_movements if row.direction == "out")
    payments = _grouped([(payment_code(mapping, row.payment, row.payment_item),
                          payment_name(row.payment, row.payment_item), 0, row.amount) for row in close.sales]
                        + [(payment_code(mapping, row.payment, row.payment_item),
                            payment_name(row.payment, row.payment_item), 0, -row.amount) for row in close.voids],
                        OTHER_PAYMENTS)
    payments = [PaymentRow(code=row.code, name=row.name, amount=row.amount) for row in payments]
    segments = [(segment_code(mapping, row), row) for row in close.segments or ()]
    unmapped = [row for code, row in segments if code is None]
    void_receipts = (len(close.cancelled_receipts) if close.cancelled_receipts is not None
                     else len({row.receipt_no for row in close.voids}))
    return {
        "makasete-sales.json": SalesFeed(
            **header("makasete-sales.json"), gross_sales_amount=sales, void_amount=voided,
            net_sales_amount=sales - voided, tax_amount=sales_tax(journal, settings),
            discount_amount=sum(row.amount for row in close.discounts or ()),
            customers=sum(row.customers for row in close.hourly) if close.hourly is not None else None,
            receipts=sum(row.receipts for row in close.hourly) if close.hourly is not None else None,
            void_receipts=void_receipts,
            taxes=[TaxRow(tax=tax, amount=amount) for tax, amount in sorted(taxes.items())]),
        "makasete-sales-details.json": SalesDetailsFeed(**header("makasete-sales-details.json"), details=[
            DetailRow(product_code=row.code, product_name=row.name, category_code=row.category_code, tax=row.tax,
                      quantity=row.quantity, amount=row.amount, tax_amount=row.tax_amount)
            for row in close.menus or ()]),
        "makasete-cash-denominations.json": CashDenominationsFeed(
            **header("makasete-cash-denominations.json"),
            cash_expected_amount=count.expected if count else None,
            cash_counted_amount=count.counted if count else None,
            cash_difference_amount=count.difference if count else None,
            denominations=[DenominationRow(denomination=row.denomination, count=row.count,
                                           amount=row.denomination * row.count)
                           for row in close.cash_denominations or ()]),
        "makasete-cash-movements.json": CashMovementsFeed(
            **header("makasete-cash-movements.json"), cash_in_amount=cash_in, cash_out_amount=cash_out,
            movements=[MovementRow(direction=row.direction, reason=row.reason, amount=row.amount)
                       for row in close.cash_movements]),
        "makasete-products.json": ProductsFeed(**header("makasete-products.json"), products=_products(close)),
        "makasete-categories.json": CategoriesFeed(**header("makasete-categories.json"), categories=[
            CategoryRow(category_code=row.code, category_name=row.name, parent_category_code=row.parent_code,
                        own_code=row.own_code)
            for row in sorted(close.masters.categories if close.masters else (), key=lambda row: row.code)]),
        "makasete-payments-hourly.json": PaymentsHourlyFeed(**header("makasete-payments-hourly.json"),
                                                            payments=payments),
        "makasete-settlement.json": SettlementFeed(
            **header("makasete-settlement.json"), net_sales_amount=sales - voided, payments=payments,
            discounts=_grouped([(discount_code(mapping, row), row.name, row.count, row.amount)
                                for row in close.discounts or ()], OTHER_DISCOUNTS),
            segments=[SegmentRow(code=row.code, name=row.name, customers=row.count, amount=row.amount)
                      for row in _grouped([(code, f"{row.type_name}:{row.name}", row.customers, row.amount)
                                           for code, row in segments if code is not None], "")],
            unmapped_segments=len(unmapped), unmapped_customers=sum(row.customers for row in unmapped),
            unmapped_amount=sum(row.amount for row in unmapped), cash_in_amount=cash_in, cash_out_amount=cash_out,
            cash_counted_amount=count.counted if count else None,
            cash_difference_amount=count.difference if count else None),
    }


SCHEMA_BASE = "https://github.com/journalgen/journalgen/schemas/"


def feed_schema_text(file_name: str) -> str:
    """The JSON Schema (draft 2020-12) of one file, as `schemas/<file>.schema.json` holds it."""
    return schema_text(FEEDS[file_name], f"{SCHEMA_BASE}{file_name.removesuffix('.json')}.schema.json")


if __name__ == "__main__":  # regenerate the shipped schemas: python -m journalgen_makasete.feeds schemas/
    for name in FEEDS:
        (Path(sys.argv[1]) / f"{name.removesuffix('.json')}.schema.json").write_text(
            feed_schema_text(name), encoding="utf-8")
