"""Any sequence of corrections of a store-day, re-sent through the ledger, keeps the yen sum:
Σ(first emission, or the last full one) + Σ(every delta since) = the corrected day, per account ×
tax × 品目, and the target ends up holding exactly the corrected day's entries."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from resend_scenario import journal_sums, total
from strategies import closes

from journalgen.close import Store
from journalgen.journalize import journalize
from journalgen.ledger import Ledger
from journalgen.resend import commit, plan, store_day
from journalgen.settings import Settings

LEDGER = Ledger("sqlite://")
STORES = itertools.count(1)
SETTINGS = Settings()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corrections=st.lists(st.tuples(closes(max_rows=6), st.booleans(), st.integers(0, 9)), min_size=1, max_size=5))
def test_any_sequence_of_corrections_keeps_the_yen_sum(corrections):
    store = Store(code=f"{next(STORES):04d}", name="テスト店")
    emitted = []
    previous = None
    for close, repeat, full_die in corrections:
        if repeat and previous is not None:
            close = previous  # the same close again: nothing to emit
        close = previous = close.model_copy(update={"store": store, "business_date": dt.date(2025, 3, 1)})
        journal = journalize(close, SETTINGS)
        planned = plan(LEDGER, journal, SETTINGS, "journal", full=full_die == 0)
        (part,) = planned.targets
        if part.kind in ("first", "full"):
            emitted = []
        if part.kind != "unchanged":
            emitted.append(journal_sums(part.outputs["journal.json"]))
        commit(LEDGER, planned)
        assert total(*emitted) == total(journal_sums(plan(LEDGER, journal, SETTINGS, "journal", full=True)
                                                     .targets[0].outputs["journal.json"]))
        assert sorted(LEDGER.state(store_day(journal, SETTINGS)).of("journal").entries) == sorted(
            entry.key for entry in journal.entries)
