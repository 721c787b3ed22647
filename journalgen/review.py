"""The review page (`journalgen review`): one self-contained HTML page per store-day, for an accountant to check a
day before it reaches the books.

The page shows which input, settings and 当年会計期間 it was made with, the day's journal as a
仕訳帳, totals and tax by account × tax category, the reconciliation of the register's totals with
the journal's (to the yen), what each target of `[build] targets` will receive, and warnings:
unregistered cash-movement reasons booked to 仮払金/仮受金, a cash shortage or overage, a missing
当年会計期間 or a day outside it (said once, naming the targets that refuse the day for it), every
other refusal, and settings whose `[build] targets` leave out every accounting target. It is
written from `templates/review.html` with autoescaping on, inline CSS and no network assets.
Totals carry `data-` attributes so a test can find them in the page.
"""

from __future__ import annotations

import datetime as dt
import webbrowser
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from babel.dates import format_date
from jinja2 import Environment, PackageLoader, StrictUndefined

from journalgen.build import render, write_atomically
from journalgen.close import TAX_ORDER, TaxCategory
from journalgen.errors import (
    JournalgenError,
    MissingFiscalPeriodError,
    OutOfFiscalPeriodError,
)
from journalgen.i18n import Lang, format_yen, translate
from journalgen.inputs import SAMPLE_SETTINGS
from journalgen.journal import EntryKind, Journal, Line
from journalgen.plugins import installed_targets
from journalgen.reconcile import ReconciliationRow, reconcile
from journalgen.settings import FiscalPeriod, Settings
from journalgen.warnings import day_warnings as store_day_warnings

PAGE_NAME = "review.html"
ENTRY_KIND_LABELS = {
    EntryKind.sale: "Sale",
    EntryKind.void: "Void or correction",
    EntryKind.cash_in: "Cash in",
    EntryKind.cash_out: "Cash out",
    EntryKind.transfer_in: "Transfer in",
    EntryKind.transfer_out: "Transfer out",
    EntryKind.shortage: "Shortage",
    EntryKind.overage: "Overage",
}
"""How the page names each kind of entry (English message ids; Japanese in the catalog)."""


@dataclass(frozen=True)
class JournalRow:
    """One row of the 仕訳帳 table: a debit line beside a credit line of one entry."""

    number: int
    kind: EntryKind
    debit: Line | None
    credit: Line | None

    @property
    def description(self) -> str:
        """The 摘要 of the row (both lines of a row share it)."""
        return (self.debit or self.credit).description


@dataclass(frozen=True)
class AccountTotal:
    """What one account was debited and credited in one tax category, and the tax in each."""

    account: str
    tax: TaxCategory
    debit: int
    credit: int
    debit_tax: int
    credit_tax: int


@dataclass(frozen=True)
class TargetPreview:
    """What one target renders for the day, or the error it refuses the day with."""

    name: str
    files: dict[str, bytes]
    refusal: JournalgenError | None = None


def journal_rows(journal: Journal) -> list[JournalRow]:
    """The journal as a 仕訳帳 reads: each entry's debit and credit lines side by side."""
    return [
        JournalRow(number, entry.kind, debit, credit)
        for number, entry in enumerate(journal.entries, 1)
        for debit, credit in entry.pairs()
    ]


def account_totals(journal: Journal) -> list[AccountTotal]:
    """Debit and credit totals, and their tax, per (account × tax category): accounts in order
    of first appearance, tax categories in their usual order within an account."""
    totals: dict[tuple[str, TaxCategory], dict[str, int]] = defaultdict(
        lambda: {"debit": 0, "credit": 0, "debit_tax": 0, "credit_tax": 0})
    accounts: list[str] = []
    for _, line in journal.lines():
        totals[(line.account, line.tax)][line.side] += line.amount
        totals[(line.account, line.tax)][f"{line.side}_tax"] += line.tax_amount
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


def accounting_targets_left_out(settings: Settings) -> list[str]:
    """The installed targets that check a day (accounting targets: fiscal period, masters,
    limits) when `[build] targets` names none of them; empty otherwise."""
    installed = installed_targets()
    checking = [name for name in installed.names() if installed.get(name).check is not None]
    return [] if set(checking) & set(settings.build.targets) else checking


