"""The review page (`journalgen review`): one self-contained HTML page per store-day, for an
accountant to check a day before it reaches the books, and an index of many store-days.

A page says whose day it is (company, store, date, fiscal period, settings file and a hash of its
content, journalgen version); puts on top a banner for every target that refuses the day, with
the next step; tells the day's story (`journalgen.day_story`: sales per tax category, per payment
kind and 支払科目, the cash count, the voids); lists what needs the accountant
(`journalgen.warnings`), each linked to its entries, which are marked in the 仕訳帳; then the
journal with each entry's key (the one 弥生 keeps in 仕訳メモ), totals by account × tax category,
the reconciliation (folded to one line when everything agrees) and what each target receives.
It is written from `templates/review.html` with autoescaping on, inline CSS, no script and no
network asset; figures carry `data-` attributes so a test can find them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import webbrowser
from collections import defaultdict
from dataclasses import dataclass, replace
from importlib.metadata import version
from pathlib import Path

from babel.dates import format_date
from jinja2 import Environment, PackageLoader, StrictUndefined

from journalgen.build import render, write_atomically
from journalgen.close import TAX_ORDER, DailyClose, TaxCategory
from journalgen.day_story import sales_by_payment, sales_by_tax, voids_of_the_day
from journalgen.errors import (
    JournalgenError,
    MissingFiscalPeriodError,
    OutOfFiscalPeriodError,
)
from journalgen.i18n import Lang, format_yen, translate
from journalgen.inputs import SAMPLE_SETTINGS, LoadedClose
from journalgen.journal import Entry, EntryKind, Journal, Line
from journalgen.journalize import journalize
from journalgen.plugins import installed_targets
from journalgen.reconcile import ReconciliationRow, reconcile
from journalgen.settings import FiscalPeriod, Settings
from journalgen.warnings import DayWarning, day_warnings

PAGE_NAME = "review.html"
INDEX_NAME = "index.html"
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

TARGET_LABELS = {"yayoi": "Yayoi"}
"""Targets the page names otherwise than by their command-line name (弥生 in Japanese)."""


def target_label(name: str, lang: Lang) -> str:
    """A target as a reader of `lang` names it: `弥生` for `yayoi` in Japanese."""
    return translate(TARGET_LABELS[name], lang) if name in TARGET_LABELS else name


def entry_anchor(entry: Entry) -> str:
    """The id of an entry's first row on the page, derived from its stable key."""
    return f"e-{entry.key}"


# --- the journal as tables --------------------------------------------------------------------


@dataclass(frozen=True)
class JournalRow:
    """One row of the 仕訳帳 table: a debit line beside a credit line of one entry; the first row
    of an entry carries its number and key."""

    number: int
    entry: Entry
    first: bool
    debit: Line | None
    credit: Line | None

    @property
    def line(self) -> Line:
        """The row's line that names it (摘要, 品目, 部門 are shared by both sides)."""
        return self.debit or self.credit


def journal_rows(journal: Journal) -> list[JournalRow]:
    """The journal as a 仕訳帳 reads: each entry's debit and credit lines side by side."""
    return [
        JournalRow(number, entry, index == 0, debit, credit)
        for number, entry in enumerate(journal.entries, 1)
        for index, (debit, credit) in enumerate(entry.pairs())
    ]


@dataclass(frozen=True)
class AccountTotal:
    """What one account was debited and credited in one tax category, and the tax in each."""

    account: str
    tax: TaxCategory
    debit: int
    credit: int
    debit_tax: int
    credit_tax: int


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


# --- refusals and warnings ----------------------------------------------------------------------


@dataclass(frozen=True)
class TargetPreview:
    """What one target renders for the day, or the error it refuses the day with."""

    name: str
    files: dict[str, bytes]
    refusal: JournalgenError | None = None


def target_previews(journal: Journal, settings: Settings) -> list[TargetPreview]:
    """Render the day for each target in `[build] targets`, keeping a refusal as its error."""
    previews = []
    for name in settings.build.targets:
        try:
            previews.append(TargetPreview(name, render(journal, settings, [name])))
        except JournalgenError as refusal:
            previews.append(TargetPreview(name, {}, refusal))
    return previews


