"""The event log refuses edits at the storage level (DESIGN.md §4), and still takes writes in order.

On PostgreSQL the events table's triggers refuse UPDATE, DELETE and TRUNCATE for everyone, a
superuser included and replication mode too, and the service's role holds only SELECT and INSERT.
Writers are serialised by an advisory lock instead of the library's table lock (which that role may
not take), and must still hand out notification ids in commit order.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import psycopg
import pytest
from eventsourcing.application import Application
from eventsourcing.domain import BaseAggregate, CanInitAggregate, CanMutateAggregate, event
from eventsourcing.persistence import PersistenceError
from pydantic import BaseModel, ConfigDict

from ejournal.settings import Settings
from ejournal.storage import (
    PostgresLocation,
    SqliteLocation,
    StorageError,
    migrate,
    parse_database_url,
    school_env,
    school_schema,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from eventsourcing.persistence import Notification


class TallyEvent(BaseModel):
    """A pydantic event, as the journal records them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    originator_id: UUID
    originator_version: int
    timestamp: datetime

    @staticmethod
    def create_timestamp() -> datetime:
        return datetime.now(UTC)


class Tally(BaseAggregate[UUID]):
    """Something to write many small events for."""

    INITIAL_VERSION = 1

    @staticmethod
    def create_id(*_: Any, **__: Any) -> UUID:
        return uuid4()

    class Event(TallyEvent, CanMutateAggregate[UUID]):
        pass

    class Started(Event, CanInitAggregate[UUID]):
        originator_topic: str
        writer: int

    class Ticked(Event):
        pass

    @event(Started)
    def __init__(self, writer: int) -> None:
        self.writer = writer
        self.ticks = 0

    @event(Ticked)
    def tick(self) -> None:
        self.ticks += 1


class Journal(Application[UUID]):
    """A school's application."""

    name = "AppendOnlyJournal"


EVENTS_TABLE = "appendonlyjournal_events"


@dataclass(frozen=True)
class School:
    """A migrated PostgreSQL school with one event recorded."""

    settings: Settings
    school: str
    admin: PostgresLocation
    service: PostgresLocation

    @property
    def events(self) -> str:
        return f"{school_schema(self.school)}.{EVENTS_TABLE}"

    def app(self, **env: str) -> Journal:
        return Journal(env=school_env(self.settings, self.school) | env)


@pytest.fixture
def pg_school(postgres_url: str, school_id: str) -> School:
    settings = Settings(database_url=postgres_url, _env_file=None)
    migrate(settings, school_id, Journal.name)
    admin = parse_database_url(postgres_url)
    assert isinstance(admin, PostgresLocation)
    school = School(
        settings=settings,
        school=school_id,
        admin=admin,
        service=PostgresLocation(
            dbname=admin.dbname, host=admin.host, port=admin.port, user=settings.app_role
        ),
    )
    with school.app() as app:
        app.save(Tally(writer=0))
    return school


@pytest.fixture
def admin_conn(pg_school: School) -> Iterator[psycopg.Connection[Any]]:
    with pg_school.admin.connect() as conn:
        yield conn


@pytest.fixture
def service_conn(pg_school: School) -> Iterator[psycopg.Connection[Any]]:
    with pg_school.service.connect() as conn:
        yield conn


EDITS = [
    "UPDATE {table} SET state = 'x'",
    "DELETE FROM {table}",
    "TRUNCATE {table}",
    "TRUNCATE {table} CASCADE",
]


def _count(conn: psycopg.Connection[Any], table: str) -> int:
    row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    assert row is not None
    return int(row[0])


# -- refusing edits ----------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize("edit", EDITS)
def test_service_role_may_not_edit_events(
    pg_school: School, service_conn: psycopg.Connection[Any], edit: str
) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
        service_conn.execute(edit.format(table=pg_school.events))

    assert _count(service_conn, pg_school.events) == 1


@pytest.mark.postgres
@pytest.mark.parametrize("edit", EDITS)
def test_superuser_may_not_edit_events(
    pg_school: School, admin_conn: psycopg.Connection[Any], edit: str
) -> None:
    with pytest.raises(psycopg.errors.RaiseException, match="append-only") as refused:
        admin_conn.execute(edit.format(table=pg_school.events))

    assert "Lyceum 68 §3.6.8" in (refused.value.diag.message_detail or "")
    assert _count(admin_conn, pg_school.events) == 1


@pytest.mark.postgres
@pytest.mark.parametrize("edit", EDITS)
def test_replication_mode_does_not_skip_the_triggers(
    pg_school: School, admin_conn: psycopg.Connection[Any], edit: str
) -> None:
    admin_conn.execute("SET session_replication_role = replica")

    with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        admin_conn.execute(edit.format(table=pg_school.events))

    assert _count(admin_conn, pg_school.events) == 1


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE {table} DISABLE TRIGGER ALL",
        "ALTER TABLE {table} DISABLE TRIGGER events_append_only_rows",
        "DROP TABLE {table}",
        "LOCK TABLE {table} IN EXCLUSIVE MODE",
        "SELECT setval(pg_get_serial_sequence('{table}', 'notification_id'), 1)",
    ],
)
def test_service_role_may_not_get_around_the_triggers(
    pg_school: School, service_conn: psycopg.Connection[Any], statement: str
) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege), service_conn.transaction():
        service_conn.execute(statement.format(table=pg_school.events))


