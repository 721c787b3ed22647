"""Which FLARO deliveries were made and which wait: the record `journalgen flaro-send` keeps so a
store-day is delivered once, a corrected day again as a new version, and what failed is retried
on the next run.

`DeliveryRecord` is the interface; `FileDeliveryRecord` keeps it as files in the output folder
(`OUT/.journalgen/flaro/`): `deliveries.json` lists every version by idempotency key with its
state, and `outbox/<key>.json` holds the exact body of each version still pending. (The sent
ledger, `OUT/.journalgen/ledger.sqlite3`, is meant to take this over.)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from journalgen.build import write_atomically
from journalgen_flaro.errors import DeliveryRecordError

PENDING, DELIVERED = "pending", "delivered"


@dataclass(frozen=True)
class Delivery:
    """One version of one store-day's feed: its idempotency key, content digest and state."""

    key: str
    business_date: str
    store: str
    version: int
    digest: str
    state: str


class DeliveryRecord(Protocol):
    """What the webhook sender needs to remember between runs."""

    def latest(self, business_date: str, store: str) -> Delivery | None:
        """The newest version recorded for the store-day, delivered or pending."""

    def add_pending(self, delivery: Delivery, body: bytes) -> None:
        """Record a new version, with the body to POST, as pending (before any attempt)."""

    def pending(self) -> list[tuple[Delivery, bytes]]:
        """Every pending version and its body, oldest store-day first."""

    def mark_delivered(self, delivery: Delivery) -> None:
        """Record that FLARO accepted this version."""


class FileDeliveryRecord:
    """The record as files under `OUT/.journalgen/flaro/`, each written atomically."""

    def __init__(self, out_dir: Path):
        self.folder = out_dir / ".journalgen" / "flaro"
        self.outbox = self.folder / "outbox"

    def _read(self) -> dict[str, Delivery]:
        path = self.folder / "deliveries.json"
        try:
            rows = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []
            return {row["key"]: Delivery(**row) for row in rows}
        except (ValueError, TypeError, KeyError) as error:
            raise DeliveryRecordError(file=str(path), error=str(error) or type(error).__name__) from None

    def _write(self, deliveries: dict[str, Delivery]) -> None:
        rows = sorted((vars(row) for row in deliveries.values()),
                      key=lambda row: (row["business_date"], row["store"], row["version"]))
        text = json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
        write_atomically(self.folder, {"deliveries.json": text.encode("utf-8")})

    def latest(self, business_date: str, store: str) -> Delivery | None:
        versions = [row for row in self._read().values() if (row.business_date, row.store) == (business_date, store)]
        return max(versions, key=lambda row: row.version, default=None)

    def add_pending(self, delivery: Delivery, body: bytes) -> None:
        write_atomically(self.outbox, {f"{delivery.key}.json": body})
        self._write(self._read() | {delivery.key: delivery})

    def pending(self) -> list[tuple[Delivery, bytes]]:
        waiting = sorted((row for row in self._read().values() if row.state == PENDING),
                         key=lambda row: (row.business_date, row.store, row.version))
        found = []
        for row in waiting:
            path = self.outbox / f"{row.key}.json"
            if not path.is_file():
                raise DeliveryRecordError(file=str(path), error="the pending body is missing")
            found.append((row, path.read_bytes()))
        return found

    def mark_delivered(self, delivery: Delivery) -> None:
        deliveries = self._read()
        deliveries[delivery.key] = Delivery(**(vars(delivery) | {"state": DELIVERED}))
        self._write(deliveries)
        (self.outbox / f"{delivery.key}.json").unlink(missing_ok=True)
