"""Delivery of each store-day's FLARO feed to the Webhook連携先URL (seed 002 §2-1).

Each store-day's eight files go in one JSON body, POSTed with an `Idempotency-Key` header naming
the store-day and its version (`2025-01-11_0002_v1`). The versions are the sent-ledger's
emissions to `flaro` (the first is v1, re-send N is v(N+1), each the whole corrected day); which
were delivered is recorded in the ledger's posted requests (see `cli.send_days`), so what an
earlier run could not deliver is delivered by the next, whatever day it sends (seed 002:
「オンライン復旧時に自動連携」).
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from journalgen.jsonfile import json_file

ATTEMPTS = 3
"""Tries per delivery and run: the first, then two retries."""
BACKOFF_SECONDS = 1.0
"""Wait before the first retry; doubled before each next one."""
TIMEOUT_SECONDS = 10.0
wait: Callable[[float], None] = time.sleep
"""How `post` waits between tries (tests replace it)."""
RETRIED_STATUSES = frozenset({408, 425, 429})
"""4xx answers worth trying again; any other 4xx is refused for good in this run (5xx are retried)."""


def body(key: str, version: int, business_date: dt.date, store: str, files: dict[str, bytes]) -> bytes:
    """The JSON POSTed for one version: its key and version, the store-day, and the eight files."""
    document = {"idempotency_key": key, "version": version, "business_date": business_date.isoformat(),
                "pos_store_code": store,
                "files": {name: json.loads(data) for name, data in sorted(files.items())}}
    return json_file(document)


def post(url: str, key: str, data: bytes, sleep: Callable[[float], None] | None = None) -> str | None:
    """POST `data` with up to ATTEMPTS tries and exponential back-off (waiting with `sleep`, else
    the module's `wait`); None when FLARO answered 2xx, else why the last try failed."""
    failure = ""
    for attempt in range(ATTEMPTS):
        if attempt:
            (sleep or wait)(BACKOFF_SECONDS * 2 ** (attempt - 1))
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
