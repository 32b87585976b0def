"""The class teacher's week of absences, and parents' notices of absence: the absences of the
class still without a reason (School 77 §4.3.12: the class teacher records why; Gymnasium 2
§7.4), the notices families gave, and a notice taken as the reason for the absences it covers.

The class is named by its code and the ``year`` query parameter; its class teacher of that year
and the administration read it (the core's ``class_list``); for anyone else it does not exist.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import Field

from api.commanding import RecordedPublic, Run
from api.conditional import Fresh
from api.dependencies import (
    CurrentClassTeacher,
    CurrentReader,
    CurrentSession,
    ReadPosition,
    SchoolApp,
)
from api.schemas.requests import IsoDate, RequestModel
from api.schemas.school_year import SchoolYearQuery, today_within
from ejournal.access import class_list
from ejournal.commands import absence_notices
from ejournal.marks import AbsenceReason
from ejournal.queries.absences import (
    ClassAbsences,
    NoticePublic,
    class_absences,
    class_notices,
    week_of,
)
from ejournal.text import Comment

router = APIRouter()


class NoticeReasonRequest(RequestModel):
    """A parent's notice taken as the reason for the absences it covers."""

    student_id: UUID
    absence_reason: AbsenceReason
    note: Comment | None = Field(
        default=None, description="The note on the absences; by default the notice's text."
    )


@router.get(
    "/classes/{class_code}/absences",
    response_model=ClassAbsences,
    summary="A class's absences of a week",
)
def read_class_absences(
    class_code: str,
    year: SchoolYearQuery,
    reader: CurrentReader,
    session: CurrentSession,
    school: SchoolApp,
    read_at: ReadPosition,
    fresh: Fresh,
    week: Annotated[
        IsoDate | None,
        Query(description="A day of the week shown (Monday to Sunday); by default today."),
    ] = None,
    without_reason: Annotated[
        bool, Query(description="Only the absences whose reason is not yet set.")
    ] = False,
) -> ClassAbsences:
    """Every absence of the class's students in every journal of the class in the week, by
    day, lesson and student, each with the parent's notice that covers it, if any."""
    school_year = class_list(school, session.account, year, class_code)
    start, end = week_of(week or today_within(school, school_year))
    fresh.check(start)
    with session.school.database.transaction(write=False) as cursor:
        return class_absences(
            school, cursor, school_year, class_code, start, end, without_reason=without_reason
        )


@router.get(
    "/classes/{class_code}/absence-notices",
    response_model=list[NoticePublic],
    summary="Parents' notices of absence for a class",
)
def read_class_notices(
    class_code: str,
    year: SchoolYearQuery,
    reader: CurrentReader,
    session: CurrentSession,
    school: SchoolApp,
) -> list[NoticePublic]:
    """The notices of absence the families of the class's students gave for days of the year."""
    school_year = class_list(school, session.account, year, class_code)
    return class_notices(school, school_year, class_code)


@router.post(
    "/classes/{class_code}/absence-notices/{notice_id}/reason",
    status_code=201,
    summary="Take a parent's notice as the reason for absences",
)
def apply_notice(
    class_code: str,
    notice_id: UUID,
    year: SchoolYearQuery,
    body: NoticeReasonRequest,
    class_teacher: CurrentClassTeacher,
    run: Run,
) -> RecordedPublic:
    """Set the reason for every absence of the student in the class's journals on the notice's
    days (and lessons), as the absence-reason command does for a certificate."""
    return run(
        absence_notices.apply_absence_notice,
        class_teacher,
        absence_notices.ApplyAbsenceNotice(
            year=year,
            class_code=class_code,
            student_id=body.student_id,
            notice_id=notice_id,
            absence_reason=body.absence_reason,
            note=body.note,
        ),
    )
