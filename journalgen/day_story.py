"""The day's story, as the review page tells it above the journal: sales per tax category (gross,
voids, net and the consumption tax of each), net sales per payment kind and 支払科目 with what
stays 未決済, and the voids with the day each cancels. Every figure is read from the journal
(and, per 支払科目, from the register rows its entries book), so it equals the books.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from journalgen.close import (
    PAYMENT_ORDER,
    TAX_ORDER,
    PaymentItem,
    PaymentKind,
    TaxCategory,
    rows_by_source,
)
from journalgen.journal import Entry, EntryKind, Journal, Line
from journalgen.settings import Settings


@dataclass
class TaxSales:
    """Sales of one tax category: what was sold, what was voided, and the tax in each."""

    tax: TaxCategory | None
    gross: int = 0
    gross_tax: int = 0
    voided: int = 0
    voided_tax: int = 0

    @property
    def net(self) -> int:
        return self.gross - self.voided

    @property
    def net_tax(self) -> int:
        return self.gross_tax - self.voided_tax


def sales_by_tax(journal: Journal) -> list[TaxSales]:
    """Per tax category, from the journal's sales lines: gross (sales), voids, net, and the
    consumption tax of each; then a total row (`tax` None)."""
    rows: dict[TaxCategory, TaxSales] = {}
    for entry in journal.entries:
        if entry.kind not in (EntryKind.sale, EntryKind.void):
            continue
        side = "credit" if entry.kind is EntryKind.sale else "debit"
        for line in entry.lines:
            if line.side != side:
                continue
            row = rows.setdefault(line.tax, TaxSales(line.tax))
            if entry.kind is EntryKind.sale:
                row.gross += line.amount
                row.gross_tax += line.tax_amount
            else:
                row.voided += line.amount
                row.voided_tax += line.tax_amount
    ordered = [rows[tax] for tax in sorted(rows, key=TAX_ORDER.__getitem__)]
    total = TaxSales(None, *(sum(getattr(row, name) for row in ordered)
                             for name in ("gross", "gross_tax", "voided", "voided_tax")))
    return [*ordered, total]


@dataclass
class PaymentSales:
    """Sales of one payment kind (`item` None) or of one 支払科目 of it: the account they are
    debited to, what was sold and voided, and the net of it that stays 未決済 (booked to the
    receivable, to be collected)."""

    payment: PaymentKind
    item: PaymentItem | None
    account: str
    sold: int = 0
    voided: int = 0
    unsettled_account: bool = False
    item_row: bool = False

    @property
    def net(self) -> int:
        return self.sold - self.voided

    @property
    def unsettled(self) -> int:
        return self.net if self.unsettled_account else 0


def sales_by_payment(journal: Journal, settings: Settings) -> list[PaymentSales]:
    """Per payment kind, from the journal's sales and void entries, each followed by its 支払科目
    (from the register rows each entry books) when any row of the kind names one."""
    rows = rows_by_source(journal.close)
    kinds: dict[PaymentKind, PaymentSales] = {}
    items: dict[PaymentKind, dict[str, PaymentSales]] = defaultdict(dict)
    for entry in journal.entries:
        if entry.kind not in (EntryKind.sale, EntryKind.void):
            continue
        side = "debit" if entry.kind is EntryKind.sale else "credit"
        (line,) = (line for line in entry.lines if line.side == side)
        unsettled = line.account == settings.accounts.receivable
        kind = kinds.setdefault(line.payment, PaymentSales(line.payment, None, line.account,
                                                           unsettled_account=unsettled))
        for source in entry.sources:
            row = rows[source]
            item_id = row.payment_item.id if row.payment_item else ""
            item = items[line.payment].setdefault(
                item_id, PaymentSales(line.payment, row.payment_item, line.account, unsettled_account=unsettled,
                                      item_row=True))
            for summary in (kind, item):
                if entry.kind is EntryKind.sale:
                    summary.sold += row.amount
                else:
                    summary.voided += row.amount
    found = []
    for payment in sorted(kinds, key=PAYMENT_ORDER.__getitem__):
        found.append(kinds[payment])
        if any(items[payment]):
            found += [items[payment][item_id] for item_id in sorted(items[payment])]
    return found


@dataclass(frozen=True)
class VoidShown:
    """A void of the day: its entry (receipt, original date) and whether it cancels an earlier day."""

    number: int
    entry: Entry
    line: Line
    earlier_day: bool


def voids_of_the_day(journal: Journal) -> list[VoidShown]:
    """Every void entry with its number in the journal and its sales-side line."""
    return [
        VoidShown(number, entry, next(line for line in entry.lines if line.side == "debit"),
                  entry.original_date is not None and entry.original_date < journal.business_date)
        for number, entry in enumerate(journal.entries, 1) if entry.kind is EntryKind.void
    ]
