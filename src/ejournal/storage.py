"""Where each school's event log lives: one eventsourcing application, one event table per school.

A school's journal is a legal document of its own (DESIGN.md §9), so each school gets its own log:
on SQLite its own file ``<dir>/<school>.sqlite``, on PostgreSQL its own schema ``school_<school>``.
``school_env`` is the eventsourcing environment to construct a school's application with::

    app = JournalApplication(env=school_env(settings, "lyceum68"))

The service connects as the app role with CREATE_TABLE=n; ``migrate`` creates the tables once, as
the database URL's own user, and on PostgreSQL makes the events table append-only and grants the
app role only SELECT and INSERT on it (DESIGN.md §4, §12).
"""

from __future__ import annotations

import base64
import binascii
import getpass
import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import psycopg
from eventsourcing.application import Application
from eventsourcing.persistence import ConnectionUnavailableError

from ejournal.errors import StorageUnavailableError
from ejournal.settings import SCHOOL_ID_PATTERN, Settings
from ejournal.storage_postgres import (
    FACTORY_TOPIC,
    PostgresLocation,
    SchoolTables,
    StorageError,
    drop_school_schema,
    migrate_school,
)
from ejournal.storage_sqlite import FACTORY_TOPIC as SQLITE_FACTORY_TOPIC
from ejournal.transcoding import MAPPER_TOPIC, TRANSCODER_TOPIC

__all__ = [
    "PostgresLocation",
    "SqliteLocation",
    "StorageError",
    "drop_school",
    "is_school_id",
    "migrate",
    "parse_database_url",
    "school_env",
    "school_is_set_up",
    "school_schema",
    "unavailable",
    "unreachable",
    "validate_school_id",
]

SQLITE_PREFIX = "sqlite:///"
CIPHER_TOPIC = "eventsourcing.cryptography:AESCipher"
AES_KEY_SIZES = (16, 24, 32)

_SCHOOL_ID = re.compile(SCHOOL_ID_PATTERN)

LIBRARY_POOL_WAIT_SECONDS = 1

UNAVAILABLE_DETAIL = (
    "the journal's database cannot be reached or written right now; try again shortly"
)

_SQLITE_UNAVAILABLE = frozenset(
    {
        sqlite3.SQLITE_BUSY,  # another writer held the file past the busy timeout
        sqlite3.SQLITE_LOCKED,
        sqlite3.SQLITE_READONLY,  # a read-only file, directory or mount
        sqlite3.SQLITE_IOERR,  # the disk or the mount failed
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_CANTOPEN,  # a missing, unreadable or uncreatable directory or file
    }
)
_SQLITE_UNAVAILABLE_MESSAGES = (
    "unable to open",
    "disk i/o error",
    "readonly database",
    "read-only",
    "database is locked",
    "database or disk is full",
)


@dataclass(frozen=True)
class SqliteLocation:
    """A directory holding one SQLite file per school."""

    directory: Path

    def school_file(self, school: str) -> Path:
        """The file that holds this school's log."""
        return self.directory / f"{validate_school_id(school)}.sqlite"


def is_school_id(text: str) -> bool:
    """Whether a text is a valid school id (lowercase ``[a-z0-9_]``, 1–40 chars); never raises,
    whatever the text (it may come from a request)."""
    return _SCHOOL_ID.fullmatch(text) is not None


def validate_school_id(school: str) -> str:
    """Return ``school`` if it is a valid school id (lowercase ``[a-z0-9_]``, 1–40 chars)."""
    if not is_school_id(school):
        raise ValueError(f"invalid school id {school!r}: use 1-40 characters from a-z, 0-9 and '_'")
    return school


def school_schema(school: str) -> str:
    """The PostgreSQL schema that holds one school's tables."""
    return f"school_{validate_school_id(school)}"


def parse_database_url(url: str) -> SqliteLocation | PostgresLocation:
    """Read ``EJOURNAL_DATABASE_URL``: ``sqlite:///DIR`` or ``postgresql://user[:pw]@host:port/db``."""
    if url.startswith(SQLITE_PREFIX):
        directory = url[len(SQLITE_PREFIX) :]
        if not directory:
            raise ValueError(f"no directory in {url!r}: write sqlite:///path/to/dir")
        return SqliteLocation(Path(directory).absolute())
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres"):
        raise ValueError(f"unsupported database URL {url!r}: use sqlite:/// or postgresql://")
    if parts.query or parts.fragment:
        # The library's connection takes no extra options: better to refuse than to drop them.
        raise ValueError(f"options in the database URL are not supported: {url!r}")
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname:
        raise ValueError(f"no database name in {url!r}")
    return PostgresLocation(
        dbname=dbname,
        host=parts.hostname or "localhost",
        port=parts.port or 5432,
        user=unquote(parts.username) if parts.username else getpass.getuser(),
        password=unquote(parts.password) if parts.password is not None else None,
    )


