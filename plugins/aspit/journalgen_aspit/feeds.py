"""The nine ASPIT data items (seed 000 §1-1) as journalgen lays them out: one JSON file each.

Every file starts with the same header (format, business date, ASPIT and register codes); money
is integer yen in fields named `…amount`. A version 1 close gives every file with what it knows:
the sections it lacks are empty lists, and counts it cannot know are `null`.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field

from journalgen.close import DailyClose, TaxCategory
from journalgen.feeds import FeedModel, sales_tax, schema_text
from journalgen.journal import Journal
from journalgen.settings import Settings
from journalgen_aspit.errors import OwnCodeMissingError
from journalgen_aspit.mappings import (
    OTHER_DISCOUNTS,
    OTHER_PAYMENTS,
    discount_code,
    payment_code,
    payment_name,
    segment_code,
)
from journalgen_aspit.options import AspitMapping, AspitOptions, AspitStore


class Header(FeedModel):
    """What every ASPIT file starts with: which feed, which day, which store on both sides."""

    format: str = Field(description="journalgen-<file>/<layout version>, e.g. journalgen-aspit-daily/1")
    business_date: dt.date
    company_code: str = Field(description="ASPIT 自社コード (1–8 digits, as text)")
    store_code: str = Field(description="ASPIT 店舗コード (1–4 digits, as text)")
    pos_store_code: str = Field(description="the register's 店舗コード")
    pos_store_name: str


class DenominationRow(FeedModel):
    """One note or coin of the counted cash: how many, and their yen."""

    denomination: int
    count: int
    amount: int


class DailyFeed(Header):
    """日計データ: the day's totals."""

    gross_sales_amount: int
    void_amount: int
    net_sales_amount: int
    tax_amount: int
    discount_amount: int
    customers: int | None
    receipts: int | None
    void_receipts: int
    cash_in_amount: int
    cash_out_amount: int
    cash_expected_amount: int | None
    cash_counted_amount: int | None
    cash_difference_amount: int | None
    denominations: list[DenominationRow]


class MenuRow(FeedModel):
    """One product: codes as 共通設定 says (自社 codes or the register's), quantity, tax-inclusive yen."""

    product_code: str
    product_name: str
    parent_category_code: str | None
    child_category_code: str | None
    tax: TaxCategory
    quantity: int
    amount: int
    tax_amount: int | None


class MenusFeed(Header):
    """メニュー別: sales per product, before discounts."""

    menus: list[MenuRow]


class HourlyMenuRow(FeedModel):
    """One product in one hour of the business day (24–47: past midnight)."""

    hour: int
    product_code: str
    product_name: str
    quantity: int
    amount: int


class HourlyMenusFeed(Header):
    """時間別メニュー: sales per hour and product, before discounts."""

    hourly_menus: list[HourlyMenuRow]


class HourlyRow(FeedModel):
    """One hour of the business day (24–47: past midnight)."""

    hour: int
    customers: int
    receipts: int
    amount: int


class HourlyFeed(Header):
    """時間別: sales, customers and receipts per hour."""

    hourly: list[HourlyRow]


class DiscountRow(FeedModel):
    """One ASPIT 値引内訳 code (null: その他値引) and the register's discounts mapped to it."""

    code: int | None
    name: str
    count: int
    amount: int


class DiscountsFeed(Header):
    """値引明細: discounts per ASPIT 値引内訳; `code: null` is その他値引."""

    discounts: list[DiscountRow]


class PaymentRow(FeedModel):
    """One ASPIT 支払内訳 code (null: その他支払種別): sales − voids of the payments mapped to it."""

    code: int | None
    name: str
    amount: int


class PaymentsFeed(Header):
    """支払明細: net sales (sales − voids) per ASPIT 支払内訳; `code: null` is その他支払種別."""

    payments: list[PaymentRow]


class SegmentRow(FeedModel):
    """One ASPIT客層コード and the 客層 (客層種別名:選択項目名) mapped to it."""

    code: int
    name: str
    customers: int
    amount: int


class SegmentsFeed(Header):
    """客層売上: per ASPIT客層コード. 客層 without a code are not sent; they are counted."""

    segments: list[SegmentRow]
    unmapped_segments: int
    unmapped_customers: int
    unmapped_amount: int


class CancelledReceiptRow(FeedModel):
    """One voided receipt: its number, the day it was rung up, why, and its yen."""

    receipt_no: str
    original_date: dt.date
    reason: str | None
    amount: int


class CancelledReceiptsFeed(Header):
    """取消レシートヘッダ: each voided receipt."""

    cancelled_receipts: list[CancelledReceiptRow]


class CancelledLineRow(FeedModel):
    """One line of a voided receipt, numbered from 1 within it."""

    receipt_no: str
    line_no: int
    product_code: str
    product_name: str
    quantity: int
    amount: int


class CancelledReceiptLinesFeed(Header):
    """取消レシート明細: the lines of each voided receipt (none from a version 1 close)."""

    cancelled_receipt_lines: list[CancelledLineRow]


