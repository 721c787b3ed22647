"""Posting a store-day's bodies to freee exactly once, behind a record of what is already there.

`post_store_day` takes the day's requests in order and a `PostedRecord` (what earlier runs
posted). Under the record's lock for that day it skips what is recorded, settles what an earlier
run may have posted without recording (a crash between the POST and the record): it lists the
day's deals, transfers and manual journals in freee and matches deals and manual journals by
`ref_number`, transfers by date, amount, 口座 and description; then it posts the rest one by one,
recording each created id at once. The first fault stops the day; what was posted before it stays
recorded.

`LedgerPostedRecord` keeps the record in the sent-ledger (issue 14), beside the emissions the
requests belong to: the first emission's bodies, then each `resend-N` delta's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from journalgen.errors import JournalgenError
from journalgen.ledger import Ledger, PostedRow, StoreDayKey
from journalgen_freee.client import FreeeClient, Json
from journalgen_freee.faults import FreeeChangedAfterPostError, FreeeUnsendableError

Kind = Literal["deal", "transfer", "manual_journal"]

PATHS: dict[str, str] = {"deal": "/api/1/deals", "transfer": "/api/1/transfers",
                         "manual_journal": "/api/1/manual_journals"}
"""The endpoint each kind of request is POSTed to."""

_NAMES: dict[str, str] = {"deal": "deal", "transfer": "transfer", "manual_journal": "manual journal"}


@dataclass(frozen=True)
class StoreDay:
    """One store's business day in one freee company."""

    company_id: int
    store: str
    business_date: dt.date


