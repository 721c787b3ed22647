"""The daily close (閉局), input contract versions 1 and 2.

One object per store and business day, amounts tax-inclusive integer yen. The models are
frozen and reject unknown fields, so a typo in a register export fails loudly instead of
dropping money on the floor. Version 2 adds optional sections for the sales-analytics feeds
(per-menu and per-hour sales, discounts, 客層, 広告媒体, cancelled receipts, cash by
denomination, masters); a version 1 file is a valid version 2 close without them, and where a
section overlaps the version 1 totals the two must agree to the yen.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StrictStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from journalgen.errors import PYDANTIC_REASONS

MAX_YEN = 10**12
"""The largest amount one field may hold (1兆円); anything larger is a broken export."""

Yen = Annotated[int, Strict(), Field(ge=0, le=MAX_YEN)]
"""Integer yen, tax-inclusive, never negative (a refund is a void, not a negative sale).
Strict: `1100.0`, `"1100"` and `true` are refused rather than guessed at."""


def _refused(error_type: str, **context: object) -> PydanticCustomError:
    """A refusal of this contract's own, worded as `errors.PYDANTIC_REASONS` words it for users."""
    return PydanticCustomError(error_type, PYDANTIC_REASONS[error_type], context or None)


def _iso_date(value: object) -> object:
    if isinstance(value, dt.datetime):
        raise _refused("date_type")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    if isinstance(value, str):
        raise _refused("date_parsing")
    raise _refused("date_type")


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
"""A calendar date written `YYYY-MM-DD` (a number is refused, not read as a timestamp)."""


def _tax_fits_the_amount(tax_amount: int | None, info: ValidationInfo) -> int | None:
    """The register's tax is part of the tax-inclusive amount, and a category without tax has
    none: no target may book tax the amount cannot hold, nor drop tax another target keeps."""
    tax, amount = info.data.get("tax"), info.data.get("amount")
    if not tax_amount or tax is None or amount is None:
        return tax_amount
    if not tax.rate:
        raise _refused("tax_amount_untaxed", tax=tax.value)
    if tax_amount > amount:
        raise _refused("tax_amount_over_amount", amount=amount)
    return tax_amount


RegisterTax = Annotated[Yen | None, AfterValidator(_tax_fits_the_amount)]
"""The register's own tax on a row's `amount` (validated after `tax` and `amount`)."""


class PaymentKind(StrEnum):
    """The register's 支払種別, in the order an accountant reads them."""

    cash = "cash"
    credit = "credit"
    qr = "qr"
    emoney = "emoney"
    gift_change = "gift_change"
    gift_no_change = "gift_no_change"
    on_account = "on_account"
    uncollected = "uncollected"
    points = "points"


class TaxCategory(StrEnum):
    """How a sale is taxed; targets translate these into their own tax codes."""

    standard_10 = "standard_10"
    reduced_8 = "reduced_8"
    old_8 = "old_8"
    non_taxable = "non_taxable"
    export = "export"
    out_of_scope = "out_of_scope"

    @property
    def rate(self) -> int:
        """The consumption-tax rate in percent; 0 for categories that carry no tax."""
        return _RATES.get(self.value, 0)


_RATES = {"standard_10": 10, "reduced_8": 8, "old_8": 8}


TAX_ORDER = {tax: index for index, tax in enumerate(TaxCategory)}
PAYMENT_ORDER = {kind: index for index, kind in enumerate(PaymentKind)}
"""The order sales lines, totals and reconciliation rows appear in."""


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


MAX_STORE_CODE = 64
"""The longest store code: it names a folder, which every file system takes at this length."""
WINDOWS_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"{kind}{n}" for kind in ("COM", "LPT") for n in range(10))})
"""Names Windows gives to devices: a folder cannot have one, in any letter case."""


def _not_a_device_name(code: str) -> str:
    if code.upper() in WINDOWS_RESERVED:
        raise _refused("store_code_reserved")
    return code


class Store(_Strict):
    code: Annotated[str, AfterValidator(_not_a_device_name)] = Field(
        pattern=r"^[0-9A-Za-z][0-9A-Za-z_-]*$", max_length=MAX_STORE_CODE,
        description="店舗コード: letters, digits, - and _ (it names the store's output folder)",
    )
    name: str = Field(min_length=1, description="店舗名")


class PaymentItem(_Strict):
    """The 支払科目 (Visa, PayPay …); `id` keeps its leading zeros, so it is a string."""

    id: StrictStr = Field(pattern=r"^[0-9]+$", description="支払科目ID: digits, as a string")
    name: str = Field(min_length=1)

    @field_validator("id", mode="before")
    @classmethod
    def _id_is_not_a_number(cls, value: object) -> object:
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise _refused("payment_item_id_number")
        return value


