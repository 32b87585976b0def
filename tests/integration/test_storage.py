"""One log per school on both backends: the environment a school's application is built with,
school ids, and events that round-trip through our mapper and transcoder, encrypted or not."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.application import Application
from eventsourcing.cryptography import AESCipher
from eventsourcing.domain import BaseAggregate, CanInitAggregate, CanMutateAggregate, event
from eventsourcing.persistence import PersistenceError, StoredEvent
from pydantic import BaseModel, ConfigDict, ValidationError

from ejournal.settings import Settings
from ejournal.storage import (
    PostgresLocation,
    SqliteLocation,
    StorageError,
    drop_school,
    migrate,
    parse_database_url,
    school_env,
    school_schema,
    unavailable,
    validate_school_id,
)
from ejournal.storage_postgres import FACTORY_TOPIC
from ejournal.transcoding import MAPPER_TOPIC, TRANSCODER_TOPIC

PG_URL = "postgresql://admin:s%40cret@db.example:6543/journal"


class Mood(Enum):
    """An enum in an event: the library's default JSON transcoder cannot store one."""

    CALM = "calm"
    CHEERFUL = "cheerful"


class PupilEvent(BaseModel):
    """A pydantic event, as the journal's aggregates record them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    originator_id: UUID
    originator_version: int
    timestamp: datetime

    @staticmethod
    def create_timestamp() -> datetime:
        return datetime.now(UTC)


class Pupil(BaseAggregate[UUID]):
    """A small aggregate with dates, enums and Cyrillic text in its events."""

    INITIAL_VERSION = 1

    @staticmethod
    def create_id(*_: Any, **__: Any) -> UUID:
        return uuid4()

    class Event(PupilEvent, CanMutateAggregate[UUID]):
        pass

    class Registered(Event, CanInitAggregate[UUID]):
        originator_topic: str
        name: str
        born: date

    class MoodNoted(Event):
        mood: Mood

    @event(Registered)
    def __init__(self, name: str, born: date) -> None:
        self.name = name
        self.born = born
        self.moods: list[Mood] = []

    @event(MoodNoted)
    def note_mood(self, mood: Mood) -> None:
        self.moods.append(mood)


class Journal(Application[UUID]):
    """A school's application, as the service constructs it."""

    name = "TestJournal"


def settings_for(url: str, **overrides: Any) -> Settings:
    return Settings(database_url=url, _env_file=None, **overrides)


# -- environment -------------------------------------------------------------------------------


def test_sqlite_env_names_one_file_per_school(tmp_path: Path) -> None:
    env = school_env(f"sqlite:///{tmp_path}/db", "lyceum68")

    assert env["PERSISTENCE_MODULE"] == "ejournal.storage_sqlite:EjournalSQLiteFactory"
    assert env["SQLITE_DBNAME"] == str(tmp_path / "db" / "lyceum68.sqlite")
    assert env["MAPPER_TOPIC"] == MAPPER_TOPIC
    assert env["TRANSCODER_TOPIC"] == TRANSCODER_TOPIC
    assert env["CREATE_TABLE"] == "n"
    assert "CIPHER_TOPIC" not in env


def test_relative_sqlite_directory_is_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    env = school_env("sqlite:///./var/ejournal", "demo")

    assert env["SQLITE_DBNAME"] == str(tmp_path / "var" / "ejournal" / "demo.sqlite")


