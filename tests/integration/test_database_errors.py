"""Telling the database's state from a statement's error, with errors the real drivers raise:
a projector waits out the one and stalls a read model on the other."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest

from ejournal.storage import unavailable


def test_a_locked_sqlite_database_is_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "school.sqlite"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN EXCLUSIVE")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with pytest.raises(sqlite3.OperationalError) as locked:
            other.execute("INSERT INTO t VALUES (1)")
        assert unavailable(locked.value) is not None
        with pytest.raises(sqlite3.OperationalError) as missing:
            holder.execute("INSERT INTO nowhere VALUES (1)")
        assert unavailable(missing.value) is None
    finally:
        other.close()
        holder.close()


def test_a_postgresql_server_that_does_not_answer_is_unavailable() -> None:
    with pytest.raises(psycopg.OperationalError) as refused:
        psycopg.connect("postgresql://postgres@127.0.0.1:1/none", connect_timeout=2)
    assert unavailable(refused.value) is not None


@pytest.mark.postgres
def test_a_postgresql_statement_error_is_not_the_database(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as connection:
        with pytest.raises(psycopg.errors.UndefinedTable) as missing:
            connection.execute("INSERT INTO nowhere VALUES (1)")
        assert unavailable(missing.value) is None
        connection.rollback()
        with pytest.raises(psycopg.DataError) as nul:
            connection.execute("SELECT %s::text", ["a\x00b"])
        assert unavailable(nul.value) is None


def test_an_error_of_the_code_is_not_the_database() -> None:
    assert unavailable(ValueError("a read model's bug")) is None