class Sale(_Strict):
    """Sales rung up that day for one payment kind and tax category (rows with one key sum)."""

    payment: PaymentKind
    payment_item: PaymentItem | None = None
    tax: TaxCategory
    amount: Yen
    tax_amount: RegisterTax = Field(
        default=None, description="The register's own tax on `amount`; computed when absent"
    )


class Void(_Strict):
    """A 取消伝票/訂正伝票 recorded that day, possibly of an earlier day's receipt."""

    receipt_no: str = Field(min_length=1)
    original_date: IsoDate
    reason: str | None = None
    payment: PaymentKind
    payment_item: PaymentItem | None = None
    tax: TaxCategory
    amount: Yen
    tax_amount: RegisterTax = None


class CashMovement(_Strict):
    """An 入金 (`in`) or 出金 (`out`) at the register; `reason` selects its booking."""

    direction: Literal["in", "out"]
    reason: str = Field(min_length=1)
    amount: Yen


class CashCount(_Strict):
    """The closing cash count; counted − expected is the 現金過不足."""

    expected: Yen
    counted: Yen

    @property
    def difference(self) -> int:
        """Negative for a shortage, positive for an overage."""
        return self.counted - self.expected


# --- version 2: the optional sections of the sales-analytics feeds ------------------------

MAX_COUNT = 10**9
"""The largest quantity, customer or receipt count one field may hold."""

Count = Annotated[int, Strict(), Field(ge=0, le=MAX_COUNT)]
"""A whole number of items, customers or receipts."""

Code = Annotated[StrictStr, Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z_-]*$")]
"""A register code (商品コード, 客層別ID …): text, so leading zeros are kept."""

Hour = Annotated[int, Strict(), Field(ge=0, le=47)]
"""The hour of the business day: 0–23, and 24–47 for hours past midnight of a day that closes late."""


class MenuSale(_Strict):
    """メニュー別: one product's quantity and tax-inclusive sales, before discounts."""

    code: Code = Field(description="商品コード")
    name: str = Field(min_length=1)
    own_code: Code | None = Field(default=None, description="自社商品コード")
    category_code: Code | None = Field(default=None, description="the register's category code")
    own_parent_category_code: Code | None = Field(default=None, description="自社親カテゴリコード")
    own_child_category_code: Code | None = Field(default=None, description="自社子カテゴリコード")
    tax: TaxCategory
    quantity: Count
    amount: Yen
    tax_amount: RegisterTax = None


class HourlySale(_Strict):
    """時間別: what the register took in one hour (after discounts), with customers and receipts."""

    hour: Hour
    customers: Count = 0
    receipts: Count = 0
    amount: Yen


class HourlyMenuSale(_Strict):
    """時間別メニュー: one product's sales in one hour, before discounts."""

    hour: Hour
    code: Code = Field(description="商品コード")
    quantity: Count
    amount: Yen


class DiscountKind(StrEnum):
    """値引 (`fixed`, an amount of yen off) or 割引 (`percent`, a rate off)."""

    fixed = "fixed"
    percent = "percent"


class Discount(_Strict):
    """値割引明細: one discount of the register's, the times it was applied and the yen it took off."""

    kind: DiscountKind
    id: Code = Field(description="値割引ID")
    name: str = Field(min_length=1, description="店舗表示名")
    count: Count = 0
    amount: Yen


class CustomerSegment(_Strict):
    """客層: customers and sales of one 選択項目 of one 客層種別."""

    id: Code = Field(description="客層別ID, e.g. US00800000000000000001")
    choice: StrictStr = Field(pattern=r"^[0-9]+$", description="選択項目 (its number, as text)")
    type_name: str = Field(min_length=1, description="客層種別名, e.g. 集客")
    name: str = Field(min_length=1, description="選択項目名, e.g. SNS")
    customers: Count
    amount: Yen


class AdvertisingMedium(_Strict):
    """広告媒体: customers and sales brought by one medium."""

    id: Code
    name: str = Field(min_length=1)
    customers: Count
    amount: Yen


class CancelledLine(_Strict):
    """One line of a cancelled receipt (取消レシート明細)."""

    code: Code = Field(description="商品コード")
    name: str = Field(min_length=1)
    quantity: Count
    amount: Yen


