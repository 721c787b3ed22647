"""Settings: store and company facts, account names, bookings, naming, per-target sections.

Everything has a shipped default, so a run with no settings file works. A settings file is
TOML; every key is documented in the README. Target sections (`[targets.freee]` …) are kept
as raw tables here and validated by the target that owns them.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from journalgen.close import PaymentKind, TaxCategory
from journalgen.errors import Problem, SettingsError, os_problem, pydantic_problems
from journalgen.naming import check_template
from journalgen.tax import TaxRounding


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


Name = Annotated[str, Field(min_length=1)]
"""An account name, label or other name a line is booked under: never empty."""


def over_defaults(defaults: Mapping[StrEnum, Any], given: Any) -> Any:
    """A settings table `given` laid over `defaults` (keyed by a tax category, payment kind …),
    so a file names only what it changes. Anything but a table comes back as it is, for pydantic
    to refuse as the wrong type (naming the key) rather than this raising a TypeError. Targets
    use it for their own tables of defaults too."""
    if not isinstance(given, dict):
        return given
    return {**{key.value: value for key, value in defaults.items()}, **given}


class FiscalPeriod(_Section):
    """A fiscal year (会計期間), both ends inclusive."""

    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> FiscalPeriod:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @classmethod
    def parse(cls, text: str) -> FiscalPeriod:
        """Read `START..END` (ISO dates), the form the CLI's `--fiscal-period` takes."""
        start, sep, end = (part.strip() for part in text.partition(".."))
        try:
            first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        except ValueError:
            raise ValueError(f"expected START..END as YYYY-MM-DD..YYYY-MM-DD, got {text!r}") from None
        if not sep or last < first:
            raise ValueError(f"expected START..END with END not before START, got {text!r}")
        return cls(start=first, end=last)


class Company(_Section):
    name: str = ""
    fiscal_period: FiscalPeriod | None = Field(
        default=None, description="当年会計期間; accounting targets refuse dates outside it"
    )


class StoreOverrides(_Section):
    fiscal_period: FiscalPeriod | None = None
    cash_drawer: Name | None = Field(
        default=None,
        description="the store's own 現金: its freee 口座 (under [targets.freee.walletables]) and 弥生 補助科目 of 現金; "
        "default the company's 現金",
    )


class Accounts(_Section):
    """Account names (勘定科目) the neutral journal books to."""

    sales: Name = "売上高"
    cash: Name = "現金"
    receivable: Name = "売掛金"
    suspense_paid: Name = "仮払金"
    suspense_received: Name = "仮受金"
    shortage: Name = "雑損失"
    overage: Name = "雑収入"
    sales_discount: Name = "売上値引高"
    voucher_liability: Name = "前受金"
    voucher_excess: Name = "雑収入"


Treatment = Literal["receivable", "discount", "liability"]
"""How a payment kind's sales are debited (docs/accounting.md): `receivable` — money the shop is
owed or holds (現金, 売掛金 …), the sale is taxable in full; `discount` — the shop's own points:
not consideration, so the debit carries the sale's tax category and the day's taxable sales
and output tax exclude it; `liability` — the shop's own vouchers: the debit reduces the voucher
liability recorded when they were sold (対象外)."""

TREATMENT_ACCOUNTS = {"discount": "sales_discount", "liability": "voucher_liability"}
"""The `[accounts]` field a treatment debits when its `[payments.KIND]` names no account."""


class DueDate(_Section):
    """When a payment kind's unsettled sales are paid: sales up to `closing_day` of a month
    (31 = month-end) are paid on `day` of the month `months_later` after the closing month; a
    day past a month's end is that month's last day."""

    closing_day: int = Field(ge=1, le=31)
    months_later: int = Field(ge=0, le=12)
    day: int = Field(ge=1, le=31)

    def of(self, business_date: dt.date) -> dt.date:
        """The due date of a sale on `business_date`."""
        closing_month = business_date.month + (business_date.day > _last_day(business_date.year, business_date.month,
                                                                           self.closing_day))
        month_index = business_date.year * 12 + closing_month - 1 + self.months_later
        year, month = divmod(month_index, 12)
        return dt.date(year, month + 1, _last_day(year, month + 1, self.day))


def _last_day(year: int, month: int, day: int) -> int:
    """`day`, or the last day of the month when the month is shorter."""
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return min(day, (following - dt.timedelta(days=1)).day)