def test_postgres_env_connects_the_service_as_the_app_role() -> None:
    settings = settings_for(PG_URL, app_role="svc", app_role_password="pw", pool_size=7)

    env = school_env(settings, "school77")

    assert env["PERSISTENCE_MODULE"] == FACTORY_TOPIC
    assert (env["POSTGRES_DBNAME"], env["POSTGRES_HOST"], env["POSTGRES_PORT"]) == (
        "journal",
        "db.example",
        "6543",
    )
    assert (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == ("svc", "pw")
    assert env["POSTGRES_SCHEMA"] == "school_school77"
    assert env["POSTGRES_POOL_SIZE"] == "7"
    assert env["CREATE_TABLE"] == "n"
    assert "POSTGRES_ENABLE_DB_FUNCTIONS" not in env


def test_postgres_env_for_migrate_connects_as_the_urls_user() -> None:
    env = school_env(settings_for(PG_URL), "school77", create_table=True, as_admin=True)

    assert (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == ("admin", "s@cret")
    assert env["CREATE_TABLE"] == "y"


def test_cipher_key_file_switches_on_encryption(tmp_path: Path) -> None:
    key = AESCipher.create_key(32)
    key_file = tmp_path / "cipher.key"
    key_file.write_text(key + "\n")

    env = school_env(settings_for(PG_URL, cipher_key_file=key_file), "demo")

    assert env["CIPHER_TOPIC"] == "eventsourcing.cryptography:AESCipher"
    assert env["CIPHER_KEY"] == key


@pytest.mark.parametrize("content", ["not base64 at all!", "c2hvcnQ="])
def test_a_bad_cipher_key_is_refused(tmp_path: Path, content: str) -> None:
    key_file = tmp_path / "cipher.key"
    key_file.write_text(content)

    with pytest.raises(StorageError, match="key"):
        school_env(settings_for(PG_URL, cipher_key_file=key_file), "demo")


def test_a_missing_cipher_key_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="cannot read"):
        school_env(settings_for(PG_URL, cipher_key_file=tmp_path / "absent"), "demo")


# -- school ids and URLs -----------------------------------------------------------------------


@pytest.mark.parametrize("school", ["demo", "lyceum_68", "0", "x" * 40])
def test_valid_school_ids(school: str) -> None:
    assert validate_school_id(school) == school
    assert school_schema(school) == f"school_{school}"


@pytest.mark.parametrize(
    "school", ["", "Demo", "lyceum-68", "a b", "../etc", "x" * 41, "школа", "demo;drop"]
)
def test_invalid_school_ids_are_refused(school: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="invalid school id"):
        validate_school_id(school)
    with pytest.raises(ValueError, match="invalid school id"):
        school_env(f"sqlite:///{tmp_path}", school)


def test_postgres_url_is_parsed_with_defaults_and_escapes() -> None:
    assert parse_database_url(PG_URL) == PostgresLocation(
        dbname="journal", host="db.example", port=6543, user="admin", password="s@cret"
    )
    assert parse_database_url("postgres://u@h/d") == PostgresLocation(
        dbname="d", host="h", port=5432, user="u", password=None
    )


def test_sqlite_url_names_a_directory() -> None:
    assert parse_database_url("sqlite:////srv/ejournal") == SqliteLocation(Path("/srv/ejournal"))


@pytest.mark.parametrize(
    "url",
    ["mysql://u@h/d", "postgresql://u@h/", "postgresql://u@h/d?sslmode=require", "sqlite:///"],
)
def test_unusable_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match=r"URL|database|directory"):
        parse_database_url(url)


# -- settings ----------------------------------------------------------------------------------


def test_settings_come_from_prefixed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EJOURNAL_DATABASE_URL", PG_URL)
    monkeypatch.setenv("EJOURNAL_TIMEZONE", "Asia/Vladivostok")
    monkeypatch.setenv("EJOURNAL_SCHOOL", "lyceum68")
    monkeypatch.setenv("EJOURNAL_POOL_SIZE", "3")

    settings = Settings(_env_file=None)

    assert settings.database_url == PG_URL
    assert settings.timezone == "Asia/Vladivostok"
    assert settings.school == "lyceum68"
    assert settings.pool_size == 3


def test_settings_defaults() -> None:
    settings = Settings(_env_file=None)

    assert settings.database_url == "sqlite:///./var/ejournal"
    # No deployment zone: a new year takes its profile's (or the one its set-up names).
    assert (settings.timezone, settings.profile, settings.school) == (
        None,
        "school77",
        "demo",
    )
    assert settings.app_role == "ejournal_app"
    assert settings.cipher_key_file is None


def test_settings_read_a_dotenv_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("EJOURNAL_PROFILE=lyceum68\n")
    monkeypatch.chdir(tmp_path)

    assert Settings().profile == "lyceum68"


