"""The write buffer every read model fills while it applies a batch: its statements, grouped per
table, then run with ``executemany``.

A batch's events touch a few tables over and over (a whole lesson is a lesson row, thirty
attendance rows, a dozen marks), interleaved. Statements on different tables do not see each
other's rows, so the buffer may run each table's statements together, in log order within the
table: a batch of 500 events then makes a handful of ``executemany`` calls instead of hundreds of
``execute`` calls, on SQLite and PostgreSQL alike. The one thing that would break this is a
statement that reads another table (``INSERT … SELECT … FROM other``): it must see that table as
it stood at its event. Such a statement is a barrier: everything before it runs first, it runs
alone, and what follows is grouped afresh. The tables of a statement are read from its text, once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from itertools import groupby
from typing import Any

from ejournal.database import Cursor

Statement = tuple[str, dict[str, Any]]
"""A statement's SQL and its parameters."""
_TARGET = re.compile(r"\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)", re.IGNORECASE)
_READ = re.compile(r"\b(?:FROM|JOIN)\s+(\w+)", re.IGNORECASE)
_BARRIER = ""
"""The key under which a statement that reads other tables waits: never a table's name."""


@cache
def _table(statement: str) -> str:
    """The table a statement writes; ``_BARRIER`` if it reads another table or is not a plain
    INSERT, UPDATE or DELETE (the buffer then keeps it in its place)."""
    target = _TARGET.match(statement)
    if target is None:
        return _BARRIER
    table = target.group(1)
    if any(read != table for read in _READ.findall(statement)):
        return _BARRIER
    return table


class Writes:
    """The statements a batch makes, kept per table in log order until ``flush``. Nothing is read
    back mid-batch, so PostgreSQL's pipeline never has to wait."""

    def __init__(self) -> None:
        self._segments: list[dict[str, list[Statement]]] = [{}]

    def add(self, statement: str, **params: Any) -> None:
        """A statement to run with the batch, after every earlier one on its table."""
        table = _table(statement)
        if table == _BARRIER:
            self._segments.append({_BARRIER: [(statement, params)]})
            self._segments.append({})
        else:
            self._segments[-1].setdefault(table, []).append((statement, params))

    def extend(self, statements: list[Statement]) -> None:
        """Several statements, in order (as ``stints`` makes them)."""
        for statement, params in statements:
            self.add(statement, **params)

    def flush(self, cursor: Cursor) -> None:
        """Run what was added, table by table, and start empty."""
        for statement, params in self._runs():
            if len(params) == 1:
                cursor.execute(statement, params[0])
            else:
                cursor.executemany(statement, params)
        self._segments = [{}]

    def _runs(self) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        # Within a table, consecutive runs of one statement (a lesson's marks, a class's
        # enrolments) are one executemany; an UPDATE between two INSERTs keeps its place.
        for segment in self._segments:
            for statements in segment.values():
                for statement, run in groupby(statements, key=lambda s: s[0]):
                    yield statement, [p for _, p in run]
