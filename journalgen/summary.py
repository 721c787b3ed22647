"""The outcome of a `build` or `validate` run: one record per store-day, which days and stores
had no close, and the totals. The console prints it for a person; `--json` prints it for a
script, in the shape of `schemas/run-summary.schema.json`.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from journalgen.build import StoreDayResult
from journalgen.close import DailyClose
from journalgen.errors import JournalgenError
from journalgen.i18n import Lang
from journalgen.journal import Journal
from journalgen.resend import Plan
from journalgen.settings import Settings
from journalgen.warnings import day_warnings

SUMMARY_VERSION = 1
Status = Literal["built", "valid", "failed"]
DateRange = tuple[dt.date, dt.date]


@dataclass(frozen=True)
class Said:
    """A warning or error as the run tells it: code, level and message in the run's language."""

    code: str
    message: str
    level: str = "error"


@dataclass(frozen=True)
class Sent:
    """What the sent-ledger made of a store-day: first sent (`built`), `unchanged` or `resent`,
    and the re-send (`number` > 0) it wrote into `folder`."""

    status: Literal["built", "unchanged", "resent"]
    number: int = 0
    kind: str = ""
    folder: str = ""
    added: int = 0
    reversed: int = 0
    net_sales: int = 0

    @classmethod
    def of(cls, plan: Plan) -> Sent:
        """The part of `plan` a run reports."""
        resend = plan.resend
        if resend is None:
            return cls(plan.status)
        return cls(plan.status, resend.number, resend.kind, resend.folder, len(resend.added), len(resend.reversed),
                   resend.journal.net_sales())


