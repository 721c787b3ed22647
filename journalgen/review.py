"""The review page (`journalgen review`): one self-contained HTML page per store-day, for an accountant to check a
day before it reaches the books.

The page shows the day's journal as a 仕訳帳, totals by account × tax category, the
reconciliation of the register's totals with the journal's (to the yen), what each target of
`[build] targets` will receive (or why it refuses the day), and warnings: unregistered
cash-movement reasons booked to 仮払金/仮受金, a cash shortage or overage, a day outside the
当年会計期間. It is written from `templates/review.html` with autoescaping on, inline CSS and
no network assets. Totals carry `data-` attributes so a test can find them in the page.
"""

from __future__ import annotations

import datetime as dt
import webbrowser
from collections import defaultdict
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path

from babel.dates import format_date
from jinja2 import Environment, PackageLoader, StrictUndefined

from journalgen.build import render, write_atomically
from journalgen.close import TAX_ORDER, TaxCategory
from journalgen.errors import JournalgenError, OutOfFiscalPeriodError
from journalgen.fiscal import check_fiscal_period
from journalgen.i18n import Lang, format_yen, translate
from journalgen.journal import EntryKind, Journal, Line
from journalgen.reconcile import ReconciliationRow, reconcile
from journalgen.settings import Settings

PAGE_NAME = "review.html"


@dataclass(frozen=True)
class JournalRow:
    """One row of the 仕訳帳 table: a debit line beside a credit line of one entry."""

    number: int
    kind: EntryKind
    debit: Line | None
    credit: Line | None

    @property
    def description(self) -> str:
        return (self.debit or self.credit).description


@dataclass(frozen=True)
class AccountTotal:
    """What one account was debited and credited, in one tax category."""

    account: str
    tax: TaxCategory
    debit: int
    credit: int


@dataclass(frozen=True)
class TargetPreview:
    """What one target renders for the day, or the error it refuses the day with."""

    name: str
    files: dict[str, bytes]
    refusal: JournalgenError | None = None


def journal_rows(journal: Journal) -> list[JournalRow]:
    """The journal as a 仕訳帳 reads: each entry's debit and credit lines side by side."""
    rows = []
    for number, entry in enumerate(journal.entries, 1):
        debits = [line for line in entry.lines if line.side == "debit"]
        credits = [line for line in entry.lines if line.side == "credit"]
        rows += [JournalRow(number, entry.kind, debit, credit) for debit, credit in zip_longest(debits, credits)]
    return rows


def account_totals(journal: Journal) -> list[AccountTotal]:
    """Debit and credit totals per (account × tax category): accounts in order of first
    appearance, tax categories in their usual order within an account."""
    totals: dict[tuple[str, TaxCategory], dict[str, int]] = defaultdict(lambda: {"debit": 0, "credit": 0})
    accounts: list[str] = []
    for _, line in journal.lines():
        totals[(line.account, line.tax)][line.side] += line.amount
        if line.account not in accounts:
            accounts.append(line.account)
    keys = sorted(totals, key=lambda key: (accounts.index(key[0]), TAX_ORDER[key[1]]))
    return [AccountTotal(account, tax, **totals[(account, tax)]) for account, tax in keys]


def target_previews(journal: Journal, settings: Settings) -> list[TargetPreview]:
    """Render the day for each target in `[build] targets`, keeping a refusal as its error."""
    previews = []
    for name in settings.build.targets:
        try:
            previews.append(TargetPreview(name, render(journal, settings, [name])))
        except JournalgenError as refusal:
            previews.append(TargetPreview(name, {}, refusal))
    return previews


