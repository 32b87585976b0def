"""The audit trail's memory of current values: what tells the value before a change and places a
row, by key."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

import orjson

from ejournal.aggregates.account import Account
from ejournal.aggregates.class_journal import ClassJournal
from ejournal.aggregates.school_year import SchoolYear
from ejournal.aggregates.student import Student
from ejournal.database import Cursor
from ejournal.projections.conventions import id_text

# --- the model's memory of current values -------------------------------------------------------

Value = dict[str, Any]
_CHUNK = 500


class Memory:
    """Current values the trail needs to tell "before" and to place a row: read once per batch,
    kept in memory while the batch is applied, and the changed ones written back with it."""

    def __init__(self, cursor: Cursor) -> None:
        self.cursor = cursor
        self.values: dict[str, Value | None] = {}
        self.changed: set[str] = set()

    def prefetch(self, keys: Iterable[str]) -> None:
        wanted = sorted({k for k in keys if k not in self.values})
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            params = {f"k{i}": key for i, key in enumerate(chunk)}
            marks = ", ".join(f"%({name})s" for name in params)
            self.cursor.execute(
                f"SELECT key, value FROM audit_memory WHERE key IN ({marks})",  # noqa: S608
                params,
            )
            found = {row["key"]: orjson.loads(row["value"]) for row in self.cursor.fetchall()}
            for key in chunk:
                self.values[key] = found.get(key)

    def get(self, key: str) -> Value | None:
        if key not in self.values:
            self.prefetch((key,))
        return self.values[key]

    def put(self, key: str, value: Value) -> None:
        self.values[key] = value
        self.changed.add(key)

    def update(self, key: str, **changes: Any) -> Value:
        value = {**(self.get(key) or {}), **changes}
        self.put(key, value)
        return value

    def flush(self) -> None:
        if not self.changed:
            return
        self.cursor.executemany(
            """INSERT INTO audit_memory (key, value) VALUES (%(key)s, %(value)s)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value""",
            [
                {"key": key, "value": orjson.dumps(self.values[key]).decode()}
                for key in sorted(self.changed)
            ],
        )
        self.changed.clear()


def as_uuid(value: UUID | str) -> UUID:
    return value if isinstance(value, UUID) else UUID(value)


def journal_key(journal_id: UUID) -> str:
    return "journal/" + id_text(journal_id)


def lesson_key(lesson_id: UUID) -> str:
    return "lesson/" + id_text(lesson_id)


def mark_key(mark_id: UUID) -> str:
    return "mark/" + id_text(mark_id)


def student_key(student_id: UUID) -> str:
    return "student/" + id_text(student_id)


def account_key(account_id: UUID) -> str:
    return "account/" + id_text(account_id)


def attendance_key(lesson_id: UUID, student_id: UUID) -> str:
    return f"attendance/{id_text(lesson_id)}/{id_text(student_id)}"


def period_mark_key(journal_id: UUID, period_id: str, student_id: UUID) -> str:
    return f"period-mark/{id_text(journal_id)}/{period_id}/{id_text(student_id)}"


def year_key(year_id: UUID) -> str:
    return "year/" + id_text(year_id)


def keys_of(event: Any) -> list[str]:
    """The memory an event will read: fetched for the whole batch in one query."""
    keys = [account_key(event.actor.account_id)]
    if isinstance(event, ClassJournal.Event):
        keys.append(journal_key(event.originator_id))
    elif isinstance(event, Student.Event):
        keys.append(student_key(event.originator_id))
    elif isinstance(event, Account.Event):
        keys.append(account_key(event.originator_id))
    elif isinstance(event, SchoolYear.Event):
        keys.append(year_key(event.originator_id))
    for name, key in (("lesson_id", lesson_key), ("mark_id", mark_key)):
        value = getattr(event, name, None)
        if isinstance(value, UUID):
            keys.append(key(value))
    student_id = getattr(event, "student_id", None)
    if isinstance(student_id, UUID):
        keys.append(student_key(student_id))
        lesson_id = getattr(event, "lesson_id", None)
        if isinstance(lesson_id, UUID):
            keys.append(attendance_key(lesson_id, student_id))
    return keys