class PaymentBooking(_Section):
    """How one payment kind is named, which account its sales are debited to, and how; for an
    unsettled kind, who pays it (取引先: one for the kind, or one per 支払科目 id) and when."""

    label: Name
    account: Name
    treatment: Treatment = "receivable"
    partner: Name | None = None
    partners: dict[str, Name] = Field(default={}, description="支払科目 id → 取引先, e.g. one per card company")
    due: DueDate | None = None

    def partner_of(self, payment_item_id: str | None) -> str | None:
        """The 取引先 of a sale paid with this kind (and 支払科目, when known)."""
        return self.partners.get(payment_item_id or "", self.partner)


class CashReason(_Section):
    """How one cash-movement reason is booked.

    `transfer = true` means `account` is a bank account (普通預金 …): the movement is money
    moving between the register and the bank, not income or expense.
    """

    account: Name
    tax: TaxCategory = TaxCategory.out_of_scope
    transfer: bool = False


class Naming(_Section):
    """Jinja2 templates (sandboxed) for 品目, 部門 and line descriptions."""

    item: str = "【POS Regi】{{ payment_label }}"
    section: str = "{{ store.code }}:{{ store.name }}"
    sales_description: str = "{{ payment_label }} {{ tax_label }}"
    void_description: str = (
        "{{ '訂正' if reason == 'correction' else '取消' }} 伝票No.{{ receipt_no }}（{{ original_date }}分）"
    )
    cash_movement_description: str = "{{ '入金' if direction == 'in' else '出金' }} {{ reason }}"
    cash_difference_description: str = "現金過不足 {{ '過剰' if difference > 0 else '不足' }}"

    @field_validator("*")
    @classmethod
    def _renders(cls, source: str, info: ValidationInfo) -> str:
        check_template(info.field_name, source)
        return source


class JournalOptions(_Section):
    sales_grouping: Literal["tax_payment", "payment_item", "row"] = Field(
        default="tax_payment",
        description="one sales line per (tax × payment kind), per payment item, or per input row",
    )
    tax_rounding: TaxRounding = Field(
        default="floor", description="rounding of tax computed for rows without tax_amount"
    )
    earlier_day_voids: Literal["sales", "sales_return"] = Field(
        default="sales",
        description="tax category of voids of an earlier day's taxed receipts: the sales one (a deduction of "
        "taxable sales), or 売上返還 (対価の返還等, shown apart on the 消費税 return)",
    )


class BuildOptions(_Section):
    targets: tuple[str, ...] = ("journal",)


class LedgerOptions(_Section):
    url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the sent-ledger (e.g. postgresql+psycopg://host/db); "
                    "default: the SQLite file OUT/.journalgen/ledger.sqlite3",
    )


PAYMENT_LABELS: dict[PaymentKind, str] = {
    PaymentKind.cash: "現金",
    PaymentKind.credit: "クレジット",
    PaymentKind.qr: "QR決済",
    PaymentKind.emoney: "電子マネー",
    PaymentKind.gift_change: "商品券(釣りあり)",
    PaymentKind.gift_no_change: "商品券(釣りなし)",
    PaymentKind.on_account: "掛売",
    PaymentKind.uncollected: "未回収",
    PaymentKind.points: "ポイント",
}
"""The default label of each payment kind (the `{payment label}` of 品目 `【POS Regi】現金`)."""


def default_payments(accounts: Accounts) -> dict[PaymentKind, PaymentBooking]:
    """Each payment kind with its default label, debited to `accounts.cash` for cash and to
    `accounts.receivable` for every other kind (settled later, against the payout)."""
    return {
        kind: PaymentBooking(label=label, account=accounts.cash if kind is PaymentKind.cash else accounts.receivable)
        for kind, label in PAYMENT_LABELS.items()
    }


DEFAULT_TAX_LABELS: dict[TaxCategory, str] = {
    TaxCategory.standard_10: "課税10%",
    TaxCategory.reduced_8: "軽減8%",
    TaxCategory.old_8: "旧8%",
    TaxCategory.non_taxable: "非課税",
    TaxCategory.export: "輸出免税",
    TaxCategory.out_of_scope: "対象外",
}
"""Neutral names: the same category labels a sale and an expense (消耗品費 at 10% is 課税10%,
not 課税売上10%); each target writes its own sales- or purchase-side 税区分."""