@dataclass(frozen=True)
class Request:
    """One body to POST: a deal or a manual journal (keyed by its ref_number), or a transfer
    (keyed by the identifier that starts its description)."""

    kind: Kind
    key: str
    body: Json
    emission: int = 0
    """The number of the emission (0: first, N: `resend-N`) the body belongs to."""

    @property
    def digest(self) -> str:
        """SHA-256 of the body's canonical JSON: tells a changed body from the one posted."""
        text = json.dumps(self.body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def what(self) -> str:
        return f"{_NAMES[self.kind]} {self.key}"


@dataclass(frozen=True)
class Posted:
    """A request that is in freee: its freee id, the digest of the body posted, and whether this
    run created it (`created`) or found it there (`found`)."""

    kind: Kind
    key: str
    freee_id: int
    digest: str
    how: Literal["created", "found"] = "created"
    emission: int = 0


class PostedRecord(Protocol):
    """What is already in freee, per store-day: the seam the re-send ledger implements."""

    def locked(self, day: StoreDay) -> AbstractContextManager[None]:
        """Hold `day` against every other run until the block ends (across processes)."""

    def posted(self, day: StoreDay) -> dict[str, Posted]:
        """What is recorded as in freee for `day`, by request key."""

    def record(self, day: StoreDay, posted: Posted) -> None:
        """Record durably, before returning, that `posted` is in freee."""


@dataclass
class DayReport:
    """What one store-day's posting did: created, found already in freee (settled), already
    recorded, and the fault that stopped it (None when every request is in freee)."""

    day: StoreDay
    created: list[Posted] = field(default_factory=list)
    found: list[Posted] = field(default_factory=list)
    recorded: list[Posted] = field(default_factory=list)
    error: JournalgenError | None = None


SENT = ("deals", "transfers", "manual_journals")
"""The lists of a `freee-deals.json` document that are requests; every one is sent."""


def requests_of(document: Json, file: str = "freee-deals.json", emission: int = 0) -> list[Request]:
    """The requests of a `freee-deals.json` document, deals, transfers then manual journals, each
    in file order. A non-empty list of any other kind raises FreeeUnsendableError: a request left
    out here would leave the day's books in freee silently incomplete."""
    unknown = sorted(key for key, value in document.items() if isinstance(value, list) and value and key not in SENT)
    if unknown:
        raise FreeeUnsendableError(file=file, kinds=", ".join(unknown))
    deals = [Request("deal", body["ref_number"], body, emission) for body in document.get("deals", [])]
    transfers = [Request("transfer", _transfer_key(body), body, emission) for body in document.get("transfers", [])]
    journals = [Request("manual_journal", body["ref_number"], body, emission)
                for body in document.get("manual_journals", [])]
    return deals + transfers + journals


def _transfer_key(body: Json) -> str:
    description = (body.get("to_walletables") or [{}])[0].get("description") or body.get("description") or ""
    return description.split(" ", 1)[0]


def pending(record: PostedRecord, day: StoreDay, requests: list[Request]) -> list[Request]:
    """The requests not yet recorded as in freee (what `--dry-run` lists)."""
    done = record.posted(day)
    return [request for request in requests if request.key not in done]


def post_store_day(client: FreeeClient, record: PostedRecord, day: StoreDay, requests: list[Request]) -> DayReport:
    """Post what of `requests` is not in freee yet, in order, recording each; see the module doc."""
    report = DayReport(day)
    with record.locked(day):
        done = record.posted(day)
        try:
            for request in requests:
                earlier = done.get(request.key)
                if earlier is not None and earlier.digest != request.digest:
                    raise FreeeChangedAfterPostError(what=request.what, freee_id=earlier.freee_id)
            report.recorded = [done[request.key] for request in requests if request.key in done]
            todo = [request for request in requests if request.key not in done]
            if not todo:
                return report
            in_freee = InFreee(client, day)
            for request in todo:
                found = in_freee.find(request)
                if found is not None:
                    posted = Posted(request.kind, request.key, found["id"], request.digest, "found", request.emission)
                    record.record(day, posted)
                    report.found.append(posted)
                    continue
                posted = _post(client, in_freee, request)
                record.record(day, posted)
                (report.created if posted.how == "created" else report.found).append(posted)
        except JournalgenError as error:
            report.error = error
    return report


def _post(client: FreeeClient, in_freee: InFreee, request: Request) -> Posted:
    marker: dict[str, Any] = {}

    def settle() -> Json | None:
        found = in_freee.find(request, fresh=True)
        if found is not None:
            marker["found"] = True
        return found

    if request.kind == "deal":
        answer = client.create_deal(request.body, settle=settle)
    elif request.kind == "manual_journal":
        answer = client.create_manual_journal(request.body, settle=settle)
    else:
        answer = client.create_transfer(request.body, request.what, settle=settle)
    return Posted(request.kind, request.key, answer["id"], request.digest, "found" if marker else "created",
                  request.emission)


class InFreee:
    """The day's deals, transfers and manual journals as freee lists them, each kind fetched once
    and on demand."""

    def __init__(self, client: FreeeClient, day: StoreDay):
        self.client, self.day = client, day
        self._listed: dict[Kind, list[Json]] = {}

    def _list(self, kind: Kind, fresh: bool) -> list[Json]:
        if kind not in self._listed or fresh:
            listing = {"deal": self.client.deals_on, "transfer": self.client.transfers_on,
                       "manual_journal": self.client.manual_journals_on}[kind]
            self._listed[kind] = listing(self.day.company_id, self.day.business_date)
        return self._listed[kind]

    def find(self, request: Request, fresh: bool = False) -> Json | None:
        """The deal or manual journal of the day with the request's ref_number, or the transfer
        with its date, amount, 口座 and description, when freee holds one."""
        listed = self._list(request.kind, fresh)
        if request.kind in ("deal", "manual_journal"):
            return next((row for row in listed if row.get("ref_number") == request.key), None)
        wanted = transfer_signature(request.body)
        return next((transfer for transfer in listed if transfer_signature(transfer) == wanted), None)


def transfer_signature(transfer: Json) -> tuple:
    """What identifies a transfer in freee (it has no ref_number): date, the 口座 it leaves, and
    each 口座 it reaches with amount and description. Reads a request body or a listed transfer."""
    rows = transfer.get("to_walletables") or [{
        "type": transfer.get("to_walletable_type"), "id": transfer.get("to_walletable_id"),
        "amount": transfer.get("amount"), "description": transfer.get("description"),
    }]
    return (transfer.get("date"), transfer.get("from_walletable_type"), transfer.get("from_walletable_id"),
            tuple((row.get("type"), row.get("id"), row.get("amount"), row.get("description") or "") for row in rows))


class LedgerPostedRecord:
    """The posted record in the sent-ledger (`posted_requests`), under the ledger's lock of the
    store-day: per company, store and date, each request's key, kind, freee id, body digest and
    the emission it belongs to."""

    def __init__(self, ledger: Ledger, company: str, target: str = "freee"):
        self.ledger, self.company, self.target = ledger, company, target

    def locked(self, day: StoreDay) -> AbstractContextManager[None]:
        return self.ledger.locked(StoreDayKey(self.company, day.store, day.business_date))

    def posted(self, day: StoreDay) -> dict[str, Posted]:
        rows = self.ledger.posted(self.target, str(day.company_id), day.store, day.business_date)
        return {key: Posted(row.kind, row.key, row.remote_id, row.digest, row.how, row.emission)  # type: ignore[arg-type]
                for key, row in rows.items()}

    def record(self, day: StoreDay, posted: Posted) -> None:
        self.ledger.record_posted(self.target, str(day.company_id), day.store, day.business_date, PostedRow(
            posted.key, posted.kind, posted.freee_id, posted.digest, posted.emission, posted.how))
