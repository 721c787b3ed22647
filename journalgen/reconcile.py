"""Invariants checked on every build: entries balance, and the journal accounts for the input.

`reconcile` compares the register's totals with the journal's, to the yen, in rows a person can
read (the review page shows them); `check_journal` raises when any row or entry is off. Neither
can be switched off.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from journalgen.errors import UnbalancedEntryError, UnreconciledError
from journalgen.journal import EntryKind, Journal

INWARD = (EntryKind.cash_in, EntryKind.transfer_in)
OUTWARD = (EntryKind.cash_out, EntryKind.transfer_out)


@dataclass(frozen=True, slots=True)
class ReconciliationRow:
    """One register total beside the journal's total for the same thing."""

    what: str
    register: int
    journal: int

    @property
    def ok(self) -> bool:
        return self.register == self.journal


def reconcile(journal: Journal) -> list[ReconciliationRow]:
    """Register totals vs journal totals: net sales and their tax per (tax category × payment
    kind), cash in, cash out, and the cash difference."""
    close = journal.close
    register: Counter[str] = Counter()
    booked: Counter[str] = Counter()
    for sign, rows in ((1, close.sales), (-1, close.voids)):
        for row in rows:
            register[f"sales {row.tax.value} {row.payment.value}"] += sign * row.amount
    for entry in journal.entries:
        if entry.kind in (EntryKind.sale, EntryKind.void):
            sign, side = (1, "credit") if entry.kind is EntryKind.sale else (-1, "debit")
            for line in entry.lines:
                if line.side == side:
                    booked[f"sales {line.tax.value} {line.payment.value}"] += sign * line.amount
        elif entry.kind in INWARD:
            booked["cash in"] += entry.amount
        elif entry.kind in OUTWARD:
            booked["cash out"] += entry.amount
        else:
            booked["cash difference"] += entry.amount if entry.kind is EntryKind.overage else -entry.amount
    for movement in close.cash_movements:
        register["cash in" if movement.direction == "in" else "cash out"] += movement.amount
    if close.cash_count is not None:
        register["cash difference"] += close.cash_count.difference
    keys = sorted(set(register) | set(booked))
    return [ReconciliationRow(key, register[key], booked[key]) for key in keys]


def _source_amounts(journal: Journal) -> dict[str, int]:
    close = journal.close
    amounts = {f"sales[{i}]": row.amount for i, row in enumerate(close.sales)}
    amounts |= {f"voids[{i}]": row.amount for i, row in enumerate(close.voids)}
    amounts |= {f"cash_movements[{i}]": row.amount for i, row in enumerate(close.cash_movements)}
    if close.cash_count is not None:
        amounts["cash_count"] = abs(close.cash_count.difference)
    return amounts


def check_journal(journal: Journal) -> None:
    """Raise UnbalancedEntryError or UnreconciledError unless every entry balances, every input
    row with yen in it is booked by exactly one entry (a zero-yen row by at most one), entries
    book exactly the yen of the rows they cite, and every
    reconciliation row agrees."""
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
    for row in reconcile(journal):
        if not row.ok:
            raise UnreconciledError(
                file=file, detail=f"{row.what}: register {row.register} yen, journal {row.journal} yen"
            )
