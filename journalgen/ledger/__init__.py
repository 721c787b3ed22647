"""The sent-ledger: what was emitted to which target for which store-day (see store.py)."""

from pathlib import Path

from journalgen.ledger.store import (
    DayState, Held, HeldEntries, Ledger, LedgerError, PostedRow, Record, Recorded, StoreDayKey, Unposted, output_hash,
)

LEDGER_FILE = Path(".journalgen") / "ledger.sqlite3"


def default_url(out_dir: Path) -> str:
    """The SQLite ledger beside the outputs: `OUT/.journalgen/ledger.sqlite3`."""
    return f"sqlite:///{(out_dir / LEDGER_FILE).absolute()}"


__all__ = ["LEDGER_FILE", "DayState", "Held", "HeldEntries", "Ledger", "LedgerError", "PostedRow", "Record", "Recorded",
           "StoreDayKey", "Unposted", "default_url", "output_hash"]