@dataclass
class DayOutcome:
    """What became of one store-day (or of one input that could not be read as one), as text in
    one language: small, and sent back as it is from a worker process."""

    source: str
    status: Status
    date: str | None = None
    store: str | None = None
    store_name: str | None = None
    net_sales: int | None = None
    entries: int | None = None
    files: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    """The targets that left this store-day out (not linked, outside the link window), with why."""
    sent: Sent | None = None
    warnings: list[Said] = field(default_factory=list)
    error: Said | None = None

    @classmethod
    def of(cls, source: str, close: DailyClose | None, journal: Journal | None, error: JournalgenError | None,
           settings: Settings, done: Status, lang: Lang) -> DayOutcome:
        """The outcome of a store-day whose journal (if any) was made and whose error (if any)
        stopped it; `done` is the status when nothing did. Messages in `lang`."""
        warnings = day_warnings(journal, settings) if journal else []
        return cls(source=source, status="failed" if error else done,
                   date=close.business_date.isoformat() if close else None,
                   store=close.store.code if close else None, store_name=close.store.name if close else None,
                   error=Said(error.code, error.message(lang)) if error else None,
                   net_sales=journal.net_sales() if journal else None,
                   entries=len(journal.entries) if journal else None,
                   warnings=[Said(w.code, w.message(lang), w.level) for w in warnings])

    @classmethod
    def of_build(cls, result: StoreDayResult, settings: Settings, lang: Lang) -> DayOutcome:
        """The outcome of one store-day of `build_closes`."""
        outcome = cls.of(result.source, result.close, result.journal, result.error, settings, "built", lang)
        outcome.files, outcome.removed = list(result.written), list(result.removed)
        outcome.skipped = {name: skip.message(lang) for name, skip in result.skipped.items()}
        outcome.sent = Sent.of(result.plan) if result.plan is not None else None
        return outcome

    def warning_count(self) -> int:
        """The warnings of this store-day that ask the user to act (notes not counted)."""
        return sum(1 for warning in self.warnings if warning.level == "warning")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record of this store-day."""
        return {
            "date": self.date,
            "store": self.store,
            "store_name": self.store_name,
            "source": self.source,
            "status": self.status,
            "files": [str(path) for path in self.files],
            "removed": [str(path) for path in self.removed],
            "skipped": dict(self.skipped),
            "net_sales": self.net_sales,
            "entries": self.entries,
            "warnings": [{"code": w.code, "level": w.level, "message": w.message} for w in self.warnings],
            "error": {"code": self.error.code, "message": self.error.message} if self.error else None,
        }


Runs = list[tuple[int, int]]
"""Days as ordered, disjoint runs of consecutive days, each (first, last) as `date.toordinal()`."""


def _runs(days: Iterable[int]) -> Runs:
    """`days` (ordinals, in any order, repeats allowed) as Runs."""
    runs: Runs = []
    for day in sorted(days):
        if runs and day <= runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _union(runs: Iterable[tuple[int, int]]) -> Runs:
    """The days any of `runs` (in any order, overlapping or not) holds, as Runs."""
    merged: Runs = []
    for start, end in sorted(runs):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _without(runs: Runs, taken: Runs) -> Runs:
    """The days of `runs` that `taken` does not hold."""
    left: Runs = []
    first = 0  # the first run of `taken` not wholly before this run
    for start, end in runs:
        while first < len(taken) and taken[first][1] < start:
            first += 1
        index = first
        while index < len(taken) and taken[index][0] <= end:
            low, high = taken[index]
            if low > start:
                left.append((start, low - 1))
            start = max(start, high + 1)
            index += 1
        if start <= end:
            left.append((start, end))
    return left


def _dates(runs: Runs) -> list[DateRange]:
    return [(dt.date.fromordinal(start), dt.date.fromordinal(end)) for start, end in runs]


def days_without_close(present: Runs, first: dt.date, last: dt.date) -> list[DateRange]:
    """The days from `first` to `last` on which no store has a close (`present`), as ranges."""
    return _dates(_without([(first.toordinal(), last.toordinal())] if first <= last else [], present))


def stores_missing(runs_by_store: dict[str, Runs], days: Runs) -> dict[str, list[DateRange]]:
    """For each store, the `days` other stores have a close and it has none: how a lost close is noticed."""
    missing = {store: _dates(_without(days, runs_by_store[store])) for store in sorted(runs_by_store)}
    return {store: ranges for store, ranges in missing.items() if ranges}


def format_ranges(ranges: list[DateRange]) -> str:
    """`2025-01-01..2025-01-09, 2025-01-15`: each range, a single day as itself."""
    return ", ".join(start.isoformat() if start == end else f"{start.isoformat()}..{end.isoformat()}"
                     for start, end in ranges)


def _ranges_to_dicts(ranges: list[DateRange]) -> list[dict[str, str]]:
    return [{"from": start.isoformat(), "to": end.isoformat()} for start, end in ranges]


class RunSummary:
    """A run's totals, added to one store-day at a time; the store-days' records wait in a
    temporary file for `--json` (so memory does not grow with the run; `with` removes it), with
    the days and stores that had no close set at the end."""

    def __init__(self, command: Literal["build", "validate"], checked: dict[str, Any] | None = None):
        self.command, self.checked = command, checked or {}
        self.no_close: list[DateRange] = []
        self.missing: dict[str, list[DateRange]] = {}
        self.counts = {"store_days": 0, "ok": 0, "failed": 0, "warnings": 0, "net_sales": 0}
        self.sent = {"built": 0, "unchanged": 0, "resent": 0}
        self.first_built: DayOutcome | None = None
        self._records = tempfile.TemporaryFile("w+", encoding="utf-8")

    def add(self, outcome: DayOutcome) -> None:
        """Count one store-day and keep its record."""
        failed = outcome.status == "failed"
        self.counts["store_days"] += 1
        self.counts["failed" if failed else "ok"] += 1
        self.counts["warnings"] += outcome.warning_count()
        if not failed:
            self.counts["net_sales"] += outcome.net_sales or 0
            if outcome.sent is not None:
                self.sent[outcome.sent.status] += 1
        if self.first_built is None and outcome.status == "built":
            self.first_built = outcome
        self._records.write(json.dumps(outcome.to_dict(), ensure_ascii=False) + "\n")

    def cover(self, days_by_store: dict[str, Iterable[int]], first: dt.date | None, last: dt.date | None) -> None:
        """Set the days in `first..last` (else the input's own span) without a close, given the
        days (as `date.toordinal()`) each store has one, and the stores missing on days other
        stores have. Memory grows with the runs of days, not with the days."""
        runs_by_store = {store: _runs(days) for store, days in days_by_store.items()}
        present = _union(run for runs in runs_by_store.values() for run in runs)
        if present or (first and last):
            self.no_close = days_without_close(present, first or dt.date.fromordinal(present[0][0]),
                                               last or dt.date.fromordinal(present[-1][1]))
        self.missing = stores_missing(runs_by_store, present)

    def totals(self) -> dict[str, int]:
        """Store-days done and failed, warnings, and the net sales of the days done."""
        return dict(self.counts)

    def write_json(self, stream: IO[str], ascii_for: Callable[[str], bool]) -> None:
        """Write the JSON document of `--json` (schemas/run-summary.schema.json) to `stream`, as
        `json.dumps(…, indent=2)` would; a part for which `ascii_for(text)` holds is written
        with ASCII escapes instead."""
        document = {
            "version": SUMMARY_VERSION,
            "command": self.command,
            "checked": self.checked,
            "store_days": [],
            "days_without_close": _ranges_to_dicts(self.no_close),
            "stores_missing": [{"store": store, "days": _ranges_to_dicts(ranges)}
                               for store, ranges in self.missing.items()],
            "totals": self.totals(),
        }
        head, tail = _json_text(document, ascii_for).split('"store_days": []', 1)
        stream.write(head + '"store_days": [')
        self._records.seek(0)
        for number, line in enumerate(self._records):
            text = _json_text(json.loads(line), ascii_for).replace("\n", "\n    ")
            stream.write(("," if number else "") + "\n    " + text)
        stream.write(("\n  ]" if self.counts["store_days"] else "]") + tail + "\n")

    def __enter__(self) -> RunSummary:
        return self

    def __exit__(self, *exc_info) -> None:
        """Remove the records; the totals stay."""
        self._records.close()


def _json_text(data: Any, ascii_for: Callable[[str], bool]) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return json.dumps(data, indent=2) if ascii_for(text) else text