FEEDS: dict[str, type[Header]] = {
    "aspit-daily.json": DailyFeed,
    "aspit-menus.json": MenusFeed,
    "aspit-hourly-menus.json": HourlyMenusFeed,
    "aspit-hourly.json": HourlyFeed,
    "aspit-discounts.json": DiscountsFeed,
    "aspit-payments.json": PaymentsFeed,
    "aspit-segments.json": SegmentsFeed,
    "aspit-cancelled-receipts.json": CancelledReceiptsFeed,
    "aspit-cancelled-receipt-lines.json": CancelledReceiptLinesFeed,
}
"""Each file ASPIT gets per store-day, and its model (whose JSON Schema is in `schemas/`)."""


@dataclass(frozen=True)
class Product:
    """A product as sent: its code and categories after 共通設定, and its name."""

    code: str
    name: str
    parent_category: str | None
    child_category: str | None


def products(close: DailyClose, options: AspitOptions, source: str) -> dict[str, Product]:
    """Every product the feeds name (menus, hourly menus, cancelled lines), by the register's
    商品コード, coded as 共通設定 says from the menu row or else the master. Refuses a product
    without the 自社 code 共通設定 asks for."""
    masters = close.masters
    master = {product.code: product for product in masters.products} if masters else {}
    categories = {category.code: category for category in masters.categories} if masters else {}
    menus = {menu.code: menu for menu in close.menus or ()}
    codes = [*menus, *(row.code for row in close.hourly_menus or ()),
             *(line.code for receipt in close.cancelled_receipts or () for line in receipt.lines)]
    found: dict[str, Product] = {}
    for code in dict.fromkeys(codes):
        menu, known = menus.get(code), master.get(code)
        name = menu.name if menu else known.name if known else code
        own_code = (menu.own_code if menu else None) or (known.own_code if known else None)
        category_code = (menu.category_code if menu else None) or (known.category_code if known else None)
        child = categories.get(category_code) if category_code else None
        parent = categories.get(child.parent_code) if child and child.parent_code else None
        sent = code
        if options.own_product_codes:
            if own_code is None:
                raise OwnCodeMissingError(file=source, menu=code, field="自社商品コード (own_code)",
                                          setting="own_product_codes")
            sent = own_code
        if options.own_category_codes:
            own_parent = (menu.own_parent_category_code if menu else None) or (parent.own_code if parent else None)
            own_child = (menu.own_child_category_code if menu else None) or (child.own_code if child else None)
            if own_parent is None and own_child is None:
                raise OwnCodeMissingError(file=source, menu=code, field="自社カテゴリコード (own_*_category_code)",
                                          setting="own_category_codes")
            found[code] = Product(sent, name, own_parent, own_child)
        else:
            found[code] = Product(sent, name, parent.code if parent else None, category_code)
    return found


def _grouped(rows: list[tuple[int | None, str, int, int]]) -> list[tuple[int | None, str, int, int]]:
    """(code, name, count, amount) rows summed per code, in code order with その他 (None) last;
    a code's name lists the register's names mapped to it."""
    names: dict[int | None, list[str]] = defaultdict(list)
    counts: dict[int | None, int] = defaultdict(int)
    amounts: dict[int | None, int] = defaultdict(int)
    for code, name, count, amount in rows:
        if name not in names[code]:
            names[code].append(name)
        counts[code] += count
        amounts[code] += amount
    order = sorted(names, key=lambda code: (code is None, code or 0))
    return [(code, "、".join(names[code]), counts[code], amounts[code]) for code in order]


