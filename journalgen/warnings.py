"""What needs a person's eye on a built store-day: one class per kind of warning.

A warning never stops a build (`build --strict` turns them into a failure). The console prints
them under the store-day's line, the review page marks them where they are. Each warning names
the journal entries it is about (`entry_keys`), so a page can link to its rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from journalgen.close import CashMovement, rows_by_source
from journalgen.errors import JournalgenError
from journalgen.i18n import Lang, format_yen, translate
from journalgen.journal import EntryKind, Journal
from journalgen.safe_text import escaped
from journalgen.settings import Settings

Level = Literal["warning", "note"]


@dataclass(frozen=True)
class DayWarning:
    """Base of every warning. Subclasses set `code`, `template` (an English message id) and
    `level`: a `warning` asks the user to act (and fails the day under `--strict`), a `note`
    only points something out."""

    code: ClassVar[str] = "WARNING"
    template: ClassVar[str] = "{detail}"
    level: ClassVar[Level] = "warning"

    entry_keys: tuple[str, ...]
    params: dict[str, Any]

    def message(self, lang: Lang = "en") -> str:
        """The warning in `lang`; yen are formatted, entry kinds translated."""
        params = {  # text from the register is shown escaped, never sent raw to the terminal
            name: format_yen(value) if name.endswith("amount") else
            translate(ENTRY_KIND_WORDS[value], lang) if isinstance(value, EntryKind) else
            escaped(value) if isinstance(value, str) else value
            for name, value in self.params.items()
        }
        return translate(self.template, lang).format(**params)

    def to_dict(self, lang: Lang = "en") -> dict[str, Any]:
        """A JSON-ready record: code, level, message, the entries it is about."""
        return {"code": self.code, "level": self.level, "message": self.message(lang),
                "entry_keys": list(self.entry_keys)}


ENTRY_KIND_WORDS = {EntryKind.cash_in: "Cash in", EntryKind.cash_out: "Cash out"}


class SuspenseBooked(DayWarning):
    code = "SUSPENSE_BOOKED"
    template = ("Unregistered reason “{reason}” ({direction} {amount}) was booked to {account}: register it "
                "under [cash_movements] in the settings, or move it to the right account.")


class CashShortage(DayWarning):
    code = "CASH_SHORTAGE"
    template = "Cash shortage of {amount}, booked to {account}."


class CashOverage(DayWarning):
    code = "CASH_OVERAGE"
    template = "Cash overage of {amount}, booked to {account}."


class NegativeNetSales(DayWarning):
    code = "NEGATIVE_NET_SALES"
    template = "Net sales are negative ({amount}): voids of earlier days exceed this day's sales."


class NoSales(DayWarning):
    code = "NO_SALES"
    template = "No sales on this day: check that the register closed the right day."


class VoidOfEarlierDay(DayWarning):
    code = "VOID_OF_EARLIER_DAY"
    template = "Receipt {receipt_no} of {original_date} was voided on this day ({amount})."
    level = "note"


def day_warnings(journal: Journal, settings: Settings) -> list[DayWarning]:
    """Every warning and note about `journal`, in journal order, then the day's totals."""
    found: list[DayWarning] = []
    rows = None  # the close's rows by source, looked up only for a suspense line
    suspense = (settings.accounts.suspense_paid, settings.accounts.suspense_received)
    counter_side = {EntryKind.cash_in: "credit", EntryKind.cash_out: "debit"}
    for entry in journal.entries:
        if entry.kind is EntryKind.void and entry.original_date and entry.original_date < journal.business_date:
            found.append(VoidOfEarlierDay((entry.key,), {
                "receipt_no": entry.receipt_no, "original_date": entry.original_date.isoformat(),
                "amount": entry.amount}))
        side = counter_side.get(entry.kind)
        if side is None:
            continue
        for line in entry.lines:
            if line.side != side or line.account not in suspense:
                continue
            rows = rows_by_source(journal.close) if rows is None else rows
            for source in entry.sources:
                movement = rows.get(source)
                if isinstance(movement, CashMovement) and movement.reason not in settings.cash_movements:
                    found.append(SuspenseBooked((entry.key,), {
                        "reason": movement.reason, "direction": entry.kind, "amount": movement.amount,
                        "account": line.account}))

    def keys(kind: EntryKind) -> tuple[str, ...]:
        return tuple(e.key for e in journal.entries if e.kind is kind)

    difference = journal.close.cash_count.difference if journal.close.cash_count else 0
    if difference < 0:
        found.append(CashShortage(keys(EntryKind.shortage), {
            "amount": -difference, "account": settings.accounts.shortage}))
    elif difference > 0:
        found.append(CashOverage(keys(EntryKind.overage), {
            "amount": difference, "account": settings.accounts.overage}))
    net_sales = journal.net_sales()
    if net_sales < 0:
        found.append(NegativeNetSales(keys(EntryKind.sale) + keys(EntryKind.void), {"amount": net_sales}))
    elif not journal.close.sales:
        found.append(NoSales((), {}))
    return found


class WarningsRefusedError(JournalgenError):
    """A store-day refused under `build --strict` because it has warnings (notes do not count)."""

    code = "STRICT_WARNINGS"
    template = "{file}: refused under --strict: this store-day has warnings ({codes}); nothing was written"


def refuse_warnings(settings: Settings) -> Callable[[Journal], None]:
    """A `build_closes` check that refuses a journal with any warning of level `warning`."""

    def check(journal: Journal) -> None:
        codes = [warning.code for warning in day_warnings(journal, settings) if warning.level == "warning"]
        if codes:
            raise WarningsRefusedError(file=journal.source, codes=", ".join(dict.fromkeys(codes)))

    return check