@dataclass(frozen=True)
class Refusal:
    """Targets that refuse the day for one reason, the reason, and what to do next; `command`
    is the part of `next_step` to type as it is (kept on one line, to copy)."""

    targets: tuple[str, ...]
    code: str
    reason: str
    next_step: str
    command: str = ""


def period_holding(period: FiscalPeriod, day: dt.date) -> FiscalPeriod | None:
    """The fiscal year of `period`'s shape, moved by whole years, that holds `day`."""
    def moved(date: dt.date, years: int) -> dt.date:
        try:
            return date.replace(year=date.year + years)
        except ValueError:  # 29 February in a common year
            return date.replace(year=date.year + years, day=28)

    for years in range(day.year - period.end.year, day.year - period.start.year + 1):
        candidate = FiscalPeriod(start=moved(period.start, years), end=moved(period.end, years))
        if day in candidate:
            return candidate
    return None


def refusals(journal: Journal, settings: Settings, previews: list[TargetPreview], lang: Lang) -> list[Refusal]:
    """The refusals of the day, for the banner: a missing 当年会計期間, or a day outside the one
    the settings (or the run) give, said once naming every target that refuses for it; every
    other refusal with its own message (a year freee's company file holds closed, say)."""
    period = settings.fiscal_period_for(journal.store.code)
    outside = period is not None and journal.business_date not in period
    grouped: dict[str, list[str]] = defaultdict(list)
    others: list[Refusal] = []
    for preview in previews:
        refusal = preview.refusal
        if refusal is None:
            continue
        if (type(refusal) is MissingFiscalPeriodError and period is None) or (
                type(refusal) is OutOfFiscalPeriodError and outside):
            grouped[refusal.code].append(preview.name)
        else:
            step = translate(
                "The target holds the fiscal year of this day closed, or has no open year holding it: "
                "reopen the year there first, or do not send this day.", lang,
            ) if refusal.code == OutOfFiscalPeriodError.code else translate(
                "Change what the message names (in the settings or the input), then review the day again.", lang)
            others.append(Refusal((preview.name,), refusal.code, refusal.message(lang), step))
    found = []
    if targets := grouped.get(MissingFiscalPeriodError.code):
        found.append(Refusal(tuple(targets), MissingFiscalPeriodError.code, missing_period_text(lang), translate(
            "Set [company] fiscal_period in the settings (or [stores.\"{store}\"] fiscal_period), or give this "
            "run --fiscal-period START..END.", lang).format(store=journal.store.code)))
    if targets := grouped.get(OutOfFiscalPeriodError.code):
        command = f"--fiscal-period {period_holding(period, journal.business_date)}"
        found.append(Refusal(tuple(targets), OutOfFiscalPeriodError.code, outside_period_text(journal, period, lang),
                             translate(
            "If the fiscal year of this day is still open in your books, run again with {command}; "
            "if that year is closed, this day is not sent.", lang).format(command=command), command))
    return found + others


def missing_period_text(lang: Lang) -> str:
    return translate(
        "No fiscal period (当年会計期間) is set for this store: accounting targets refuse every day "
        "until [company] fiscal_period is set in the settings.", lang)


def outside_period_text(journal: Journal, period: FiscalPeriod, lang: Lang) -> str:
    return translate(
        "当年会計期間外 (outside the current fiscal period): the business day {date} is not in {period}.", lang,
    ).format(date=long_date(journal.business_date, lang), period=period_text(period, lang))


def accounting_targets_left_out(settings: Settings) -> list[str]:
    """The installed targets that check a day (accounting targets: fiscal period, masters,
    limits) when `[build] targets` names none of them; empty otherwise."""
    installed = installed_targets()
    checking = [name for name in installed.names() if installed.get(name).check is not None]
    return [] if set(checking) & set(settings.build.targets) else checking


@dataclass(frozen=True)
class ShownWarning:
    """A warning as the page shows it: its code, level and message, and the entries it is
    about (numbers and anchors) to link to."""

    code: str
    level: str
    message: str
    entries: tuple[tuple[int, str], ...] = ()

    @property
    def anchor(self) -> str:
        return f"w-{self.code.lower()}-{self.entries[0][1] if self.entries else 'day'}"


