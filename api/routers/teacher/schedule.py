"""A teacher's day: the journals they keep or substitute in, and their lessons of a day or a
week from the timetable, each with what is filled in and when each entry is due.

A teacher reads their own; the administration reads any teacher's (the core's
``teacher_schedule``); for anyone else the teacher does not exist.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.exceptions import RequestValidationError

from api.conditional import Fresh
from api.dependencies import CurrentSession, SchoolApp, acting_as
from api.schemas.requests import IsoDate
from api.schemas.school_year import SchoolYearQuery
from ejournal.access import teacher_schedule
from ejournal.queries.teaching import (
    LONGEST_RANGE,
    TaughtJournal,
    TeacherLessons,
    journals_of,
    lessons_of,
)
from ejournal.roles import Actor, Role

router = APIRouter()

ScheduleReader = Annotated[
    Actor, Depends(acting_as(Role.TEACHER, Role.DEPUTY, Role.DIRECTOR, Role.ADMINISTRATOR))
]
"""Teachers (their own) and the administration (anyone's); the core scopes the teacher."""


@router.get(
    "/teachers/{teacher_id}/journals",
    response_model=list[TaughtJournal],
    summary="A teacher's journals",
)
def read_teacher_journals(
    teacher_id: UUID,
    year: SchoolYearQuery,
    reader: ScheduleReader,
    session: CurrentSession,
    school: SchoolApp,
    fresh: Fresh,
) -> list[TaughtJournal]:
    """Every journal of the year the teacher keeps or substitutes in, in one answer (a
    teacher's own id is in ``GET /me``)."""
    teacher = teacher_schedule(school, session.account, teacher_id)
    fresh.check()
    return journals_of(school, teacher, year)


@router.get(
    "/teachers/{teacher_id}/lessons",
    response_model=TeacherLessons,
    summary="A teacher's lessons of a day or a week",
)
def read_teacher_lessons(
    teacher_id: UUID,
    year: SchoolYearQuery,
    reader: ScheduleReader,
    session: CurrentSession,
    school: SchoolApp,
    fresh: Fresh,
    start: Annotated[IsoDate, Query(description="The first day.")],
    end: Annotated[
        IsoDate | None, Query(description="The last day; by default the first (one day).")
    ] = None,
) -> TeacherLessons:
    """Each lesson of the teacher's days from the timetable (and substitutions): held or not,
    what its record holds (topic, homework and its due date, attendance, marks), and each
    entry's deadline under the school's regulation, in the school's time zone."""
    teacher = teacher_schedule(school, session.account, teacher_id)
    last = end if end is not None else start
    if not start <= last <= start + LONGEST_RANGE:
        raise RequestValidationError(
            [
                {
                    "loc": ("query", "end"),
                    "msg": f"end must be from start to {LONGEST_RANGE.days} days after it",
                    "type": "value_error",
                }
            ]
        )
    # Whether each entry's deadline has passed is in the answer: deadlines close on a
    # minute (a time of day) or at a day's very end, so the minute is what the answer depends on.
    fresh.check(school.clock.now().replace(second=0, microsecond=0))
    return lessons_of(school, teacher, year, start, last)
