"""Emitting a store-day through the sent-ledger: plan → post (or write) → commit.

`plan()` compares a store-day's journal with what the ledger says each target already holds and
renders, per target, what to hand over: the whole day the first time (number 0); nothing when
unchanged; otherwise re-send N (`resend-N/`, N counted per store-day over all targets) holding
the target's rendering of the delta journal (see delta.py), or the whole day for `full=True` or a
target that declares no delta. A plan records nothing; `commit()` records it (committing the same
plan twice is harmless; a plan made against a ledger that has moved on is refused).

`Emitter` is what `journalgen build` uses: under the store-day's lock it settles what a crashed
run left pending, plans, records the plan as pending (the intent), writes the store-day folder and
`resend-N/`, then commits. A run killed between writing and committing leaves a pending record
whose files are on disk: the next run finds them by their hash and commits them; a pending record
whose files never fully landed is discarded and planned again. The pending record is durable
before the files are written; the commit is not waited for (`Ledger.commit(durable=False)`): one
lost in a power cut is a pending record whose files are on disk, settled the same way.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from journalgen.build import owned_by, render
from journalgen.close import DailyClose
from journalgen.delta import delta
from journalgen.errors import LedgerConflictError, LedgerUnavailableError
from journalgen.journal import Entry, Journal
from journalgen.journalize import journalize
from journalgen.ledger import Ledger, LedgerError, Record, Recorded, StoreDayKey, output_hash
from journalgen.plugins import installed_targets
from journalgen.settings import Settings
from journalgen.storeday import Switched

Kind = Literal["first", "delta", "full", "unchanged"]


@dataclass(frozen=True)
class TargetPlan:
    """What to hand one target: `outputs` render `journal` (the day, or the delta journal).

    `number` is 0 for the first emission and N for re-send N; `base` is the number of the last
    emission the target held when planned (None: nothing)."""

    target: str
    kind: Kind
    number: int
    base: int | None
    journal: Journal
    outputs: dict[str, bytes]
    reversed: tuple[Entry, ...] = ()
    added: tuple[Entry, ...] = ()

    @property
    def folder(self) -> str:
        """Where the outputs go below the store-day folder: itself, or `resend-N`."""
        return f"resend-{self.number}" if self.number else ""

    def record(self) -> Record:
        """The ledger record of this plan."""
        return Record(target=self.target, number=self.number, kind=self.kind, folder=self.folder,
                      files=tuple(self.outputs), output_hash=output_hash(self.outputs),
                      reversed=self.reversed, added=self.added)


@dataclass(frozen=True)
class Plan:
    """A store-day's plan over one or more targets."""

    day: StoreDayKey
    journal: Journal
    targets: tuple[TargetPlan, ...]

    @property
    def changed(self) -> tuple[TargetPlan, ...]:
        """The target plans that emit something."""
        return tuple(part for part in self.targets if part.kind != "unchanged")

    @property
    def status(self) -> Literal["built", "unchanged", "resent"]:
        """`unchanged` when nothing is emitted, `resent` when a re-send is, else `built`."""
        if not self.changed:
            return "unchanged"
        return "resent" if any(part.number for part in self.changed) else "built"

    @property
    def resend(self) -> TargetPlan | None:
        """The first target plan that is a re-send (they share N and, as deltas, their entries)."""
        return next((part for part in self.changed if part.number), None)

    def outputs_in(self, folder: str) -> dict[str, bytes]:
        """Every output planned into `folder` ("" for the store-day folder, `resend-N`)."""
        return {name: data for part in self.changed if part.folder == folder for name, data in part.outputs.items()}


def store_day(journal: Journal, settings: Settings) -> StoreDayKey:
    """The ledger's key of `journal`'s store-day: the company named in settings, store, date."""
    return StoreDayKey(company=settings.company.name, store=journal.store.code, business_date=journal.business_date)


def plan(ledger: Ledger, day: DailyClose | Journal, settings: Settings, targets: str | Iterable[str],
         *, full: bool = False, rendered: dict[str, bytes] | None = None) -> Plan:
    """What to emit for `day` (a close, or its journal) to each of `targets`; records nothing.
    `full=True` re-emits the whole day to every target that already holds it (e.g. after the
    user deleted the day in 弥生). `rendered`, the day's outputs when already rendered, saves
    rendering a first emission again. Raises a JournalgenError when a target refuses the day."""
    journal = day if isinstance(day, Journal) else journalize(day, settings)
    key = store_day(journal, settings)
    state = ledger.state(key)
    number = (state.last_number or 0) + 1
    parts = []
    for name in [targets] if isinstance(targets, str) else list(targets):
        held = state.of(name)
        change = delta(held.entries, journal, number)
        if held.number is None:
            part = TargetPlan(name, "first", 0, None, journal, {}, added=journal.entries)
        elif change.unchanged and not full:
            part = TargetPlan(name, "unchanged", held.number, held.number, journal, {})
        elif full or not installed_targets().get(name).delta:
            part = TargetPlan(name, "full", number, held.number, replace(journal, resend=number), {},
                              added=journal.entries)
        else:
            part = TargetPlan(name, "delta", number, held.number, change.journal, {},
                              reversed=change.reversed, added=change.added)
        if part.kind == "first" and rendered is not None:
            part = replace(part, outputs={file: data for file, data in rendered.items() if owned_by(name, file)})
        elif part.kind != "unchanged":
            part = replace(part, outputs=render(part.journal, settings, [name]))
        parts.append(part)
    return Plan(day=key, journal=journal, targets=tuple(parts))


