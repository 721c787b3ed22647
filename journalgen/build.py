"""Building: close → journal → checked and rendered outputs, and writing them atomically.

`build()` is the library entry point for connector services: it returns the rendered bytes
and touches no disk. `build_closes()` is what the CLI runs over many store-days: one failing
store-day is reported and the others still build.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import functools
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from journalgen.close import DailyClose
from journalgen.errors import (
    JournalgenError,
    OutputCollisionError,
    OutputFolderError,
    OutputNameError,
    OutputWriteError,
    RepeatedTargetError,
    Problem,
    SettingsError,
    os_problem,
    pydantic_problems,
)
from journalgen.inputs import LoadedClose
from journalgen.journal import Journal
from journalgen.journalize import journalize
from journalgen.plugins import installed_targets
from journalgen.settings import Settings
from journalgen.storeday import TEMPORARY_PREFIX, output_lock, switch
from journalgen.target import Skip, Target

if TYPE_CHECKING:
    from journalgen.resend import Emitter, Plan


def target_options(target: Target, settings: Settings) -> Any:
    """The target's validated `[targets.NAME]` section (None for a target without options)."""
    section = settings.target_section(target.name)
    if target.options is None:
        return None
    try:
        return target.options.model_validate(section, context={"settings": settings})
    except ValidationError as exc:
        problems = tuple(replace(p, field=f"targets.{target.name}.{p.field}") for p in pydantic_problems(exc, target.options))
        raise SettingsError(file=settings.file_name, problems=problems, locale_dir=target.locale_dir) from None


def check_targets(settings: Settings, names: Iterable[str]) -> None:
    """Refuse a run before it builds anything: UnknownTargetError for a name in `names` no
    installed plugin registers, RepeatedTargetError for a name given twice, SettingsError for a `[targets.NAME]` section of no installed
    target (a typo such as `[targets.fre]` would otherwise be ignored) or one its target refuses."""
    installed = installed_targets()
    seen: set[str] = set()
    for name in names:
        installed.get(name)
        if name in seen:
            raise RepeatedTargetError(target=name)
        seen.add(name)
    unknown = sorted(set(settings.targets) - set(installed.names()))
    if unknown:
        reason = "no installed target has this name; installed targets: {installed}"
        problems = tuple(Problem(f"targets.{name}", "", reason, {"installed": ", ".join(installed.names())})
                         for name in unknown)
        raise SettingsError(file=settings.file_name, problems=problems)
    for name in settings.targets:
        target_options(installed.get(name), settings)


def check_output_folder(out_dir: Path) -> None:
    """Refuse an output folder that cannot be one before anything is built: OutputFolderError
    when `out_dir`, or the nearest part of it that exists, is not a folder."""
    try:
        existing = next((path for path in (out_dir, *out_dir.parents) if path.exists()), None)
    except OSError as exc:  # a name too long, a loop of links …
        raise OutputFolderError(file=str(out_dir), problems=(os_problem(exc),)) from None
    if existing is not None and not existing.is_dir():
        cause = errno.ENOTDIR if existing != out_dir else errno.EEXIST
        raise OutputFolderError(file=str(out_dir), problems=(os_problem(OSError(cause, "", str(existing))),))


def owned_by(target: str, file_name: str) -> bool:
    """Whether `file_name` is named as `target`'s files must be: `<target>.…` or `<target>-…`."""
    return file_name.startswith((f"{target}.", f"{target}-"))


@dataclass(frozen=True)
class PreparedTargets:
    """The targets of a run, each with its `[targets.NAME]` options validated once
    (`prepare_targets`), for `render` to use on every store-day of the run."""

    settings: Settings
    targets: tuple[tuple[Target, Any], ...]


def prepare_targets(settings: Settings, names: Iterable[str]) -> PreparedTargets:
    """Look up `names` and validate their options once: UnknownTargetError for a name no plugin
    registers, SettingsError for options the target refuses (as `target_options`)."""
    installed = installed_targets()
    return PreparedTargets(settings, tuple((target, target_options(target, settings))
                                           for target in map(installed.get, names)))


