"""The re-send scenario and two concurrent workers on a real PostgreSQL server the tests start."""

from __future__ import annotations

import pytest
import resend_scenario
from postgresql_server import missing, postgresql_url  # noqa: F401  (the fixture)
from sqlalchemy import create_engine, text


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


def test_without_postgresql_the_tests_skip_here_and_fail_in_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("JOURNALGEN_REQUIRE_POSTGRESQL", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no pg_ctl"):
        missing("no pg_ctl")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the PostgreSQL tests"):
        missing("no pg_ctl")
