"""Invariants checked on every build: entries balance, and the journal accounts for the input.

`reconcile` compares the register's totals with the journal's, to the yen, in rows a person can
read (the review page shows them); `check_journal` raises when any row or entry is off. Neither
can be switched off.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from journalgen.close import PAYMENT_ORDER, TAX_ORDER, CashCount, PaymentKind, TaxCategory, rows_by_source
from journalgen.errors import UnbalancedEntryError, UnreconciledError
from journalgen.journal import EntryKind, Journal
from journalgen.tax import row_tax

INWARD = (EntryKind.cash_in, EntryKind.transfer_in)
OUTWARD = (EntryKind.cash_out, EntryKind.transfer_out)


@dataclass(frozen=True, slots=True)
class ReconciliationRow:
    """One register total beside the journal's total for the same thing: `what` is `sales` or
    `tax` (for one `tax` category × `payment` kind), `cash in`, `cash out` or `cash difference`."""

    what: str
    register: int
    journal: int
    tax: TaxCategory | None = None
    payment: PaymentKind | None = None

    @property
    def ok(self) -> bool:
        return self.register == self.journal

    @property
    def label(self) -> str:
        """`sales standard_10 cash`, `cash in` …: the row in one line of text."""
        return " ".join(part for part in (self.what, self.tax, self.payment) if part)


_Key = tuple[str, TaxCategory | None, PaymentKind | None]
ROW_ORDER = ("sales", "tax", "cash in", "cash out", "cash difference")


def reconcile(journal: Journal) -> list[ReconciliationRow]:
    """Register totals vs journal totals: net sales and, for taxed categories, their tax per
    (tax category × payment kind); cash in, cash out, and the cash difference. A 商品券(釣りなし)
    excess is no sales row: `check_journal` holds its entry to its row's yen."""
    register, booked = _totals(journal)
    keys = sorted(set(register) | set(booked), key=_row_order)
    return [ReconciliationRow(what, register[what, tax, payment], booked[what, tax, payment], tax, payment)
            for what, tax, payment in keys]


def _totals(journal: Journal) -> tuple[Counter[_Key], Counter[_Key]]:
    """The register's totals and the journal's, by reconciliation row."""
    close = journal.close
    register: Counter[_Key] = Counter()
    booked: Counter[_Key] = Counter()
    for sign, rows in ((1, close.sales), (-1, close.voids)):
        for row in rows:
            register["sales", row.tax, row.payment] += sign * row.amount
            if row.tax.rate:
                register["tax", row.tax, row.payment] += sign * row_tax(row, journal.tax_rounding)
    for entry in journal.entries:
        if entry.books_excess:
            continue  # not sales; check_journal holds it to its row's yen
        if entry.kind in (EntryKind.sale, EntryKind.void):
            sign, side = (1, "credit") if entry.kind is EntryKind.sale else (-1, "debit")
            for line in entry.lines:
                if line.side == side:
                    booked["sales", line.tax, line.payment] += sign * line.amount
                    if line.tax.rate:
                        booked["tax", line.tax, line.payment] += sign * line.tax_amount
        elif entry.kind in INWARD:
            booked["cash in", None, None] += entry.amount
        elif entry.kind in OUTWARD:
            booked["cash out", None, None] += entry.amount
        else:
            booked["cash difference", None, None] += entry.amount if entry.kind is EntryKind.overage else -entry.amount
    for movement in close.cash_movements:
        register["cash in" if movement.direction == "in" else "cash out", None, None] += movement.amount
    if close.cash_count is not None:
        register["cash difference", None, None] += close.cash_count.difference
    return register, booked


def _row_order(key: _Key) -> tuple[int, int, int]:
    what, tax, payment = key
    return (ROW_ORDER.index(what), TAX_ORDER[tax] if tax else -1, PAYMENT_ORDER[payment] if payment else -1)


def _source_amounts(journal: Journal) -> dict[str, int]:
    """The yen of each input row, by the name entries cite it with."""
    return {
        source: abs(row.difference) if isinstance(row, CashCount) else row.amount
        for source, row in rows_by_source(journal.close).items()
    }


def check_journal(journal: Journal) -> None:
    """Raise UnbalancedEntryError or UnreconciledError unless every entry balances, every input
    row with yen in it is booked by exactly one entry (a zero-yen row by at most one), entries
    book exactly the yen of the rows they cite, and every reconciliation row agrees."""
    file = journal.source
    for entry in journal.entries:
        if entry.debit != entry.credit or any(line.amount <= 0 for line in entry.lines):
            raise UnbalancedEntryError(file=file, entry=entry.key, debit=entry.debit, credit=entry.credit)
    amounts = _source_amounts(journal)
    seen = Counter(source for entry in journal.entries for source in entry.sources)
    for source, amount in amounts.items():
        if seen[source] > 1 or (amount and seen[source] != 1):
            raise UnreconciledError(file=file, detail=f"{source} is booked {seen[source]} times")
    if unknown := set(seen) - set(amounts):
        raise UnreconciledError(file=file, detail=f"entries cite rows the input lacks: {sorted(unknown)}")
    for entry in journal.entries:
        expected = sum(amounts[source] for source in entry.sources)
        if entry.amount != expected:
            raise UnreconciledError(
                file=file, detail=f"entry {entry.key} books {entry.amount} yen for {expected} yen of input"
            )
    register, booked = _totals(journal)
    if register != booked:  # a Counter's missing key counts 0, so this is: some row is not ok
        row = next(row for row in reconcile(journal) if not row.ok)
        raise UnreconciledError(
            file=file, detail=f"{row.label}: register {row.register} yen, journal {row.journal} yen"
        )
