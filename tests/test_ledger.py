"""The sent-ledger itself: migrations, the library's plan → commit, dry runs, a kill at the worst
moment, a power cut that takes the commits, and two builds at once on one ledger."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from resend_scenario import (
    DAY, SAMPLE_DAY, SUMS, TARGETS, Scenario, check_files, concurrent_builds, settings_text, total,
)
from click.testing import CliRunner
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from journalgen.cli import cli
from journalgen.errors import LedgerConflictError, LedgerUnavailableError
from journalgen.inputs import parse_close
from journalgen.journalize import journalize
from journalgen.ledger import Ledger, LedgerError, PostedRow, StoreDayKey
from journalgen.ledger import store as ledger_store
from journalgen.ledger.store import HEAD_SQL, MIGRATIONS, Record, _upgrade, dump_schema, head
from journalgen.ledger.models import Base
from journalgen.resend import commit, plan
from journalgen.settings import load_settings

REPO = Path(__file__).parents[1]
SETTINGS = load_settings(REPO / "journalgen" / "sample" / "settings.toml")
CLOSE = parse_close(SAMPLE_DAY.read_text(encoding="utf-8"))
VOID = {"receipt_no": "0000777", "original_date": "2025-01-09", "payment": "cash", "tax": "standard_10",
        "amount": 2200, "tax_amount": 200}


def with_void(close_json: dict) -> dict:
    return close_json | {"voids": [*close_json["voids"], VOID]}


def test_migrations_create_exactly_the_models_and_reopening_is_a_no_op(tmp_path):
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    Ledger(url).close()
    Ledger(url).close()
    engine = create_engine(url)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        assert set(inspect(connection).get_table_names()) == {"alembic_version", *Base.metadata.tables}
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == head()
    engine.dispose()
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert head() == ScriptDirectory.from_config(config).get_current_head()  # what store.py reads is Alembic's head


def test_a_new_sqlite_ledger_is_exactly_what_alembic_makes_at_head(tmp_path):
    """head.sql, from which a new SQLite ledger is made without Alembic, cannot go stale: Alembic's
    `upgrade head` into a fresh file gives the same schema, statement for statement."""
    migrated = sqlite3.connect(tmp_path / "alembic.sqlite3", isolation_level=None)
    _upgrade(migrated, True)
    Ledger(f"sqlite:///{tmp_path / 'new.sqlite3'}").close()
    shipped = sqlite3.connect(tmp_path / "new.sqlite3")

    def schema(connection):
        return (connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid").fetchall(),
                connection.execute("SELECT version_num FROM alembic_version").fetchall())

    assert schema(shipped) == schema(migrated), f"regenerate {HEAD_SQL} with dump_schema() of a migrated ledger"
    assert dump_schema(migrated) == HEAD_SQL.read_text(encoding="utf-8")
    assert shipped.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert not list(tmp_path.glob("*.new"))  # the file it was made in was renamed into place
    memory = Ledger("sqlite://")  # an in-memory ledger is made from head.sql too
    assert schema(memory._shared) == schema(migrated)
    memory.close()
    migrated.close()
    shipped.close()


def test_a_ledger_written_by_migration_0001_opens_keeps_its_emissions_and_gains_the_posted_record(tmp_path):
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    engine = create_engine(url)
    with engine.begin() as connection:  # the ledger as the previous version left it
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(text("INSERT INTO store_days (id, target, company, store, business_date) "
                                "VALUES (1, 'freee', 'サンプル食堂株式会社', '0001', '2025-01-10')"))
        connection.execute(text(
            "INSERT INTO emissions (store_day_id, number, kind, state, folder, files, output_hash, run_id, "
            "created_at) VALUES (1, 0, 'first', 'committed', '', '[\"freee-deals.json\"]', 'abc', 'r1', "
            "'2025-01-10 21:00:00')"))
        assert "posted_requests" not in inspect(connection).get_table_names()
    engine.dispose()

    ledger = Ledger(url)
    try:
        day = StoreDayKey("サンプル食堂株式会社", "0001", dt.date(2025, 1, 10))
        assert [(e.target, e.number, e.state) for e in ledger.emissions(day)] == [("freee", 0, "committed")]
        with engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == head()
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        engine.dispose()
        assert ledger.posted("freee", "1234567", "0001", day.business_date) == {}
        row = PostedRow("POS-20250110-0001-cash", "deal", 1001, "d" * 64, 0, "created")
        ledger.record_posted("freee", "1234567", "0001", day.business_date, row)
        assert ledger.posted("freee", "1234567", "0001", day.business_date) == {row.key: row}
        with pytest.raises(LedgerError, match="UNIQUE"):  # the last guard against recording one request twice
            ledger.record_posted("freee", "1234567", "0001", day.business_date, row)
    finally:
        ledger.close()


def test_a_ledger_written_by_migration_0002_opens_and_gains_the_unposted_bodies(tmp_path):
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    engine = create_engine(url)
    with engine.begin() as connection:  # a FLARO version emitted, not delivered, before 0003
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
        connection.execute(text("INSERT INTO store_days (id, target, company, store, business_date) "
                                "VALUES (1, 'flaro', '', '0002', '2025-01-11')"))
        connection.execute(text(
            "INSERT INTO emissions (store_day_id, number, kind, state, folder, files, output_hash, run_id, "
            "created_at) VALUES (1, 0, 'first', 'committed', '', '[\"flaro-hourly.json\"]', 'abc', 'r1', "
            "'2025-01-11 21:00:00')"))
        assert "unposted_bodies" not in inspect(connection).get_table_names()
    engine.dispose()

    ledger = Ledger(url)
    try:
        day = StoreDayKey("", "0002", dt.date(2025, 1, 11))
        with engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == head()
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        engine.dispose()
        [pending] = ledger.unposted("flaro", "")
        assert (pending.day, pending.emission.number, pending.emission.files, pending.body) == (
            day, 0, ("flaro-hourly.json",), None)
        ledger.keep_body("flaro", day, 0, "2025-01-11_0002_v1", b"{}\n")
        ledger.keep_body("flaro", day, 0, "2025-01-11_0002_v1", b"other")  # a kept body is never replaced
        assert [item.body for item in ledger.unposted("flaro", "")] == [b"{}\n"]
        ledger.record_posted("flaro", "", "0002", day.business_date,
                             PostedRow("2025-01-11_0002_v1", "webhook", 0, "d" * 64, 0, "created"))
        assert ledger.unposted("flaro", "") == []
    finally:
        ledger.close()


def test_a_ledger_that_cannot_be_opened_is_an_error_not_a_traceback(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(LedgerUnavailableError) as caught:
        Ledger(f"sqlite:///{tmp_path / 'file' / 'ledger.sqlite3'}")
    assert caught.value.code == "LEDGER_UNAVAILABLE"
    bad = Scenario(tmp_path)
    bad.settings.write_text(settings_text("nosuchdialect://x"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--config", str(bad.settings), "--input", str(SAMPLE_DAY),
                                      "--out", str(bad.out), "--lang", "ja"])
    assert result.exit_code == 2 and "[LEDGER_UNAVAILABLE] 送信台帳 nosuchdialect://x を開けません" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_ledger_failing_during_a_build_fails_that_store_day_with_the_reason(tmp_path, monkeypatch):
    def down(*args, **kwargs):
        raise LedgerError("database is locked")

    monkeypatch.setattr(Ledger, "record", down)
    day = Scenario(tmp_path)
    day.input.write_text(json.dumps(day.close, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--input", str(day.input), "--config", str(day.settings),
                                      "--out", str(day.out), "--lang", "en"])
    assert result.exit_code == 1 and "[LEDGER_UNAVAILABLE]" in result.stderr and "database is locked" in result.stderr
    assert "Store-days: 0 built, 1 failed," in result.stdout and "Sent-ledger" not in result.stdout


def test_plan_post_commit_for_a_connector(tmp_path):
    ledger = Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    planned = plan(ledger, CLOSE, SETTINGS, ["freee", "yayoi"])
    assert planned.status == "built" and [p.kind for p in planned.targets] == ["first", "first"]
    assert plan(ledger, CLOSE, SETTINGS, "freee").status == "built"  # never committed: not recorded
    commit(ledger, planned)
    commit(ledger, planned)  # committing twice is harmless
    assert [(e.target, e.number, e.state) for e in ledger.emissions(DAY)] == [
        ("freee", 0, "committed"), ("yayoi", 0, "committed")]
    assert plan(ledger, CLOSE, SETTINGS, ["freee", "yayoi"]).status == "unchanged"

    sample = json.loads(SAMPLE_DAY.read_text(encoding="utf-8"))
    corrected = parse_close(json.dumps(with_void(sample)))
    other = parse_close(json.dumps(with_void(sample) | {"cash_movements": []}))
    resend, rival = plan(ledger, corrected, SETTINGS, "freee"), plan(ledger, other, SETTINGS, "freee")
    (part,) = resend.targets
    assert (part.kind, part.number, part.folder, len(part.added), part.reversed) == ("delta", 1, "resend-1", 1, ())
    commit(ledger, resend)
    commit(ledger, resend)
    with pytest.raises(LedgerConflictError) as caught:  # planned against the ledger before resend-1
        commit(ledger, rival)
    assert caught.value.code == "LEDGER_CONFLICT"
    assert [e.number for e in ledger.emissions(DAY, "freee")] == [0, 1]
    assert plan(ledger, corrected, SETTINGS, "freee").status == "unchanged"
    ledger.close()


def test_an_entry_handed_to_several_targets_is_encoded_once(tmp_path, monkeypatch):
    encoded, real = [], ledger_store._document
    monkeypatch.setattr(ledger_store, "_document", lambda entry: encoded.append(entry.key) or real(entry))
    ledger = Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    planned = plan(ledger, CLOSE, SETTINGS, ["freee", "yayoi"])
    commit(ledger, planned)
    first, second = (part.added for part in planned.targets)
    assert [entry.key for entry in first] == [entry.key for entry in second]
    assert sorted(encoded) == sorted(entry.key for entry in first)  # once each, not once per target
    ledger.close()


def many_entries_round_trip(url: str) -> None:
    """An emission of 250 entries (more than one INSERT's worth) and a delta that reverses 120 of
    them come back from the ledger in order, each entry as it was recorded."""
    entry = journalize(CLOSE, SETTINGS).entries[0]
    entries = tuple(replace(entry, key=f"{number:016x}") for number in range(250))
    day = StoreDayKey("会社", "0001", dt.date(2025, 1, 10))
    ledger = Ledger(url)
    try:
        first = Record("journal", 1, "first", "", ("journal.json",), "0" * 64, reversed=(), added=entries)
        ledger.record(day, [first], "run-1", "committed")
        assert list(ledger.state(day).of("journal").entries.items()) == [(e.key, e) for e in entries]
        delta = Record("journal", 2, "delta", "resend-2", ("journal.json",), "1" * 64,
                       reversed=entries[:120], added=entries[:3])
        ledger.record(day, [delta], "run-2", "committed")
        assert list(ledger.state(day).of("journal").entries) == [e.key for e in entries[120:] + entries[:3]]
        assert list(ledger.state(day, upto=1).of("journal").entries) == [e.key for e in entries]
    finally:
        ledger.close()


def test_an_emission_of_many_entries_is_recorded_whole_and_in_order(tmp_path):
    many_entries_round_trip(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")


def test_a_dry_run_writes_and_records_nothing(tmp_path):
    day = Scenario(tmp_path)
    output = day.build("--dry-run")
    assert "1 built" in output and "Dry run: nothing was written or recorded." in output
    assert "entries: 7 (dry run: nothing written)" in output
    assert not day.out.exists()
    day.build()
    day.close = with_void(day.close)
    assert "re-send 1: +1 −0 entries" in day.build("--dry-run")
    assert day.resends() == [] and len(day.emissions()) == 3


KILLED_AT_COMMIT = """
import os, signal, sys
from journalgen.ledger.store import Ledger
def commit(self, ids, durable=True):  # the files are written; die before the ledger says so
    if ids:
        os.kill(os.getpid(), signal.SIGKILL)
Ledger.commit = commit
from journalgen.cli import main
sys.argv[0] = "journalgen"
main()
"""

KILLED_BEFORE_WRITING = """
import importlib, os, signal, sys
storeday = importlib.import_module("journalgen.storeday")
real = storeday.switch
def write(directory, outputs):  # intent recorded; die before the re-send reaches the disk
    if directory.name.startswith("resend-"):
        os.kill(os.getpid(), signal.SIGKILL)
    return real(directory, outputs)
storeday.switch = write
from journalgen.cli import main
sys.argv[0] = "journalgen"
main()
"""


def run_killed(day: Scenario, script: str) -> None:
    day.input.write_text(json.dumps(day.close, ensure_ascii=False), encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", script, "build", "--input", str(day.input), "--config",
                             str(day.settings), "--out", str(day.out)], capture_output=True, text=True, timeout=120)
    assert result.returncode == -9, result.stderr


def assert_settled_with_one_resend(day, first) -> None:
    """resend-1 is the day's only re-send, every emission is committed, and the first build's
    files plus resend-1 add up to the corrected day's."""
    assert day.resends() == ["resend-1"]
    assert sorted((t, n, state) for t, n, _, state in day.emissions()) == sorted(
        (t, n, "committed") for t in TARGETS for n in (0, 1))
    resend_1, corrected = check_files(day.day_dir / "resend-1"), check_files(day.day_dir)
    for name, sums in SUMS.items():
        assert total(sums(first[name]), sums(resend_1[name])) == total(sums(corrected[name])), name


def test_a_build_killed_after_writing_and_before_committing_is_settled_without_a_duplicate(tmp_path):
    day = Scenario(tmp_path)
    day.build()
    first = check_files(day.day_dir)
    day.close = with_void(day.close)
    run_killed(day, KILLED_AT_COMMIT)
    assert day.resends() == ["resend-1"]
    assert {(n, state) for _, n, _, state in day.emissions()} == {(0, "committed"), (1, "pending")}

    output = day.build()
    assert "unchanged: nothing to re-send" in output  # resend-1 is on disk as recorded: settled, not re-sent
    assert_settled_with_one_resend(day, first)


def test_a_build_killed_before_its_files_landed_is_planned_again(tmp_path):
    day = Scenario(tmp_path)
    day.build()
    day.close = with_void(day.close)
    run_killed(day, KILLED_BEFORE_WRITING)
    assert day.resends() == [] and {state for *_, state in day.emissions()} == {"committed", "pending"}

    assert "re-send 1: +1 −0 entries" in day.build()
    assert day.resends() == ["resend-1"]
    assert sorted((t, n, state) for t, n, _, state in day.emissions()) == sorted(
        (t, n, "committed") for t in TARGETS for n in (0, 1))


def test_two_builds_at_once_on_one_sqlite_ledger_record_each_store_day_once(tmp_path):
    concurrent_builds(tmp_path, None)


HOLD_A_DAY = """
import datetime as dt, sys
from journalgen.ledger import Ledger, StoreDayKey
ledger = Ledger(sys.argv[1])
with ledger.locked(StoreDayKey("c", "0001", dt.date(2025, 1, 10))):
    print("held", flush=True)
    sys.stdin.readline()
"""


def test_another_store_day_is_not_held_up_by_a_locked_one_and_the_same_store_day_is(tmp_path):
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    Ledger(url).close()
    holder = subprocess.Popen([sys.executable, "-c", HOLD_A_DAY, url], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    ledger = Ledger(url)
    try:
        assert holder.stdout.readline() == "held\n"
        done = {store: threading.Event() for store in ("0001", "0002")}

        def lock(store: str) -> None:
            with ledger.locked(StoreDayKey("c", store, dt.date(2025, 1, 10))):
                done[store].set()

        for store in done:
            threading.Thread(target=lock, args=(store,), daemon=True).start()
        assert done["0002"].wait(60)  # a parallel worker on another store-day does not wait
        assert not done["0001"].wait(0.5)  # the same store-day waits for the other process
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert done["0001"].wait(60)
    finally:
        holder.kill()
        holder.wait()
        ledger.close()


def test_the_readme_connector_example_posts_the_day_once_then_only_the_difference(tmp_path):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Posting through the sent-ledger"):]
    code = section[section.index("```python\n") + 10:section.index("\n```", section.index("```python"))]
    code = code.replace('"settings.toml"', repr(str(REPO / "journalgen" / "sample" / "settings.toml")))
    code = code.replace('"postgresql+psycopg://journalgen@db.internal/journalgen"',
                        repr(f"sqlite:///{tmp_path / 'ledger.sqlite3'}"))

    class Freee:
        def __init__(self):
            self.posted = []

        def post(self, path, json):
            self.posted.append((path, json.get("ref_number")))

    sample, posts = json.loads(SAMPLE_DAY.read_text(encoding="utf-8")), []
    for payload in (sample, sample, with_void(sample)):
        client = Freee()
        exec(code, {"payload": json.dumps(payload, ensure_ascii=False), "freee_client": client, "log": print})
        posts.append(client.posted)
    first, again, resend = posts
    assert len(first) == 6 and {path for path, _ in first} == {"/api/1/deals", "/api/1/transfers"}
    assert again == []
    [(path, ref)] = resend  # the void of a cash sale: a refund freee books as a manual journal
    assert path == "/api/1/manual_journals" and ref.startswith("POS-") and ref.endswith("-r1") and len(ref) <= 20


def test_a_process_keeps_no_lock_of_a_store_day_it_has_finished_with(tmp_path):
    from journalgen.ledger import store

    ledger = Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    try:
        for day in range(1, 301):  # a long batch: its memory must not grow with the store-days
            with ledger.locked(StoreDayKey("c", "0001", dt.date(2025, 1, 1) + dt.timedelta(days=day))):
                assert len(store._THREAD_LOCKS) == 1
        assert store._THREAD_LOCKS == {}
    finally:
        ledger.close()


def test_a_store_day_is_looked_up_through_an_index_so_a_batch_does_not_slow_as_the_ledger_grows(tmp_path):
    from journalgen.ledger import store

    Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite3'}").close()
    connection = sqlite3.connect(tmp_path / "ledger.sqlite3")
    params = {"company": "c", "store": "0001", "business_date": "2025-01-10"}
    for query in (store._STORE_DAYS, store._STATE, store._EMISSIONS):
        plan = " ".join(row[-1] for row in connection.execute(f"EXPLAIN QUERY PLAN {query}", params))
        assert "SCAN store_days" not in plan and "store_days_day" in plan, plan
    connection.close()


class PowerCut:
    """Builds of `day` whose ledger, after each, is put back to what a power cut during it could
    leave: every commit that skipped the disk (`Ledger.commit(..., durable=False)`) lost. The
    SQLite ledger file goes back to a copy taken as that commit began; a PostgreSQL ledger's
    committed rows go back to pending. Checks on the way that each pending record is in the
    ledger, durably, before any file of its store-day is."""

    def __init__(self, day: Scenario, monkeypatch: pytest.MonkeyPatch):
        self.day, self.lost, self.snapshot = day, [], day.out.parent / "ledger-before-commit.sqlite3"
        real_record, real_commit = Ledger.record, Ledger.commit

        def record(ledger, key, records, run_id, state):
            ids = real_record(ledger, key, records, run_id, state)
            if state == "pending" and records:
                folders = [day.day_dir / record.folder for record in records]
                assert not any(folder.is_dir() and any(folder.iterdir()) for folder in folders), folders
                assert {state for _, n, _, state in day.emissions() if n == records[0].number} == {"pending"}
                connection = ledger._idle[-1]  # the one it was recorded on: its COMMIT waited for the disk
                if ledger.sqlite:  # FULL: an fdatasync of the WAL before COMMIT returns
                    assert connection.execute("PRAGMA synchronous").fetchone()[0] == 2
                else:  # a commit's `SET LOCAL synchronous_commit = off` ended with its transaction
                    assert connection.execute("SHOW synchronous_commit").fetchone()[0] == "on"
            return ids

        def commit(ledger, ids, durable=True):
            if not durable:
                self.lost += ids
                if ledger.sqlite:
                    self.snapshot.unlink(missing_ok=True)
                    with sqlite3.connect(ledger._database) as source, sqlite3.connect(self.snapshot) as copy:
                        source.backup(copy)
            return real_commit(ledger, ids, durable)

        monkeypatch.setattr(Ledger, "record", record)
        monkeypatch.setattr(Ledger, "commit", commit)

    def build(self) -> str:
        """Build with `--jobs 1` (in this process, where the checks are), then cut the power."""
        self.lost = []
        output = self.day.build("--jobs", "1")
        assert self.lost
        if self.day.url.startswith("sqlite"):
            database = Path(self.day.url.removeprefix("sqlite:///"))
            for suffix in ("", "-wal", "-shm"):
                Path(f"{database}{suffix}").unlink(missing_ok=True)
            self.snapshot.rename(database)
        else:
            engine = create_engine(self.day.url)
            with engine.begin() as connection:
                connection.execute(text("UPDATE emissions SET state = 'pending', committed_at = NULL "
                                        f"WHERE id IN ({', '.join(map(str, self.lost))})"))
            engine.dispose()
        return output


def power_cut_after_each_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ledger_url: str | None) -> None:
    """A first build and a re-send whose commits the power took: the next run settles each from its
    files as committed and reports the day unchanged, neither sent for the first time nor re-sent."""
    day = Scenario(tmp_path, ledger_url)
    cut = PowerCut(day, monkeypatch)
    assert "Sent-ledger: 1 sent for the first time, 0 unchanged, 0 re-sent." in cut.build()
    assert {state for *_, state in day.emissions()} == {"pending"}
    first = check_files(day.day_dir)

    output = day.build()
    assert "unchanged: nothing to re-send" in output and "0 sent for the first time, 1 unchanged, 0 re-sent" in output
    assert day.emissions() == [(target, 0, "first", "committed") for target in sorted(TARGETS)]

    day.close = with_void(day.close)
    assert "re-send 1: +1 −0 entries" in cut.build()
    assert {(n, state) for _, n, _, state in day.emissions()} == {(0, "committed"), (1, "pending")}
    output = day.build()
    assert "unchanged: nothing to re-send" in output and "0 sent for the first time, 1 unchanged, 0 re-sent" in output
    assert_settled_with_one_resend(day, first)


def test_commits_lost_in_a_power_cut_are_settled_from_the_files_as_unchanged(tmp_path, monkeypatch):
    power_cut_after_each_build(tmp_path, monkeypatch, None)