@pytest.mark.parametrize(
    "field",
    [
        {"timezone": "Mars/Olympus"},
        {"database_url": "mysql://x"},
        {"school": "Bad-Id"},
        {"pool_size": 0},
        {"pool_timeout": 0},
        {"profile": "demo"},
    ],
)
def test_settings_refuse_bad_values(field: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Settings(_env_file=None, **field)


# -- round trips on both backends --------------------------------------------------------------


def test_events_round_trip_through_a_migrated_school(database_url: str, school_id: str) -> None:
    settings = settings_for(database_url)
    migrate(settings, school_id, Journal.name)
    migrate(settings, school_id, Journal.name)  # idempotent

    with Journal(env=school_env(settings, school_id)) as app:
        pupil = Pupil(name="Аня Петрова", born=date(2015, 3, 1))
        pupil.note_mood(Mood.CHEERFUL)
        recordings = app.save(pupil)
        pupil.note_mood(Mood.CALM)
        app.save(pupil)

        again: Pupil = app.repository.get(pupil.id)
        notifications = app.recorder.select_notifications(start=None, limit=10)

    assert (again.name, again.born, again.moods) == (
        "Аня Петрова",
        date(2015, 3, 1),
        [Mood.CHEERFUL, Mood.CALM],
    )
    assert [r.notification.id for r in recordings] == [1, 2]
    assert [n.id for n in notifications] == [1, 2, 3]
    assert [n.originator_version for n in notifications] == [1, 2, 3]


def test_each_school_has_its_own_log(database_url: str, school_id: str) -> None:
    settings = settings_for(database_url)
    other_school = school_id + "b"
    migrate(settings, school_id, Journal.name)
    migrate(settings, other_school, Journal.name)
    try:
        with (
            Journal(env=school_env(settings, school_id)) as first,
            Journal(env=school_env(settings, other_school)) as second,
        ):
            first.save(Pupil(name="A", born=date(2015, 1, 1)))
            second.save(Pupil(name="B", born=date(2015, 1, 1)))
            second.save(Pupil(name="C", born=date(2015, 1, 1)))

            assert first.recorder.max_notification_id() == 1
            assert second.recorder.max_notification_id() == 2
    finally:
        drop_school(settings, other_school)


def test_snapshots_table_is_usable_by_the_service(database_url: str, school_id: str) -> None:
    settings = settings_for(database_url)
    migrate(settings, school_id, Journal.name)
    snapshot = StoredEvent(originator_id=uuid4(), originator_version=5, topic="t", state=b"{}")

    env = school_env(settings, school_id) | {"IS_SNAPSHOTTING_ENABLED": "y"}
    with Journal(env=env) as app:
        assert app.snapshots is not None
        app.snapshots.recorder.insert_events([snapshot])
        stored = app.snapshots.recorder.select_events(snapshot.originator_id)

    assert stored == [snapshot]


def test_encrypted_events_are_not_stored_in_plaintext(
    database_url: str, school_id: str, tmp_path: Path
) -> None:
    key_file = tmp_path / "cipher.key"
    key_file.write_text(AESCipher.create_key(32))
    settings = settings_for(database_url, cipher_key_file=key_file)
    migrate(settings, school_id, Journal.name)

    with Journal(env=school_env(settings, school_id)) as app:
        pupil = Pupil(name="Plaintext Pupil", born=date(2015, 3, 1))
        app.save(pupil)
        assert app.repository.get(pupil.id).name == "Plaintext Pupil"

    state = _stored_states(settings, school_id)[0]
    assert b"Plaintext Pupil" not in state
    assert b"2015-03-01" not in state


def test_unencrypted_events_are_stored_as_sorted_json(database_url: str, school_id: str) -> None:
    settings = settings_for(database_url)
    migrate(settings, school_id, Journal.name)

    with Journal(env=school_env(settings, school_id)) as app:
        app.save(Pupil(name="Vasya", born=date(2015, 3, 1)))

    state = _stored_states(settings, school_id)[0]
    assert state.startswith(b'{"born":"2015-03-01","name":"Vasya",')


def test_service_cannot_start_on_an_unmigrated_school(database_url: str, school_id: str) -> None:
    settings = settings_for(database_url)
    location = parse_database_url(database_url)
    if isinstance(location, SqliteLocation):
        location.directory.mkdir(parents=True)

    # CREATE_TABLE=n: the service never creates tables behind migrate's back.
    with (
        Journal(env=school_env(settings, school_id)) as app,
        pytest.raises(PersistenceError, match=r"not found|no such table|does not exist"),
    ):
        app.save(Pupil(name="A", born=date(2015, 1, 1)))


def _stored_states(settings: Settings, school: str) -> list[bytes]:
    location = parse_database_url(settings.database_url)
    if isinstance(location, SqliteLocation):
        with sqlite3.connect(location.school_file(school)) as conn:
            rows = conn.execute("SELECT state FROM stored_events ORDER BY rowid").fetchall()
    else:
        with location.connect() as conn:
            rows = conn.execute(
                f"SELECT state FROM {school_schema(school)}.testjournal_events"
                " ORDER BY notification_id"
            ).fetchall()
    return [bytes(row[0]) for row in rows]


# -- which errors mean "the storage is unavailable" (storage.unavailable) -------------------------


def _error_of(action: Any) -> Exception:
    try:
        action()
    except Exception as error:
        return error
    raise AssertionError("no error")


def _read_position(settings: Settings) -> object:
    app = Journal(env={**school_env(settings, "school77"), "POSTGRES_CONNECT_TIMEOUT": "1"})
    try:
        return app.recorder.max_notification_id()  # type: ignore[attr-defined]
    finally:
        app.close()


def test_a_database_that_cannot_be_reached_is_unavailable(tmp_path: Path) -> None:
    """Real failures, as the library wraps them: an SQLite directory that is not there (the
    library's InterfaceError from sqlite3's "unable to open"), a PostgreSQL port where nothing
    listens (its OperationalError from psycopg's, after its pool gave up)."""
    from tcp_proxy import free_port  # noqa: PLC0415

    missing = settings_for(f"sqlite:///{tmp_path}/not-there")
    nowhere = settings_for(f"postgresql://postgres@127.0.0.1:{free_port()}/journal")
    for settings in (missing, nowhere):
        error = _error_of(lambda settings=settings: _read_position(settings))
        assert isinstance(error, PersistenceError)
        outage = unavailable(error)
        assert outage is not None, error
        assert outage.status == 503
        assert outage.reason


def test_a_missing_table_is_not_unavailability(database_url: str, school_id: str) -> None:
    """A database that answers with an error of ours (a table not there) is a failure to fix,
    not an outage to wait out."""
    settings = settings_for(database_url)
    location = parse_database_url(database_url)
    if isinstance(location, SqliteLocation):
        location.directory.mkdir(parents=True)
    app = Journal(env=school_env(settings, school_id))
    try:
        error = _error_of(lambda: app.save(Pupil(name="A", born=date(2015, 1, 1))))
    finally:
        app.close()

    assert isinstance(error, PersistenceError)
    assert unavailable(error) is None
    assert unavailable(ValueError("a bug")) is None
