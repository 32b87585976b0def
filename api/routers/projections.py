"""How far each read model has got (DESIGN.md §6: every read model reports its lag)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from api.dependencies import CurrentAdministration, CurrentSession

router = APIRouter(tags=["projections"])


class ReadModelStatusPublic(BaseModel):
    name: str
    version: int
    position: int
    """The log position the read model has applied."""
    head: int
    """The newest position in the school's log."""
    lag: int
    """Events recorded but not applied yet."""


@router.get("/projections", response_model=list[ReadModelStatusPublic], summary="Read models' lag")
def projection_status(
    administration: CurrentAdministration, session: CurrentSession
) -> list[ReadModelStatusPublic]:
    """Each read model of the school: its position in the log, the log's head and the lag."""
    return [
        ReadModelStatusPublic(
            name=s.name, version=s.version, position=s.position, head=s.head, lag=s.lag
        )
        for s in session.school.projector.status()
    ]