def feeds(journal: Journal, settings: Settings, store: AspitStore, mapping: AspitMapping,
          options: AspitOptions) -> dict[str, Header]:
    """The nine files of one store-day, by file name."""
    close = journal.close
    known = products(close, options, journal.source)

    def header(file_name: str) -> dict:
        return {"format": f"journalgen-{file_name.removesuffix('.json')}/1", "business_date": close.business_date,
                "company_code": store.company_code, "store_code": store.store_code,
                "pos_store_code": close.store.code, "pos_store_name": close.store.name}

    def product(code: str) -> Product:
        return known[code]

    sales = sum(sale.amount for sale in close.sales)
    voided = sum(void.amount for void in close.voids)
    count = close.cash_count
    denominations = [DenominationRow(denomination=row.denomination, count=row.count,
                                     amount=row.denomination * row.count) for row in close.cash_denominations or ()]
    payments = [(payment_code(mapping, row.payment, row.payment_item), payment_name(row.payment, row.payment_item),
                 0, row.amount) for row in close.sales]
    payments += [(payment_code(mapping, row.payment, row.payment_item), payment_name(row.payment, row.payment_item),
                  0, -row.amount) for row in close.voids]
    discounts = [(discount_code(mapping, row), row.name, row.count, row.amount) for row in close.discounts or ()]
    segments = [(segment_code(mapping, row), row) for row in close.segments or ()]
    unmapped = [row for code, row in segments if code is None]
    receipts: dict[str, CancelledReceiptRow] = {}
    if close.cancelled_receipts is not None:
        receipts = {row.receipt_no: CancelledReceiptRow(receipt_no=row.receipt_no, original_date=row.original_date,
                                                        reason=row.reason, amount=row.amount)
                    for row in close.cancelled_receipts}
    else:
        for void in close.voids:
            seen = receipts.get(void.receipt_no)
            receipts[void.receipt_no] = seen.model_copy(update={"amount": seen.amount + void.amount}) if seen else (
                CancelledReceiptRow(receipt_no=void.receipt_no, original_date=void.original_date,
                                    reason=void.reason, amount=void.amount))
    return {
        "aspit-daily.json": DailyFeed(
            **header("aspit-daily.json"), gross_sales_amount=sales, void_amount=voided,
            net_sales_amount=sales - voided, tax_amount=sales_tax(journal, settings),
            discount_amount=sum(row.amount for row in close.discounts or ()),
            customers=sum(row.customers for row in close.hourly) if close.hourly is not None else None,
            receipts=sum(row.receipts for row in close.hourly) if close.hourly is not None else None,
            void_receipts=len(receipts),
            cash_in_amount=sum(row.amount for row in close.cash_movements if row.direction == "in"),
            cash_out_amount=sum(row.amount for row in close.cash_movements if row.direction == "out"),
            cash_expected_amount=count.expected if count else None, cash_counted_amount=count.counted if count else None,
            cash_difference_amount=count.difference if count else None, denominations=denominations),
        "aspit-menus.json": MenusFeed(**header("aspit-menus.json"), menus=[
            MenuRow(product_code=product(row.code).code, product_name=row.name,
                    parent_category_code=product(row.code).parent_category,
                    child_category_code=product(row.code).child_category, tax=row.tax, quantity=row.quantity,
                    amount=row.amount, tax_amount=row.tax_amount) for row in close.menus or ()]),
        "aspit-hourly-menus.json": HourlyMenusFeed(**header("aspit-hourly-menus.json"), hourly_menus=[
            HourlyMenuRow(hour=row.hour, product_code=product(row.code).code, product_name=product(row.code).name,
                          quantity=row.quantity, amount=row.amount) for row in close.hourly_menus or ()]),
        "aspit-hourly.json": HourlyFeed(**header("aspit-hourly.json"), hourly=[
            HourlyRow(hour=row.hour, customers=row.customers, receipts=row.receipts, amount=row.amount)
            for row in close.hourly or ()]),
        "aspit-discounts.json": DiscountsFeed(**header("aspit-discounts.json"), discounts=[
            DiscountRow(code=code, name=OTHER_DISCOUNTS if code is None else name, count=count, amount=amount)
            for code, name, count, amount in _grouped(discounts)]),
        "aspit-payments.json": PaymentsFeed(**header("aspit-payments.json"), payments=[
            PaymentRow(code=code, name=OTHER_PAYMENTS if code is None else name, amount=amount)
            for code, name, _, amount in _grouped(payments)]),
        "aspit-segments.json": SegmentsFeed(
            **header("aspit-segments.json"),
            segments=[SegmentRow(code=code, name=name, customers=customers, amount=amount)
                      for code, name, customers, amount in _grouped(
                          [(code, f"{row.type_name}:{row.name}", row.customers, row.amount)
                           for code, row in segments if code is not None])],
            unmapped_segments=len(unmapped), unmapped_customers=sum(row.customers for row in unmapped),
            unmapped_amount=sum(row.amount for row in unmapped)),
        "aspit-cancelled-receipts.json": CancelledReceiptsFeed(
            **header("aspit-cancelled-receipts.json"), cancelled_receipts=list(receipts.values())),
        "aspit-cancelled-receipt-lines.json": CancelledReceiptLinesFeed(
            **header("aspit-cancelled-receipt-lines.json"), cancelled_receipt_lines=[
                CancelledLineRow(receipt_no=receipt.receipt_no, line_no=number, product_code=product(line.code).code,
                                 product_name=line.name, quantity=line.quantity, amount=line.amount)
                for receipt in close.cancelled_receipts or () for number, line in enumerate(receipt.lines, 1)]),
    }



SCHEMA_BASE = "https://github.com/journalgen/journalgen/schemas/"


def feed_schema_text(file_name: str) -> str:
    """The JSON Schema (draft 2020-12) of one ASPIT file, as `schemas/<file>.schema.json` holds it."""
    return schema_text(FEEDS[file_name], f"{SCHEMA_BASE}{file_name.removesuffix('.json')}.schema.json")


if __name__ == "__main__":  # regenerate the shipped schemas: python -m journalgen_aspit.feeds schemas/
    for name in FEEDS:
        (Path(sys.argv[1]) / f"{name.removesuffix('.json')}.schema.json").write_text(
            feed_schema_text(name), encoding="utf-8")
