"""The delta journal of a re-send: what makes a target holding earlier emissions hold the corrected day.

Entries are compared by stable key (a key changes whenever an entry's content does). An entry the
target holds that the corrected day no longer has is reversed: the same lines with their sides
swapped, booked as the opposite kind (a sale's reversal is a void, a shortage's an overage …), so
every target renders it with its ordinary `render` and never a negative amount. An entry of the
day the target does not hold is added as it is. Entries held and still in the day are left alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from journalgen.journal import Entry, EntryKind, Journal

OPPOSITE = {
    EntryKind.sale: EntryKind.void, EntryKind.void: EntryKind.sale,
    EntryKind.cash_in: EntryKind.cash_out, EntryKind.cash_out: EntryKind.cash_in,
    EntryKind.transfer_in: EntryKind.transfer_out, EntryKind.transfer_out: EntryKind.transfer_in,
    EntryKind.shortage: EntryKind.overage, EntryKind.overage: EntryKind.shortage,
}
_SWAPPED = {"debit": "credit", "credit": "debit"}


def reversal_key(key: str, resend: int) -> str:
    """The key of the reversal of entry (or line) `key` in `resend-N`: it names the original."""
    return f"{key}-rev{resend}"


def reversal(entry: Entry, resend: int) -> Entry:
    """`entry` undone: each line on the other side, the entry booked as the opposite kind."""
    lines = tuple(replace(line, side=_SWAPPED[line.side], key=reversal_key(line.key, resend))
                  for line in reversed(entry.lines))
    return replace(entry, kind=OPPOSITE[entry.kind], lines=lines, key=reversal_key(entry.key, resend))


@dataclass(frozen=True)
class Delta:
    """A re-send: the delta journal, the held entries it reverses and the day's entries it adds."""

    journal: Journal
    reversed: tuple[Entry, ...]
    added: tuple[Entry, ...]

    @property
    def unchanged(self) -> bool:
        return not self.reversed and not self.added


def delta(held: Mapping[str, Entry], journal: Journal, resend: int) -> Delta:
    """What to emit as `resend-N` to a target holding `held` (entries by key) so that it holds
    `journal`'s day: reversals of held entries first (in the order they were emitted), then the
    new entries in journal order. Only the reversed entries are looked up in `held`."""
    current = {entry.key for entry in journal.entries}
    removed = tuple(held[key] for key in held if key not in current)
    added = tuple(entry for entry in journal.entries if entry.key not in held)
    entries = (*(reversal(entry, resend) for entry in removed), *added)
    return Delta(journal=replace(journal, entries=entries, resend=resend), reversed=removed, added=added)

