"""The journal grid (a read model): a class-journal page as the projector keeps it."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response

from api.dependencies import CurrentReader, CurrentSession, SchoolApp
from ejournal.aggregates.class_journal import ClassJournal
from ejournal.commands.access import account_can_read_journal
from ejournal.errors import NotFoundError
from ejournal.projections.journal_grid import JournalGridView, grid

router = APIRouter()

WAIT_SECONDS = 5.0
"""How long a read waits for the read model to reach a position it asked for."""


@router.get(
    "/journals/{journal_id}/grid",
    response_model=JournalGridView,
    summary="A class journal's grid",
    tags=["journals"],
)
def read_grid(
    journal_id: UUID,
    reader: CurrentReader,
    session: CurrentSession,
    school: SchoolApp,
    response: Response,
    after: Annotated[
        int | None,
        Query(
            ge=0,
            description="A log position a command returned: wait (a few seconds at most) until"
            " the grid shows it, so a teacher sees what they just recorded.",
        ),
    ] = None,
) -> JournalGridView:
    """Students × lessons with marks and attendance, topics and homework, period marks right
    after each period's last lesson; late entries, substitutions and corrections marked. The
    ``X-Read-Position`` header tells how far the grid has applied the log."""
    journal = school.view(ClassJournal, journal_id, "journal")
    if not account_can_read_journal(session.account, journal):
        raise NotFoundError("no such journal")
    projector = session.school.projector
    if after is not None:
        projector.wait_for(after, WAIT_SECONDS)
    response.headers["X-Read-Position"] = str(projector.position())
    with session.school.database.transaction(write=False) as cursor:
        return grid(cursor, journal_id)