def warnings(journal: Journal, settings: Settings, previews: list[TargetPreview], lang: Lang) -> list[str]:
    """What an accountant must look at: unregistered cash-movement reasons, a cash difference,
    a day outside the 当年会計期間, and every target that refuses the day."""
    close, accounts = journal.close, settings.accounts
    booked_by = {source: entry for entry in journal.entries for source in entry.sources}
    found = []
    for index, movement in enumerate(close.cash_movements):
        if movement.amount and movement.reason not in settings.cash_movements:
            entry = booked_by[f"cash_movements[{index}]"]
            found.append(translate(
                "Unregistered reason “{reason}” ({direction} {amount}) was booked to {account}: register it under "
                "[cash_movements] in the settings, or move it to the right account.", lang,
            ).format(
                reason=movement.reason,
                direction=translate("Cash in" if movement.direction == "in" else "Cash out", lang),
                amount=format_yen(movement.amount),
                account=next(line.account for line in entry.lines if line.account != accounts.cash),
            ))
    difference = close.cash_count.difference if close.cash_count else 0
    if difference < 0:
        found.append(translate("Cash shortage of {amount}, booked to {account}.", lang).format(
            amount=format_yen(-difference), account=accounts.shortage))
    elif difference > 0:
        found.append(translate("Cash overage of {amount}, booked to {account}.", lang).format(
            amount=format_yen(difference), account=accounts.overage))
    refusals = [preview.refusal for preview in previews if preview.refusal is not None]
    period = settings.fiscal_period_for(journal.store.code)
    if period is not None and not any(refusal.code == OutOfFiscalPeriodError.code for refusal in refusals):
        try:
            check_fiscal_period(journal, period, "review")
        except OutOfFiscalPeriodError as outside:
            found.append(outside.message(lang))
    for preview in previews:
        if preview.refusal is not None:
            found.append(translate("Target {target} refused this day: {message}", lang).format(
                target=preview.name, message=f"[{preview.refusal.code}] {preview.refusal.message(lang)}"))
    return found


RECONCILIATION_LABELS = {"cash in": "Cash in", "cash out": "Cash out", "cash difference": "Cash difference"}


def reconciliation_label(row: ReconciliationRow, settings: Settings, lang: Lang) -> str:
    """A reconciliation row in words: `売上 課税10% 現金`, `入金` …"""
    if row.tax is not None and row.payment is not None:
        return " ".join((translate("Sales", lang), settings.tax_labels[row.tax], settings.payments[row.payment].label))
    return translate(RECONCILIATION_LABELS[row.what], lang)


def readable(data: bytes) -> str:
    """A rendered file as text for the page: UTF-8 (BOM dropped), else cp932 (弥生)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp932", errors="replace")


def long_date(day: dt.date, lang: Lang) -> str:
    """A date as a reader of `lang` writes it: `2025年1月10日`, `January 10, 2025`."""
    return format_date(day, format="long", locale="ja_JP" if lang == "ja" else "en_US")


_TEMPLATES = Environment(
    loader=PackageLoader("journalgen", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_TEMPLATES.filters["yen"] = format_yen
_TEMPLATES.filters["readable"] = readable


def review_page(journal: Journal, settings: Settings, lang: Lang = "ja") -> str:
    """The review page of one store-day, as HTML text."""
    previews = target_previews(journal, settings)
    rows = journal_rows(journal)
    close = journal.close
    return _TEMPLATES.get_template(PAGE_NAME).render(
        lang=lang,
        t=lambda msgid: translate(msgid, lang),
        journal=journal,
        date_text=long_date(journal.business_date, lang),
        register_net_sales=sum(s.amount for s in close.sales) - sum(v.amount for v in close.voids),
        rows=rows,
        debit_total=sum(line.amount for _, line in journal.lines() if line.side == "debit"),
        credit_total=sum(line.amount for _, line in journal.lines() if line.side == "credit"),
        totals=account_totals(journal),
        reconciliation=[(row, reconciliation_label(row, settings, lang)) for row in reconcile(journal)],
        previews=previews,
        warnings=warnings(journal, settings, previews, lang),
        tax_label=lambda tax: settings.tax_labels[tax],
    )


def open_in_browser(page: Path) -> bool:
    """Open `page` in the user's web browser; False when there is none."""
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return False
    return browser.open(page.resolve().as_uri())


def write_review_page(journal: Journal, settings: Settings, out_dir: Path, lang: Lang) -> Path:
    """Write `OUT/<date>/<store>/review.html` atomically and return its path."""
    folder = out_dir / journal.business_date.isoformat() / journal.store.code
    return write_atomically(folder, {PAGE_NAME: review_page(journal, settings, lang).encode("utf-8")})[0]
