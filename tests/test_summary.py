"""The run summary's coverage: days without a close and stores missing, from runs of days."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from journalgen.summary import RunSummary

START = dt.date(2025, 1, 1)


def ranges(days: set[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """`days` as runs of consecutive dates, one day at a time: the plain reading to compare with."""
    found: list[tuple[dt.date, dt.date]] = []
    for day in sorted(days):
        if found and day - found[-1][1] == dt.timedelta(days=1):
            found[-1] = (found[-1][0], day)
        else:
            found.append((day, day))
    return found


def covered(days_by_store: dict[str, list[dt.date]], first: dt.date | None, last: dt.date | None) -> RunSummary:
    with RunSummary("build") as summary:
        summary.cover({store: [day.toordinal() for day in days] for store, days in days_by_store.items()},
                      first, last)
    return summary


days = st.lists(st.integers(0, 60).map(lambda n: START + dt.timedelta(days=n)), min_size=1, max_size=40)


@given(st.dictionaries(st.sampled_from(["0001", "0002", "0003", "A", "b"]), days, max_size=4),
       st.none() | st.integers(0, 10), st.none() | st.integers(50, 70))
def test_coverage_is_every_day_looked_at_alone(days_by_store, low, high):
    first = START + dt.timedelta(days=low) if low is not None else None
    last = START + dt.timedelta(days=high) if high is not None else None
    days_by_store = {store: [day for day in days if (first or day) <= day <= (last or day)]
                     for store, days in days_by_store.items()}
    days_by_store = {store: days for store, days in days_by_store.items() if days}
    summary = covered(days_by_store, first, last)

    present = {day for days in days_by_store.values() for day in days}
    if present or (first and last):
        span_first, span_last = first or min(present), last or max(present)
        span = {span_first + dt.timedelta(days=n) for n in range((span_last - span_first).days + 1)}
        assert summary.no_close == ranges(span - present)
    else:
        assert summary.no_close == []
    assert summary.missing == {store: ranges(present - set(days_by_store[store]))
                               for store in sorted(days_by_store) if present - set(days_by_store[store])}


def test_coverage_reaches_both_ends_of_the_calendar():
    summary = covered({"a": [dt.date.max, dt.date.min], "b": [dt.date.max]}, None, None)
    assert summary.no_close == [(dt.date.min + dt.timedelta(days=1), dt.date.max - dt.timedelta(days=1))]
    assert summary.missing == {"b": [(dt.date.min, dt.date.min)]}
