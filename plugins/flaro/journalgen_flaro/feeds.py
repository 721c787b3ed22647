"""The eight FLARO data items (seed 002 §1) as journalgen lays them out: one JSON file each.

Every file starts with the same header (format, business date, FLARO and register codes); money
is integer yen in fields named `…amount`. A version 1 close gives every file with what it knows:
the sections it lacks are empty lists, and counts it cannot know are `null`.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import defaultdict
from pathlib import Path

from pydantic import Field

from journalgen.close import DailyClose, DiscountKind, PaymentItem, PaymentKind, TaxCategory
from journalgen.feeds import FeedModel, sales_tax, schema_text
from journalgen.journal import Journal
from journalgen.settings import PAYMENT_LABELS, Settings
from journalgen_flaro.errors import OwnCodeMissingError
from journalgen_flaro.options import FlaroOptions, FlaroStore

PAYMENT_TYPES: dict[PaymentKind, int] = {
    PaymentKind.cash: 0, PaymentKind.credit: 1, PaymentKind.qr: 2, PaymentKind.emoney: 3,
    PaymentKind.gift_change: 4, PaymentKind.gift_no_change: 5, PaymentKind.on_account: 6,
    PaymentKind.uncollected: 7, PaymentKind.points: 8,
}
"""支払種目 numbers (seed 002 §3's CSV: 1 = クレジット), the register's 支払種別 order."""


class Header(FeedModel):
    """What every FLARO file starts with: which feed, which day, which store on both sides."""

    format: str = Field(description="journalgen-<file>/<layout version>, e.g. journalgen-flaro-settlement/1")
    business_date: dt.date
    store_code: str = Field(description="FLARO 自社コード (1–10 digits, as text)")
    pos_store_code: str = Field(description="the register's 店舗コード")
    pos_store_name: str


class SettlementFeed(Header):
    """精算情報: the day's totals and the cash drawer."""

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


class HourlyRow(FeedModel):
    """One hour of the business day (24–47: past midnight)."""

    hour: int
    customers: int
    receipts: int
    amount: int


class HourlyFeed(Header):
    """時間帯別売上: sales, customers and receipts per hour."""

    hourly: list[HourlyRow]


class ProductRow(FeedModel):
    """One product: codes as 共通設定 says (自社 codes or the register's), quantity, tax-inclusive yen."""

    product_code: str
    product_name: str
    parent_category_code: str | None
    child_category_code: str | None
    tax: TaxCategory
    quantity: int
    amount: int
    tax_amount: int | None


class ProductsFeed(Header):
    """商品別売上: sales per product, before discounts."""

    products: list[ProductRow]


class ProductHourRow(FeedModel):
    """One product in one hour of the business day."""

    hour: int
    product_code: str
    product_name: str
    quantity: int
    amount: int


class ProductsHourlyFeed(Header):
    """商品時間帯別売上: sales per hour and product, before discounts."""

    products_hourly: list[ProductHourRow]


class PaymentRow(FeedModel):
    """Net sales (sales − voids) of one 支払科目 (by its 取込コード), or of the rows of one 支払種目
    that name no 支払科目 (`import_code: null`)."""

    payment_type: int = Field(description="支払種目 (0 現金, 1 クレジット, 2 QR決済, …)")
    payment_name: str = Field(description="支払科目名称, or the 支払種別 for rows without one")
    import_code: str | None = Field(description="取込コード: the register's 支払科目ID, as text")
    amount: int


class PaymentsFeed(Header):
    """支払方法別売上: Σ amount equals the day's net sales."""

    payments: list[PaymentRow]


class MediumRow(FeedModel):
    """One 広告媒体 and the customers and yen it brought."""

    medium_id: str
    medium_name: str
    customers: int
    amount: int


class MediaFeed(Header):
    """広告媒体別売上 (none from a version 1 close)."""

    media: list[MediumRow]


class CheckRow(FeedModel):
    """One cancelled check (取消伝票): its receipt, the day it was rung up, why, and its yen."""

    receipt_no: str
    original_date: dt.date
    reason: str | None
    amount: int


class ChecksFeed(Header):
    """会計情報: the day's checks — how many, their customers, and each cancelled one (the close
    carries no other check one by one)."""

    receipts: int | None
    customers: int | None
    cancelled_checks: list[CheckRow]


class DiscountRow(FeedModel):
    """One 値引 or 割引 of the register: its 値割引ID, name, how often, and its yen."""

    discount_id: str
    kind: DiscountKind
    discount_name: str
    count: int
    amount: int


class DiscountsFeed(Header):
    """値引・割引情報: each discount of the day."""

    discounts: list[DiscountRow]


FEEDS: dict[str, type[Header]] = {
    "flaro-settlement.json": SettlementFeed,
    "flaro-hourly.json": HourlyFeed,
    "flaro-products.json": ProductsFeed,
    "flaro-products-hourly.json": ProductsHourlyFeed,
    "flaro-payments.json": PaymentsFeed,
    "flaro-media.json": MediaFeed,
    "flaro-checks.json": ChecksFeed,
    "flaro-discounts.json": DiscountsFeed,
}
"""Each file FLARO gets per store-day, and its model (whose JSON Schema is in `schemas/`)."""


def codes(close: DailyClose, options: FlaroOptions, source: str) -> dict[str, tuple[str, str | None, str | None]]:
    """(product code, parent category, child category) as sent, by the register's 商品コード, per
    共通設定 from the menu row or else the master. Refuses a product without the 自社 code asked for."""
    masters = close.masters
    master = {row.code: row for row in masters.products} if masters else {}
    categories = {row.code: row for row in masters.categories} if masters else {}
    menus = {row.code: row for row in close.menus or ()}
    found = {}
    for code in dict.fromkeys([*menus, *(row.code for row in close.hourly_menus or ())]):
        menu, known = menus.get(code), master.get(code)
        own = (menu.own_code if menu else None) or (known.own_code if known else None)
        child_code = (menu.category_code if menu else None) or (known.category_code if known else None)
        child = categories.get(child_code) if child_code else None
        parent = categories.get(child.parent_code) if child and child.parent_code else None
        if options.own_product_codes and own is None:
            raise OwnCodeMissingError(file=source, product=code, field="自社商品コード (own_code)",
                                      setting="own_product_codes")
        category = (parent.code if parent else None, child_code)
        if options.own_category_codes:
            category = ((menu.own_parent_category_code if menu else None) or (parent.own_code if parent else None),
                        (menu.own_child_category_code if menu else None) or (child.own_code if child else None))
            if category == (None, None):
                raise OwnCodeMissingError(file=source, product=code, field="自社カテゴリコード (own_*_category_code)",
                                          setting="own_category_codes")
        found[code] = (own if options.own_product_codes else code, *category)
    return found


def _payment_key(payment: PaymentKind, item: PaymentItem | None) -> tuple[int, str | None, str]:
    if item is None:
        return PAYMENT_TYPES[payment], None, PAYMENT_LABELS[payment]
    return PAYMENT_TYPES[payment], item.id, item.name


def feeds(journal: Journal, settings: Settings, store: FlaroStore, options: FlaroOptions) -> dict[str, Header]:
    """The eight files of one store-day, by file name."""
    close = journal.close
    sent = codes(close, options, journal.source)
    names = {row.code: row.name for row in close.masters.products} if close.masters else {}
    names |= {row.code: row.name for row in close.menus or ()}

    def header(file_name: str) -> dict:
        return {"format": f"journalgen-{file_name.removesuffix('.json')}/1", "business_date": close.business_date,
                "store_code": store.store_code, "pos_store_code": close.store.code,
                "pos_store_name": close.store.name}

    sales = sum(row.amount for row in close.sales)
    voided = sum(row.amount for row in close.voids)
    count = close.cash_count
    payments: dict[tuple[int, str | None], list] = {}
    for row, sign in [*((row, 1) for row in close.sales), *((row, -1) for row in close.voids)]:
        kind, code, name = _payment_key(row.payment, row.payment_item)
        payments.setdefault((kind, code), [name, 0])[1] += sign * row.amount
    if close.cancelled_receipts is not None:
        checks = [CheckRow(receipt_no=row.receipt_no, original_date=row.original_date, reason=row.reason,
                           amount=row.amount) for row in close.cancelled_receipts]
    else:
        voids: dict[str, list] = defaultdict(list)
        for row in close.voids:
            voids[row.receipt_no].append(row)
        checks = [CheckRow(receipt_no=number, original_date=rows[0].original_date, reason=rows[0].reason,
                           amount=sum(row.amount for row in rows)) for number, rows in voids.items()]
    customers = sum(row.customers for row in close.hourly) if close.hourly is not None else None
    receipts = sum(row.receipts for row in close.hourly) if close.hourly is not None else None
    return {
        "flaro-settlement.json": SettlementFeed(
            **header("flaro-settlement.json"), gross_sales_amount=sales, void_amount=voided,
            net_sales_amount=sales - voided, tax_amount=sales_tax(journal, settings),
            discount_amount=sum(row.amount for row in close.discounts or ()), customers=customers,
            receipts=receipts, void_receipts=len(checks),
            cash_in_amount=sum(row.amount for row in close.cash_movements if row.direction == "in"),
            cash_out_amount=sum(row.amount for row in close.cash_movements if row.direction == "out"),
            cash_expected_amount=count.expected if count else None,
            cash_counted_amount=count.counted if count else None,
            cash_difference_amount=count.difference if count else None),
        "flaro-hourly.json": HourlyFeed(**header("flaro-hourly.json"), hourly=[
            HourlyRow(hour=row.hour, customers=row.customers, receipts=row.receipts, amount=row.amount)
            for row in close.hourly or ()]),
        "flaro-products.json": ProductsFeed(**header("flaro-products.json"), products=[
            ProductRow(product_code=sent[row.code][0], product_name=row.name, parent_category_code=sent[row.code][1],
                       child_category_code=sent[row.code][2], tax=row.tax, quantity=row.quantity, amount=row.amount,
                       tax_amount=row.tax_amount) for row in close.menus or ()]),
        "flaro-products-hourly.json": ProductsHourlyFeed(**header("flaro-products-hourly.json"), products_hourly=[
            ProductHourRow(hour=row.hour, product_code=sent[row.code][0], product_name=names.get(row.code, row.code),
                           quantity=row.quantity, amount=row.amount) for row in close.hourly_menus or ()]),
        "flaro-payments.json": PaymentsFeed(**header("flaro-payments.json"), payments=[
            PaymentRow(payment_type=kind, payment_name=name, import_code=code, amount=amount)
            for (kind, code), (name, amount) in sorted(payments.items(), key=lambda item: (item[0][0], item[0][1] or ""))]),
        "flaro-media.json": MediaFeed(**header("flaro-media.json"), media=[
            MediumRow(medium_id=row.id, medium_name=row.name, customers=row.customers, amount=row.amount)
            for row in close.media or ()]),
        "flaro-checks.json": ChecksFeed(**header("flaro-checks.json"), receipts=receipts, customers=customers,
                                        cancelled_checks=checks),
        "flaro-discounts.json": DiscountsFeed(**header("flaro-discounts.json"), discounts=[
            DiscountRow(discount_id=row.id, kind=row.kind, discount_name=row.name, count=row.count, amount=row.amount)
            for row in close.discounts or ()]),
    }


SCHEMA_BASE = "https://github.com/journalgen/journalgen/schemas/"


def feed_schema_text(file_name: str) -> str:
    """The JSON Schema (draft 2020-12) of one FLARO file, as `schemas/<file>.schema.json` holds it."""
    return schema_text(FEEDS[file_name], f"{SCHEMA_BASE}{file_name.removesuffix('.json')}.schema.json")


if __name__ == "__main__":  # regenerate the shipped schemas: python -m journalgen_flaro.feeds schemas/
    for name in FEEDS:
        (Path(sys.argv[1]) / f"{name.removesuffix('.json')}.schema.json").write_text(
            feed_schema_text(name), encoding="utf-8")
