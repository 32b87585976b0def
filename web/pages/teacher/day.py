"""A teacher's day and journals: the lessons of today from the timetable (which are not filled
in, and until when each entry may be made) and the journals of the year, from the same queries
as ``GET /teachers/{id}/lessons`` and ``GET /teachers/{id}/journals``."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from ejournal.access import teacher_schedule
from ejournal.errors import NotFoundError
from ejournal.queries.teaching import journals_of, lessons_of
from web.pages.teacher.common import TeacherPage, YearParam
from web.rendering import render
from web.routing import WebRoute
from web.school_year import page_today, page_year
from web.services import IsoDate, url_label

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.get("/teacher")
def today(
    request: Request, page: TeacherPage, year: YearParam = None, day: IsoDate | None = None
) -> Response:
    """The lessons of a day (today by default) from the timetable: held or not, filled or
    not, until when each entry may be made."""
    school = page.session.school.app
    teacher = teacher_schedule(school, page.account, page.account.id)
    school_year = page_year(school, year)
    today = page_today(school, school_year)
    shown = day or today
    if not school_year.starts_on <= shown <= school_year.ends_on:
        raise NotFoundError(f"{shown} is outside school year {school_year.label}")
    lessons = lessons_of(school, teacher, school_year.label, shown, shown)
    one = timedelta(days=1)
    return render(
        request,
        "teacher/today.html",
        {
            "day": shown,
            "today": today,
            "previous": shown - one if shown > school_year.starts_on else None,
            "following": shown + one if shown < school_year.ends_on else None,
            "lessons": lessons.days[0].lessons,
            "year": url_label(school_year.label),
        },
    )


@router.get("/teacher/journals")
def journals(request: Request, page: TeacherPage, year: YearParam = None) -> Response:
    """The journals of the year the teacher keeps or substitutes in."""
    school = page.session.school.app
    teacher = teacher_schedule(school, page.account, page.account.id)
    school_year = page_year(school, year)
    return render(
        request,
        "teacher/journals.html",
        {
            "journals": journals_of(school, teacher, school_year.label),
            "year": url_label(school_year.label),
        },
    )
