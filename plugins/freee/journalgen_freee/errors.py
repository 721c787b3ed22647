"""The freee target's own refusals and messages, with their Japanese in `locale/` next to this module."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from journalgen.errors import MissingMasterError, OutOfFiscalPeriodError, Problem, SettingsError

LOCALE_DIR = Path(__file__).parent / "locale"

ADD_ID = "no freee id: add \"{name}\" = <id> under [targets.freee.{table}], or give a company_file that lists it"
ADD_WALLETABLE = (
    "no freee 口座: add \"{name}\" = {{ id = <id>, type = \"wallet\" or \"bank_account\" }} under "
    "[targets.freee.walletables], or give a company_file that lists it"
)
NO_WALLETABLE_NAMED = (
    "no 口座 named \"{walletable}\" in the company_file: create it in freee and download the file again, or "
    "give \"{name}\" = {{ id = <id>, type = \"wallet\" or \"bank_account\" }} under [targets.freee.walletables]"
)
ADD_JOURNAL_ACCOUNT = (
    "no freee id: a manual journal (振替伝票) of this day names this 勘定科目 (refunds and points or vouchers not "
    "settled in a 口座 are booked so); add \"{name}\" = <id> under [targets.freee.account_items], or give a "
    "company_file that lists it"
)
ADD_TAX_CODE = "no freee 税区分コード: add {name} = <code> under [targets.freee.{table}]"
ADD_COMPANY_ID = "set company_id (事業所ID) under [targets.freee], or give a company_file"
COMPANY_FILE_NOT_FOUND = "company file not found"
NOT_A_COMPANY = "not a saved freee company response (GET /api/1/companies/{{id}}?details=true): {error}"


class Need(StrEnum):
    """What needs a missing id, when its message should say so."""

    manual_journal = "manual_journal"


OTHER_COMPANY = "the company_file is company {saved}"
UNSUPPORTED_PAYMENT_ACCOUNT = (
    "freee can settle a sale only into a 口座 or leave it 未決済 (売掛金): set it to {cash}, to {receivable}, "
    "or to an account listed under [targets.freee.walletables] (or a 口座 of the company_file)"
)


class FreeeMissingMasterError(MissingMasterError):
    """Every freee id a store-day needs and the settings (or company file) lack, in one error.

    Code MISSING_MASTER like the core's, so a caller catching MissingMasterError catches it.
    """

    locale_dir = LOCALE_DIR


class FreeeSettingsError(SettingsError):
    """A `[targets.freee]` setting or the company file it names cannot be used (INVALID_SETTINGS)."""

    template = "{file}: the settings cannot be used"
    locale_dir = LOCALE_DIR


class FreeeUnsupportedPaymentAccountError(SettingsError):
    """A payment kind's sales are debited to an account freee cannot put in a deal: neither the
    cash account, a 口座, nor the receivable (a SettingsError with its own code)."""

    code = "FREEE_UNSUPPORTED_PAYMENT_ACCOUNT"
    template = "{file}: target freee cannot book the sales of payment kind {kind} to {account}"
    locale_dir = LOCALE_DIR


class ClosedFiscalYearError(OutOfFiscalPeriodError):
    """The business date lies in a fiscal year the company file marks 年度締め済み (is_closed):
    refused even under `--fiscal-period`. Code OUT_OF_FISCAL_PERIOD like the core's."""

    template = (
        "{file}: 当年会計期間外 (outside the current fiscal period): business date {date} is in {period}, "
        "a fiscal year closed in freee (年度締め済み); freee takes no deal there until the year is reopened"
    )
    locale_dir = LOCALE_DIR


def settings_error(file: str, field: str, value: str, reason: str, **params: str) -> FreeeSettingsError:
    """A FreeeSettingsError with one problem: `field` holds `value`, refused for `reason`."""
    return FreeeSettingsError(file=file, problems=(Problem(field, value, reason, params),))


def unsupported_payment_account(file: str, kind: str, account: str, cash: str,
                                receivable: str) -> FreeeUnsupportedPaymentAccountError:
    """The refusal of `[payments.KIND] account = account`, saying which accounts would do."""
    problem = Problem(f"payments.{kind}.account", account, UNSUPPORTED_PAYMENT_ACCOUNT,
                      {"cash": cash, "receivable": receivable})
    return FreeeUnsupportedPaymentAccountError(file=file, problems=(problem,), kind=kind, account=account)


def _problem(table: str, name: str, walletable: str) -> Problem:
    if table == "company_id":
        return Problem(field="targets.freee.company_id", value="(missing)", reason=ADD_COMPANY_ID)
    if table == "account_items" and walletable == Need.manual_journal:
        reason = ADD_JOURNAL_ACCOUNT
    elif walletable:
        reason = NO_WALLETABLE_NAMED
    else:
        reason = {"walletables": ADD_WALLETABLE, "tax_codes": ADD_TAX_CODE, "purchase_tax_codes": ADD_TAX_CODE,
                  "sales_return_tax_codes": ADD_TAX_CODE}.get(table, ADD_ID)
    return Problem(field=f"targets.freee.{table}", value=name, reason=reason,
                   reason_params={"name": name, "table": table, "walletable": walletable})


def missing_master(file: str, missing: list[tuple[str, str, str]]) -> FreeeMissingMasterError:
    """The one error for every missing (table, name, 口座 name) triple, e.g. ("items",
    "【POS Regi】現金", "") or ("walletables", "普通預金", "みずほ銀行") when the settings name a
    口座 the company file lacks: one problem per name, each saying where to add it."""
    tables = sorted({table for table, _, _ in missing})
    return FreeeMissingMasterError(
        file=file,
        problems=tuple(_problem(*triple) for triple in missing),
        target="freee",
        names=", ".join(f"{table}.{name}" + (f" ({walletable})" if walletable and table == "walletables" else "")
                        if name else table
                        for table, name, walletable in missing),
        where=", ".join("[targets.freee]" if table == "company_id" else f"[targets.freee.{table}]"
                        for table in tables),
    )
