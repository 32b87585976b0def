"""A credentials table made before temporary passwords gains the column when the service opens
the school, and its passwords stay valid and read as not temporary (both backends)."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from ejournal.clock import MovableClock
from ejournal.credentials import CredentialStore
from ejournal.database import open_database
from ejournal.schools import open_school
from ejournal.settings import Settings


def test_an_old_credentials_table_is_brought_up_to_date(database_url: str, school_id: str) -> None:
    settings = Settings(database_url=database_url, password_hashing="cheapest")
    open_school(settings, school_id, migrate=True).close()
    database = open_database(settings, school_id)
    clock = MovableClock(datetime(2026, 9, 1, tzinfo=UTC))
    try:
        with database.transaction() as cursor:  # the table as it was made before
            cursor.execute(
                "CREATE TABLE credentials (credential_id TEXT PRIMARY KEY, account_id TEXT NOT"
                " NULL, kind TEXT NOT NULL, secret_hash TEXT NOT NULL, label TEXT, created_at"
                " TEXT NOT NULL, expires_at TEXT, revoked_at TEXT)"
            )
        store = CredentialStore(database, school_id, clock, "cheapest")
        old_account, new_account = uuid4(), uuid4()
        with database.transaction() as cursor:
            cursor.execute(
                "INSERT INTO credentials (credential_id, account_id, kind, secret_hash,"
                " created_at) VALUES (%(id)s, %(account)s, 'password', %(hash)s, %(now)s)",
                {
                    "id": str(uuid4()),
                    "account": str(old_account),
                    "hash": store._hasher.hash(b"an old passphrase"),
                    "now": clock.now().isoformat(),
                },
            )
        store.create_tables()
        store.create_tables()  # again, as every start of the service does
        assert store.verify_password(old_account, "an old passphrase")
        assert not store.password_is_temporary(old_account)
        store.set_password(new_account, "a temporary one", temporary=True)
        assert store.password_is_temporary(new_account)
        store.set_password(new_account, "my own passphrase")
        assert not store.password_is_temporary(new_account)
        assert not store.verify_password(new_account, "a temporary one")
    finally:
        database.close()
