"""Idempotency keys: a command sent again with the same key records nothing twice (DESIGN.md §11).

A key's fate is part of the same transaction as the command's events: the recorder that inserts
the events also inserts the command's answer under its key (``command_answers``), and both commit
or neither does. So there is no "claimed but unanswered" state a crash could leave behind: after a
crash at any moment a retry either finds the answer (the events were recorded) or finds nothing
and runs the command (nothing was). Two first tries racing with one key both run; the second to
commit fails on the key's primary key like a concurrent writer, runs again, and finds the first's
answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

import orjson

from ejournal.errors import EjournalError

if TYPE_CHECKING:
    from ejournal.database import SchoolDatabase

ANSWERS_TABLE = "command_answers"
"""The table of answered keys, beside the school's events table (same file or schema)."""

MAX_KEY_LENGTH = 200


def answers_table_statement(qualified_name: str = ANSWERS_TABLE) -> str:
    """The DDL of the answers table (SQL common to SQLite and PostgreSQL)."""
    return (
        f"CREATE TABLE IF NOT EXISTS {qualified_name} ("
        " account_id TEXT NOT NULL,"
        " idempotency_key TEXT NOT NULL,"
        " request_hash TEXT NOT NULL,"
        " answer TEXT NOT NULL,"
        " created_at TEXT NOT NULL,"
        " PRIMARY KEY (account_id, idempotency_key))"
    )


def ensure_answers_table(database: SchoolDatabase) -> None:
    """Create the answers table for a school set up before it existed (``migrate`` makes it)."""
    with database.transaction() as cursor:
        cursor.execute(answers_table_statement())


@dataclass(frozen=True)
class CommandKey:
    """One account's Idempotency-Key for one request, and what makes a retry "the same request"."""

    account_id: UUID
    key: str
    fingerprint: str


@dataclass(frozen=True)
class CommandAnswer:
    """What to insert with a command's events: its key and the ids it made (the log position and
    event count are known only once the events have their notification ids)."""

    key: CommandKey
    ids: dict[str, UUID]
    created_at: str

    def row(self, notification_ids: list[int]) -> dict[str, Any]:
        """The answers table's row for events recorded at these notification ids."""
        answer = {
            "position": max(notification_ids),
            "events": len(notification_ids),
            "ids": {name: str(value) for name, value in self.ids.items()},
        }
        return {
            "account_id": str(self.key.account_id),
            "idempotency_key": self.key.key,
            "request_hash": self.key.fingerprint,
            "answer": orjson.dumps(answer, option=orjson.OPT_SORT_KEYS).decode(),
            "created_at": self.created_at,
        }


@dataclass(frozen=True)
class StoredAnswer:
    """A key's recorded answer, as read back."""

    request_hash: str
    answer: dict[str, Any]


class IdempotencyKeyReusedError(EjournalError):
    """A key already answered a different request."""

    slug = "idempotency-key-reused"
    title = "The idempotency key was used for another request"
    status = 422


class AlreadyRecordedError(Exception):
    """The command's key already has an answer: the command ran before and must not run again.

    Not an error to show anyone: the caller answers with ``answer`` as the first try did.
    """

    def __init__(self, answer: dict[str, Any]) -> None:
        super().__init__("already recorded under this idempotency key")
        self.answer = answer


_current_key: ContextVar[CommandKey | None] = ContextVar("ejournal_command_key", default=None)


@contextmanager
def keyed(key: CommandKey | None) -> Iterator[None]:
    """Run the commands of a block under an idempotency key (None: no key)."""
    token = _current_key.set(key)
    try:
        yield
    finally:
        _current_key.reset(token)


def current_key() -> CommandKey | None:
    """The idempotency key the running command was sent with, if any."""
    return _current_key.get()


def check_answer(key: CommandKey, stored: StoredAnswer | None) -> None:
    """Stop a command whose key already has an answer: replay it, or refuse another request."""
    if stored is None:
        return
    if stored.request_hash != key.fingerprint:
        raise IdempotencyKeyReusedError(
            "this Idempotency-Key was already used for a different request; use a new key"
        )
    raise AlreadyRecordedError(stored.answer)
