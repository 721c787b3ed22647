"""The sender `journalgen send --target flaro` hands each built store-day to (entry point
`journalgen.senders` → `flaro`): each of the store-day's versions that the sent-ledger holds and
FLARO does not yet is POSTed to the webhook, oldest first.

A version is an emission to `flaro` the ledger recorded (the first is v1, re-send N is v(N+1);
FLARO takes no delta, so each is the whole day). A delivered version is recorded in the ledger's
posted requests (kind `webhook`, key = the idempotency key, digest of the body), under the ledger's
lock of the store-day; a version recorded as emitted but not delivered is pending and is
delivered by the next `send` of that day (seed 002: 「オンライン復旧時に自動連携」)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from journalgen.build import StoreDayResult, target_options
from journalgen.errors import JournalgenError
from journalgen.i18n import Lang, translate
from journalgen.ledger import Ledger
from journalgen.ledger.store import PostedRow
from journalgen.resend import emitted, store_day
from journalgen.settings import Settings
from journalgen_flaro.errors import LOCALE_DIR, WebhookNotSetError
from journalgen_flaro.plugin import NAME, TARGET
from journalgen_flaro.webhook import body, post

Echo = Callable[[str, bool], None]
KIND = "webhook"


def _(text: str, lang: Lang) -> str:
    return translate(text, lang, LOCALE_DIR)


def idempotency_key(result: StoreDayResult, version: int) -> str:
    return f"{result.close.business_date.isoformat()}_{result.close.store.code}_v{version}"


def send_days(days: list[StoreDayResult], settings: Settings, out_dir: Path, *, ledger: Ledger, dry_run: bool,
              lang: Lang, echo: Echo) -> int:
    """Deliver every version of each built store-day that FLARO does not hold yet; the number of
    store-days with a version left undelivered."""
    options = target_options(TARGET, settings)
    failed = 0
    work = []
    for result in days:
        directory = out_dir / result.close.business_date.isoformat() / result.close.store.code
        try:
            versions = [(part.number, part.outputs) for part in
                        emitted(ledger, result.journal, settings, NAME, directory)]
            if dry_run and result.plan is not None:  # what this run would have recorded
                versions += [(part.number, part.outputs) for part in result.plan.changed if part.target == NAME]
        except JournalgenError as error:
            echo(f"✗ {result.close.business_date.isoformat()} {result.close.store.code}: "
                 f"[{error.code}] {error.message(lang)}", True)
            failed += 1
            continue
        versions = [(number, outputs) for number, outputs in versions if outputs]  # outside its link window: none
        if versions:
            work.append((result, versions))
    if not work:
        return failed
    if options is None or options.webhook_url is None:
        error = WebhookNotSetError(file=settings.file_name)
        echo(f"✗ [{error.code}] {error.message(lang)}", True)
        return failed + len(work)
    company = settings.company.name
    for result, versions in work:
        day, store = result.close.business_date, result.close.store.code
        where = f"{day.isoformat()} {store}"
        with ledger.locked(store_day(result.journal, settings)):
            delivered = ledger.posted(NAME, company, store, day)
            undelivered = False
            for number, outputs in versions:
                version = number + 1
                key = idempotency_key(result, version)
                if key in delivered:
                    continue
                if dry_run:
                    echo(_("· {where}: would deliver {key}", lang).format(where=where, key=key), False)
                    continue
                data = body(key, version, result.journal, outputs)
                failure = post(options.webhook_url, key, data)
                if failure is not None:
                    echo(_("✗ {where}: {key} not delivered ({reason}); the next send delivers it", lang).format(
                        where=where, key=key, reason=failure), True)
                    undelivered = True
                    break  # a later version goes only after this one
                ledger.record_posted(NAME, company, store, day, PostedRow(
                    key, KIND, 0, hashlib.sha256(data).hexdigest(), number, "created"))
                echo(_("✓ {where}: delivered {key}", lang).format(where=where, key=key), False)
        failed += undelivered
    return failed
