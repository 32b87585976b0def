"""The accounts' directory: find an account by name or login (issue 14), for the administration,
which keeps accounts (Lyceum 68 §3.4), and the auditor, who asks who changed what; the core's
``account_directory`` decides who may."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.conditional import Fresh
from api.dependencies import CurrentSession, ReadPosition, acting_as
from ejournal.access import account_directory
from ejournal.projections.account_directory import AccountFound, search_accounts
from ejournal.roles import Actor, Role

router = APIRouter()

DirectoryReader = Annotated[
    Actor,
    Depends(acting_as(Role.ADMINISTRATOR, Role.DEPUTY, Role.DIRECTOR, Role.AUDITOR)),
]


@router.get("/accounts", response_model=list[AccountFound], summary="Find accounts")
def find_accounts(
    reader: DirectoryReader,
    session: CurrentSession,
    read_at: ReadPosition,
    fresh: Fresh,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=200,
            description="Words of the login or the full name (case and «ё» do not matter).",
        ),
    ],
) -> list[AccountFound]:
    """The accounts whose login or full name holds every word given (50 at most): an exact
    login first, then by name; each with its state (active, blocked, annulled)."""
    account_directory(session.account)
    fresh.check()
    with session.school.database.transaction(write=False) as cursor:
        return search_accounts(cursor, q)
