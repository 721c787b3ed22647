"""The sent-ledger database: open (migrating), lock a store-day, read what a target holds, record.

SQLite (the default, one file beside the outputs) runs in WAL mode and every write begins
`IMMEDIATE`, so two writers queue instead of failing half-way. A store-day is worked on under a
lock held from reading the ledger to recording the emission: a lock on one byte of `<file>.lock`
(at an offset from the store-day's hash) for SQLite, a session advisory lock (the same hash) for
PostgreSQL, so runs on different store-days do not wait for each other. Both die with the
process, so a lock never outlives a crashed run; what that run recorded as pending is settled by
the next one.

Every write transaction is durable when it returns (SQLite: `synchronous=FULL`, an fdatasync of
the WAL), except a commit with `durable=False` (`Ledger.commit`): it may be lost in a power cut
until the next durable write, which syncs it with itself.

The queries are plain SQL on the drivers (`sqlite3`, psycopg 3). The schema is Alembic's: a
new SQLite ledger is made from `head.sql` (what Alembic's `upgrade head` creates, dumped; a test
keeps the two identical); any other ledger whose version is not the migrations' head is upgraded
on open, and only then are Alembic and SQLAlchemy imported.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic_core import to_json

from journalgen.errors import LedgerUnavailableError
from journalgen.journal import Entry

MIGRATIONS = Path(__file__).with_name("migrations")
HEAD_SQL = Path(__file__).with_name("head.sql")


class LedgerError(Exception):
    """The ledger's database refused or failed a read or a write (the driver's message)."""


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
        self._idle: list[Any] = []
        self._shared = None
        try:
            self.sqlite, self._database = _parse(url)
            self._errors: tuple[type[Exception], ...] = (sqlite3.Error,)
            if not self.sqlite:
                import psycopg  # only for a PostgreSQL ledger

                self._errors = (psycopg.Error,)
            memory = self.sqlite and self._database in ("", ":memory:")
            self.lock_file = None if memory or not self.sqlite else Path(f"{self._database}.lock").absolute()
            if self.lock_file is not None:
                self.lock_file.parent.mkdir(parents=True, exist_ok=True)
            if memory:
                self._shared = self._connect()
            self._migrate()
        except (LedgerError, ValueError, OSError, ImportError) as exc:
            raise LedgerUnavailableError(url=self.safe_url, reason=str(exc).splitlines()[0]) from None

    def _connect(self) -> Any:
        if self.sqlite:
            connection = sqlite3.connect(self._database or ":memory:", isolation_level=None,
                                         check_same_thread=False)
            for pragma in ("journal_mode=WAL", "busy_timeout=60000", "foreign_keys=ON"):
                connection.execute(f"PRAGMA {pragma}")
            return connection
        import psycopg

        return psycopg.connect(self._database, autocommit=True)

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        """A connection of this ledger's own small pool (one per concurrent use); the driver's
        errors as LedgerError."""
        if self._shared is not None:
            connection = self._shared
        else:
            try:
                connection = self._idle.pop()
            except IndexError:
                connection = None
        try:
            try:
                connection = connection or self._connect()
                yield connection
            except self._errors as exc:
                raise LedgerError(str(exc).strip() or type(exc).__name__) from exc
        finally:
            if connection is not None and connection is not self._shared:
                self._idle.append(connection)

    @contextmanager
    def _transaction(self, durable: bool = True) -> Iterator[Any]:
        """A cursor in one write transaction (`BEGIN IMMEDIATE` on SQLite), committed at the end:
        on disk when it ends, or with `durable=False` without waiting for the disk (see `commit`)."""
        with self._connection() as connection:
            if not self.sqlite:
                with connection.transaction():
                    if not durable:
                        connection.execute("SET LOCAL synchronous_commit = off")
                    yield connection.cursor()
                return
            # a setting of the connection, set for every transaction: NORMAL syncs only at checkpoints
            connection.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection.cursor()
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def _rows(self, sql: str, params: Mapping[str, object]) -> list[tuple]:
        with self._connection() as connection:
            return connection.execute(self._sql(sql), self._params(params)).fetchall()

    def _sql(self, sql: str) -> str:
        """`sql` written with `:name` (or positional `?`) parameters, in the driver's style."""
        return sql if self.sqlite else re.sub(r":(\w+)", r"%(\1)s", sql).replace("?", "%s")

    def _params(self, params: Mapping[str, object]) -> dict[str, object]:
        """Dates and times as SQLAlchemy stored them in SQLite (text); PostgreSQL takes them as they are."""
        if not self.sqlite:
            return dict(params)
        return {name: value.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(value, dt.datetime)
                else value.isoformat() if isinstance(value, dt.date) else value
                for name, value in params.items()}

    def _migrate(self) -> None:
        """Create a new SQLite ledger from `head.sql`; upgrade any other to the migrations' head
        with Alembic, unless it is there already."""
        if self.lock_file is not None and not os.path.exists(self._database):
            with self._lock(0):
                if not os.path.exists(self._database):
                    _create(Path(self._database))
        elif self._shared is not None:
            _apply(self._shared)
        exists = ("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
                  if self.sqlite else "SELECT count(*) FROM pg_tables WHERE tablename = 'alembic_version' "
                  "AND schemaname = ANY(current_schemas(false))")
        with self._connection() as connection:
            if connection.execute(exists).fetchone()[0] and [
                    row[0] for row in connection.execute("SELECT version_num FROM alembic_version")] == [head()]:
                return
        with self._lock(0), self._connection() as connection:
            _upgrade(connection, self.sqlite)

    def close(self) -> None:
        for connection in [*self._idle, *([self._shared] if self._shared is not None else [])]:
            connection.close()
        self._idle.clear()
        self._shared = None

    @contextmanager
    def _lock(self, number: int) -> Iterator[None]:
        if self.sqlite:
            if self.lock_file is None:
                yield
                return
            with _file_lock(self.lock_file, number):
                yield
            return
        with self._connection() as connection:
            connection.execute("SELECT pg_advisory_lock(%(number)s)", {"number": number})
            try:
                yield
            finally:
                connection.execute("SELECT pg_advisory_unlock(%(number)s)", {"number": number})

    @contextmanager
    def locked(self, day: StoreDayKey) -> Iterator[None]:
        """Hold `day` against every other run on this ledger (any target) until the block ends."""
        text = json.dumps([day.company, day.store, day.business_date.isoformat()])
        with self._lock(int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big", signed=True) or 1):
            yield

    def posted(self, target: str, company: str, store: str, business_date: dt.date) -> dict[str, PostedRow]:
        """The requests recorded as posted to `target`'s `company` for a store-day, by key."""
        rows = self._rows(_POSTED, {"target": target, "company": company, "store": store,
                                    "business_date": business_date})
        return {row[0]: PostedRow(*row) for row in rows}

    def record_posted(self, target: str, company: str, store: str, business_date: dt.date, row: PostedRow) -> None:
        """Record, committed before returning, that `row` is in `target`'s `company`. A second
        record of the same key fails on the unique constraint: the last guard against a double post."""
        with self._transaction() as cursor:
            cursor.execute(self._sql(_NEW_POSTED), self._params({
                "target": target, "company": company, "store": store, "business_date": business_date,
                "key": row.key, "kind": row.kind, "remote_id": row.remote_id, "digest": row.digest,
                "emission": row.emission, "how": row.how, "created_at": dt.datetime.now(dt.UTC)}))

    def state(self, day: StoreDayKey, upto: int | None = None) -> DayState:
        """What every target holds of `day`, and the highest emission number recorded (pending
        included), in one query. A target's committed emissions are replayed in order: a first
        or full emission holds its entries; a delta removes what it reversed, adds what it added.
        With `upto`, only the emissions numbered up to it are replayed (what was held then)."""
        last: int | None = None
        held: dict[str, tuple[int, dict[str, str]]] = {}
        for target, row_number, kind, state, role, key, document in self._rows(_STATE, _day_params(day)):
            if upto is not None and row_number > upto:
                continue
            last = row_number if last is None else max(last, row_number)
            if state != "committed":
                continue
            number, entries = held.get(target, (None, {}))
            if row_number != number:
                entries = entries if kind == "delta" else {}
                held[target] = (row_number, entries)
            if key is None:
                continue
            if role == "reverse":
                entries.pop(key, None)
            else:
                entries[key] = document
        return DayState(last_number=last, held={target: Held(HeldEntries(entries), number)
                                                for target, (number, entries) in held.items()})

    def emissions(self, day: StoreDayKey, target: str | None = None) -> list[Recorded]:
        """Every emission of `day` (of one target, or all), in number then target order."""
        return [Recorded(id=row[0], target=row[1], number=row[2], kind=row[3], state=row[4], folder=row[5],
                         files=tuple(json.loads(row[6])), output_hash=row[7], run_id=row[8])
                for row in self._rows(_EMISSIONS, _day_params(day)) if target in (None, row[1])]

    def record(self, day: StoreDayKey, records: Sequence[Record], run_id: str, state: str) -> list[int]:
        """Record `records` in one transaction, as `pending` or `committed`; their ids."""
        if not records:
            return []
        now = dt.datetime.now(dt.UTC)
        ids = []
        # the entries' rows, made before the write lock is taken; an entry (object) handed to
        # several targets is encoded once
        columns: dict[int, tuple] = {}
        for record in records:
            for entry in (*record.reversed, *record.added):
                if id(entry) not in columns:
                    columns[id(entry)] = (entry.key, entry.kind.value, entry.amount, _document(entry))
        entry_rows = [[(position, role, *columns[id(entry)]) for position, (role, entry) in enumerate(
            [("reverse", entry) for entry in record.reversed] + [("add", entry) for entry in record.added])]
            for record in records]
        with self._transaction() as cursor:
            store_days = dict(cursor.execute(self._sql(_STORE_DAYS), self._params(_day_params(day))).fetchall())
            for record, rows in zip(records, entry_rows, strict=True):
                if record.target not in store_days:
                    store_days[record.target] = cursor.execute(self._sql(_NEW_STORE_DAY), self._params(
                        {"target": record.target, **_day_params(day)})).fetchone()[0]
                emission_id = cursor.execute(self._sql(_NEW_EMISSION), self._params({
                    "store_day_id": store_days[record.target], "number": record.number, "kind": record.kind,
                    "state": state, "folder": record.folder, "files": json.dumps(list(record.files)),
                    "output_hash": record.output_hash, "run_id": run_id, "created_at": now,
                    "committed_at": now if state == "committed" else None,
                })).fetchone()[0]
                for start in range(0, len(rows), _ROWS_PER_INSERT):
                    part = rows[start:start + _ROWS_PER_INSERT]
                    cursor.execute(self._sql(_NEW_ENTRIES + ", ".join(["(?, ?, ?, ?, ?, ?, ?)"] * len(part))),
                                   [value for row in part for value in (emission_id, *row)])
                ids.append(emission_id)
        return ids

    def commit(self, ids: Sequence[int], durable: bool = True) -> None:
        """Mark pending emissions committed. With `durable=False` the commit does not wait for
        the disk: a power cut, a crash of the operating system or of the PostgreSQL server (not
        of this process) may lose it, and the emissions are then pending again, until the
        ledger's next durable write makes it durable with that write (the database's log is one
        sequence). Only for a caller whose pending emissions the next run settles from what is
        on disk (`Emitter`)."""
        if not ids:
            return
        params = {**_ids(ids), "now": dt.datetime.now(dt.UTC)}
        with self._transaction(durable) as cursor:
            cursor.execute(self._sql(_COMMIT.format(ids=_placeholders(ids))), self._params(params))

    def discard(self, ids: Sequence[int]) -> None:
        """Forget pending emissions that never reached their target."""
        if not ids:
            return
        with self._transaction() as cursor:
            for sql in _DISCARD:
                cursor.execute(self._sql(sql.format(ids=_placeholders(ids))), _ids(ids))

    # --- what a connector has not posted yet, over every store-day (migration 0003) -------------

    def unposted(self, target: str, company: str) -> list[Unposted]:
        """Every committed emission to `target` in `company` with files (any store and day) that no
        posted request belongs to, in date, store, number order; each with the body kept for it, if
        any. For a connector that posts one request per emission (FLARO's webhook)."""
        rows = self._rows(_UNPOSTED, {"target": target, "company": company})
        return [Unposted(StoreDayKey(company, store, _date(business_date)),
                         Recorded(id=id, target=target, number=number, kind=kind, state=state, folder=folder,
                                  files=tuple(json.loads(files)), output_hash=output_hash, run_id=run_id),
                         None if body is None else bytes(body))
                for store, business_date, id, number, kind, state, folder, files, output_hash, run_id, body in rows]

    def pending_days(self, target: str, company: str) -> list[StoreDayKey]:
        """The store-days of `company` with a pending emission to `target`, in date, store order."""
        rows = self._rows(_PENDING_DAYS, {"target": target, "company": company})
        return [StoreDayKey(company, store, _date(business_date)) for store, business_date in rows]

    def keep_body(self, target: str, day: StoreDayKey, emission: int, key: str, body: bytes) -> None:
        """Keep `body`, the request of `emission` that could not be posted, for a later run; a body
        already kept for the emission stays (the same key always carries the same bytes)."""
        params = {"target": target, **_day_params(day), "emission": emission}
        with self._transaction() as cursor:
            if cursor.execute(self._sql(_KEPT), self._params(params)).fetchone() is None:
                cursor.execute(self._sql(_KEEP), self._params(
                    {**params, "key": key, "body": body, "created_at": dt.datetime.now(dt.UTC)}))


_OF_DAY = "store_days.company = :company AND store_days.store = :store AND store_days.business_date = :business_date"
_STATE = (
    "SELECT store_days.target, emissions.number, emissions.kind, emissions.state, emitted_entries.role, "
    "emitted_entries.key, emitted_entries.document FROM store_days "
    "JOIN emissions ON emissions.store_day_id = store_days.id "
    "LEFT OUTER JOIN emitted_entries ON emitted_entries.emission_id = emissions.id "
    f"WHERE {_OF_DAY} ORDER BY store_days.target, emissions.number, emitted_entries.position"
)
_EMISSIONS = (
    "SELECT emissions.id, store_days.target, emissions.number, emissions.kind, emissions.state, emissions.folder, "
    "emissions.files, emissions.output_hash, emissions.run_id FROM emissions "
    f"JOIN store_days ON emissions.store_day_id = store_days.id WHERE {_OF_DAY} "
    "ORDER BY emissions.number, store_days.target"
)
_STORE_DAYS = f"SELECT store_days.target, store_days.id FROM store_days WHERE {_OF_DAY}"
_NEW_STORE_DAY = ("INSERT INTO store_days (target, company, store, business_date) "
                  "VALUES (:target, :company, :store, :business_date) RETURNING id")
_NEW_EMISSION = (
    "INSERT INTO emissions (store_day_id, number, kind, state, folder, files, output_hash, run_id, created_at, "
    "committed_at) VALUES (:store_day_id, :number, :kind, :state, :folder, :files, :output_hash, :run_id, "
    ":created_at, :committed_at) RETURNING id"
)
_NEW_ENTRIES = "INSERT INTO emitted_entries (emission_id, position, role, key, kind, amount, document) VALUES "
"""Positional, many rows per statement (`_ROWS_PER_INSERT`)."""
_ROWS_PER_INSERT = 100
"""Entries inserted by one statement: 700 values, under the 999 an older SQLite binds at most.
Not one row per statement (`executemany`): the driver lets go of the GIL for each row it runs,
and while the main thread renders, the build's writer thread waits for the GIL back each time
(docs/scale.md 1f); it is also less work in Python."""
_COMMIT = "UPDATE emissions SET state = 'committed', committed_at = :now WHERE id IN ({ids}) AND state = 'pending'"
_DISCARD = (
    "DELETE FROM emitted_entries WHERE emission_id IN "
    "(SELECT id FROM emissions WHERE id IN ({ids}) AND state = 'pending')",
    "DELETE FROM emissions WHERE id IN ({ids}) AND state = 'pending'",
)
_POSTED = ("SELECT key, kind, remote_id, digest, emission, how FROM posted_requests WHERE target = :target "
           "AND company = :company AND store = :store AND business_date = :business_date ORDER BY id")
_NEW_POSTED = (
    "INSERT INTO posted_requests (target, company, store, business_date, key, kind, remote_id, digest, emission, "
    "how, created_at) VALUES (:target, :company, :store, :business_date, :key, :kind, :remote_id, :digest, "
    ":emission, :how, :created_at)"
)

_UNPOSTED = """
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
"""
_PENDING_DAYS = """
    SELECT DISTINCT d.store, d.business_date FROM store_days d JOIN emissions e ON e.store_day_id = d.id
    WHERE d.target = :target AND d.company = :company AND e.state = 'pending'
    ORDER BY d.business_date, d.store
"""
_KEPT = ("SELECT 1 FROM unposted_bodies WHERE target = :target AND company = :company AND store = :store "
         "AND business_date = :business_date AND emission = :emission")
_KEEP = ("INSERT INTO unposted_bodies (target, company, store, business_date, emission, key, body, created_at) "
         "VALUES (:target, :company, :store, :business_date, :emission, :key, :body, :created_at)")


def _document(entry: Entry) -> str:
    """An entry as the ledger keeps it: compact JSON (read back by `HeldEntries`)."""
    return to_json(entry.document()).decode("utf-8")


def _day_params(day: StoreDayKey) -> dict[str, object]:
    return {"company": day.company, "store": day.store, "business_date": day.business_date}


def _date(value: dt.date | str) -> dt.date:
    """A date column's value: a date from PostgreSQL, its ISO text from SQLite."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _ids(ids: Sequence[int]) -> dict[str, int]:
    return {f"id{n}": value for n, value in enumerate(ids)}


def _placeholders(ids: Sequence[int]) -> str:
    return ", ".join(f":id{n}" for n in range(len(ids)))


def head() -> str:
    """The migrations' head revision, read from the revision files (a test pins it to Alembic's)."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        revisions.add(re.search(r'^revision = "(\w+)"', text, re.M)[1])
        parents.update(re.findall(r'^down_revision = "(\w+)"', text, re.M))
    (last,) = revisions - parents
    return last


