"""Delivery of each store-day's FLARO feed to the Webhook連携先URL (seed 002 §2-1).

Each store-day's eight files go in one JSON body, POSTed with an `Idempotency-Key` header naming
the store-day and its version (`2025-01-11_0002_v1`). A store-day whose feed is unchanged since
its last version is not sent again; a corrected day (different content) becomes the next version.
A version is recorded as pending before it is first tried, and stays so until FLARO answers 2xx:
every run first retries what is pending (seed 002: 「オンライン復旧時に自動連携」).
"""

from __future__ import annotations

import hashlib
import http.client
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from journalgen.build import render
from journalgen.journal import Journal
from journalgen.settings import Settings
from journalgen_flaro.delivery_record import PENDING, Delivery, DeliveryRecord

ATTEMPTS = 3
"""Tries per delivery and run: the first, then two retries."""
BACKOFF_SECONDS = 1.0
"""Wait before the first retry; doubled before each next one."""
TIMEOUT_SECONDS = 10.0
RETRIED_STATUSES = frozenset({408, 425, 429})
"""4xx answers worth trying again; any other 4xx is refused for good in this run (5xx are retried)."""


@dataclass
class SendReport:
    """What a run did: keys delivered now, keys still pending (with the last failure)."""

    delivered: list[str] = field(default_factory=list)
    pending: dict[str, str] = field(default_factory=dict)


def _digest(files: dict[str, bytes]) -> str:
    return hashlib.sha256(b"".join(name.encode() + b"\0" + data + b"\0" for name, data in sorted(files.items()))
                          ).hexdigest()


def body(key: str, version: int, journal: Journal, files: dict[str, bytes]) -> bytes:
    """The JSON POSTed for one version: its key and version, the store-day, and the eight files."""
    document = {"idempotency_key": key, "version": version, "business_date": journal.business_date.isoformat(),
                "pos_store_code": journal.store.code,
                "files": {name: json.loads(data) for name, data in sorted(files.items())}}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def enqueue(journals: Iterable[Journal], settings: Settings, record: DeliveryRecord) -> list[Delivery]:
    """Record as pending a new version of each linked store-day whose feed is new or changed; a
    store-day outside its link window is left out. Returns the versions added."""
    added = []
    for journal in journals:
        files = render(journal, settings, ["flaro"], {})
        if not files:
            continue
        day, store = journal.business_date.isoformat(), journal.store.code
        digest, latest = _digest(files), record.latest(day, store)
        if latest is not None and latest.digest == digest:
            continue
        version = latest.version + 1 if latest else 1
        key = f"{day}_{store}_v{version}"
        delivery = Delivery(key, day, store, version, digest, PENDING)
        record.add_pending(delivery, body(key, version, journal, files))
        added.append(delivery)
    return added


def post(url: str, key: str, data: bytes, sleep: Callable[[float], None] = time.sleep) -> str | None:
    """POST `data` with up to ATTEMPTS tries and exponential back-off; None when FLARO answered
    2xx, else why the last try failed."""
    failure = ""
    for attempt in range(ATTEMPTS):
        if attempt:
            sleep(BACKOFF_SECONDS * 2 ** (attempt - 1))
        request = urllib.request.Request(url, data=data, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "Idempotency-Key": key})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS):
                return None
        except urllib.error.HTTPError as error:
            failure = f"HTTP {error.code}"
            if error.code < 500 and error.code not in RETRIED_STATUSES:
                return failure
        except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
            failure = str(getattr(error, "reason", error)) or type(error).__name__
    return failure


def send(url: str, journals: Iterable[Journal], settings: Settings, record: DeliveryRecord,
         sleep: Callable[[float], None] = time.sleep) -> SendReport:
    """Record the new versions of `journals`, then POST everything pending, oldest first."""
    enqueue(journals, settings, record)
    return deliver(url, record, sleep)


def deliver(url: str, record: DeliveryRecord, sleep: Callable[[float], None] = time.sleep) -> SendReport:
    """POST every pending version, oldest store-day first, recording each FLARO accepts."""
    report = SendReport()
    for delivery, data in record.pending():
        failure = post(url, delivery.key, data, sleep)
        if failure is None:
            record.mark_delivered(delivery)
            report.delivered.append(delivery.key)
        else:
            report.pending[delivery.key] = failure
    return report
