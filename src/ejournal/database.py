"""Plain SQL access to a school's own database, for what is not an event.

Credentials, idempotency records and read models live beside the school's event log (its SQLite
file, or its PostgreSQL schema reached as the service role) but are not journal facts: they may
be updated and rebuilt. SQL is written once with ``%(name)s`` parameters; on SQLite they are
rewritten to ``:name``.

Text that a TEXT column cannot hold is made storable here, for every statement of both backends:
PostgreSQL refuses U+0000 in text, and a lone surrogate has no UTF-8 form at all, so either one
in a name or a topic would stop a read model at that event for good. Each becomes U+FFFD (the
replacement character). The event itself keeps its original text: the log is the legal record
and stores events as bytes; read models are derived from it, so the grid, the diary and the
audit trail show U+FFFD where the event holds U+0000. SQLite could store U+0000, but both
backends make the same rows.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Literal, Protocol

from psycopg import sql
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from ejournal.settings import Settings
from ejournal.storage import (
    PostgresLocation,
    SqliteLocation,
    parse_database_url,
    school_schema,
    validate_school_id,
)

Dialect = Literal["sqlite", "postgres"]
Row = dict[str, Any]
_NAMED = re.compile(r"%\((\w+)\)s")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
"""U+0000 (PostgreSQL text refuses it) and lone surrogates (no UTF-8 form)."""
REPLACEMENT = "\ufffd"


def storable(params: Mapping[str, Any]) -> Mapping[str, Any]:
    """The parameters of a statement with every str a TEXT column can hold: U+0000 and lone
    surrogates replaced by U+FFFD. The same mapping when there is nothing to replace (nearly
    always), so the common case allocates nothing."""
    for value in params.values():
        # type() rather than isinstance(): a third faster on this path, which every parameter
        # of a rebuild takes; a str subclass (a StrEnum member) holds code-defined text.
        if type(value) is str and _unstorable(value):
            return {
                key: _UNSTORABLE.sub(REPLACEMENT, v) if type(v) is str else v
                for key, v in params.items()
            }
    return params


def _unstorable(text: str) -> bool:
    # Most parameters are ASCII (ids, dates, codes): one flag test and a memchr. Only text
    # beyond ASCII can hold a surrogate.
    if text.isascii():
        return "\x00" in text
    return _UNSTORABLE.search(text) is not None


class Cursor(Protocol):
    """What a store needs of a transaction: run a statement, read rows as dicts."""

    def execute(self, query: str, params: Mapping[str, Any] | None = None) -> None: ...

    def executemany(self, query: str, params: Sequence[Mapping[str, Any]]) -> None: ...

    def fetchone(self) -> Row | None: ...

    def fetchall(self) -> list[Row]: ...

    @property
    def rowcount(self) -> int: ...

    def pipeline(self) -> AbstractContextManager[None]:
        """Send the statements of a block without waiting for each answer (PostgreSQL's
        pipeline mode); results are read when the block ends. A no-op on SQLite."""
        ...


class SchoolDatabase(Protocol):
    """A school's database, for plain SQL."""

    dialect: Dialect

    def transaction(self, *, write: bool = True) -> AbstractContextManager[Cursor]:
        """A transaction giving a Cursor; commits on success, rolls back on error. A read-only
        one (``write=False``) takes no write lock where the database has one (SQLite)."""
        ...

    def close(self) -> None: ...


class _SqliteCursor:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._cursor = connection.cursor()

    def execute(self, query: str, params: Mapping[str, Any] | None = None) -> None:
        self._cursor.execute(_NAMED.sub(r":\1", query), dict(storable(params or {})))

    def executemany(self, query: str, params: Sequence[Mapping[str, Any]]) -> None:
        self._cursor.executemany(_NAMED.sub(r":\1", query), [dict(storable(p)) for p in params])

    def fetchone(self) -> Row | None:
        row = self._cursor.fetchone()
        return dict(row) if row is not None else None

    def fetchall(self) -> list[Row]:
        return [dict(r) for r in self._cursor.fetchall()]

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @contextmanager
    def pipeline(self) -> Iterator[None]:
        yield  # SQLite is in-process: nothing waits on a network round trip