class Settings(_Section):
    """All settings of one run. `Settings()` is the shipped default."""

    company: Company = Company()
    stores: dict[str, StoreOverrides] = {}
    accounts: Accounts = Accounts()
    payments: dict[PaymentKind, PaymentBooking] = default_payments(Accounts())
    tax_labels: dict[TaxCategory, str] = DEFAULT_TAX_LABELS
    naming: Naming = Naming()
    journal: JournalOptions = JournalOptions()
    cash_movements: dict[str, CashReason] = {}
    build: BuildOptions = BuildOptions()
    ledger: LedgerOptions = LedgerOptions()
    targets: dict[str, dict[str, Any]] = {}
    fiscal_period_override: FiscalPeriod | None = Field(
        default=None, description="set for one run by `--fiscal-period`; not read from TOML"
    )

    _file: Path | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _merge_payments(cls, data: Any) -> Any:
        """Lay `[payments.KIND]` over the defaults, whose accounts follow `[accounts]`: a kind
        given only a label still books to the `cash` or `receivable` account named there."""
        if not isinstance(data, dict) or not isinstance(data.get("payments", {}), dict):
            return data
        try:
            accounts = Accounts.model_validate(data.get("accounts", {}))
        except ValidationError:
            return data  # the field's own validation reports what is wrong with [accounts]
        merged: dict[str, Any] = {kind.value: booking.model_dump()
                                  for kind, booking in default_payments(accounts).items()}
        for kind, booking in data.get("payments", {}).items():
            kind = getattr(kind, "value", kind)
            if isinstance(booking, PaymentBooking):
                booking = booking.model_dump()
            if isinstance(booking, dict) and "account" not in booking and booking.get("treatment") in TREATMENT_ACCOUNTS:
                booking = {**booking, "account": getattr(accounts, TREATMENT_ACCOUNTS[booking["treatment"]])}
            merged[kind] = {**merged[kind], **booking} if isinstance(booking, dict) and kind in merged else booking
        return {**data, "payments": merged}

    @field_validator("tax_labels", mode="before")
    @classmethod
    def _merge_tax_labels(cls, given: Any) -> Any:
        return over_defaults(DEFAULT_TAX_LABELS, given)

    def fiscal_period_for(self, store_code: str) -> FiscalPeriod | None:
        """The 当年会計期間 for a store: the run's override, else the store's, else the company's."""
        if self.fiscal_period_override is not None:
            return self.fiscal_period_override
        store = self.stores.get(store_code)
        if store is not None and store.fiscal_period is not None:
            return store.fiscal_period
        return self.company.fiscal_period

    def cash_drawer_for(self, store_code: str) -> str | None:
        """The store's own cash drawer (補助科目 of the cash account), None for the company's."""
        store = self.stores.get(store_code)
        return store.cash_drawer if store is not None else None

    def resolve_path(self, path: Path) -> Path:
        """`path` as written in the settings file: relative to that file's folder (to the working
        directory for settings made in code)."""
        return self._file.parent / path if self._file is not None else Path(path)

    @property
    def file(self) -> Path | None:
        """The settings file these came from; None for settings made in code (or the defaults)."""
        return self._file

    @property
    def file_name(self) -> str:
        """The settings file these came from, for error messages (`settings` when made in code)."""
        return str(self._file) if self._file is not None else "settings"

    def target_section(self, name: str) -> dict[str, Any]:
        """The raw `[targets.NAME]` table, empty when absent."""
        return self.targets.get(name, {})


def load_settings(path: Path | None) -> Settings:
    """Read a TOML settings file; `None` gives the shipped defaults.

    Raises SettingsError naming the file, the key and the value when the file is unreadable,
    not TOML, or holds a key or value the settings do not take.
    """
    if path is None:
        return Settings()

    def refuse(field: str, value: str, reason: str, **params: str) -> SettingsError:
        return SettingsError(file=str(path), problems=(Problem(field, value, reason, params),))

    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))  # Notepad may add a BOM
    except FileNotFoundError:
        raise refuse("", "", "file not found") from None
    except OSError as exc:  # a folder, no permission, …
        raise SettingsError(file=str(path), problems=(os_problem(exc),)) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise refuse("", "", "not a UTF-8 TOML file: {error}", error=str(exc)) from None
    if "fiscal_period_override" in data:
        raise refuse("fiscal_period_override", "", "set by --fiscal-period for one run, not in a settings file")
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise SettingsError(file=str(path), problems=pydantic_problems(exc, Settings)) from None
    settings._file = Path(path)
    return settings
