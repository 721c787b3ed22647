"""Re-sends on a real SQLite ledger file (the default, OUT/.journalgen/ledger.sqlite3)."""

from __future__ import annotations

import resend_scenario


def test_day_unchanged_void_correction_full_on_the_default_sqlite_ledger(tmp_path):
    resend_scenario.run(tmp_path)
    assert (tmp_path / "out" / ".journalgen" / "ledger.sqlite3").is_file()
