"""A family's pages: a parent's children, or a student themself (read-only; Gymnasium 2 §3.1,
§3.8); the diary week by week with the period's averages and forecasts (School 77 §9.3); a
parent's advance notice of an absence (Gymnasium 2 §3.7). Any other student does not exist for
them (404, as a missing one).

Every read goes through the core's scope checks (``ejournal.access``: ``followed_students``,
``diary_of``, ``followed_child``) and the same read-model queries as the API's family routes
(``ejournal.queries.family_week``, ``ejournal.projections.diary``); the notice goes through its
command handler (``ejournal.commands.absence_notices``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Query
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ejournal.access import diary_of, followed_child, followed_students
from ejournal.aggregates.school_year import Period, SchoolYear
from ejournal.aggregates.student import Student
from ejournal.commands import absence_notices
from ejournal.errors import EjournalError, NotFoundError
from ejournal.projections.diary.queries import (
    DiaryLesson,
    HomeworkDue,
    SubjectAverage,
    diary_averages,
)
from ejournal.queries.absences import week_of
from ejournal.queries.family_week import FamilyDay, family_week
from ejournal.roles import Role
from web.auth import PostedPage, WebPage, acting_as
from web.rendering import Refusal, render
from web.routing import WebRoute
from web.services import IsoDate, read_position, today_within

router = APIRouter(route_class=WebRoute, include_in_schema=False)

FamilyPage = Annotated[WebPage, acting_as(Role.PARENT, Role.STUDENT)]
ParentPage = Annotated[WebPage, acting_as(Role.PARENT)]
After = Annotated[int | None, Query(ge=0)]
"""A log position a form's command returned: the page waits (briefly) until it shows it."""


@router.get("/family")
def children(request: Request, page: FamilyPage) -> Response:
    """A parent's children to pick from; with one child (or for a student), their diary."""
    school = page.session.school.app
    found = sorted(followed_students(school, page.account), key=lambda s: (str(s.name), s.id))
    if len(found) == 1:
        return RedirectResponse(f"/family/children/{found[0].id}", status_code=303)
    return render(request, "family/children.html", {"children": found})


@dataclass(frozen=True)
class DiaryRow:
    """A line of a day in the diary: a lesson held (topic, homework, marks, attendance), or one
    of the timetable still to come."""

    slot: int
    subject_name: str
    starts_at: time | None
    lesson: DiaryLesson | None


@dataclass(frozen=True)
class DiaryDayPage:
    """A day as the diary page shows it."""

    on: date
    school_day: bool
    rows: tuple[DiaryRow, ...]
    homework_due: tuple[HomeworkDue, ...]
    period_marks: tuple[tuple[str, str, str], ...]
    """(period name, subject name, mark)."""


def _day_rows(day: FamilyDay) -> DiaryDayPage:
    """The timetable of a day with the lessons held put in their places (a lesson held off the
    timetable, a substitution's, keeps a line of its own)."""
    held = {(lesson.slot, lesson.journal_id): lesson for lesson in day.lessons}
    rows = []
    for entry in day.timetable:
        lesson = held.pop((entry.slot, entry.journal_id), None)
        rows.append(DiaryRow(entry.slot, entry.subject_name, entry.starts_at, lesson))
    rows.extend(
        DiaryRow(lesson.slot, lesson.subject_name, None, lesson) for lesson in held.values()
    )
    rows.sort(key=lambda row: (row.slot, row.subject_name))
    return DiaryDayPage(
        on=day.on,
        school_day=day.school_day,
        rows=tuple(rows),
        homework_due=day.homework_due,
        period_marks=tuple((m.period_name, m.subject_name, m.value) for m in day.period_marks),
    )


def _today(page: WebPage, year: SchoolYear | None) -> date:
    """Today at the school, within the child's school year (the server's date for a child who
    has left the school: no year to take its zone from)."""
    school = page.session.school.app
    if year is not None:
        return today_within(school, year)
    return school.clock.now().date()


def _year_of(page: WebPage, student: Student) -> SchoolYear | None:
    if student.year is None:
        return None
    try:
        return page.session.school.app.year_view(student.year)
    except NotFoundError:
        return None


