"""The daily close (閉局), input contract version 1.

One object per store and business day, amounts tax-inclusive integer yen. The models are
frozen and reject unknown fields, so a typo in a register export fails loudly instead of
dropping money on the floor.
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
        return {"standard_10": 10, "reduced_8": 8, "old_8": 8}.get(self.value, 0)


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


class DailyClose(_Strict):
    """One store's business day as the register closed it."""

    business_date: IsoDate
    store: Store
    sales: tuple[Sale, ...] = ()
    voids: tuple[Void, ...] = ()
    cash_movements: tuple[CashMovement, ...] = ()
    cash_count: CashCount | None = None

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


InputRow = Sale | Void | CashMovement | CashCount


def rows_by_source(close: DailyClose) -> dict[str, InputRow]:
    """Every row of `close` under the name journal entries cite it by: `sales[0]`, `voids[2]`,
    `cash_movements[1]`, `cash_count`."""
    rows: dict[str, InputRow] = {}
    for section in ("sales", "voids", "cash_movements"):
        rows |= {f"{section}[{index}]": row for index, row in enumerate(getattr(close, section))}
    if close.cash_count is not None:
        rows["cash_count"] = close.cash_count
    return rows