def render(journal: Journal, settings: Settings, targets: Iterable[str] | PreparedTargets,
           skipped: dict[str, Skip] | None = None) -> dict[str, bytes]:
    """Check the journal with each target and render it; {file name: bytes} over all targets.
    `targets`: names, or `prepare_targets(settings, names)` made once for a batch of store-days.
    A target whose `skip` gives a reason renders nothing; the reason goes into `skipped`."""
    prepared = targets if isinstance(targets, PreparedTargets) else prepare_targets(settings, targets)
    if prepared.settings is not settings:
        raise ValueError("the targets were prepared with other settings than the render's")
    outputs: dict[str, bytes] = {}
    owners: dict[str, str] = {}
    for target, options in prepared.targets:
        name = target.name
        skip = target.skip(journal, settings, options) if target.skip is not None else None
        if skip is not None:
            if skipped is not None:
                skipped[name] = skip
            continue
        if target.check is not None:
            target.check(journal, settings, options)
        for file_name, data in target.render(journal, settings, options).items():
            if not owned_by(name, file_name):
                raise OutputNameError(target=name, name=file_name)
            if file_name in owners:
                raise OutputCollisionError(first=owners[file_name], second=name, name=file_name)
            outputs[file_name], owners[file_name] = bytes(data), name
    return outputs


def build(
    close: DailyClose, settings: Settings | None = None, target: str | Iterable[str] = "journal", source: str = ""
) -> dict[str, bytes]:
    """Journalize one close and render it for `target` (a name or several); no disk is touched.

    Raises a JournalgenError subclass when the close is refused (out of fiscal period, missing
    master, …); `error.code` says which rule and `error.message("ja")` says it in Japanese.
    """
    settings = settings or Settings()
    targets = [target] if isinstance(target, str) else list(target)
    return render(journalize(close, settings, source), settings, targets)


@dataclass
class StoreDayResult:
    """The outcome of one store-day (or of one input that could not be read as one)."""

    source: str
    close: DailyClose | None = None
    journal: Journal | None = None
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    error: JournalgenError | None = None
    skipped: dict[str, Skip] = field(default_factory=dict)
    """Targets that left this store-day out, with why (not linked, outside the link window)."""
    store_day: tuple[dt.date, str] | None = None
    plan: Plan | None = None
    """What the sent-ledger made of this store-day (built, unchanged, re-sent), with an emitter."""


def write_atomically(directory: Path, outputs: dict[str, bytes]) -> list[Path]:
    """Write every output into `directory`, each file as one step: written to a temporary file
    in the same directory first, then renamed into place. For a file beside a store-day's build
    (the review page); a build's own files switch together (`storeday.switch`)."""
    directory.mkdir(parents=True, exist_ok=True)
    umask = os.umask(0)
    os.umask(umask)
    staged: list[tuple[str, Path]] = []
    try:
        for file_name, data in outputs.items():
            handle, temporary = tempfile.mkstemp(dir=directory, prefix=f"{TEMPORARY_PREFIX}{file_name}.",
                                                 suffix=".tmp")
            staged.append((file_name, Path(temporary)))
            os.fchmod(handle, 0o666 & ~umask)  # as open() would create it, not mkstemp's owner-only 600
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
    except BaseException:
        for _, temporary in staged:
            temporary.unlink(missing_ok=True)
        raise
    written = []
    for file_name, temporary in staged:
        os.replace(temporary, directory / file_name)
        written.append(directory / file_name)
    return written


