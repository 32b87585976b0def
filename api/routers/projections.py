"""How far each read model has got (DESIGN.md §6: every read model reports its lag)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from api.dependencies import CurrentAdministration, CurrentSession

router = APIRouter(tags=["projections"])


class ReadModelStallPublic(BaseModel):
    """The event a read model cannot apply: it stands just before it, and tries it again."""

    position: int
    """The event's position in the log."""
    topic: str
    """The event's kind."""
    error: str
    """What went wrong, as the error said it."""
    since: datetime


class ReadModelStatusPublic(BaseModel):
    name: str
    version: int
    position: int
    """The log position the read model has applied."""
    head: int
    """The newest position in the school's log."""
    lag: int
    """Events recorded but not applied yet."""
    stalled: bool
    """Whether the read model is stopped at an event it cannot apply."""
    stall: ReadModelStallPublic | None = None


@router.get("/projections", response_model=list[ReadModelStatusPublic], summary="Read models' lag")
def projection_status(
    administration: CurrentAdministration, session: CurrentSession
) -> list[ReadModelStatusPublic]:
    """Each read model of the school: its position in the log, the log's head and the lag, and
    the event it is stalled at, if any."""
    return [
        ReadModelStatusPublic(
            name=s.name,
            version=s.version,
            position=s.position,
            head=s.head,
            lag=s.lag,
            stalled=s.stall is not None,
            stall=(
                ReadModelStallPublic(
                    position=s.stall.position,
                    topic=s.stall.topic,
                    error=s.stall.error,
                    since=s.stall.since,
                )
                if s.stall is not None
                else None
            ),
        )
        for s in session.school.projector.status()
    ]
