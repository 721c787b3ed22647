"""Building: close → journal → checked and rendered outputs, and writing them atomically.

`build()` is the library entry point for connector services: it returns the rendered bytes
and touches no disk. `build_closes()` is what the CLI runs over many store-days: one failing
store-day is reported and the others still build.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from journalgen.close import DailyClose
from journalgen.errors import (
    JournalgenError,
    OutputCollisionError,
    OutputNameError,
    Problem,
    SettingsError,
    pydantic_problems,
)
from journalgen.inputs import LoadedClose
from journalgen.journal import Journal
from journalgen.journalize import journalize
from journalgen.plugins import installed_targets
from journalgen.settings import Settings
from journalgen.target import Target

if TYPE_CHECKING:
    from journalgen.resend import Emitter, Plan


def target_options(target: Target, settings: Settings) -> Any:
    """The target's validated `[targets.NAME]` section (None for a target without options)."""
    section = settings.target_section(target.name)
    if target.options is None:
        return None
    try:
        return target.options.model_validate(section)
    except ValidationError as exc:
        problems = tuple(replace(p, field=f"targets.{target.name}.{p.field}") for p in pydantic_problems(exc))
        raise SettingsError(file=settings.file_name, problems=problems, locale_dir=target.locale_dir) from None


def check_targets(settings: Settings, names: Iterable[str]) -> None:
    """Refuse a run before it builds anything: UnknownTargetError for a name in `names` no
    installed plugin registers, SettingsError for a `[targets.NAME]` section of no installed
    target (a typo such as `[targets.fre]` would otherwise be ignored) or one its target refuses."""
    installed = installed_targets()
    for name in names:
        installed.get(name)
    unknown = sorted(set(settings.targets) - set(installed.names()))
    if unknown:
        reason = "no installed target has this name; installed targets: {installed}"
        problems = tuple(Problem(f"targets.{name}", "", reason, {"installed": ", ".join(installed.names())})
                         for name in unknown)
        raise SettingsError(file=settings.file_name, problems=problems)
    for name in settings.targets:
        target_options(installed.get(name), settings)


def owned_by(target: str, file_name: str) -> bool:
    """Whether `file_name` is named as `target`'s files must be: `<target>.…` or `<target>-…`."""
    return file_name.startswith((f"{target}.", f"{target}-"))


def render(journal: Journal, settings: Settings, targets: Iterable[str]) -> dict[str, bytes]:
    """Check the journal with each target and render it; {file name: bytes} over all targets."""
    outputs: dict[str, bytes] = {}
    owners: dict[str, str] = {}
    for name in targets:
        target = installed_targets().get(name)
        options = target_options(target, settings)
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
    plan: Plan | None = None
    """What the sent-ledger made of this store-day (built, unchanged, re-sent), with an emitter."""


def write_atomically(directory: Path, outputs: dict[str, bytes]) -> list[Path]:
    """Write every output into `directory`, all or nothing: each goes to a temporary file in the
    same directory first, and only when all are written are they renamed into place."""
    directory.mkdir(parents=True, exist_ok=True)
    umask = os.umask(0)
    os.umask(umask)
    staged: list[tuple[str, Path]] = []
    try:
        for file_name, data in outputs.items():
            handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{file_name}.", suffix=".tmp")
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


def remove_stale(directory: Path, kept: Iterable[str]) -> list[Path]:
    """Delete the files of every installed target in `directory` that are not in `kept`, so a
    store-day's folder holds only what its latest build rendered: no part of a day once split
    into `yayoi-import-1.csv` and `-2.csv`, no file rendered from an earlier close or for a
    target this build did not run, nothing importable for a day this build refused. Files that
    belong to no target (notes, the review page) are left alone."""
    if not directory.is_dir():
        return []
    kept, targets, removed = set(kept), installed_targets().names(), []
    for path in sorted(directory.iterdir()):
        if path.is_file() and path.name not in kept and any(owned_by(t, path.name) for t in targets):
            path.unlink()
            removed.append(path)
    return removed


def build_closes(
    loaded: Iterable[LoadedClose], settings: Settings, targets: list[str], out_dir: Path,
    emitter: Emitter | None = None,
) -> list[StoreDayResult]:
    """Build every loaded close into `out_dir/<date>/<store>/`; an input error or a refused
    store-day becomes a failed result and the rest still build. A refused store-day keeps no
    target file of an earlier build (see `remove_stale`). With an `emitter` (resend.py) each
    store-day is written and recorded through the sent-ledger, re-sends into `resend-N/`."""
    results = []
    for item in loaded:
        result = StoreDayResult(source=item.source, close=item.close, error=item.error)
        if item.close is not None:
            day, store = item.close.store_day
            directory = out_dir / day.isoformat() / store
            outputs: dict[str, bytes] = {}
            try:
                if item.error is None:
                    result.journal = journalize(item.close, settings, item.source)
                    outputs = render(result.journal, settings, targets)
                    if emitter is None:
                        result.written = write_atomically(directory, outputs)
                    else:
                        result.written, result.plan = emitter.emit(directory, result.journal, outputs)
            except JournalgenError as error:
                result.error = error
            if emitter is None or not emitter.dry_run:
                result.removed = remove_stale(directory, outputs if result.error is None else ())
        results.append(result)
    return results
