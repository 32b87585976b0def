"""A parent's advance notice of their child's absence: the days, optionally which lessons of
each, and why. For the parent's own child only (the core's ``followed_child``); the class teacher
sees the notices and decides the reason. A parent reads back the notices given for their own
children (the core's ``noticed_children``), theirs and the other guardian's."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import ConfigDict, Field

from api.commanding import RecordedPublic, Run
from api.conditional import Fresh
from api.dependencies import CurrentSession, SchoolApp, acting_as
from api.schemas.requests import IsoDate, RequestModel
from ejournal.access import followed_child, noticed_children
from ejournal.commands import absence_notices
from ejournal.queries.absences import NoticePublic, family_notices
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


@router.get(
    "/family/absence-notices",
    response_model=list[NoticePublic],
    summary="The notices of absence given for one's children",
)
def read_family_notices(
    parent: CurrentParent, session: CurrentSession, school: SchoolApp, fresh: Fresh
) -> list[NoticePublic]:
    """Every notice of absence given for the children one is the parent of (by either
    guardian), the latest first day first; ``given_by`` is the account that gave it."""
    children = noticed_children(school, session.account)
    fresh.check()
    return family_notices(children)


@router.get(
    "/family/children/{student_id}/absence-notices",
    response_model=list[NoticePublic],
    summary="The notices of absence given for a child",
)
def read_child_notices(
    student_id: UUID,
    parent: CurrentParent,
    session: CurrentSession,
    school: SchoolApp,
    fresh: Fresh,
) -> list[NoticePublic]:
    """The notices of absence given for one's own child, the latest first day first; any other
    student does not exist."""
    child = followed_child(school, session.account, student_id)
    fresh.check()
    return family_notices([child])