def school_env(
    settings_or_url: Settings | str,
    school: str,
    *,
    create_table: bool = False,
    as_admin: bool = False,
) -> dict[str, str]:
    """The eventsourcing environment for one school's application.

    ``as_admin`` connects as the database URL's user (for ``migrate``) instead of the app role.
    ``create_table`` is for ``migrate`` only: workers must not race to create tables (DESIGN §12).
    """
    settings = _settings(settings_or_url)
    validate_school_id(school)
    location = parse_database_url(settings.database_url)
    env = {
        "MAPPER_TOPIC": MAPPER_TOPIC,
        "TRANSCODER_TOPIC": TRANSCODER_TOPIC,
        "CREATE_TABLE": "y" if create_table else "n",
    }
    if isinstance(location, SqliteLocation):
        # The library's factory with a recorder that records idempotency answers (storage_sqlite).
        env["PERSISTENCE_MODULE"] = SQLITE_FACTORY_TOPIC
        env["SQLITE_DBNAME"] = str(location.school_file(school))
    else:
        user, password = location.user, location.password
        if not as_admin:
            user = settings.app_role
            password = (
                settings.app_role_password.get_secret_value()
                if settings.app_role_password is not None
                else None
            )
        # The library's factory with a recorder the app role may write with (storage_postgres).
        env["PERSISTENCE_MODULE"] = FACTORY_TOPIC
        env["POSTGRES_DBNAME"] = location.dbname
        env["POSTGRES_HOST"] = location.host
        env["POSTGRES_PORT"] = str(location.port)
        env["POSTGRES_USER"] = user
        # The library insists on the key; an empty password means "none" to libpq.
        env["POSTGRES_PASSWORD"] = password or ""
        env["POSTGRES_SCHEMA"] = school_schema(school)
        env["POSTGRES_POOL_SIZE"] = str(settings.pool_size)
        # How long the library waits for a pooled connection (30 s by default). It tries every
        # read and write ten times, so a short wait still rides out a busy pool, while a server
        # that is gone is said in seconds rather than minutes.
        env["POSTGRES_CONNECT_TIMEOUT"] = str(LIBRARY_POOL_WAIT_SECONDS)
    env["EJOURNAL_AGGREGATE_CACHE_SIZE"] = str(settings.aggregate_cache_size)
    if settings.cipher_key_file is not None:
        env["CIPHER_TOPIC"] = CIPHER_TOPIC
        env["CIPHER_KEY"] = _read_cipher_key(settings.cipher_key_file)
    return env


def unavailable(error: BaseException) -> StorageUnavailableError | None:
    """The error to answer with when ``error`` means a school's storage cannot be reached or
    written right now, and trying again later may succeed; None when it means anything else (a
    bug, a refusal), which must not be retried.

    The one place that decides it, for the API (503 with Retry-After) and the CLI (a sentence
    instead of a traceback). Unavailable: any ``psycopg.OperationalError`` (connection refused
    or cut, the server shutting down, a pool timeout, out of connections, a lock or statement
    timeout) or ``psycopg.InterfaceError`` (a connection already closed), and the SQLite errors
    of a file that cannot be opened, read or written (read-only, I/O error, disk full, busy).
    eventsourcing wraps these in its own ``OperationalError`` / ``InterfaceError`` raised from
    the driver's error, so the whole chain of causes is looked at; a wrapper with no such cause
    (a table the library found wrong) is not unavailability.
    """
    for cause in _causes(error):
        if isinstance(cause, StorageUnavailableError):
            return cause
        if isinstance(cause, psycopg.errors.PipelineAborted):
            return None  # the echo of an earlier statement's error in the same pipeline
        if isinstance(cause, (psycopg.OperationalError, psycopg.InterfaceError)) or (
            isinstance(cause, ConnectionUnavailableError)
            or (isinstance(cause, sqlite3.OperationalError) and _sqlite_unavailable(cause))
        ):
            return StorageUnavailableError(UNAVAILABLE_DETAIL, reason=_first_line(cause))
    return None


def unreachable(settings: Settings) -> StorageUnavailableError | None:
    """Whether the deployment's database server cannot be reached at all: a new connection as
    the service role, waited for at most ``pool_timeout`` seconds, fails. The error to answer
    with, or None when the server answers (or the storage is SQLite files: no server to lose)."""
    location = parse_database_url(settings.database_url)
    if isinstance(location, SqliteLocation):
        return None
    password = settings.app_role_password
    try:
        psycopg.connect(
            dbname=location.dbname,
            host=location.host,
            port=location.port,
            user=settings.app_role,
            password=password.get_secret_value() if password is not None else None,
            connect_timeout=max(2, round(settings.pool_timeout)),
        ).close()
    except psycopg.Error as error:
        return unavailable(error) or StorageUnavailableError(
            UNAVAILABLE_DETAIL, reason=_first_line(error)
        )
    return None


