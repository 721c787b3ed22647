"""The sent-ledger database: open (migrating), lock a store-day, read what a target holds, record.

SQLite (the default, one file beside the outputs) runs in WAL mode and every transaction begins
`IMMEDIATE`, so two writers queue instead of failing half-way. A store-day is worked on under a
lock held from reading the ledger to recording the emission: an exclusive lock on `<file>.lock`
for SQLite, a session advisory lock for PostgreSQL. Both die with the process, so a lock never
outlives a crashed run; what that run recorded as pending is settled by the next one.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    Date, DateTime, Engine, LargeBinary, bindparam, create_engine, delete, event, func, insert, select, text, update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from journalgen.errors import LedgerUnavailableError
from journalgen.journal import Entry
from journalgen.ledger.models import Emission, EmittedEntry, PostedRequest, StoreDay

MIGRATIONS = Path(__file__).with_name("migrations")


@dataclass(frozen=True)
class StoreDayKey:
    """A store's business day in one company: the unit a re-send is numbered in."""

    company: str
    store: str
    business_date: dt.date


class HeldEntries(Mapping[str, Entry]):
    """Entries by key, in the order they were emitted; each parsed from its JSON only when looked up."""

    def __init__(self, documents: dict[str, str]):
        self._documents = documents

    def __getitem__(self, key: str) -> Entry:
        return Entry.from_document(json.loads(self._documents[key]))

    def __iter__(self) -> Iterator[str]:
        return iter(self._documents)

    def __len__(self) -> int:
        return len(self._documents)

    def __contains__(self, key: object) -> bool:
        return key in self._documents


@dataclass(frozen=True)
class Held:
    """What the ledger says a target holds for a store-day: the entries, and the number of the
    last committed emission (None when nothing was emitted)."""

    entries: HeldEntries
    number: int | None


@dataclass(frozen=True)
class DayState:
    """The ledger's view of a store-day: the highest emission number over all targets (None:
    none), and what each target that was emitted to holds."""

    last_number: int | None
    held: dict[str, Held]

    def of(self, target: str) -> Held:
        """What `target` holds (nothing, if it was never emitted to)."""
        return self.held.get(target, Held(HeldEntries({}), None))


@dataclass(frozen=True)
class Record:
    """One emission to record: for `target`, number N into `folder`, these files and entries."""

    target: str
    number: int
    kind: str
    folder: str
    files: tuple[str, ...]
    output_hash: str
    reversed: tuple[Entry, ...]
    added: tuple[Entry, ...]


@dataclass(frozen=True)
class PostedRow:
    """A request recorded as posted to a target's service: its key, kind, the service's id, the
    digest of the body posted, the emission it belongs to, and `created` or `found`."""

    key: str
    kind: str
    remote_id: int
    digest: str
    emission: int
    how: str


@dataclass(frozen=True)
class Unposted:
    """A committed emission no posted request belongs to, and the body kept for it (None: none)."""

    day: StoreDayKey
    emission: Recorded
    body: bytes | None


@dataclass(frozen=True)
class Recorded:
    """An emission as the ledger holds it."""

    id: int
    target: str
    number: int
    kind: str
    state: str
    folder: str
    files: tuple[str, ...]
    output_hash: str
    run_id: str


def output_hash(outputs: dict[str, bytes]) -> str:
    """SHA-256 over the outputs' names and bytes, in name order."""
    digest = hashlib.sha256()
    for name in sorted(outputs):
        digest.update(json.dumps([name, len(outputs[name])]).encode())
        digest.update(outputs[name])
    return digest.hexdigest()