def _periods(
    year: SchoolYear | None, student: Student, day: date
) -> tuple[list[Period], Period | None]:
    """The periods of the child's grade, and the one ``day`` falls in (else the last begun)."""
    if year is None or student.class_code is None:
        return [], None
    periods = year.periods_for(year.grade_of(student.class_code))
    current = year.period_of_class(day, student.class_code)
    if current is None:
        begun = [p for p in periods if p.start <= day]
        current = begun[-1] if begun else (periods[0] if periods else None)
    return periods, current


@router.get("/family/children/{student_id}")
def diary(
    request: Request,
    student_id: UUID,
    page: FamilyPage,
    week: Annotated[IsoDate | None, Query(description="A day of the week shown.")] = None,
    period: Annotated[str | None, Query(max_length=20)] = None,
    after: After = None,
) -> Response:
    """A child's diary for a week (Monday to Sunday): each day's lessons with topic, homework,
    marks (kind of work and weight) and absences, the homework due, and the averages and
    forecasts of the period."""
    school = page.session.school.app
    student = diary_of(school, page.account, student_id)
    read_position(page.session, after)
    year = _year_of(page, student)
    today = _today(page, year)
    monday, _ = week_of(week or today)
    periods, shown = _periods(year, student, monday if week else today)
    if period is not None:
        shown = next((p for p in periods if p.id == period), None)
        if shown is None:
            raise NotFoundError(f"no period {period} for this student")
    averages: list[SubjectAverage] = []
    with page.session.school.database.transaction(write=False) as cursor:
        days = family_week(school, cursor, student, monday).days
        if shown is not None:
            averages = [
                a for a in diary_averages(cursor, student.id, shown.id) if a.year == student.year
            ]
    others = [s for s in followed_students(school, page.account) if s.id != student.id]
    return render(
        request,
        "family/diary.html",
        {
            "student": student,
            "days": [_day_rows(day) for day in days],
            "monday": monday,
            "sunday": monday + timedelta(days=6),
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "today": today,
            "this_week": week_of(today)[0],
            "periods": periods,
            "period": shown,
            "averages": averages,
            "others": sorted(others, key=lambda s: str(s.name)),
            "parent": page.role is Role.PARENT,
        },
    )


def _notice_form(
    request: Request,
    student: Student,
    values: dict[str, str],
    refusal: Refusal | None = None,
    given: tuple[date, date] | None = None,
) -> Response:
    """The notice's form (with what was typed and a refusal), or what was given."""
    return render(
        request,
        "family/absence_notice.html",
        {"student": student, "form": values, "refusal": refusal, "given": given},
        status=refusal.status if refusal else 200,
    )


@router.get("/family/children/{student_id}/absence-notice")
def absence_notice_form(request: Request, student_id: UUID, page: ParentPage) -> Response:
    """A parent tells the class teacher in advance that the child will miss days or lessons."""
    school = page.session.school.app
    student = followed_child(school, page.account, student_id)
    year = _year_of(page, student)
    today = _today(page, year).isoformat()
    return _notice_form(request, student, {"start": today, "end": today, "text": ""})


@router.post("/family/children/{student_id}/absence-notice")
def give_absence_notice(
    request: Request,
    student_id: UUID,
    page: PostedPage,
    start: Annotated[IsoDate, Form()],
    end: Annotated[IsoDate, Form()],
    text: Annotated[str, Form(max_length=500)],
    first_slot: Annotated[int | None, Form(ge=0, le=12)] = None,
    last_slot: Annotated[int | None, Form(ge=0, le=12)] = None,
) -> Response:
    """Record the notice (the command checks it is the parent's own child and the days lie in
    the school year); a refusal is shown on the form."""
    school = page.session.school.app
    student = followed_child(school, page.account, student_id)
    values = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "text": text,
        "first_slot": "" if first_slot is None else str(first_slot),
        "last_slot": "" if last_slot is None else str(last_slot),
    }
    try:
        command = absence_notices.GiveAbsenceNotice(
            student_id=student.id,
            start=start,
            end=end,
            first_slot=first_slot,
            last_slot=last_slot,
            text=text,
        )
    except ValidationError as error:
        raise RequestValidationError(error.errors()) from error
    try:
        absence_notices.give_absence_notice(school, page.account.act_as(Role.PARENT), command)
    except EjournalError as error:
        return _notice_form(request, student, values, Refusal.of(error))
    return _notice_form(request, student, values, given=(start, end))