def commit(ledger: Ledger, planned: Plan, run_id: str = "") -> None:
    """Record `planned` as emitted, after the connector posted it. Committing it again is
    harmless; LedgerConflictError if another emission was recorded since it was planned."""
    run_id = run_id or uuid.uuid4().hex
    with ledger.locked(planned.day):
        recorded = {(e.target, e.number): e for e in ledger.emissions(planned.day)}
        state = ledger.state(planned.day)
        new, pending = [], []
        for part in planned.changed:
            record = part.record()
            existing = recorded.get((part.target, part.number))
            if existing is not None and existing.output_hash == record.output_hash:
                pending += [existing.id] if existing.state == "pending" else []
                continue
            if existing is not None or state.of(part.target).number != part.base:
                raise LedgerConflictError(target=part.target, store=planned.day.store,
                                          date=planned.day.business_date.isoformat(), number=part.number)
            new.append(record)
        ledger.record(planned.day, new, run_id, "committed")
        ledger.commit(pending)


Writer = Callable[[Path, dict[str, bytes]], Switched]


class Emitter:
    """Writes store-days for `journalgen build` and records them in `ledger` (see the module).
    With `dry_run` it plans only: no file is written and nothing is recorded."""

    def __init__(self, ledger: Ledger, settings: Settings, targets: list[str], write: Writer,
                 full: bool = False, dry_run: bool = False):
        self.ledger, self.settings, self.targets, self.write = ledger, settings, targets, write
        self.full, self.dry_run = full, dry_run
        self.run_id = uuid.uuid4().hex

    def emit(self, directory: Path, journal: Journal, outputs: dict[str, bytes]) -> tuple[Switched, Plan]:
        """Write `outputs` (the whole day) into `directory` and what the plan re-sends into
        `directory/resend-N/`; what was written into and removed from `directory` itself, and the plan."""
        try:
            return self._emit(directory, journal, outputs)
        except LedgerError as exc:  # the store-day fails with the reason; the next run settles it
            raise LedgerUnavailableError(url=self.ledger.safe_url, reason=str(exc).splitlines()[0]) from None

    def _emit(self, directory: Path, journal: Journal, outputs: dict[str, bytes]) -> tuple[Switched, Plan]:
        if self.dry_run:
            return Switched(), plan(self.ledger, journal, self.settings, self.targets, full=self.full, rendered=outputs)
        key = store_day(journal, self.settings)
        with self.ledger.locked(key):
            settle(self.ledger, key, directory)
            planned = plan(self.ledger, journal, self.settings, self.targets, full=self.full, rendered=outputs)
            ids = self.ledger.record(key, [part.record() for part in planned.changed], self.run_id, "pending")
            written = self.write(directory, outputs)
            resend = planned.resend
            if resend is not None:
                self.write(directory / resend.folder, planned.outputs_in(resend.folder))
            self.ledger.commit(ids, durable=False)  # lost with the power: settled from the files
        return written, planned


def landed(ledger: Ledger, key: StoreDayKey, directory: Path) -> tuple[list[Recorded], list[Recorded]]:
    """The pending emissions of `key` whose files are in `directory` as recorded, and the others
    (they never reached the disk whole)."""
    complete, partial = [], []
    for emission in ledger.emissions(key):
        if emission.state != "pending":
            continue
        paths = [directory / emission.folder / name for name in emission.files]
        found = {path.name: path.read_bytes() for path in paths if path.is_file()}
        whole = len(found) == len(paths) and output_hash(found) == emission.output_hash
        (complete if whole else partial).append(emission)
    return complete, partial


def settle(ledger: Ledger, key: StoreDayKey, directory: Path) -> None:
    """Commit each pending emission of `key` whose files are in `directory` (the store-day's
    folder) as recorded; discard the others. Call it under `ledger.locked(key)`."""
    complete, partial = landed(ledger, key, directory)
    ledger.commit([emission.id for emission in complete])
    ledger.discard([emission.id for emission in partial])


@dataclass(frozen=True)
class Emitted:
    """One committed emission of a target with its outputs, as they were handed over."""

    number: int
    kind: str
    folder: str
    outputs: dict[str, bytes]


def emitted(ledger: Ledger, journal: Journal, settings: Settings, target: str, directory: Path) -> list[Emitted]:
    """Every committed emission of `journal`'s store-day to `target`, in order, with its outputs:
    what a connector posts (those not yet in the service). Each is rendered again from the
    entries the ledger holds for it (the day's folder keeps only the latest full day). When that
    rendering differs from the recorded hash (the settings changed since) the files in its folder
    are used if they still have it; else the new rendering stands, and a connector that already
    sent a body under the same key refuses the changed one (freee: FREEE_CHANGED_AFTER_POST)."""
    key = store_day(journal, settings)
    found = []
    held_before = ledger.state(key, upto=-1).of(target).entries
    for emission in ledger.emissions(key, target):
        if emission.state != "committed":
            continue
        held = ledger.state(key, upto=emission.number).of(target).entries
        day = replace(journal, entries=tuple(held[entry] for entry in held), resend=emission.number)
        if emission.kind == "delta":
            day = delta(held_before, day, emission.number).journal
        outputs = {name: data for name, data in render(day, settings, [target]).items() if name in emission.files}
        if output_hash(outputs) != emission.output_hash:
            paths = [directory / emission.folder / name for name in emission.files]
            on_disk = {path.name: path.read_bytes() for path in paths if path.is_file()}
            if len(on_disk) == len(paths) and output_hash(on_disk) == emission.output_hash:
                outputs = on_disk
        found.append(Emitted(emission.number, emission.kind, emission.folder, outputs))
        held_before = held
    return found