def dump_schema(connection: sqlite3.Connection) -> str:
    """A SQLite ledger's schema as the SQL that recreates it: its `sqlite_master` statements and
    its `alembic_version` rows (what `head.sql` holds for the migrations' head)."""
    statements = [row[0] for row in connection.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid")]
    statements += [f"INSERT INTO alembic_version (version_num) VALUES ('{row[0]}')"
                   for row in connection.execute("SELECT version_num FROM alembic_version ORDER BY version_num")]
    return "".join(f"{statement};\n" for statement in statements)


def _apply(connection: sqlite3.Connection) -> None:
    """Run `head.sql` on an empty SQLite database, in one transaction."""
    connection.executescript(f"BEGIN IMMEDIATE;\n{HEAD_SQL.read_text(encoding='utf-8')}COMMIT;")


def _create(path: Path) -> None:
    """A new SQLite ledger at `path`, at the migrations' head: made in a file beside it (WAL set)
    and renamed into place, so no run ever opens a half-made ledger."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.new")
    partial.unlink(missing_ok=True)  # left by a crashed run of the same process id
    try:
        connection = sqlite3.connect(partial, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            _apply(connection)
        finally:
            connection.close()
        os.replace(partial, path)
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)  # the rename outlives a crash, and with it what is recorded next
        finally:
            os.close(directory)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _upgrade(connection: Any, sqlite: bool) -> None:
    """Run Alembic's `upgrade head` on `connection` (the only place Alembic and SQLAlchemy load)."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.pool import StaticPool

    engine = create_engine("sqlite://" if sqlite else "postgresql+psycopg://", creator=lambda: connection,
                           poolclass=StaticPool)
    if sqlite:
        event.listen(engine, "begin", lambda sa_connection: sa_connection.exec_driver_sql("BEGIN IMMEDIATE"))
    else:
        connection.autocommit = False
    try:
        with engine.begin() as sa_connection:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = sa_connection
            command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        raise LedgerError(str(exc).splitlines()[0]) from None
    finally:
        if not sqlite:
            connection.autocommit = True


_LOCK_FILES: dict[Path, int] = {}
"""One descriptor per lock file per process, never closed: POSIX record locks belong to the
process, and closing any descriptor of the file would drop all of them."""
_THREAD_LOCKS: dict[tuple[Path, int], tuple[threading.Lock, list[int]]] = {}
"""The thread lock of each byte some thread of this process holds or waits for, with how many
do: an entry goes when the last one leaves, so a run over 100k store-days keeps none of them."""
_REGISTRY = threading.Lock()


@contextmanager
def _file_lock(path: Path, number: int) -> Iterator[None]:
    """Hold byte `number` of `path` (0: the whole file, for migrating) against other processes and
    this process's other threads."""
    offset = number % (2**62)
    key = (path, offset)
    with _REGISTRY:
        if path not in _LOCK_FILES:
            _LOCK_FILES[path] = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        descriptor = _LOCK_FILES[path]
        thread_lock, users = _THREAD_LOCKS.setdefault(key, (threading.Lock(), [0]))
        users[0] += 1
    length = 0 if number == 0 else 1
    try:
        with thread_lock:
            fcntl.lockf(descriptor, fcntl.LOCK_EX, length, offset)
            try:
                yield
            finally:
                fcntl.lockf(descriptor, fcntl.LOCK_UN, length, offset)
    finally:
        with _REGISTRY:
            users[0] -= 1
            if not users[0]:
                del _THREAD_LOCKS[key]


def _parse(url: str) -> tuple[bool, str]:
    """(is SQLite, the SQLite file or the PostgreSQL conninfo) of a SQLAlchemy-style URL."""
    scheme, separator, rest = url.partition("://")
    if not separator:
        raise ValueError(f"not a database URL: {url}")
    if scheme in ("sqlite", "sqlite+pysqlite"):
        return True, rest.partition("?")[0].removeprefix("/")
    if scheme in ("postgresql", "postgresql+psycopg"):
        return False, f"postgresql://{rest}"
    raise ValueError(f"unsupported database {scheme}: use sqlite:///FILE or postgresql+psycopg://HOST/DB")


def _safe(url: str) -> str:
    """`url` with any password hidden, for messages."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1)).geturl()
    except ValueError:
        return url
