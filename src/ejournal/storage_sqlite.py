"""SQLite storage: the library's recorder, recording a command's idempotency answer with its events.

eventsourcing's SQLite application recorder inserts a save's events in one transaction; this one
also inserts the command's answer under its Idempotency-Key in that transaction (see
``ejournal.idempotency``), so a key is answered exactly when its events are recorded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteFactory
from eventsourcing.utils import get_topic

from ejournal.idempotency import (
    CommandAnswer,
    CommandKey,
    StoredAnswer,
    answers_table_statement,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from eventsourcing.persistence import StoredEvent
    from eventsourcing.sqlite import SQLiteCursor

# The answers table (ANSWERS_TABLE) by name: a constant, so the statements are constants too.
_INSERT_ANSWER = (
    "INSERT INTO command_answers (account_id, idempotency_key, request_hash, answer, created_at)"
    " VALUES (:account_id, :idempotency_key, :request_hash, :answer, :created_at)"
)
_SELECT_ANSWER = (
    "SELECT request_hash, answer FROM command_answers"
    " WHERE account_id = :account_id AND idempotency_key = :key"
)


class AnsweringSQLiteApplicationRecorder(SQLiteApplicationRecorder):
    """The library's application recorder, plus the command's answer in the same transaction."""

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), answers_table_statement()]

    def _insert_events(
        self,
        c: SQLiteCursor,
        stored_events: Sequence[StoredEvent],
        **kwargs: Any,
    ) -> Sequence[int] | None:
        notification_ids = super()._insert_events(c, stored_events, **kwargs)
        answer: CommandAnswer | None = kwargs.get("command_answer")
        if answer is not None and notification_ids:
            row = answer.row(list(notification_ids))
            # A second first-try with the same key fails here, like a concurrent writer.
            c.execute(_INSERT_ANSWER, row)
        return notification_ids

    def command_answer(self, key: CommandKey) -> StoredAnswer | None:
        """The answer recorded under a key, if its command was recorded."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(_SELECT_ANSWER, {"account_id": str(key.account_id), "key": key.key})
            row = c.fetchone()
        if row is None:
            return None
        return StoredAnswer(request_hash=row["request_hash"], answer=orjson.loads(row["answer"]))


class EjournalSQLiteFactory(SQLiteFactory):
    """eventsourcing's SQLite factory with the answering recorder, otherwise unchanged."""

    application_recorder_class = AnsweringSQLiteApplicationRecorder


FACTORY_TOPIC = get_topic(EjournalSQLiteFactory)
