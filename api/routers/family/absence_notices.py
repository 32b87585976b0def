"""A parent's advance notice of their child's absence: the days, optionally which lessons of
each, and why. For the parent's own child only (the core's ``followed_child``); the class teacher
sees the notices and decides the reason."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import ConfigDict, Field

from api.commanding import RecordedPublic, Run
from api.dependencies import acting_as
from api.schemas.requests import IsoDate, RequestModel
from ejournal.commands import absence_notices
from ejournal.roles import Actor, Role
from ejournal.text import Comment

router = APIRouter()

CurrentParent = Annotated[Actor, Depends(acting_as(Role.PARENT))]


class AbsenceNoticeRequest(RequestModel):
    start: IsoDate = Field(description="The first day the child will be absent.")
    end: IsoDate = Field(description="The last day (inclusive).")
    first_slot: int | None = Field(
        default=None, ge=0, le=12, description="Only from this lesson of each day."
    )
    last_slot: int | None = Field(
        default=None, ge=0, le=12, description="Only up to this lesson of each day."
    )
    text: Comment = Field(description='Why, in the parent\'s words: "приём у врача".')

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "start": "2026-10-05",
                    "end": "2026-10-05",
                    "first_slot": 3,
                    "last_slot": 4,
                    "text": "Приём у стоматолога в 11:00, вернётся к 5-му уроку",
                }
            ]
        }
    )


@router.post(
    "/family/children/{student_id}/absence-notices",
    status_code=201,
    summary="Give notice of a child's absence",
)
def give_notice(
    student_id: UUID, body: AbsenceNoticeRequest, parent: CurrentParent, run: Run
) -> RecordedPublic:
    """Tell the class teacher the child will miss school on some days (or lessons), and why.
    Answers the ``notice_id``."""
    return run(
        absence_notices.give_absence_notice,
        parent,
        absence_notices.GiveAbsenceNotice(student_id=student_id, **body.model_dump()),
    )