def day_warnings(journal: Journal, settings: Settings, previews: list[TargetPreview], lang: Lang) -> list[str]:
    """What an accountant must look at: the store-day's warnings (`journalgen.warnings`),
    a missing 当年会計期間 or a day outside it (once, naming the targets that refuse the day for
    that reason), every other refusal, and accounting targets left out of `[build] targets`."""
    found = [warning.message(lang) for warning in store_day_warnings(journal, settings) if warning.level == "warning"]
    period = settings.fiscal_period_for(journal.store.code)
    period_code, period_warning = None, ""
    if period is None:
        period_code = MissingFiscalPeriodError.code
        period_warning = translate(
            "No fiscal period (当年会計期間) is set for this store: accounting targets refuse every day "
            "until [company] fiscal_period is set in the settings.", lang)
    elif journal.business_date not in period:
        period_code = OutOfFiscalPeriodError.code
        period_warning = translate(
            "当年会計期間外 (outside the current fiscal period): the business day {date} is not in {period}.", lang,
        ).format(date=long_date(journal.business_date, lang), period=period_text(period, lang))
    refusers, refusals = [], []
    for preview in previews:
        if preview.refusal is None:
            continue
        if preview.refusal.code == period_code:
            refusers.append(preview.name)
        else:
            refusals.append(translate("Target {target} refused this day: {message}", lang).format(
                target=preview.name, message=f"[{preview.refusal.code}] {preview.refusal.message(lang)}"))
    if period_warning:
        if refusers:
            period_warning += "\n" + translate("Targets that refuse the day for this reason: {targets}", lang).format(
                targets=", ".join(refusers))
        found.append(period_warning)
    found += refusals
    if left_out := accounting_targets_left_out(settings):
        found.append(translate(
            "[build] targets in the settings names no accounting target, so the checks of {targets} "
            "(fiscal period, masters, limits) are not on this page: add them to [build] targets to see them.",
            lang).format(targets=", ".join(left_out)))
    return found


RECONCILIATION_LABELS = {
    "sales": "Sales", "tax": "Tax", "cash in": "Cash in", "cash out": "Cash out", "cash difference": "Cash difference",
}


def reconciliation_label(row: ReconciliationRow, settings: Settings, lang: Lang) -> str:
    """A reconciliation row in words: `売上 課税10% 現金`, `税額 課税10% 現金`, `入金` …"""
    parts = [translate(RECONCILIATION_LABELS[row.what], lang)]
    if row.tax is not None:
        parts.append(settings.tax_labels[row.tax])
    if row.payment is not None:
        parts.append(settings.payments[row.payment].label)
    return " ".join(parts)


def settings_name(settings: Settings, lang: Lang) -> str:
    """Which settings the page was made with: the file's name (never its folder), the shipped
    sample settings, or the shipped defaults."""
    file = settings.file
    if file is None:
        if settings == Settings():
            return translate("shipped defaults", lang)
        return translate("given by the calling program", lang)
    if file.resolve() == SAMPLE_SETTINGS.resolve():
        return translate("shipped sample settings ({name})", lang).format(name=file.name)
    return file.name


def readable(data: bytes) -> str:
    """A rendered file as text: UTF-8 (BOM dropped), else cp932 (弥生)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp932", errors="replace")


def long_date(day: dt.date, lang: Lang) -> str:
    """A date as a reader of `lang` writes it: `2025年1月10日`, `January 10, 2025`."""
    return format_date(day, format="long", locale="ja_JP" if lang == "ja" else "en_US")


def period_text(period: FiscalPeriod, lang: Lang) -> str:
    """A fiscal period as a reader of `lang` writes it: `2025年1月1日〜2025年12月31日`."""
    return translate("{start} to {end}", lang).format(start=long_date(period.start, lang),
                                                      end=long_date(period.end, lang))


_TEMPLATES = Environment(
    loader=PackageLoader("journalgen", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_TEMPLATES.filters["yen"] = format_yen
_TEMPLATES.filters["readable"] = readable


def review_page(journal: Journal, settings: Settings, lang: Lang = "ja", settings_label: str | None = None) -> str:
    """The review page of one store-day, as HTML text. `settings_label` says which settings were
    used when they come from no single file (default: the settings file's name). The input is
    named by its file name only, in refusals too: the page is passed on, the folder is local."""
    journal = replace(journal, source=Path(journal.source).name)
    previews = target_previews(journal, settings)
    reconciliation = reconcile(journal)
    period = settings.fiscal_period_for(journal.store.code)
    return _TEMPLATES.get_template(PAGE_NAME).render(
        lang=lang,
        t=lambda msgid: translate(msgid, lang),
        journal=journal,
        date_text=long_date(journal.business_date, lang),
        input_name=journal.source,
        settings_name=settings_label or settings_name(settings, lang),
        period_text=period_text(period, lang) if period else None,
        period_from_run=settings.fiscal_period_override is not None,
        register_net_sales=sum(row.register for row in reconciliation if row.what == "sales"),
        rows=journal_rows(journal),
        debit_total=sum(entry.debit for entry in journal.entries),
        credit_total=sum(entry.credit for entry in journal.entries),
        totals=account_totals(journal),
        reconciliation=[(row, reconciliation_label(row, settings, lang)) for row in reconciliation],
        previews=previews,
        warnings=day_warnings(journal, settings, previews, lang),
        tax_label=lambda tax: settings.tax_labels[tax],
        kind_label=lambda kind: translate(ENTRY_KIND_LABELS[kind], lang),
    )


def open_in_browser(page: Path) -> bool:
    """Open `page` in the user's web browser; False when there is none."""
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return False
    return browser.open(page.resolve().as_uri())


def write_review_page(journal: Journal, settings: Settings, out_dir: Path, lang: Lang,
                      settings_label: str | None = None) -> Path:
    """Write `OUT/<date>/<store>/review.html` atomically and return its path."""
    folder = out_dir / journal.business_date.isoformat() / journal.store.code
    page = review_page(journal, settings, lang, settings_label)
    return write_atomically(folder, {PAGE_NAME: page.encode("utf-8")})[0]