class CancelledReceipt(_Strict):
    """A cancelled receipt (取消レシートヘッダ) with its lines; the voids of `receipt_no` are its yen."""

    receipt_no: str = Field(min_length=1)
    original_date: IsoDate
    reason: str | None = None
    amount: Yen
    lines: tuple[CancelledLine, ...] = ()

    @model_validator(mode="after")
    def _lines_add_up(self) -> CancelledReceipt:
        total = sum(line.amount for line in self.lines)
        if self.lines and total != self.amount:
            raise ValidationError.from_exception_data(type(self).__name__, [InitErrorDetails(
                type=_refused("v2_lines_total", total=total, amount=self.amount), loc=("lines",), input=total)])
        return self


class CashDenomination(_Strict):
    """金種別現金在高: how many of one note or coin were counted."""

    denomination: Literal[10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 1]
    count: Count


class Product(_Strict):
    """商品マスタ: a product as the register knows it."""

    code: Code
    name: str = Field(min_length=1)
    own_code: Code | None = Field(default=None, description="自社商品コード")
    category_code: Code | None = None


class Category(_Strict):
    """カテゴリマスタ: a category, its parent and its 自社カテゴリコード."""

    code: Code
    name: str = Field(min_length=1)
    parent_code: Code | None = None
    own_code: Code | None = Field(default=None, description="自社カテゴリコード")


class PaymentItemMaster(PaymentItem):
    """支払科目マスタ: a 支払科目 and the 支払種別 it belongs to."""

    payment: PaymentKind


class Masters(_Strict):
    """The register's product, category and 支払科目 masters, as of the close."""

    products: tuple[Product, ...] = ()
    categories: tuple[Category, ...] = ()
    payment_items: tuple[PaymentItemMaster, ...] = ()


V2_SECTIONS = ("menus", "hourly", "hourly_menus", "discounts", "segments", "media", "cancelled_receipts",
               "cash_denominations", "masters")
"""The optional sections of version 2, in the order the contract lists them."""


def _total(rows: tuple | None) -> int:
    return sum(row.amount for row in rows or ())


def _disagreement(loc: tuple[str | int, ...], error_type: str, given: int, **context: object) -> InitErrorDetails:
    return InitErrorDetails(type=_refused(error_type, **context), loc=loc, input=given)


def v2_disagreements(close: DailyClose) -> list[InitErrorDetails]:
    """Where a version 2 section and the version 1 totals (or two sections) do not agree to the
    yen, each naming both: menus − discounts = sales, hourly = sales, hourly menus = menus,
    cancelled receipts = the voids of their receipt numbers, cash by denomination = the counted
    cash, and a 支払科目 rung up under the 支払種別 its master gives it."""
    found: list[InitErrorDetails] = []
    sales, discounts = _total(close.sales), _total(close.discounts)
    if close.menus is not None and _total(close.menus) - discounts != sales:
        found.append(_disagreement(("menus",), "v2_menus_total", _total(close.menus),
                                   menus=_total(close.menus), discounts=discounts, sales=sales))
    if close.hourly is not None and _total(close.hourly) != sales:
        found.append(_disagreement(("hourly",), "v2_total", _total(close.hourly), other="sales", total=sales))
    if close.hourly_menus is not None and _total(close.hourly_menus) != _total(close.menus):
        found.append(_disagreement(("hourly_menus",), "v2_total", _total(close.hourly_menus),
                                   other="menus", total=_total(close.menus)))
    if close.cancelled_receipts is not None:
        voided: dict[str, int] = {}
        for void in close.voids:
            voided[void.receipt_no] = voided.get(void.receipt_no, 0) + void.amount
        for index, receipt in enumerate(close.cancelled_receipts):
            if voided.pop(receipt.receipt_no, 0) != receipt.amount:
                total = sum(void.amount for void in close.voids if void.receipt_no == receipt.receipt_no)
                found.append(_disagreement(("cancelled_receipts", index, "amount"), "v2_receipt_total",
                                           receipt.amount, receipt_no=receipt.receipt_no, total=total))
        for index, void in enumerate(close.voids):
            if void.receipt_no in voided:
                found.append(_disagreement(("voids", index, "receipt_no"), "v2_receipt_missing", void.receipt_no))
    if close.cash_denominations is not None and close.cash_count is not None:
        counted = sum(row.denomination * row.count for row in close.cash_denominations)
        if counted != close.cash_count.counted:
            found.append(_disagreement(("cash_denominations",), "v2_cash_total", counted,
                                       counted=close.cash_count.counted))
    if close.masters is not None:
        kinds = {item.id: item.payment for item in close.masters.payment_items}
        for section in ("sales", "voids"):
            for index, row in enumerate(getattr(close, section)):
                kind = kinds.get(row.payment_item.id) if row.payment_item else None
                if kind is not None and kind is not row.payment:
                    found.append(_disagreement((section, index, "payment"), "v2_payment_item_kind",
                                               row.payment.value, id=row.payment_item.id, kind=kind.value))
        products = {product.code for product in close.masters.products}
        for index, menu in enumerate(close.menus or ()):
            if products and menu.code not in products:
                found.append(_disagreement(("menus", index, "code"), "v2_unknown_product", menu.code))
    return found


