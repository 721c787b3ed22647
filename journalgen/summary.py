"""The outcome of a `build` or `validate` run: one record per store-day, which days and stores
had no close, and the totals. The console prints it for a person; `--json` prints it for a
script, in the shape of `schemas/run-summary.schema.json`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from journalgen.build import StoreDayResult
from journalgen.close import DailyClose
from journalgen.errors import JournalgenError
from journalgen.i18n import Lang
from journalgen.journal import Journal
from journalgen.resend import Plan
from journalgen.settings import Settings
from journalgen.target import Skip
from journalgen.warnings import DayWarning, day_warnings

SUMMARY_VERSION = 1
Status = Literal["built", "valid", "failed"]
DateRange = tuple[dt.date, dt.date]


@dataclass
class DayOutcome:
    """What became of one store-day (or of one input that could not be read as one)."""

    source: str
    status: Status
    close: DailyClose | None = None
    net_sales: int | None = None
    entries: int | None = None
    files: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    skipped: dict[str, Skip] = field(default_factory=dict)
    """The targets that left this store-day out (not linked, outside the link window), with why."""
    plan: Plan | None = None
    """What the sent-ledger made of this store-day: first sent, unchanged or re-sent."""
    warnings: list[DayWarning] = field(default_factory=list)
    error: JournalgenError | None = None

    @classmethod
    def of(cls, source: str, close: DailyClose | None, journal: Journal | None, error: JournalgenError | None,
           settings: Settings, done: Status) -> DayOutcome:
        """The outcome of a store-day whose journal (if any) was made and whose error (if any)
        stopped it; `done` is the status when nothing did."""
        return cls(source=source, status="failed" if error else done, close=close, error=error,
                   net_sales=journal.net_sales() if journal else None,
                   entries=len(journal.entries) if journal else None,
                   warnings=day_warnings(journal, settings) if journal else [])

    @classmethod
    def of_build(cls, result: StoreDayResult, settings: Settings) -> DayOutcome:
        """The outcome of one store-day of `build_closes`."""
        outcome = cls.of(result.source, result.close, result.journal, result.error, settings, "built")
        outcome.files, outcome.removed = list(result.written), list(result.removed)
        outcome.skipped, outcome.plan = dict(result.skipped), result.plan
        return outcome

    def warning_count(self) -> int:
        """The warnings of this store-day that ask the user to act (notes not counted)."""
        return sum(1 for warning in self.warnings if warning.level == "warning")

    def to_dict(self, lang: Lang) -> dict[str, Any]:
        """A JSON-ready record of this store-day, messages in `lang`."""
        return {
            "date": self.close.business_date.isoformat() if self.close else None,
            "store": self.close.store.code if self.close else None,
            "store_name": self.close.store.name if self.close else None,
            "source": self.source,
            "status": self.status,
            "files": [str(path) for path in self.files],
            "removed": [str(path) for path in self.removed],
            "skipped": {name: skip.message(lang) for name, skip in self.skipped.items()},
            "net_sales": self.net_sales,
            "entries": self.entries,
            "warnings": [{key: value for key, value in warning.to_dict(lang).items() if key != "entry_keys"}
                         for warning in self.warnings],
            "error": {"code": self.error.code, "message": self.error.message(lang)} if self.error else None,
        }


def date_ranges(days: Iterable[dt.date]) -> list[DateRange]:
    """`days` as runs of consecutive dates, in order."""
    ranges: list[DateRange] = []
    for day in sorted(set(days)):
        if ranges and day - ranges[-1][1] == dt.timedelta(days=1):
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def days_without_close(present: set[dt.date], first: dt.date, last: dt.date) -> list[DateRange]:
    """The days from `first` to `last` on which no store has a close, as ranges."""
    count = (last - first).days + 1
    return date_ranges(day for day in (first + dt.timedelta(days=n) for n in range(count)) if day not in present)


def stores_missing(store_days: set[tuple[dt.date, str]]) -> dict[str, list[DateRange]]:
    """For each store, the days other stores have a close and it has none: how a lost close is noticed."""
    days = {day for day, _ in store_days}
    stores = sorted({store for _, store in store_days})
    missing = {store: date_ranges(day for day in days if (day, store) not in store_days) for store in stores}
    return {store: ranges for store, ranges in missing.items() if ranges}


def format_ranges(ranges: list[DateRange]) -> str:
    """`2025-01-01..2025-01-09, 2025-01-15`: each range, a single day as itself."""
    return ", ".join(start.isoformat() if start == end else f"{start.isoformat()}..{end.isoformat()}"
                     for start, end in ranges)


def _ranges_to_dicts(ranges: list[DateRange]) -> list[dict[str, str]]:
    return [{"from": start.isoformat(), "to": end.isoformat()} for start, end in ranges]


@dataclass
class RunSummary:
    """Every store-day of a run, with the days and stores that had no close."""

    command: Literal["build", "validate"]
    outcomes: list[DayOutcome]
    no_close: list[DateRange] = field(default_factory=list)
    missing: dict[str, list[DateRange]] = field(default_factory=dict)
    checked: dict[str, Any] = field(default_factory=dict)

    def totals(self) -> dict[str, int]:
        """Store-days done and failed, warnings, and the net sales of the days done."""
        failed = sum(1 for outcome in self.outcomes if outcome.status == "failed")
        return {
            "store_days": len(self.outcomes),
            "ok": len(self.outcomes) - failed,
            "failed": failed,
            "warnings": sum(outcome.warning_count() for outcome in self.outcomes),
            "net_sales": sum(outcome.net_sales or 0 for outcome in self.outcomes if outcome.status != "failed"),
        }

    def to_dict(self, lang: Lang) -> dict[str, Any]:
        """The JSON document of `--json` (schemas/run-summary.schema.json)."""
        return {
            "version": SUMMARY_VERSION,
            "command": self.command,
            "checked": self.checked,
            "store_days": [outcome.to_dict(lang) for outcome in self.outcomes],
            "days_without_close": _ranges_to_dicts(self.no_close),
            "stores_missing": [{"store": store, "days": _ranges_to_dicts(ranges)}
                               for store, ranges in self.missing.items()],
            "totals": self.totals(),
        }