def shown_warnings(journal: Journal, settings: Settings, found: list[DayWarning], lang: Lang) -> list[ShownWarning]:
    """The store-day's warnings and notes, linked to their entries, then what the page itself
    cannot check: a day outside (or without) a fiscal period when no target checks it, and
    `[build] targets` without an accounting target."""
    numbers = {entry.key: (number, entry_anchor(entry)) for number, entry in enumerate(journal.entries, 1)}
    shown = [ShownWarning(warning.code, warning.level, warning.message(lang),
                          tuple(numbers[key] for key in warning.entry_keys)) for warning in found]
    if left_out := accounting_targets_left_out(settings):
        period = settings.fiscal_period_for(journal.store.code)
        if period is None:
            shown.append(ShownWarning(MissingFiscalPeriodError.code, "warning", missing_period_text(lang)))
        elif journal.business_date not in period:
            shown.append(ShownWarning(OutOfFiscalPeriodError.code, "warning",
                                      outside_period_text(journal, period, lang)))
        shown.append(ShownWarning("NO_ACCOUNTING_TARGET", "warning", translate(
            "[build] targets in the settings names no accounting target, so the checks of {targets} "
            "(fiscal period, masters, limits) are not on this page: add them to [build] targets to see them.",
            lang).format(targets=", ".join(target_label(name, lang) for name in left_out))))
    return shown


# --- whose day ---------------------------------------------------------------------------------


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


def settings_hash(settings: Settings) -> str | None:
    """The first 12 hex digits of the SHA-256 of the settings file, to tell two versions of a
    file of one name apart; None for settings from no file."""
    return hashlib.sha256(settings.file.read_bytes()).hexdigest()[:12] if settings.file else None


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


# --- the page ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayReview:
    """Everything the page of one store-day shows, and what the index and the console say of it."""

    journal: Journal
    settings: Settings
    lang: Lang
    previews: list[TargetPreview]
    refusals: list[Refusal]
    warnings: list[ShownWarning]

    @property
    def warned_entries(self) -> dict[str, ShownWarning]:
        """The first warning (or note) about each entry, by entry key, to mark its rows."""
        marked: dict[str, ShownWarning] = {}
        for warning in sorted(self.warnings, key=lambda warning: warning.level != "warning"):
            for _, anchor in warning.entries:
                marked.setdefault(anchor, warning)
        return marked


def day_review(journal: Journal, settings: Settings, lang: Lang) -> DayReview:
    """Check and render the day for every target of `[build] targets` and gather its warnings."""
    previews = target_previews(journal, settings)
    return DayReview(journal, settings, lang, previews, refusals(journal, settings, previews, lang),
                     shown_warnings(journal, settings, day_warnings(journal, settings), lang))


