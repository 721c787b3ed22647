"""The re-send scenario and two concurrent workers on a real PostgreSQL server the tests start."""

from __future__ import annotations

import resend_scenario
from postgresql_server import postgresql_url  # noqa: F401  (the fixture)
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
