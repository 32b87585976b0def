"""The diary (a read model): a child's lessons, homework, marks, absences and period marks, and
per subject the weighted average and the forecast of the period mark (School 77 §9.3).

For the parent of the child or the student themself (the core's ``diary_of``); any other
student answers exactly as a missing one, and where the school's regulation admits a student only
with written consent (Gymnasium 2 §1.5) a child with none in force is refused.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError

from api.conditional import Fresh
from api.dependencies import CurrentFamily, CurrentSession, ReadPosition, SchoolApp
from api.schemas.requests import IsoDate
from ejournal.access import diary_of
from ejournal.projections.diary.queries import DiaryView, SubjectAverage, diary_averages, diary_week
from ejournal.queries.family_week import FamilyWeek, family_week

router = APIRouter()

LONGEST_RANGE = timedelta(days=31)
"""The most days one diary read spans: a month, so one request stays small."""


@router.get(
    "/family/children/{student_id}/diary",
    response_model=DiaryView,
    summary="A child's diary",
)
def read_diary(
    student_id: UUID,
    family: CurrentFamily,
    session: CurrentSession,
    school: SchoolApp,
    read_at: ReadPosition,
    fresh: Fresh,
    start: Annotated[IsoDate, Query(description="The first day shown.")],
    end: Annotated[
        IsoDate | None, Query(description="The last day shown; by default a week from start.")
    ] = None,
) -> DiaryView:
    """Every day from ``start`` to ``end`` (a month at most): the lessons in slot order with
    topic and homework, the current marks with kind and weight, attendance with absence reasons,
    and period marks on their period's last day. The ``X-Read-Position`` header tells how far
    the diary has applied the log."""
    diary_of(school, session.account, student_id)
    last = end if end is not None else start + timedelta(days=6)
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
    fresh.check()
    with session.school.database.transaction(write=False) as cursor:
        return diary_week(cursor, student_id, start, last)


@router.get(
    "/family/children/{student_id}/averages",
    response_model=list[SubjectAverage],
    summary="A child's averages and forecasts for a period",
)
def read_averages(
    student_id: UUID,
    family: CurrentFamily,
    session: CurrentSession,
    school: SchoolApp,
    read_at: ReadPosition,
    fresh: Fresh,
    period: Annotated[str, Query(min_length=1, description='The period\'s id, as "Q1".')],
) -> list[SubjectAverage]:
    """Per subject, the marks of the period that count, their weighted average (the weights
    recorded with each mark; pass/fail marks do not count) and, from three marks, the forecast
    of the period mark rounded half up (School 77 §9.3); the period mark once given."""
    diary_of(school, session.account, student_id)
    fresh.check()
    with session.school.database.transaction(write=False) as cursor:
        return diary_averages(cursor, student_id, period)


@router.get(
    "/family/children/{student_id}/week",
    response_model=FamilyWeek,
    summary="A child's week: timetable, lessons and homework due",
)
def read_week(
    student_id: UUID,
    family: CurrentFamily,
    session: CurrentSession,
    school: SchoolApp,
    read_at: ReadPosition,
    fresh: Fresh,
    start: Annotated[
        IsoDate, Query(alias="from", description="The first day of the week shown (7 days).")
    ],
) -> FamilyWeek:
    """Seven days from ``from``: each day's timetable of the child's class in the child's
    subgroups, the lessons held as the diary shows them, and the homework due that day (by
    default at the subject's next lesson, or on the day the teacher gave), wherever it was
    set."""
    student = diary_of(school, session.account, student_id)
    fresh.check()
    with session.school.database.transaction(write=False) as cursor:
        return family_week(school, cursor, student, start)
