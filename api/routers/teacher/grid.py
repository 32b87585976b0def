"""The journal grid (a read model): a class-journal page as the projector keeps it."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from api.conditional import Fresh
from api.dependencies import CurrentReader, CurrentSession, ReadPosition, SchoolApp
from ejournal.access import readable_journal
from ejournal.projections.journal_grid.queries import JournalGridView, grid

router = APIRouter()


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
    read_at: ReadPosition,
    fresh: Fresh,
) -> JournalGridView:
    """Students × lessons with marks and attendance, topics and homework, period marks right
    after each period's last lesson; late entries, substitutions and corrections marked. The
    ``X-Read-Position`` header tells how far the grid has applied the log; ``after`` waits for a
    position a command returned, so a teacher sees what they just recorded."""
    readable_journal(school, session.account, journal_id)
    fresh.check()
    with session.school.database.transaction(write=False) as cursor:
        return grid(cursor, journal_id)