class Ledger:
    """One sent-ledger database. `Ledger(url)` opens it and applies pending migrations."""

    def __init__(self, url: str):
        self.url = url
        self.safe_url = _safe(url)
        try:
            parsed = make_url(url)
            self.sqlite = parsed.get_backend_name() == "sqlite"
            database = parsed.database if self.sqlite else None
            self.lock_file = Path(f"{database}.lock") if database and database != ":memory:" else None
            if self.lock_file is not None:
                self.lock_file.parent.mkdir(parents=True, exist_ok=True)
            self.engine = self._engine(url)
            with self._lock(0):
                with self.engine.begin() as connection:
                    config = Config()
                    config.set_main_option("script_location", str(MIGRATIONS))
                    config.attributes["connection"] = connection
                    command.upgrade(config, "head")
        except (ArgumentError, SQLAlchemyError, OSError, ImportError) as exc:
            raise LedgerUnavailableError(url=self.safe_url, reason=str(exc).splitlines()[0]) from None

    def _engine(self, url: str) -> Engine:
        if not self.sqlite:
            return create_engine(url)
        memory = self.lock_file is None
        engine = create_engine(url, poolclass=StaticPool) if memory else create_engine(url)

        @event.listens_for(engine, "connect")
        def _connect(connection, _record) -> None:
            connection.isolation_level = None  # SQLAlchemy's begin below, not the driver's
            for pragma in ("journal_mode=WAL", "busy_timeout=60000", "foreign_keys=ON"):
                connection.execute(f"PRAGMA {pragma}")

        @event.listens_for(engine, "begin")
        def _begin(connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _lock(self, number: int) -> Iterator[None]:
        if self.sqlite:
            if self.lock_file is None:
                yield
                return
            with open(self.lock_file, "a+b") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
            return
        with self.engine.connect() as connection:
            connection.execute(select(func.pg_advisory_lock(number)))
            connection.commit()
            try:
                yield
            finally:
                connection.execute(select(func.pg_advisory_unlock(number)))
                connection.commit()

    @contextmanager
    def locked(self, day: StoreDayKey) -> Iterator[None]:
        """Hold `day` against every other run on this ledger (any target) until the block ends."""
        text = json.dumps([day.company, day.store, day.business_date.isoformat()])
        with self._lock(int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big", signed=True) or 1):
            yield

    def posted(self, target: str, company: str, store: str, business_date: dt.date) -> dict[str, PostedRow]:
        """The requests recorded as posted to `target`'s `company` for a store-day, by key."""
        query = select(PostedRequest).where(
            PostedRequest.target == target, PostedRequest.company == company, PostedRequest.store == store,
            PostedRequest.business_date == business_date).order_by(PostedRequest.id)
        with Session(self.engine) as session:
            return {row.key: PostedRow(row.key, row.kind, row.remote_id, row.digest, row.emission, row.how)
                    for row in session.scalars(query)}

    def record_posted(self, target: str, company: str, store: str, business_date: dt.date, row: PostedRow) -> None:
        """Record, committed before returning, that `row` is in `target`'s `company`. A second
        record of the same key fails on the unique constraint: the last guard against a double post."""
        with self.engine.begin() as connection:
            connection.execute(insert(PostedRequest).values(
                target=target, company=company, store=store, business_date=business_date, key=row.key,
                kind=row.kind, remote_id=row.remote_id, digest=row.digest, emission=row.emission, how=row.how,
                created_at=dt.datetime.now(dt.UTC)))

    def state(self, day: StoreDayKey, upto: int | None = None) -> DayState:
        """What every target holds of `day`, and the highest emission number recorded (pending
        included), in one query. A target's committed emissions are replayed in order: a first
        or full emission holds its entries; a delta removes what it reversed, adds what it added.
        With `upto`, only the emissions numbered up to it are replayed (what was held then)."""
        last: int | None = None
        held: dict[str, tuple[int, dict[str, str]]] = {}
        with self.engine.connect() as connection:
            for row in connection.execute(_STATE, _day_params(day)):
                if upto is not None and row.number > upto:
                    continue
                last = row.number if last is None else max(last, row.number)
                if row.state != "committed":
                    continue
                number, entries = held.get(row.target, (None, {}))
                if row.number != number:
                    entries = entries if row.kind == "delta" else {}
                    held[row.target] = (row.number, entries)
                if row.key is None:
                    continue
                if row.role == "reverse":
                    entries.pop(row.key, None)
                else:
                    entries[row.key] = row.document
        return DayState(last_number=last, held={target: Held(HeldEntries(entries), number)
                                                for target, (number, entries) in held.items()})

    def emissions(self, day: StoreDayKey, target: str | None = None) -> list[Recorded]:
        """Every emission of `day` (of one target, or all), in number then target order."""
        with self.engine.connect() as connection:
            return [Recorded(id=row.id, target=row.target, number=row.number, kind=row.kind, state=row.state,
                             folder=row.folder, files=tuple(json.loads(row.files)), output_hash=row.output_hash,
                             run_id=row.run_id)
                    for row in connection.execute(_EMISSIONS, _day_params(day))
                    if target in (None, row.target)]

    def record(self, day: StoreDayKey, records: Sequence[Record], run_id: str, state: str) -> list[int]:
        """Record `records` in one transaction, as `pending` or `committed`; their ids."""
        if not records:
            return []
        now = dt.datetime.now(dt.UTC)
        ids = []
        with self.engine.begin() as connection:
            store_days = dict(connection.execute(_STORE_DAYS, _day_params(day)).all())
            for record in records:
                if record.target not in store_days:
                    store_days[record.target] = connection.execute(
                        _NEW_STORE_DAY, {"target": record.target, **_day_params(day)}).scalar_one()
                emission_id = connection.execute(_NEW_EMISSION, {
                    "store_day_id": store_days[record.target], "number": record.number, "kind": record.kind,
                    "state": state, "folder": record.folder, "files": json.dumps(list(record.files)),
                    "output_hash": record.output_hash, "run_id": run_id, "created_at": now,
                    "committed_at": now if state == "committed" else None,
                }).scalar_one()
                roles = [("reverse", entry) for entry in record.reversed] + [("add", entry) for entry in record.added]
                if roles:
                    connection.execute(_NEW_ENTRY, [
                        {"emission_id": emission_id, "position": position, "role": role, "key": entry.key,
                         "kind": entry.kind.value, "amount": entry.amount,
                         "document": json.dumps(entry.document(), ensure_ascii=False)}
                        for position, (role, entry) in enumerate(roles)
                    ])
                ids.append(emission_id)
        return ids

    def commit(self, ids: Sequence[int]) -> None:
        """Mark pending emissions committed."""
        if not ids:
            return
        with self.engine.begin() as connection:
            connection.execute(_COMMIT, {"ids": list(ids), "now": dt.datetime.now(dt.UTC)})

    def discard(self, ids: Sequence[int]) -> None:
        """Forget pending emissions that never reached their target."""
        if not ids:
            return
        with Session(self.engine) as session, session.begin():
            pending = select(Emission.id).where(Emission.id.in_(ids), Emission.state == "pending")
            session.execute(delete(EmittedEntry).where(EmittedEntry.emission_id.in_(pending)))
            session.execute(delete(Emission).where(Emission.id.in_(ids), Emission.state == "pending"))

    # --- what a connector has not posted yet, over every store-day (migration 0003) -------------
    # Self-contained: plain SQL, so that it moves to DB-API as it stands.

    def unposted(self, target: str, company: str) -> list[Unposted]:
        """Every committed emission to `target` in `company` with files (any store and day) that no
        posted request belongs to, in date, store, number order; each with the body kept for it, if
        any. For a connector that posts one request per emission (FLARO's webhook)."""
        with self.engine.connect() as connection:
            rows = connection.execute(_UNPOSTED, {"target": target, "company": company})
            return [Unposted(StoreDayKey(company, row.store, row.business_date),
                             Recorded(id=row.id, target=target, number=row.number, kind=row.kind, state=row.state,
                                      folder=row.folder, files=tuple(json.loads(row.files)),
                                      output_hash=row.output_hash, run_id=row.run_id), row.body)
                    for row in rows]

    def keep_body(self, target: str, day: StoreDayKey, emission: int, key: str, body: bytes) -> None:
        """Keep `body`, the request of `emission` that could not be posted, for a later run; a body
        already kept for the emission stays (the same key always carries the same bytes)."""
        params = {"target": target, **_day_params(day), "emission": emission}
        with self.engine.begin() as connection:
            if connection.execute(_KEPT, params).first() is None:
                connection.execute(_KEEP, {**params, "key": key, "body": body, "created_at": dt.datetime.now(dt.UTC)})



_OF_DAY = (StoreDay.company == bindparam("company"), StoreDay.store == bindparam("store"),
           StoreDay.business_date == bindparam("business_date"))
_STATE = (
    select(StoreDay.target, Emission.number, Emission.kind, Emission.state, EmittedEntry.role, EmittedEntry.key,
           EmittedEntry.document)
    .join(Emission, Emission.store_day_id == StoreDay.id)
    .join(EmittedEntry, EmittedEntry.emission_id == Emission.id, isouter=True)
    .where(*_OF_DAY)
    .order_by(StoreDay.target, Emission.number, EmittedEntry.position)
)
_EMISSIONS = (select(Emission, StoreDay.target).join(StoreDay, Emission.store_day_id == StoreDay.id)
              .where(*_OF_DAY).order_by(Emission.number, StoreDay.target))
_COMMIT = (update(Emission).where(Emission.id.in_(bindparam("ids", expanding=True)), Emission.state == "pending")
           .values(state="committed", committed_at=bindparam("now")))
_NEW_STORE_DAY = insert(StoreDay).returning(StoreDay.id)
_NEW_EMISSION = insert(Emission).returning(Emission.id)
_NEW_ENTRY = insert(EmittedEntry)
_STORE_DAYS = select(StoreDay.target, StoreDay.id).where(*_OF_DAY)

_UNPOSTED = text("""
    SELECT d.store, d.business_date, e.id, e.number, e.kind, e.state, e.folder, e.files, e.output_hash, e.run_id,
           b.body
    FROM store_days d
    JOIN emissions e ON e.store_day_id = d.id
    LEFT JOIN unposted_bodies b ON b.target = d.target AND b.company = d.company AND b.store = d.store
         AND b.business_date = d.business_date AND b.emission = e.number
    WHERE d.target = :target AND d.company = :company AND e.state = 'committed' AND e.files <> '[]'
      AND NOT EXISTS (SELECT 1 FROM posted_requests p WHERE p.target = d.target AND p.company = d.company
                      AND p.store = d.store AND p.business_date = d.business_date AND p.emission = e.number)
    ORDER BY d.business_date, d.store, e.number
""").columns(business_date=Date, body=LargeBinary)
_KEPT = text("SELECT 1 FROM unposted_bodies WHERE target = :target AND company = :company AND store = :store "
             "AND business_date = :business_date AND emission = :emission").bindparams(
    bindparam("business_date", type_=Date))
_KEEP = text("INSERT INTO unposted_bodies (target, company, store, business_date, emission, key, body, created_at) "
             "VALUES (:target, :company, :store, :business_date, :emission, :key, :body, :created_at)").bindparams(
    bindparam("business_date", type_=Date), bindparam("body", type_=LargeBinary),
    bindparam("created_at", type_=DateTime(timezone=True)))


def _day_params(day: StoreDayKey) -> dict[str, object]:
    return {"company": day.company, "store": day.store, "business_date": day.business_date}


def _safe(url: str) -> str:
    """`url` with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url