class VoucherExcess(_Strict):
    """What 商品券(釣りなし) were worth beyond the bills they paid: no change is given, so the
    shop keeps it as income (雑収入, 対象外). Optional and additive to version 1."""

    payment_item: PaymentItem | None = None
    amount: Yen


class DailyClose(_Strict):
    """One store's business day as the register closed it."""

    business_date: IsoDate
    store: Store
    sales: tuple[Sale, ...] = ()
    voids: tuple[Void, ...] = ()
    cash_movements: tuple[CashMovement, ...] = ()
    cash_count: CashCount | None = None
    gift_no_change_excess: tuple[VoucherExcess, ...] = Field(
        default=(), description="商品券(釣りなし) worth more than the bill: the excess the shop keeps"
    )
    version: Literal[1, 2] = Field(default=1, description="input contract version; 2 to use its sections")
    menus: tuple[MenuSale, ...] | None = None
    hourly: tuple[HourlySale, ...] | None = None
    hourly_menus: tuple[HourlyMenuSale, ...] | None = None
    discounts: tuple[Discount, ...] | None = None
    segments: tuple[CustomerSegment, ...] | None = None
    media: tuple[AdvertisingMedium, ...] | None = None
    cancelled_receipts: tuple[CancelledReceipt, ...] | None = None
    cash_denominations: tuple[CashDenomination, ...] | None = None
    masters: Masters | None = None

    @model_validator(mode="after")
    def _v2_sections_agree(self) -> DailyClose:
        """A version 2 section needs `"version": 2`, and agrees with the totals it overlaps."""
        found = [
            InitErrorDetails(type=_refused("v2_section_in_v1"), loc=(section,), input=f"version {self.version}")
            for section in V2_SECTIONS if self.version == 1 and getattr(self, section) is not None
        ] or v2_disagreements(self)
        if found:
            raise ValidationError.from_exception_data(type(self).__name__, found)
        return self

    @model_validator(mode="after")
    def _voids_are_of_this_day_or_earlier(self) -> DailyClose:
        """A void cancels a receipt of its own day or an earlier one; a later date is a broken
        export, reported at each such void's `original_date`."""
        late = [
            InitErrorDetails(
                type=_refused("void_after_business_date", business_date=self.business_date.isoformat()),
                loc=("voids", index, "original_date"),
                input=void.original_date.isoformat(),
            )
            for index, void in enumerate(self.voids)
            if void.original_date > self.business_date
        ]
        if late:
            raise ValidationError.from_exception_data(type(self).__name__, late)
        return self

    @model_validator(mode="after")
    def _one_name_per_payment_item(self) -> DailyClose:
        """One 支払科目 (a payment kind's item id) has one name in a day's sales: with two, the
        line grouped by it (`sales_grouping = "payment_item"`) would take its name, and its key,
        from whichever row came first. Reported at each row naming it differently."""
        names: dict[tuple[PaymentKind, str], str] = {}
        clashes = []
        for index, sale in enumerate(self.sales):
            if sale.payment_item is None:
                continue
            first = names.setdefault((sale.payment, sale.payment_item.id), sale.payment_item.name)
            if sale.payment_item.name != first:
                clashes.append(InitErrorDetails(
                    type=_refused("payment_item_renamed", id=sale.payment_item.id, name=first),
                    loc=("sales", index, "payment_item", "name"), input=sale.payment_item.name,
                ))
        if clashes:
            raise ValidationError.from_exception_data(type(self).__name__, clashes)
        return self

    @property
    def store_day(self) -> tuple[dt.date, str]:
        """The identity of a close: (business date, store code)."""
        return (self.business_date, self.store.code)


InputRow = Sale | Void | CashMovement | CashCount | VoucherExcess


def rows_by_source(close: DailyClose) -> dict[str, InputRow]:
    """Every row of `close` under the name journal entries cite it by: `sales[0]`, `voids[2]`,
    `cash_movements[1]`, `cash_count`, `gift_no_change_excess[0]`."""
    rows: dict[str, InputRow] = {}
    for section in ("sales", "voids", "cash_movements", "gift_no_change_excess"):
        rows |= {f"{section}[{index}]": row for index, row in enumerate(getattr(close, section))}
    if close.cash_count is not None:
        rows["cash_count"] = close.cash_count
    return rows
