"""The fault-injection suite's own PostgreSQL database, and its report at the end of the run.

The suite changes server settings for its database (slow commits), so it makes a database of its
own on the test server, as that server's superuser, and drops it afterwards. What it injected and
checked is printed in the run's summary, so a CI log shows what a green run exercised.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from psycopg import sql

from ejournal.storage import PostgresLocation, parse_database_url

_REPORT = pytest.StashKey[list[str]]()


@dataclass(frozen=True)
class FaultDatabase:
    """A database of the fault suite's own on the test server."""

    url: str
    location: PostgresLocation

    def connect(self) -> psycopg.Connection[tuple[Any, ...]]:
        """An autocommit connection as the server's superuser."""
        return self.location.connect()


@pytest.fixture(scope="module")
def fault_database(postgres_url: str) -> Iterator[FaultDatabase]:
    """A fresh database ``ejournal_faults_<random>``, dropped with everything in it afterwards."""
    server = parse_database_url(postgres_url)
    assert isinstance(server, PostgresLocation)
    maintenance = PostgresLocation(
        dbname="postgres",
        host=server.host,
        port=server.port,
        user=server.user,
        password=server.password,
    )
    name = f"ejournal_faults_{uuid.uuid4().hex[:12]}"
    with maintenance.connect() as conn:
        row = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
        assert row is not None
        assert row[0], (
            f"the fault suite sets server options for its database: {server.user!r} must be a"
            " superuser of the test server"
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    location = PostgresLocation(
        dbname=name,
        host=server.host,
        port=server.port,
        user=server.user,
        password=server.password,
    )
    secret = f":{quote(server.password, safe='')}" if server.password is not None else ""
    url = f"postgresql://{quote(server.user, safe='')}{secret}@{server.host}:{server.port}/{name}"
    try:
        yield FaultDatabase(url, location)
    finally:
        with maintenance.connect() as conn:
            # FORCE: a backend of a killed service may not have noticed yet that it is gone.
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(scope="module")
def fault_report(request: pytest.FixtureRequest) -> list[str]:
    """Lines to print in the run's summary under "fault injection"."""
    return request.config.stash.setdefault(_REPORT, [])


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    lines = config.stash.get(_REPORT, [])
    if lines:
        terminalreporter.section("fault injection")
        for line in lines:
            terminalreporter.write_line(line)
