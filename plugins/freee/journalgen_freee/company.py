"""A saved freee company record (`GET /api/1/companies/{id}?details=true`) as a source of ids.

A user downloads it once; journalgen reads the company id, the fiscal years and the name → id
lists (勘定科目 with their categories, 品目, 部門, メモタグ, 口座) from it. Only the fields used here are read; the file
may be the whole response (`{"company": {...}}`) or the company object alone.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, PositiveInt, ValidationError

from journalgen.settings import FiscalPeriod, Settings
from journalgen_freee.errors import COMPANY_FILE_NOT_FOUND, NOT_A_COMPANY, settings_error
from journalgen_freee.options import FreeeOptions, Walletable, WalletableType

FIELD = "targets.freee.company_file"
CASH_AND_DEPOSITS = "現金・預金"
"""The 勘定科目カテゴリー of freee's 口座 accounts (現金, 普通預金 …): never a detail line."""


class _Read(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Named(_Read):
    """A row of one of the company's name → id lists (品目, 部門, メモタグ …)."""

    id: PositiveInt
    name: str


class AccountItem(Named):
    """A 勘定科目 with its categories (`["資産", "流動資産", "現金・預金"]` for a bank account)."""

    categories: tuple[str, ...] = ()


class NamedWalletable(Named):
    """A 口座 (walletable) of the company: its id, name and type."""

    type: WalletableType


class FiscalYear(_Read):
    """One of the company's fiscal years; `is_closed` means 年度締め済み."""

    start_date: dt.date
    end_date: dt.date
    is_closed: bool = False

    @property
    def period(self) -> FiscalPeriod:
        """The year as a FiscalPeriod (both ends inclusive)."""
        return FiscalPeriod(start=self.start_date, end=self.end_date)


class Company(_Read):
    """The parts of freee's `company` object journalgen uses."""

    id: PositiveInt
    fiscal_years: tuple[FiscalYear, ...] = ()
    account_items: tuple[AccountItem, ...] = ()
    items: tuple[Named, ...] = ()
    sections: tuple[Named, ...] = ()
    tags: tuple[Named, ...] = ()
    partners: tuple[Named, ...] = ()
    walletables: tuple[NamedWalletable, ...] = ()

    def ids(self, table: str) -> dict[str, int]:
        """Name → id of one list (`account_items`, `items`, `sections`, `tags`, `partners`); first
        name wins."""
        found: dict[str, int] = {}
        for row in getattr(self, table):
            found.setdefault(row.name, row.id)
        return found

    def walletable(self, name: str) -> Walletable | None:
        """The 口座 called `name`, or None."""
        for row in self.walletables:
            if row.name == name:
                return Walletable(id=row.id, type=row.type)
        return None

    def is_cash_or_deposit(self, account: str) -> bool:
        """Whether the 勘定科目 `account` is in the category 現金・預金, i.e. a 口座's account."""
        return any(row.name == account and CASH_AND_DEPOSITS in row.categories for row in self.account_items)

    def closed_year_holding(self, day: dt.date) -> FiscalYear | None:
        """The 年度締め済み year holding `day`, if any."""
        return next((year for year in self.fiscal_years if year.is_closed and day in year.period), None)

    def fiscal_period_for(self, day: dt.date) -> FiscalPeriod | None:
        """The open (not 年度締め済み) fiscal year holding `day`, else the latest open one, so a day
        in a closed year or in no year is outside. None when the file lists no open year."""
        open_years = sorted((year for year in self.fiscal_years if not year.is_closed), key=lambda y: y.start_date)
        for year in open_years:
            if day in year.period:
                return year.period
        return open_years[-1].period if open_years else None


def company_of(settings: Settings, options: FreeeOptions) -> Company | None:
    """The company file named in `[targets.freee]` (relative to the settings file), if any."""
    if not options.company_file:
        return None
    return load_company(settings.resolve_path(options.company_file), settings.file_name)


def load_company(path: Path, settings_file: str) -> Company:
    """Read a saved company response; SettingsError names the settings file (when the company
    file is missing) or the company file (when it cannot be read) and the key."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        raise settings_error(settings_file, FIELD, str(path), COMPANY_FILE_NOT_FOUND) from None
    return _load(path.resolve(), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _load(path: Path, mtime_ns: int, size: int) -> Company:
    """The parsed file; cached by path, modification time and size, so an edit is seen."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        if isinstance(data, dict) and isinstance(data.get("company"), dict):
            data = data["company"]
        return Company.model_validate(data)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValidationError) as exc:
        detail = str(exc).splitlines()[0] if not isinstance(exc, ValidationError) else _first_error(exc)
        raise settings_error(str(path), FIELD, str(path), NOT_A_COMPANY, error=detail) from None


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    return f"company.{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