_TEMPLATES = Environment(
    loader=PackageLoader("journalgen", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_TEMPLATES.filters["yen"] = format_yen
_TEMPLATES.filters["readable"] = readable


def _page(review: DayReview, settings_label: str | None) -> str:
    journal, settings, lang = review.journal, review.settings, review.lang
    reconciliation = reconcile(journal)
    period = settings.fiscal_period_for(journal.store.code)
    return _TEMPLATES.get_template(PAGE_NAME).render(
        lang=lang,
        t=lambda msgid: translate(msgid, lang),
        review=review,
        journal=journal,
        company=settings.company.name,
        date_text=long_date(journal.business_date, lang),
        input_name=journal.source,
        settings_name=settings_label or settings_name(settings, lang),
        settings_hash=settings_hash(settings),
        version=version("journalgen"),
        period_text=period_text(period, lang) if period else None,
        period_from_run=settings.fiscal_period_override is not None,
        register_net_sales=sum(row.register for row in reconciliation if row.what == "sales"),
        by_tax=sales_by_tax(journal),
        by_payment=sales_by_payment(journal, settings),
        cash_count=journal.close.cash_count,
        cash_difference_entries=[(number, entry) for number, entry in enumerate(journal.entries, 1)
                                 if entry.kind in (EntryKind.shortage, EntryKind.overage)],
        voids=voids_of_the_day(journal),
        rows=journal_rows(journal),
        marked=review.warned_entries,
        anchor=entry_anchor,
        debit_total=sum(entry.debit for entry in journal.entries),
        credit_total=sum(entry.credit for entry in journal.entries),
        totals=account_totals(journal),
        reconciliation=[(row, reconciliation_label(row, settings, lang)) for row in reconciliation],
        reconciled=all(row.ok for row in reconciliation),
        tax_label=lambda tax: settings.tax_labels[tax],
        payment_label=lambda payment: settings.payments[payment].label,
        kind_label=lambda kind: translate(ENTRY_KIND_LABELS[kind], lang),
        target_label=lambda name: target_label(name, lang),
    )


def review_page(journal: Journal, settings: Settings, lang: Lang = "ja", settings_label: str | None = None) -> str:
    """The review page of one store-day, as HTML text. `settings_label` says which settings were
    used when they come from no single file (default: the settings file's name). The input is
    named by its file name only, in refusals too: the page is passed on, the folder is local."""
    journal = replace(journal, source=Path(journal.source).name)
    return _page(day_review(journal, settings, lang), settings_label)


def open_in_browser(page: Path) -> bool:
    """Open `page` in the user's web browser; False when there is none."""
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return False
    return browser.open(page.resolve().as_uri())


def page_path(out_dir: Path, close: DailyClose) -> Path:
    """Where the page of a store-day goes: `OUT/<date>/<store>/review.html`."""
    return out_dir / close.business_date.isoformat() / close.store.code / PAGE_NAME


def write_review_page(journal: Journal, settings: Settings, out_dir: Path, lang: Lang,
                      settings_label: str | None = None) -> Path:
    """Write `OUT/<date>/<store>/review.html` atomically and return its path."""
    return _write_page(day_review(replace(journal, source=Path(journal.source).name), settings, lang),
                       out_dir, settings_label)


def _write_page(review: DayReview, out_dir: Path, settings_label: str | None = None) -> Path:
    folder = page_path(out_dir, review.journal.close).parent
    return write_atomically(folder, {PAGE_NAME: _page(review, settings_label).encode("utf-8")})[0]


# --- many days -----------------------------------------------------------------------------------


@dataclass
class ReviewedDay:
    """One store-day of a review run: its page and what the page says, the refusal `build`
    would report for it, or the error that kept it from having a page."""

    source: str
    close: DailyClose | None = None
    page: Path | None = None
    review: DayReview | None = None
    refusal: JournalgenError | None = None
    error: JournalgenError | None = None


def review_closes(loaded: list[LoadedClose], settings: Settings, out_dir: Path, lang: Lang) -> list[ReviewedDay]:
    """Write the page of every loaded close; an unreadable input or a journal that cannot be
    made is kept as the day's error, and the other days still get their pages. A day a target
    refuses gets its page, and keeps the refusal exactly as `build` would report it."""
    reviewed = []
    for item in loaded:
        day = ReviewedDay(item.source, item.close, error=item.error)
        if item.error is None:
            try:
                journal = journalize(item.close, settings, item.source)
                day.review = day_review(replace(journal, source=Path(journal.source).name), settings, lang)
                day.page = _write_page(day.review, out_dir)
                render(journal, settings, settings.build.targets)
            except JournalgenError as error:
                if day.page is None:
                    day.error = error
                else:
                    day.refusal = error
        reviewed.append(day)
    return reviewed


def write_index(out_dir: Path, days: list[ReviewedDay], lang: Lang, start: dt.date, end: dt.date) -> Path:
    """Write `OUT/index.html` for the range `start`..`end`: one row per store-day with its net
    sales, warnings and refusals, linking to its page; a day without a page says why, and a
    day of the range with no close at all is listed too, so none is skipped unseen."""
    present = {day.close.business_date for day in days if day.close}
    missing = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)
               if start + dt.timedelta(days=n) not in present]
    html = _TEMPLATES.get_template(INDEX_NAME).render(
        lang=lang,
        t=lambda msgid: translate(msgid, lang),
        title=f"{start.isoformat()} – {end.isoformat()}",
        rows=sorted([(day.close.business_date if day.close else dt.date.min, day) for day in days]
                    + [(date, None) for date in missing], key=lambda row: row[0]),
        link=lambda page: page.relative_to(out_dir).as_posix(),
        target_label=lambda name: target_label(name, lang),
        version=version("journalgen"),
    )
    [index] = write_atomically(out_dir, {INDEX_NAME: html.encode("utf-8")})
    return index