class SqliteDatabase:
    """A school's SQLite file: a short-lived connection per transaction (they are cheap)."""

    dialect: Dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Cursor]:
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        connection.row_factory = sqlite3.Row
        try:
            # A writer takes the lock up front (no upgrade deadlocks); a reader never queues
            # behind the event log's writers.
            connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            yield _SqliteCursor(connection)
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        finally:
            connection.close()

    def close(self) -> None:
        """Nothing is held open between transactions."""


class _PostgresCursor:
    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor
        self._pipeline: Any = None

    def execute(self, query: str, params: Mapping[str, Any] | None = None) -> None:
        self._cursor.execute(query, storable(params) if params else params)

    def executemany(self, query: str, params: Sequence[Mapping[str, Any]]) -> None:
        self._cursor.executemany(query, [storable(p) for p in params])

    def fetchone(self) -> Row | None:
        self._settle()
        row: Row | None = self._cursor.fetchone()
        return row

    def fetchall(self) -> list[Row]:
        self._settle()
        rows: list[Row] = self._cursor.fetchall()
        return rows

    def _settle(self) -> None:
        # In pipeline mode the answer to an earlier statement of this cursor (an UPDATE of the
        # batch) can arrive after the SELECT was sent and be taken for its result: psycopg then
        # fetches from the wrong result ("the last operation didn't produce records"), now and
        # then, under load. A sync first receives every pending answer in order, so the
        # cursor's result is the SELECT's.
        if self._pipeline is not None:
            self._pipeline.sync()

    @property
    def rowcount(self) -> int:
        count: int = self._cursor.rowcount
        return count

    @contextmanager
    def pipeline(self) -> Iterator[None]:
        with self._cursor.connection.pipeline() as pipeline:
            self._pipeline = pipeline
            try:
                yield
            finally:
                self._pipeline = None


class PostgresDatabase:
    """A school's PostgreSQL schema, reached through a pool as the service role."""

    dialect: Dialect = "postgres"

    def __init__(
        self, location: PostgresLocation, schema: str, pool_size: int, timeout: float = 5.0
    ) -> None:
        """``timeout``: how long a transaction waits for a connection before the pool gives up
        (``PoolTimeout``, "storage unavailable"); the pool itself keeps reconnecting."""
        self.schema = schema
        search_path = sql.SQL("-c search_path={}").format(sql.Identifier(schema)).as_string()
        self._pool: ConnectionPool[Any] = ConnectionPool(
            kwargs={
                "dbname": location.dbname,
                "host": location.host,
                "port": location.port,
                "user": location.user,
                "password": location.password,
                "options": search_path,
                "row_factory": dict_row,
                "connect_timeout": max(1, round(timeout)),
            },
            min_size=1,
            max_size=pool_size,
            open=True,
            timeout=timeout,
            name=f"ejournal-{schema}",
        )

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Cursor]:
        with self._pool.connection() as connection, connection.cursor() as cursor:
            yield _PostgresCursor(cursor)

    def close(self) -> None:
        self._pool.close()


def open_database(settings: Settings, school: str) -> SchoolDatabase:
    """The SQL database of one school, connected as the service would be."""
    validate_school_id(school)
    location = parse_database_url(settings.database_url)
    if isinstance(location, SqliteLocation):
        location.directory.mkdir(parents=True, exist_ok=True)
        return SqliteDatabase(location.school_file(school))
    as_service = PostgresLocation(
        dbname=location.dbname,
        host=location.host,
        port=location.port,
        user=settings.app_role,
        password=(
            settings.app_role_password.get_secret_value()
            if settings.app_role_password is not None
            else None
        ),
    )
    return PostgresDatabase(
        as_service, school_schema(school), settings.pool_size, settings.pool_timeout
    )
