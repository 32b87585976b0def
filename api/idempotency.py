"""Idempotency keys: a retried command with the same key records nothing twice and gets the
first answer (DESIGN.md §11).

Before a command runs, its key is claimed (a row marked pending); after it succeeds, the answer
is stored on that row. A retry finds the stored answer and gets it back; a retry with the same
key but a different request is refused; a retry while the first is still running is told so.
A command that fails releases its key, since it recorded nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import orjson

from api.problems import IdempotencyConflictError, IdempotencyInProgressError
from ejournal.clock import Clock
from ejournal.database import SchoolDatabase

_TABLES = (
    """
    CREATE TABLE IF NOT EXISTS idempotency_keys (
        account_id TEXT NOT NULL,
        idempotency_key TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        status_code INTEGER,
        response TEXT,
        created_at TEXT NOT NULL,
        PRIMARY KEY (account_id, idempotency_key)
    )
    """,
)


@dataclass(frozen=True)
class StoredAnswer:
    status_code: int
    body: Any


def request_fingerprint(method: str, path: str, body: Any) -> str:
    """What makes two requests "the same request" for one key."""
    payload = orjson.dumps([method, path, body], option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(payload).hexdigest()


class IdempotencyStore:
    """One school's idempotency records."""

    def __init__(self, database: SchoolDatabase, clock: Clock) -> None:
        self.database = database
        self.clock = clock

    def create_tables(self) -> None:
        with self.database.transaction() as cursor:
            for statement in _TABLES:
                cursor.execute(statement)

    def claim(self, account_id: UUID, key: str, fingerprint: str) -> StoredAnswer | None:
        """Claim a key for a request; returns the stored answer if the request already ran."""
        with self.database.transaction() as cursor:
            # Insert-or-nothing decides the race between two first tries on either backend.
            cursor.execute(
                "INSERT INTO idempotency_keys (account_id, idempotency_key, request_hash,"
                " created_at) VALUES (%(a)s, %(k)s, %(h)s, %(t)s)"
                " ON CONFLICT (account_id, idempotency_key) DO NOTHING",
                {
                    "a": str(account_id),
                    "k": key,
                    "h": fingerprint,
                    "t": self.clock.now().isoformat(),
                },
            )
            if cursor.rowcount == 1:
                return None
            cursor.execute(
                "SELECT request_hash, status_code, response FROM idempotency_keys"
                " WHERE account_id = %(a)s AND idempotency_key = %(k)s",
                {"a": str(account_id), "k": key},
            )
            row = cursor.fetchone()
        if row is None:  # released between the two statements: treat as still running
            raise IdempotencyInProgressError(
                "a request with this Idempotency-Key is still running; retry shortly",
                headers={"Retry-After": "1"},
            )
        if row["request_hash"] != fingerprint:
            raise IdempotencyConflictError(
                "this Idempotency-Key was already used for a different request; use a new key"
            )
        if row["status_code"] is None:
            raise IdempotencyInProgressError(
                "a request with this Idempotency-Key is still running; retry shortly",
                headers={"Retry-After": "1"},
            )
        return StoredAnswer(status_code=int(row["status_code"]), body=orjson.loads(row["response"]))

    def complete(self, account_id: UUID, key: str, status_code: int, body: Any) -> None:
        with self.database.transaction() as cursor:
            cursor.execute(
                "UPDATE idempotency_keys SET status_code = %(s)s, response = %(r)s"
                " WHERE account_id = %(a)s AND idempotency_key = %(k)s",
                {
                    "s": status_code,
                    "r": orjson.dumps(body).decode(),
                    "a": str(account_id),
                    "k": key,
                },
            )

    def release(self, account_id: UUID, key: str) -> None:
        with self.database.transaction() as cursor:
            cursor.execute(
                "DELETE FROM idempotency_keys WHERE account_id = %(a)s"
                " AND idempotency_key = %(k)s AND status_code IS NULL",
                {"a": str(account_id), "k": key},
            )
