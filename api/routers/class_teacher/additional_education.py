"""Students' additional education (Gymnasium 2 §7.8): the class teacher records the clubs and
sections a student of their class attends; the class teacher and the administration read them.
Another class's student answers 404, as a missing one; other roles 403."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from api.commanding import RecordedPublic, Run
from api.dependencies import CurrentClassTeacher, SchoolApp, acting_as
from api.schemas.requests import IsoDate, RequestModel
from ejournal.commands import additional_education as education
from ejournal.roles import Actor
from ejournal.text import Name

router = APIRouter()

CurrentEducationReader = Annotated[Actor, Depends(acting_as(*education.READERS))]


class ActivityRequest(RequestModel):
    """A club or section the student attends."""

    name: Name = Field(examples=["Шахматный клуб"])
    organisation: Name = Field(examples=["ДДТ «Радуга»"])
    start: IsoDate
    end: IsoDate | None = None


class ActivityEndRequest(RequestModel):
    on: IsoDate
    """The last day attended."""


class ActivityPublic(BaseModel):
    id: UUID
    name: str
    organisation: str
    start: date
    end: date | None


@router.post(
    "/students/{student_id}/additional-education",
    status_code=201,
    summary="Record a club or section a student attends",
)
def record_activity(
    teacher: CurrentClassTeacher, student_id: UUID, body: ActivityRequest, run: Run
) -> RecordedPublic:
    """Record additional education of a student of the class; the answer carries the
    ``activity_id``."""
    return run(
        education.record_additional_education,
        teacher,
        education.RecordAdditionalEducation(student_id=student_id, **body.model_dump()),
    )


@router.post(
    "/students/{student_id}/additional-education/{activity_id}/end",
    status_code=201,
    summary="Record that a student stopped attending a club or section",
)
def end_activity(
    teacher: CurrentClassTeacher,
    student_id: UUID,
    activity_id: UUID,
    body: ActivityEndRequest,
    run: Run,
) -> RecordedPublic:
    """Close an activity on its last day."""
    return run(
        education.end_additional_education,
        teacher,
        education.EndAdditionalEducation(
            student_id=student_id, activity_id=activity_id, on=body.on
        ),
    )


@router.get(
    "/students/{student_id}/additional-education",
    summary="A student's clubs and sections",
)
def read_activities(
    reader: CurrentEducationReader, student_id: UUID, school: SchoolApp
) -> list[ActivityPublic]:
    """The clubs and sections recorded for a student, by their first day."""
    return [
        ActivityPublic.model_validate(a.model_dump())
        for a in education.additional_education(school, reader, student_id)
    ]
