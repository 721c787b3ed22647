"""A throwaway PostgreSQL cluster in a temporary folder, started by the tests (pytest-postgresql's
process executor). In CI (`CI=true`, or `JOURNALGEN_REQUIRE_POSTGRESQL=1` as `.ci/run` sets) a
missing server fails the run; elsewhere the tests skip and say why. PostgreSQL refuses to run as root, so under root the cluster runs as the `postgres` user."""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from port_for import get_port
from pytest_postgresql.executors import PostgreSQLExecutor

PG_CTL = next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)), None) or shutil.which("pg_ctl")


def missing(reason: str) -> None:
    if os.environ.get("CI") == "true" or os.environ.get("JOURNALGEN_REQUIRE_POSTGRESQL") == "1":
        pytest.fail(f"{reason} (CI must run the PostgreSQL tests: .ci/run installs Debian's postgresql)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[str]:
    """A SQLAlchemy URL of a fresh database on a server running for this test session."""
    if PG_CTL is None:
        missing("PostgreSQL is not installed (no pg_ctl)")
    folder = Path(tempfile.mkdtemp(prefix="journalgen-pg-"))
    executable = PG_CTL
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            missing("running as root without runuser: cannot start PostgreSQL as the postgres user")
        shutil.chown(folder, "postgres")
        executable = str(folder / "pg_ctl")
        Path(executable).write_text(f'#!/bin/sh\nexec runuser -u postgres -- "{PG_CTL}" "$@"\n')
        os.chmod(executable, 0o755)
    port = get_port(None)
    server = PostgreSQLExecutor(
        executable=executable, host="127.0.0.1", port=port, datadir=str(folder / "data"),
        unixsocketdir=str(folder), logfile=str(folder / "server.log"), startparams="-w", dbname="journalgen",
    )
    server.start()
    try:
        server.wait_for_postgres()
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
