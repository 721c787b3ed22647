"""The re-send scenario and two concurrent workers on a real PostgreSQL server the tests start."""

from __future__ import annotations

import datetime as dt

import pytest
import resend_scenario
from postgresql_server import missing, postgresql_url  # noqa: F401  (the fixture)
from sqlalchemy import create_engine, text
from test_ledger import many_entries_round_trip, power_cut_after_each_build
from test_freee_send import (  # noqa: F401  (the fixtures)
    SAMPLE, VOID, connected, env, fake, full_rendering, in_freee, sample_close, send_close,
)

from journalgen.ledger import Ledger


def fresh_database(url: str, name: str) -> str:
    """`url` with a new, empty database `name`."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.rsplit("/", 1)[0] + f"/{name}"


def test_day_unchanged_void_correction_full_on_postgresql(tmp_path, postgresql_url):  # noqa: F811
    resend_scenario.run(tmp_path, fresh_database(postgresql_url, "scenario"))


def test_two_workers_at_once_on_one_postgresql_ledger_record_each_store_day_once(tmp_path, postgresql_url):  # noqa: F811
    resend_scenario.concurrent_builds(tmp_path, fresh_database(postgresql_url, "workers"))


def test_commits_lost_in_a_crash_of_the_server_are_settled_from_the_files_as_unchanged(
        tmp_path, monkeypatch, postgresql_url):  # noqa: F811
    power_cut_after_each_build(tmp_path, monkeypatch, fresh_database(postgresql_url, "power_cut"))


def test_an_emission_of_many_entries_is_recorded_whole_and_in_order_on_postgresql(postgresql_url):  # noqa: F811
    many_entries_round_trip(fresh_database(postgresql_url, "many_entries"))


def test_send_a_day_then_its_correction_to_the_fake_freee_on_postgresql(fake, connected, tmp_path, postgresql_url):  # noqa: F811
    url = fresh_database(postgresql_url, "send")
    settings = tmp_path / "settings.toml"
    settings.write_text((SAMPLE / "settings.toml").read_text(encoding="utf-8") + f'\n[ledger]\nurl = "{url}"\n',
                        encoding="utf-8")
    close = sample_close()
    first = send_close(tmp_path, close, config=settings)
    assert "✓ 2025-01-10 0001: 6 posted, 0 found already in freee, 0 sent before" in first.output, first.output
    close["voids"].append(VOID)
    corrected = send_close(tmp_path, close, config=settings)
    assert "✓ 2025-01-10 0001: 1 posted, 0 found already in freee, 6 sent before" in corrected.output, corrected.output
    assert in_freee(fake) == full_rendering(close)
    again = send_close(tmp_path, close, config=settings)
    assert again.exit_code == 0 and "0 posted, 0 found already in freee, 7 sent before" in again.output
    assert not (tmp_path / "out" / ".journalgen" / "ledger.sqlite3").exists()  # the ledger is PostgreSQL's
    ledger = Ledger(url)
    try:
        assert len(ledger.posted("freee", "1234567", "0001", dt.date(2025, 1, 10))) == 7
    finally:
        ledger.close()


def test_without_postgresql_the_tests_skip_here_and_fail_in_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("JOURNALGEN_REQUIRE_POSTGRESQL", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no pg_ctl"):
        missing("no pg_ctl")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the PostgreSQL tests"):
        missing("no pg_ctl")
