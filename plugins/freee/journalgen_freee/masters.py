"""freee ids by name: from `[targets.freee]` first, then from the saved company file.

A `Masters` lookup never fails on its own: it notes every name it could not resolve, and
`raise_missing()` then refuses the store-day with one error that lists them all.
"""

from __future__ import annotations

from journalgen.close import TaxCategory
from journalgen_freee.company import Company
from journalgen_freee.errors import OTHER_COMPANY, missing_master, settings_error
from journalgen_freee.options import FreeeOptions, Walletable

PLACEHOLDER_ID = 1
"""Stands in for a missing id while the rest are looked up; never reaches a rendered body."""


class Masters:
    """Name → id lookups for one store-day, remembering what is missing."""

    def __init__(self, options: FreeeOptions, company: Company | None, settings_file: str):
        self.options = options
        self.company = company
        self.settings_file = settings_file
        self.missing: list[tuple[str, str, str]] = []

    def _note(self, table: str, name: str, walletable: str = "") -> int:
        if (table, name, walletable) not in self.missing:
            self.missing.append((table, name, walletable))
        return PLACEHOLDER_ID

    def company_id(self) -> int:
        """事業所ID: the settings' `company_id`, else the company file's; both must agree."""
        given, saved = self.options.company_id, self.company.id if self.company else None
        if given and saved and given != saved:
            raise settings_error(self.settings_file, "targets.freee.company_id", str(given), OTHER_COMPANY,
                                 saved=str(saved))
        return given or saved or self._note("company_id", "")

    def id(self, table: str, name: str, needed_by: str = "") -> int:
        """The id of `name` in `table` (`account_items`, `items`, `sections`, `tags`); `needed_by`
        (a `Need`) says in a missing one's message what needs it."""
        found = getattr(self.options, table).get(name)
        if found is None and self.company is not None:
            found = self.company.ids(table).get(name)
        return found if found is not None else self._note(table, name, needed_by)

    def is_walletable(self, account: str) -> bool:
        """Whether `account` is a freee 口座 (現金・預金), which may never appear in details: named
        under `[targets.freee.walletables]`, or in the company file as a 口座 or as a 勘定科目 of
        the category 現金・預金."""
        if account in self.options.walletables:
            return True
        company = self.company
        return company is not None and (company.walletable(account) is not None or company.is_cash_or_deposit(account))

    def walletable(self, account: str) -> Walletable:
        """The 口座 booked as `account` (現金, 普通預金 …); a missing one is noted under the
        account and, when the settings map it to a 口座 name, that name too."""
        given = self.options.walletables.get(account, account)
        if isinstance(given, Walletable):
            return given
        found = self.company.walletable(given) if self.company is not None else None
        if found is None:
            self._note("walletables", account, given if given != account else "")
            return Walletable(id=PLACEHOLDER_ID, type="wallet")
        return found

    def tax_code(self, tax: TaxCategory, purchase: bool = False, sales_return: bool = False) -> int:
        """The 税区分コード of `tax`: sales side, purchase side (money paid out) or 売上返還."""
        table = "purchase_tax_codes" if purchase else "sales_return_tax_codes" if sales_return else "tax_codes"
        found = getattr(self.options, table).get(tax)
        return found if found is not None else self._note(table, tax.value)

    def raise_missing(self, file: str) -> None:
        """Refuse with one FreeeMissingMasterError when any lookup failed."""
        if self.missing:
            raise missing_master(file, self.missing)
