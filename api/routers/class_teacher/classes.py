"""A class of a school year, as its class teacher keeps it: the class list, and the reasons for
its students' absences (Lyceum 68 §3.5.3; School 77 §4.3.12; Gymnasium 2 §7.4).

The class is named in the path by its code ("5А") and qualified by the ``year`` query parameter
("2026-2027"), since a class code names a different class every year.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from api.commanding import RecordedPublic, Run
from api.dependencies import CurrentClassTeacher, CurrentReader, CurrentSession, SchoolApp
from api.schemas.people import PersonNamePublic, StaffPublic
from api.schemas.requests import IsoDate, RequestModel
from api.schemas.school_year import SchoolYearQuery, today_within, url_label
from ejournal.access import class_list
from ejournal.aggregates.account import Account
from ejournal.commands import attendance
from ejournal.marks import AbsenceReason
from ejournal.queries.class_list import class_students
from ejournal.text import Comment, Reason

router = APIRouter()


class AbsenceReasonRequest(RequestModel):
    """Why a student missed lessons: applied to every absence of theirs in every journal of the
    class between two dates (a certificate covers days)."""

    student_id: UUID
    start: IsoDate = Field(description="The first day covered.")
    end: IsoDate = Field(description="The last day covered (inclusive).")
    absence_reason: AbsenceReason
    note: Comment | None = Field(default=None, description='E.g. "справка № 12 от 05.09.2026".')
    reason: Reason | None = Field(
        default=None, description="Why an absence reason already recorded changes."
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "student_id": "5b0c7d1e-2f3a-4b5c-8d6e-7f8091a2b3c4",
                    "start": "2026-09-14",
                    "end": "2026-09-18",
                    "absence_reason": "illness",
                    "note": "Справка № 12 от 19.09.2026, детская поликлиника № 3",
                }
            ]
        }
    )


class ClassStudentPublic(BaseModel):
    id: UUID
    name: PersonNamePublic
    subgroups: dict[str, str]
    """Subject code -> the student's subgroup in it, for subjects taught in subgroups."""


class ClassListPublic(BaseModel):
    """The students of a class on a day."""

    year: str
    class_code: str
    grade: int
    on: date
    class_teacher: StaffPublic | None
    students: list[ClassStudentPublic]


@router.post(
    "/classes/{class_code}/absence-reasons",
    status_code=201,
    summary="Set the reason for a student's absences",
)
def set_absence_reason(
    class_code: str,
    year: SchoolYearQuery,
    body: AbsenceReasonRequest,
    class_teacher: CurrentClassTeacher,
    run: Run,
) -> RecordedPublic:
    """Record why a student of one's own class was absent, for every absence in the dates."""
    return run(
        attendance.set_absence_reason,
        class_teacher,
        attendance.SetAbsenceReason(
            year=year,
            class_code=class_code,
            student_id=body.student_id,
            start=body.start,
            end=body.end,
            absence_reason=body.absence_reason,
            note=body.note,
            reason=body.reason,
        ),
    )


@router.get("/classes/{class_code}/students", summary="A class list")
def list_class_students(
    class_code: str,
    year: SchoolYearQuery,
    reader: CurrentReader,
    session: CurrentSession,
    school: SchoolApp,
    on: Annotated[
        IsoDate | None,
        Query(description="The day the list is taken on; by default today, within the year."),
    ] = None,
) -> ClassListPublic:
    """The students of a class with their subgroups: for the class's own class teacher and
    the administration; for anyone else the class does not exist."""
    # ``reader`` turns away whoever reads no class data at all (403); the core scopes the class.
    school_year = class_list(school, session.account, year, class_code)
    school_class = school_year.classes[class_code]
    day = on or today_within(school, school_year)
    students = [
        ClassStudentPublic(
            id=row.id, name=PersonNamePublic.of(row.student.name), subgroups=dict(row.subgroups)
        )
        for row in class_students(school, school_year, class_code, day)
    ]
    teacher_id = school_class.class_teacher_id
    return ClassListPublic(
        year=url_label(year),
        class_code=class_code,
        grade=school_class.grade,
        on=day,
        class_teacher=(
            StaffPublic.model_validate(school.view(Account, teacher_id, "account"))
            if teacher_id
            else None
        ),
        students=students,
    )
