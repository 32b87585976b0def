"""The write buffer every read model shares: a batch's statements grouped per table and run with
executemany, in log order within a table, and a statement that reads another table kept in its
place. Run on a real SQLite database (the PostgreSQL runs are the read models' own tests)."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from ejournal.database import Cursor, SqliteDatabase
from ejournal.projections.read_model import Handlers
from ejournal.projections.writes import Writes

_UPSERT_A = """INSERT INTO a (k, v) VALUES (%(k)s, %(v)s)
    ON CONFLICT (k) DO UPDATE SET v = excluded.v"""
_UPSERT_B = (
    "INSERT INTO b (k, v) VALUES (%(k)s, %(v)s) ON CONFLICT (k) DO UPDATE SET v = excluded.v"
)
_DOUBLE_A = "UPDATE a SET v = v * 2 WHERE k = %(k)s"
_COPY_A_TO_C = "INSERT INTO c (k, v) SELECT k, v FROM a WHERE k = %(k)s"


class Counting:
    """A cursor that counts the calls it passes on: how many round trips a flush makes."""

    def __init__(self, cursor: Cursor) -> None:
        self.cursor = cursor
        self.calls: list[tuple[str, int]] = []

    def execute(self, query: str, params: Mapping[str, Any] | None = None) -> None:
        self.calls.append((query, 1))
        self.cursor.execute(query, params)

    def executemany(self, query: str, params: Sequence[Mapping[str, Any]]) -> None:
        self.calls.append((query, len(params)))
        self.cursor.executemany(query, params)


@pytest.fixture
def database(tmp_path: Path) -> SqliteDatabase:
    path = tmp_path / "writes.sqlite"
    with sqlite3.connect(path) as connection:
        for table in ("a", "b", "c"):
            connection.execute(f"CREATE TABLE {table} (k TEXT PRIMARY KEY, v INTEGER NOT NULL)")
    return SqliteDatabase(path)


def table(database: SqliteDatabase, name: str) -> dict[str, int]:
    with database.transaction(write=False) as cursor:
        cursor.execute(f"SELECT k, v FROM {name} ORDER BY k")
        return {row["k"]: row["v"] for row in cursor.fetchall()}


def test_interleaved_statements_run_as_one_executemany_per_table(
    database: SqliteDatabase,
) -> None:
    writes = Writes()
    for n in range(5):
        writes.add(_UPSERT_A, k=f"a{n}", v=n)
        writes.add(_UPSERT_B, k=f"b{n}", v=n)
    with database.transaction() as cursor:
        counting = Counting(cursor)
        writes.flush(counting)  # type: ignore[arg-type]
    assert counting.calls == [(_UPSERT_A, 5), (_UPSERT_B, 5)]
    assert table(database, "a") == {f"a{n}": n for n in range(5)}
    assert table(database, "b") == {f"b{n}": n for n in range(5)}


def test_statements_on_one_table_keep_the_order_of_the_log(database: SqliteDatabase) -> None:
    writes = Writes()
    writes.add(_UPSERT_A, k="x", v=1)
    writes.add(_UPSERT_B, k="x", v=1)
    writes.add(_DOUBLE_A, k="x")
    writes.add(_UPSERT_A, k="y", v=3)
    writes.add(_DOUBLE_A, k="y")
    writes.add(_UPSERT_A, k="x", v=10)
    with database.transaction() as cursor:
        writes.flush(cursor)
    # Upserting x=10 after doubling it: the last write to x wins, as in the log.
    assert table(database, "a") == {"x": 10, "y": 6}


def test_a_statement_reading_another_table_sees_it_as_at_its_event(
    database: SqliteDatabase,
) -> None:
    writes = Writes()
    writes.add(_UPSERT_A, k="x", v=1)
    writes.add(_COPY_A_TO_C, k="x")
    # Grouped per table, this would run before the copy and the copy would read 5.
    writes.add(_UPSERT_A, k="x", v=5)
    with database.transaction() as cursor:
        counting = Counting(cursor)
        writes.flush(counting)  # type: ignore[arg-type]
    assert table(database, "c") == {"x": 1}
    assert table(database, "a") == {"x": 5}
    assert [query for query, _ in counting.calls] == [_UPSERT_A, _COPY_A_TO_C, _UPSERT_A]


def test_a_flushed_buffer_starts_empty(database: SqliteDatabase) -> None:
    writes = Writes()
    writes.add(_UPSERT_A, k="x", v=1)
    with database.transaction() as cursor:
        writes.flush(cursor)
        counting = Counting(cursor)
        writes.flush(counting)  # type: ignore[arg-type]
    assert counting.calls == []


def test_an_event_has_one_handler() -> None:
    handlers: Handlers[Writes] = Handlers()

    @handlers.on(int)
    def first(_e: int, _position: int, _w: Writes) -> None: ...

    with pytest.raises(ValueError, match="already has a handler"):

        @handlers.on(int)
        def second(_e: int, _position: int, _w: Writes) -> None: ...
