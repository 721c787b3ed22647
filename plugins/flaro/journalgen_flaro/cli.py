"""The sender `journalgen send --target flaro` (entry point `journalgen.senders` → `flaro`): every
version the sent-ledger emitted to FLARO and FLARO does not hold yet is POSTed to the webhook,
oldest first, for every linked store-day of `[targets.flaro.stores]` in the ledger — not only the
days of this run, so what an earlier run could not deliver goes with the next send, whatever day
that sends (seed 002: 「オンライン復旧時に自動連携」). An emission to FLARO a crash or a power cut
left pending (its commit lost) is settled first from its files, under the store-day's lock, as a
build of that day would settle it (`journalgen.resend.settle`); a dry run only lists it.

A version is an emission to `flaro` the ledger recorded (the first is v1, re-send N is v(N+1);
FLARO takes no delta, so each is the whole day). A delivered version is recorded in the ledger's
posted requests (kind `webhook`, key = the idempotency key, digest of the body), under the ledger's
lock of the store-day. Its body is the one the ledger kept when an earlier try failed, else it is
built from the version's files in `OUT/<date>/<store>/[resend-N/]` when they still hash as the
ledger recorded them. A version with neither is reported (FLARO_VERSION_LOST) and the day's next
version, itself the whole day, goes in its place; a version older than one FLARO holds is never sent."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from journalgen.build import StoreDayResult, target_options
from journalgen.errors import Problem, SettingsError
from journalgen.i18n import Lang, translate
from journalgen.ledger import Ledger, PostedRow, Recorded, StoreDayKey, Unposted, output_hash
from journalgen.links import link_skip
from journalgen.resend import landed, settle, store_day
from journalgen.settings import Settings
from journalgen_flaro.errors import LOCALE_DIR, VersionLostError
from journalgen_flaro.plugin import NAME, TARGET
from journalgen_flaro.webhook import body, post

Echo = Callable[[str, bool], None]
KIND = "webhook"
WEBHOOK_MISSING = "journalgen send --target flaro needs it: the Webhook連携先URL FLARO gives (https://…)"
Version = tuple[int, bytes | None, Path]
"""A version to deliver: its emission number, its body (None: lost) and its folder."""


def _(text: str, lang: Lang) -> str:
    return translate(text, lang, LOCALE_DIR)


def idempotency_key(day: StoreDayKey, number: int) -> str:
    """`<date>_<store>_v<version>` of emission `number` (version = number + 1)."""
    return f"{day.business_date.isoformat()}_{day.store}_v{number + 1}"


def check_settings(settings: Settings) -> None:
    """Refuse `send --target flaro` before anything is built or sent when `[targets.flaro]
    webhook_url` is not set: a SettingsError naming it (one not https is refused by the options)."""
    if target_options(TARGET, settings).webhook_url is None:
        raise SettingsError(file=settings.file_name, locale_dir=LOCALE_DIR,
                            problems=(Problem("targets.flaro.webhook_url", "", WEBHOOK_MISSING),))


def send_days(days: list[StoreDayResult], settings: Settings, out_dir: Path, *, ledger: Ledger, dry_run: bool,
              lang: Lang, echo: Echo) -> tuple[int, int]:
    """Deliver every version FLARO does not hold yet, of this run's `days` and of any store-day an
    earlier run left pending (its emissions still pending in the ledger settled first from their
    files, as a build of the day would); the numbers of store-days sent and failed."""
    options = target_options(TARGET, settings)
    ran = {store_day(result.journal, settings): result for result in days}
    would_commit: list[Unposted] = []  # a dry run's: the pending versions a send would commit
    for day in ledger.pending_days(NAME, settings.company.name):  # commits a crash or a power cut lost
        folder = out_dir / day.business_date.isoformat() / day.store
        if not dry_run:
            with ledger.locked(day):  # a build may be between its pending record and its files
                settle(ledger, day, folder)
        elif day not in ran:  # a day of this run is listed by its plan
            would_commit += [Unposted(day, emission, None) for emission in landed(ledger, day, folder)[0]
                             if emission.target == NAME and emission.files]
    waiting: dict[StoreDayKey, list[tuple[Recorded, bytes | None]]] = {}
    for item in sorted([*ledger.unposted(NAME, settings.company.name), *would_commit],
                       key=lambda item: (item.day.business_date, item.day.store, item.emission.number)):
        day = item.day
        if link_skip(NAME, day.store, day.business_date, options.stores.get(day.store)) is None:
            waiting.setdefault(day, []).append((item.emission, item.body))
    planned = {day: result.plan for day, result in ran.items() if dry_run and result.plan is not None}
    failed = set()
    for day in sorted(waiting.keys() | planned.keys(), key=lambda day: (day.business_date, day.store)):
        if dry_run:
            versions = _versions(ledger, day, waiting.get(day, []), out_dir)
            for part in planned[day].changed if day in planned else ():  # what this run would have recorded
                if part.target == NAME and part.outputs:
                    versions.append((part.number, body(idempotency_key(day, part.number), part.number + 1,
                                                       day.business_date, day.store, part.outputs), Path()))
            ok = _deliver(day, versions, None, ledger, lang, echo, earlier=day not in ran)
        else:
            with ledger.locked(day):
                ok = _deliver(day, _versions(ledger, day, waiting[day], out_dir), options.webhook_url, ledger, lang,
                              echo, earlier=day not in ran)
        if not ok:
            failed.add(day)
    return len((ran.keys() | waiting.keys()) - failed), len(failed)


def _versions(ledger: Ledger, day: StoreDayKey, waiting: list[tuple[Recorded, bytes | None]],
              out_dir: Path) -> list[Version]:
    """The versions of `day` newer than any FLARO holds, each with its body: the one kept, else
    built from its files if they are still the ones recorded."""
    held = ledger.posted(NAME, day.company, day.store, day.business_date)
    newest = max((row.emission for row in held.values()), default=-1)
    versions = []
    for emission, kept in waiting:
        if emission.number > newest:
            folder = out_dir / day.business_date.isoformat() / day.store / emission.folder
            versions.append((emission.number, kept or _from_files(day, emission, folder), folder))
    return versions


def _from_files(day: StoreDayKey, emission: Recorded, folder: Path) -> bytes | None:
    """The body of `emission` built from its files in `folder`; None unless they are all there
    with the bytes the ledger recorded."""
    try:
        files = {name: (folder / name).read_bytes() for name in emission.files}
    except OSError:
        return None
    if output_hash(files) != emission.output_hash:
        return None
    return body(idempotency_key(day, emission.number), emission.number + 1, day.business_date, day.store, files)


def _deliver(day: StoreDayKey, versions: list[Version], url: str | None, ledger: Ledger, lang: Lang, echo: Echo,
             *, earlier: bool) -> bool:
    """POST `versions` in order (only list them when `url` is None, a dry run); whether all went.
    A failed POST keeps its body in the ledger and holds back the later versions; a lost one is
    reported and the next goes in its place."""
    where = f"{day.business_date.isoformat()} {day.store}"
    ok = True
    for number, data, folder in versions:
        key = idempotency_key(day, number)
        if data is None:
            error = VersionLostError(key=key, folder=str(folder))
            echo(f"✗ {where}: [{error.code}] {error.message(lang)}", True)
            ok = False
            continue
        if url is None:
            echo(_("· {where}: would deliver {key}", lang).format(where=where, key=key), False)
            continue
        failure = post(url, key, data)
        if failure is not None:
            ledger.keep_body(NAME, day, number, key, data)
            echo(_("✗ {where}: {key} not delivered ({reason}); the next send delivers it", lang).format(
                where=where, key=key, reason=failure), True)
            return False
        ledger.record_posted(NAME, day.company, day.store, day.business_date, PostedRow(
            key, KIND, 0, hashlib.sha256(data).hexdigest(), number, "created"))
        message = "✓ {where}: delivered {key}, left pending by an earlier run" if earlier else "✓ {where}: delivered {key}"
        echo(_(message, lang).format(where=where, key=key), False)
    return ok


send_days.check_settings = check_settings  # journalgen send calls it before building anything