def build_closes(
    loaded: Iterable[LoadedClose], settings: Settings, targets: list[str] | PreparedTargets, out_dir: Path,
    check: Callable[[Journal], None] | None = None, emitter: Emitter | None = None, lock: bool = True,
) -> Iterator[StoreDayResult]:
    """Build every loaded close into `out_dir/<date>/<store>/`, holding the output folder's lock,
    and yield each store-day's result, in order, as soon as its folder has switched.

    Each store-day's folder switches as one step (`storeday.switch`). An input error, a refused
    store-day or a file-system refusal becomes that store-day's failed result and the rest still
    build; a store-day refused after an earlier build keeps none of that build's files. `check`
    may refuse a journal (raise a JournalgenError) before anything is rendered. With an `emitter`
    (resend.py) each store-day is written and recorded through the sent-ledger, re-sends into
    `resend-N/`. Holds `locked_output(out_dir)` unless `lock` is False (a caller that holds it
    already, or a dry run).

    `targets`: names, or `prepare_targets(settings, names)` made once for many calls.

    A store-day is written (and recorded) on one writer thread while the next one is rendered,
    so its fsyncs overlap that work; the writes keep their order, and a store-day's ledger
    commit still follows its durable switch. Only one store-day waits to be written at a time."""
    prepared = targets if isinstance(targets, PreparedTargets) else prepare_targets(settings, targets)
    with locked_output(out_dir) if lock else contextlib.nullcontext(), \
            ThreadPoolExecutor(1, thread_name_prefix="journalgen-writer") as writer:
        waiting: tuple[StoreDayResult, Future | None] | None = None
        for item in loaded:
            result, write = _build_store_day(item, settings, prepared, out_dir, check, emitter)
            if waiting is not None:
                yield _written(*waiting)
            if write is not None and emitter is not None and emitter.dry_run:  # plans against a ledger that
                write()                                                       # may live in this thread's memory
                write = None
            waiting = (result, writer.submit(write) if write is not None else None)
        if waiting is not None:
            yield _written(*waiting)


def _written(result: StoreDayResult, write: Future | None) -> StoreDayResult:
    if write is not None:
        write.result()
    return result


@contextlib.contextmanager
def locked_output(out_dir: Path, wait: float = 0) -> Iterator[None]:
    """Hold the output folder's lock (`storeday.output_lock`) for the block. Raises
    OutputBusyError when another run writes into `out_dir`, OutputFolderError when it cannot be
    made or locked. `wait`: seconds to wait for a busy folder first."""
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(output_lock(out_dir, wait))
        except OSError as exc:  # the output folder itself cannot be made or locked
            raise OutputFolderError(file=str(out_dir), problems=(os_problem(exc),)) from None
        yield


def _build_store_day(item: LoadedClose, settings: Settings, targets: PreparedTargets, out_dir: Path,
                     check: Callable[[Journal], None] | None,
                     emitter: Emitter | None) -> tuple[StoreDayResult, Callable[[], None] | None]:
    """A store-day's result as far as journalizing and rendering go, and the step that writes
    it (and completes the result), or None when nothing is to be written."""
    store_day = item.close.store_day if item.close is not None else item.store_day
    result = StoreDayResult(source=item.source, close=item.close, error=item.error, store_day=store_day)
    if store_day is None:
        return result, None
    day, store = store_day
    directory = out_dir / day.isoformat() / store
    outputs: dict[str, bytes] = {}
    try:
        if item.error is None and item.close is not None:
            result.journal = journalize(item.close, settings, item.source)
            if check is not None:
                check(result.journal)
            outputs = render(result.journal, settings, targets, result.skipped)
            if emitter is not None:
                return result, functools.partial(_emit, result, emitter, directory, outputs)
    except JournalgenError as error:
        result.error = error
    if emitter is not None and emitter.dry_run:
        return result, None
    return result, functools.partial(_switch, result, directory, outputs if result.error is None else {})


def _emit(result: StoreDayResult, emitter: Emitter, directory: Path, outputs: dict[str, bytes]) -> None:
    """Write and record the store-day through the sent-ledger; a refusal empties its folder."""
    try:
        switched, result.plan = emitter.emit(directory, result.journal, outputs)
    except JournalgenError as error:
        result.error = error
        if not emitter.dry_run:
            _switch(result, directory, {})
        return
    except OSError as exc:  # the emitter's writes
        result.error = OutputWriteError(file=str(directory), problems=(os_problem(exc),))
        return
    result.written, result.removed = switched.written, switched.removed


def _switch(result: StoreDayResult, directory: Path, outputs: dict[str, bytes]) -> None:
    try:
        switched = switch(directory, outputs)
    except OSError as exc:
        result.error = result.error or OutputWriteError(file=str(directory), problems=(os_problem(exc),))
        return
    result.written, result.removed = switched.written, switched.removed