@pytest.mark.postgres
def test_service_role_may_insert_and_select(
    pg_school: School, service_conn: psycopg.Connection[Any]
) -> None:
    row = service_conn.execute(
        f"INSERT INTO {pg_school.events} (originator_id, originator_version, topic, state)"
        " VALUES (gen_random_uuid(), 1, 'topic', '{{}}') RETURNING notification_id"
    ).fetchone()

    assert row == (2,)
    assert _count(service_conn, pg_school.events) == 2


@pytest.mark.postgres
def test_service_role_holds_exactly_select_and_insert(
    pg_school: School, admin_conn: psycopg.Connection[Any]
) -> None:
    rows = admin_conn.execute(
        "SELECT privilege_type FROM information_schema.role_table_grants"
        " WHERE grantee = %s AND table_schema = %s AND table_name = %s",
        (pg_school.settings.app_role, school_schema(pg_school.school), EVENTS_TABLE),
    ).fetchall()

    assert sorted(privilege for (privilege,) in rows) == ["INSERT", "SELECT"]


@pytest.mark.postgres
def test_the_librarys_table_lock_is_refused_to_the_service_role(pg_school: School) -> None:
    # Why the advisory-lock recorder exists: the stock recorder cannot write as this role.
    with (
        pg_school.app(PERSISTENCE_MODULE="eventsourcing.postgres") as app,
        pytest.raises(PersistenceError, match="permission denied"),
    ):
        app.save(Tally(writer=1))


@pytest.mark.postgres
def test_the_insert_function_is_refused(pg_school: School) -> None:
    with pytest.raises(StorageError, match="POSTGRES_ENABLE_DB_FUNCTIONS"):
        pg_school.app(POSTGRES_ENABLE_DB_FUNCTIONS="y")


@pytest.mark.postgres
def test_migrate_refuses_a_superuser_app_role(postgres_url: str, school_id: str) -> None:
    admin = parse_database_url(postgres_url)
    assert isinstance(admin, PostgresLocation)
    settings = Settings(database_url=postgres_url, app_role=admin.user, _env_file=None)

    with pytest.raises(StorageError, match="superuser"):
        migrate(settings, school_id, Journal.name)


# -- writing in order --------------------------------------------------------------------------


@pytest.mark.postgres
def test_concurrent_writers_get_every_notification_id_once_in_commit_order(
    pg_school: School,
) -> None:
    writers, saves_per_writer = 6, 25
    errors: list[BaseException] = []
    done = threading.Event()
    seen: list[Notification] = []
    gaps: list[tuple[int, int]] = []

    def write(app: Journal, writer: int) -> None:
        try:
            tally = Tally(writer=writer)
            app.save(tally)
            for _ in range(saves_per_writer - 1):
                tally.tick()
                tally.tick()  # two events per save: a transaction's ids stay together
                app.save(tally)
        except BaseException as error:
            errors.append(error)
            raise

    def tail(app: Journal) -> None:
        # A reader following the log: with ids handed out in commit order it never sees a
        # later id before an earlier one has committed, so the ids it sees have no holes.
        last = 0
        while True:
            finished = done.is_set()
            page = app.recorder.select_notifications(
                start=last, limit=100, inclusive_of_start=False
            )
            for notification in page:
                if notification.id != last + 1:
                    gaps.append((last, notification.id))
                last = notification.id
            seen.extend(page)
            if finished and not page:
                return

    # Two applications: two connection pools, as two service processes would have.
    with pg_school.app() as first, pg_school.app() as second:
        reader = threading.Thread(target=tail, args=(first,))
        reader.start()
        threads = [
            threading.Thread(target=write, args=(first if n % 2 else second, n))
            for n in range(1, writers + 1)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        done.set()
        reader.join()
        stored = first.recorder.select_notifications(start=None, limit=10_000)

    assert not errors
    expected = 1 + writers * (1 + 2 * (saves_per_writer - 1))
    ids = [n.id for n in stored]
    assert ids == list(range(1, expected + 1))
    assert len({(n.originator_id, n.originator_version) for n in stored}) == expected
    assert gaps == []
    assert [n.id for n in seen] == ids


# -- the embedded default ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "edit", ["UPDATE stored_events SET state = x'00'", "DELETE FROM stored_events"]
)
def test_sqlite_log_refuses_edits_too(sqlite_url: str, school_id: str, edit: str) -> None:
    settings = Settings(database_url=sqlite_url, _env_file=None)
    migrate(settings, school_id, Journal.name)
    with Journal(env=school_env(settings, school_id)) as app:
        app.save(Tally(writer=0))
    location = parse_database_url(sqlite_url)
    assert isinstance(location, SqliteLocation)

    with sqlite3.connect(location.school_file(school_id)) as conn:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(edit)
        assert conn.execute("SELECT count(*) FROM stored_events").fetchone() == (1,)