def _causes(error: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain and len(chain) < 20:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _sqlite_unavailable(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _SQLITE_UNAVAILABLE  # extended codes keep the primary one below
    message = str(error).lower()
    return any(text in message for text in _SQLITE_UNAVAILABLE_MESSAGES)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def migrate(settings: Settings, school: str, app_name: str) -> None:
    """Create (or bring up to date) one school's storage for the application named ``app_name``.

    ``app_name`` must be the application class's ``name``: PostgreSQL table names derive from it.
    Idempotent. On PostgreSQL this runs as the database URL's user and also makes the events
    table append-only and grants the app role its privileges (storage_postgres.migrate_school).
    """
    location = parse_database_url(settings.database_url)
    env = school_env(settings, school, create_table=True, as_admin=True)
    # Snapshots are the application's choice; their table is made regardless, so a service
    # started with CREATE_TABLE=n finds it whenever snapshotting is switched on.
    env["IS_SNAPSHOTTING_ENABLED"] = "y"
    if isinstance(location, SqliteLocation):
        location.directory.mkdir(parents=True, exist_ok=True)
        tables = _create_tables(app_name, env)
        _make_sqlite_append_only(location.school_file(school), tables.events)
        return
    # One connection is enough to create tables.
    env["POSTGRES_POOL_SIZE"] = "1"
    env["POSTGRES_MAX_OVERFLOW"] = "0"
    migrate_school(
        admin=location,
        schema=school_schema(school),
        app_role=settings.app_role,
        app_role_password=(
            settings.app_role_password.get_secret_value()
            if settings.app_role_password is not None
            else None
        ),
        create_tables=lambda: _create_tables(app_name, env),
    )


def school_is_set_up(settings: Settings | str, school: str) -> bool:
    """Whether ``migrate`` has set this school's storage up (its file or schema exists)."""
    validate_school_id(school)
    location = parse_database_url(_settings(settings).database_url)
    if isinstance(location, SqliteLocation):
        return location.school_file(school).exists()
    with location.connect() as conn:
        row = conn.execute(
            "SELECT 1 FROM pg_namespace WHERE nspname = %s", (school_schema(school),)
        ).fetchone()
    return row is not None


def drop_school(settings: Settings | str, school: str) -> None:
    """Delete one school's whole log (tests only: a real journal is archived, never dropped)."""
    location = parse_database_url(_settings(settings).database_url)
    if isinstance(location, SqliteLocation):
        path = location.school_file(school)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        drop_school_schema(location, school_schema(school))


def _settings(settings_or_url: Settings | str) -> Settings:
    if isinstance(settings_or_url, Settings):
        return settings_or_url
    return Settings(database_url=settings_or_url)


def _create_tables(app_name: str, env: dict[str, str]) -> SchoolTables:
    # Table names derive from the application's name, so the application itself creates them.
    app_class: type[Application[Any]] = type(app_name, (Application,), {"name": app_name})
    app = app_class(env=env)
    try:
        schema: str = env.get("POSTGRES_SCHEMA", "")
        events: str = app.recorder.events_table_name  # type: ignore[attr-defined]
        snapshots: str | None = (
            app.snapshots.recorder.events_table_name  # type: ignore[attr-defined]
            if app.snapshots is not None
            else None
        )
    finally:
        app.close()
    return SchoolTables(schema=schema, events=events, snapshots=snapshots)


def _make_sqlite_append_only(path: Path, events_table: str) -> None:
    # Not a security boundary (whoever can write the file can drop a trigger) but it keeps the
    # embedded default honest: no tool or bug edits or deletes an event in place.
    message = f"ejournal: {events_table} is append-only"
    with closing(sqlite3.connect(path)) as conn, conn:
        for operation in ("UPDATE", "DELETE"):
            conn.execute(
                f'CREATE TRIGGER IF NOT EXISTS "{events_table}_no_{operation.lower()}"'
                f' BEFORE {operation} ON "{events_table}"'
                f" BEGIN SELECT RAISE(ABORT, '{message}: {operation} refused'); END"
            )


def _read_cipher_key(path: Path) -> str:
    try:
        key = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise StorageError(f"cannot read the cipher key file {path}: {error}") from error
    try:
        size = len(base64.b64decode(key, validate=True))
    except binascii.Error as error:
        raise StorageError(f"{path} does not hold a base64 key") from error
    if size not in AES_KEY_SIZES:
        raise StorageError(f"{path} holds a {size}-byte key; AES needs 16, 24 or 32 bytes")
    return key
