"""What every read model does the same way: finding the handler of an event, writing a batch's
statements, the type of a floating-point column, the order of names, the columns of a late
entry."""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby
from typing import Any, TypeVar

from ejournal.aggregates.class_journal import LateEntry
from ejournal.database import Cursor, Dialect

REAL: dict[Dialect, str] = {"sqlite": "REAL", "postgres": "DOUBLE PRECISION"}
"""A floating-point column: PostgreSQL's REAL is single precision (a weight of 1.1 would come
back as 1.100000023841858)."""

Handler = TypeVar("Handler", bound=Callable[..., object])


def registrar(handlers: dict[type, Handler]) -> Callable[..., Callable[[Handler], Handler]]:
    """A decorator ``on(*event_types)`` that files a read model's handler under the events it
    applies, in ``handlers``."""

    def on(*event_types: type) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            for event_type in event_types:
                handlers[event_type] = handler
            return handler

        return register

    return on


class Writes:
    """The statements a batch makes, in log order; nothing is read back mid-batch, so
    PostgreSQL's pipeline never has to wait."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, dict[str, Any]]] = []

    def add(self, statement: str, **params: Any) -> None:
        self.statements.append((statement, params))

    def flush(self, cursor: Cursor) -> None:
        # Consecutive runs of one statement (a lesson's marks, a class's enrolments) go in one
        # executemany; the order of the log is kept across runs.
        for statement, run in groupby(self.statements, key=lambda s: s[0]):
            params = [p for _, p in run]
            if len(params) == 1:
                cursor.execute(statement, params[0])
            else:
                cursor.executemany(statement, params)
        self.statements.clear()


def alphabetical(name: str) -> str:
    """A sort key for Russian names: neither SQLite's nor a "C"-collated PostgreSQL's ORDER BY
    knows that ё sorts with е."""
    return name.casefold().replace("ё", "е")


def grades_column(grades: frozenset[int] | None) -> str | None:
    """A scheme's grades as a column keeps them, ",10,11," (a grade is found as ",10," in it);
    NULL for every grade."""
    return None if grades is None else "," + ",".join(map(str, sorted(grades))) + ","


def late_columns(late: LateEntry | None) -> dict[str, Any]:
    """An entry's late-entry columns: whether it was made late, under which permission (DESIGN.md
    §4: a late entry is flagged everywhere)."""
    return {
        "late": late is not None,
        "late_permission_id": str(late.permission_id) if late else None,
    }
