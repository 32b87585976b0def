"""The accounts' directory: every account of the school by login and full name, and whether it
is active, blocked or annulled, so the administration and the auditor find a person by name or
login instead of by id (issue 14).

Search folds case and "ё" to "е" in Python, not in SQL: SQLite's ``lower`` folds ASCII only, and a
school's names are Cyrillic. A school has hundreds of accounts, a few thousand at most: one
indexed table read per search.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from ejournal.aggregates.account import Account
from ejournal.database import Cursor
from ejournal.errors import EjournalError, NotFoundError
from ejournal.projections.read_model import Handler, Handlers, ReadModel
from ejournal.projections.writes import Writes

_DDL = (
    """CREATE TABLE IF NOT EXISTS directory_accounts (
        account_id TEXT PRIMARY KEY,
        login TEXT NOT NULL,
        full_name TEXT NOT NULL,
        email TEXT,
        state TEXT NOT NULL
    )""",
)

MAX_FOUND = 50
"""The most accounts one search answers: enough to pick from, small to send."""

State = Literal["active", "blocked", "annulled"]


HANDLERS: Handlers[Writes] = Handlers()
_on = HANDLERS.on


@_on(Account.Registered)
def _registered(e: Account.Registered, _position: int, w: Writes) -> None:
    w.add(
        """INSERT INTO directory_accounts (account_id, login, full_name, email, state)
        VALUES (%(account_id)s, %(login)s, %(full_name)s, %(email)s, 'active')
        ON CONFLICT (account_id) DO UPDATE SET login = excluded.login,
            full_name = excluded.full_name, email = excluded.email,
            state = excluded.state""",
        account_id=str(e.originator_id),
        login=e.login,
        full_name=e.full_name,
        email=e.email,
    )


def _state_change(state: State) -> Handler[Writes]:
    def handle(e: Any, _position: int, w: Writes) -> None:
        # An annulled account stays annulled (School 117 §10): nothing unblocks it.
        w.add(
            """UPDATE directory_accounts SET state = %(state)s
            WHERE account_id = %(account_id)s AND state <> 'annulled'""",
            account_id=str(e.originator_id),
            state=state,
        )

    return handle


_on(Account.Blocked)(_state_change("blocked"))
_on(Account.Unblocked)(_state_change("active"))
_on(Account.Annulled)(_state_change("annulled"))


class AccountDirectory(ReadModel):
    """Every account by login and name, with its state."""

    name: ClassVar[str] = "account_directory"
    tables: ClassVar[tuple[str, ...]] = ("directory_accounts",)
    ddl: ClassVar[tuple[str, ...]] = _DDL
    handlers: ClassVar[Handlers[Writes]] = HANDLERS


class AccountFound(BaseModel):
    """An account the search found."""

    model_config = ConfigDict(frozen=True)

    id: UUID
    login: str
    full_name: str
    email: str | None
    state: State


def fold(text: str) -> str:
    """Text as a search compares it: case folded, "ё" as "е", spaces collapsed."""
    return " ".join(text.casefold().replace("ё", "е").split())


def search_accounts(cursor: Cursor, query: str, limit: int = MAX_FOUND) -> list[AccountFound]:
    """The accounts whose login or full name contains every word of ``query`` (case and "ё"
    folded), an exact login first, then by name."""
    words = fold(query).split()
    if not words:
        return []
    cursor.execute("SELECT * FROM directory_accounts")
    found = []
    for row in cursor.fetchall():
        haystack = fold(f"{row['login']} {row['full_name']}")
        if all(word in haystack for word in words):
            found.append(
                AccountFound(
                    id=UUID(row["account_id"]),
                    login=row["login"],
                    full_name=row["full_name"],
                    email=row["email"],
                    state=row["state"],
                )
            )
    folded = fold(query)
    found.sort(key=lambda a: (a.login != folded, fold(a.full_name), a.login))
    return found[:limit]


class AmbiguousAccountError(EjournalError):
    """A name given to pick one account matches several."""

    slug = "account-ambiguous"
    title = "The name matches more than one account"
    status = 422


def one_account(cursor: Cursor, query: str) -> AccountFound:
    """The one account a login or a name picks: the account with exactly that login, or else
    the only one whose login or name contains the words; none answers as missing, several are
    refused with their logins, to pick from."""
    found = search_accounts(cursor, query)
    exact = [a for a in found if a.login == fold(query)]
    if exact:
        return exact[0]
    if not found:
        raise NotFoundError(f"no account matches {query!r}")
    if len(found) > 1:
        raise AmbiguousAccountError(
            f"{query!r} matches {len(found)} accounts; give a login or the account's id",
            logins=[a.login for a in found],
        )
    return found[0]
