"""A class teacher's pages: the week's absences of their class with a form per absence to set
its reason (Lyceum 68 §3.5.3; School 77 §4.3.12; Gymnasium 2 §7.4), the class's students and
guardians (Lyceum 68 §3.5.2; School 77 §4.3.7), and the class's progress and attendance sheets
with their XLSX download (School 77 §4.3.10).

Every read goes through the core's scope checks (``ejournal.access``: ``class_list``,
``student_record``, ``class_sheets``) and the same queries as the API's class-teacher and sheets
routes (``ejournal.queries.absences``, ``ejournal.queries.class_list``,
``ejournal.projections.summary_sheets``); a reason is set by the absence-reason command handler.
A class code names a different class every year, so every page names the year (``?year=``).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal
from urllib.parse import quote, urlencode
from uuid import UUID

from fastapi import APIRouter, Form, Query
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ejournal.access import class_list, class_sheets, student_record
from ejournal.aggregates.school_year import SchoolYear
from ejournal.commands import absence_notices, attendance
from ejournal.commands.timing import local_today
from ejournal.errors import EjournalError
from ejournal.marks import AbsenceReason
from ejournal.projections.summary_sheets.queries import attendance_sheet, progress_sheet
from ejournal.queries.absences import class_absences, class_notices, week_of
from ejournal.queries.class_list import class_students
from ejournal.roles import Role
from web.auth import PostedPage, WebPage, acting_as
from web.rendering import Refusal, render
from web.routing import WebRoute
from web.school_year import YEAR_PATTERN, page_today, page_year
from web.services import IsoDate, read_position, url_label, xlsx_download

router = APIRouter(route_class=WebRoute, include_in_schema=False)

ClassTeacherPage = Annotated[WebPage, acting_as(Role.CLASS_TEACHER)]
YearParam = Annotated[str | None, Query(pattern=YEAR_PATTERN)]
After = Annotated[int | None, Query(ge=0)]
"""A log position a form's command returned: the page waits (briefly) until it shows it."""

SECTIONS = {"absences": "Пропуски", "students": "Ученики и родители", "sheets": "Ведомости"}


def class_path(year: SchoolYear, class_code: str, section: str, **query: str) -> str:
    """The address of one of a class's pages."""
    params = urlencode({"year": url_label(year.label), **query})
    return f"/class-teacher/classes/{quote(class_code, safe='')}/{section}?{params}"


def _context(year: SchoolYear, class_code: str, section: str) -> dict[str, object]:
    return {
        "class_code": class_code,
        "year": url_label(year.label),
        "section": section,
        "sections": {
            key: (label, class_path(year, class_code, key)) for key, label in SECTIONS.items()
        },
    }


def _class(page: WebPage, year: str | None, class_code: str) -> SchoolYear:
    """The class's year, if the page's reader may read the class (else it does not exist)."""
    school = page.session.school.app
    school_year = page_year(school, year)
    return class_list(school, page.account, school_year.label, class_code)


def _my_class(request: Request, page: WebPage, year: str | None, section: str) -> Response:
    """A section of the class one leads this year; with several, the choice."""
    school = page.session.school.app
    school_year = page_year(school, year)
    led = sorted(code for y, code in page.account.classes_led() if y == school_year.label)
    if len(led) == 1:
        return RedirectResponse(class_path(school_year, led[0], section), status_code=303)
    return render(
        request,
        "class_teacher/classes.html",
        {
            "classes": [(code, class_path(school_year, code, section)) for code in led],
            "year": url_label(school_year.label),
        },
    )


@router.get("/class-teacher")
def my_absences(request: Request, page: ClassTeacherPage, year: YearParam = None) -> Response:
    return _my_class(request, page, year, "absences")


@router.get("/class-teacher/students")
def my_students(request: Request, page: ClassTeacherPage, year: YearParam = None) -> Response:
    return _my_class(request, page, year, "students")


@router.get("/class-teacher/sheets")
def my_sheets(request: Request, page: ClassTeacherPage, year: YearParam = None) -> Response:
    return _my_class(request, page, year, "sheets")


def _absences_page(
    request: Request,
    page: WebPage,
    school_year: SchoolYear,
    class_code: str,
    day: date,
    *,
    without_reason: bool = False,
    refused: tuple[object, Refusal] | None = None,
) -> Response:
    """The week's absences page; ``refused`` is a refusal and where to show it: at an
    absence's row (student, day, lesson), at a notice (its id), else on top."""
    school = page.session.school.app
    start, end = week_of(day)
    with page.session.school.database.transaction(write=False) as cursor:
        absences = class_absences(
            school, cursor, school_year, class_code, start, end, without_reason=without_reason
        )
    notices = {n.notice_id: n for n in class_notices(school, school_year, class_code)}
    week_notices = [n for n in notices.values() if n.start <= end and n.end >= start]
    places: set[object] = {(a.student_id, a.on, a.slot) for a in absences.absences}
    places.update(n.notice_id for n in week_notices)
    this_week = week_of(page_today(school, school_year))[0]
    return render(
        request,
        "class_teacher/absences.html",
        {
            **_context(school_year, class_code, "absences"),
            "absences": absences.absences,
            "notices": notices,
            "start": start,
            "end": end,
            "previous": class_path(
                school_year, class_code, "absences", week=(start - timedelta(days=7)).isoformat()
            ),
            "next": class_path(
                school_year, class_code, "absences", week=(start + timedelta(days=7)).isoformat()
            ),
            "current": class_path(school_year, class_code, "absences", week=this_week.isoformat())
            if start != this_week
            else None,
            "reasons": list(AbsenceReason),
            "week_notices": week_notices,
            "without_reason": without_reason,
            "only_without_reason": class_path(
                school_year, class_code, "absences", week=start.isoformat(), without_reason="1"
            ),
            "every_absence": class_path(
                school_year, class_code, "absences", week=start.isoformat()
            ),
            "refused": refused,
            "refused_elsewhere": refused is not None and refused[0] not in places,
            "action": f"/class-teacher/classes/{quote(class_code, safe='')}/absences",
            "notice_action": f"/class-teacher/classes/{quote(class_code, safe='')}/notices",
        },
        status=refused[1].status if refused else 200,
    )


@router.get("/class-teacher/classes/{class_code}/absences")
def absences(
    request: Request,
    class_code: str,
    page: ClassTeacherPage,
    year: YearParam = None,
    week: Annotated[IsoDate | None, Query(description="A day of the week shown.")] = None,
    without_reason: Annotated[bool, Query()] = False,
    after: After = None,
) -> Response:
    """The class's absences of a week, by day, lesson and student, each with its reason or a
    form to set it (a parent's notice that covers it shown beside); the parents' notices of
    the week, each with a form to take it as the reason of the absences it covers."""
    school_year = _class(page, year, class_code)
    read_position(page.session, after)
    day = week or page_today(page.session.school.app, school_year)
    return _absences_page(
        request, page, school_year, class_code, day, without_reason=without_reason
    )


@router.post("/class-teacher/classes/{class_code}/absences")
def set_reason(
    request: Request,
    class_code: str,
    page: PostedPage,
    year: Annotated[str, Form(pattern=YEAR_PATTERN)],
    student_id: Annotated[UUID, Form()],
    on: Annotated[IsoDate, Form()],
    slot: Annotated[int, Form(ge=0, le=12)],
    absence_reason: Annotated[AbsenceReason, Form()],
    note: Annotated[str, Form(max_length=500)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Set the reason of one absence (one student, one lesson) with the absence-reason command;
    a refusal is shown at the absence."""
    school_year = _class(page, year, class_code)
    try:
        command = attendance.SetAbsenceReason(
            year=school_year.label,
            class_code=class_code,
            student_id=student_id,
            start=on,
            end=on,
            first_slot=slot,
            last_slot=slot,
            absence_reason=absence_reason,
            note=note.strip() or None,
            reason=reason.strip() or None,
        )
    except ValidationError as error:
        raise RequestValidationError(error.errors()) from error
    actor = page.account.act_as(Role.CLASS_TEACHER)
    try:
        recorded = attendance.set_absence_reason(page.session.school.app, actor, command)
    except EjournalError as error:
        refusal = ((student_id, on, slot), Refusal.of(error))
        return _absences_page(request, page, school_year, class_code, on, refused=refusal)
    target = class_path(
        school_year,
        class_code,
        "absences",
        week=on.isoformat(),
        after=str(recorded.position),
    )
    return RedirectResponse(f"{target}#absence-{student_id}-{on.isoformat()}-{slot}", 303)


@router.post("/class-teacher/classes/{class_code}/notices/{notice_id}")
def apply_notice(
    request: Request,
    class_code: str,
    notice_id: UUID,
    page: PostedPage,
    year: Annotated[str, Form(pattern=YEAR_PATTERN)],
    week: Annotated[IsoDate, Form()],
    student_id: Annotated[UUID, Form()],
    absence_reason: Annotated[AbsenceReason, Form()],
) -> Response:
    """Take a parent's notice as the reason of every absence it covers (the API's
    apply-notice command); a refusal is shown at the notice."""
    school_year = _class(page, year, class_code)
    command = absence_notices.ApplyAbsenceNotice(
        year=school_year.label,
        class_code=class_code,
        student_id=student_id,
        notice_id=notice_id,
        absence_reason=absence_reason,
    )
    actor = page.account.act_as(Role.CLASS_TEACHER)
    try:
        recorded = absence_notices.apply_absence_notice(page.session.school.app, actor, command)
    except EjournalError as error:
        refusal = (notice_id, Refusal.of(error))
        return _absences_page(request, page, school_year, class_code, week, refused=refusal)
    target = class_path(
        school_year, class_code, "absences", week=week.isoformat(), after=str(recorded.position)
    )
    return RedirectResponse(f"{target}#notice-{notice_id}", 303)


@router.get("/class-teacher/classes/{class_code}/students")
def students(
    request: Request, class_code: str, page: ClassTeacherPage, year: YearParam = None
) -> Response:
    """The class's students today, their subgroups, guardians with contacts, and whether a
    consent to personal-data processing is in force."""
    school = page.session.school.app
    school_year = _class(page, year, class_code)
    day = page_today(school, school_year)
    today = local_today(school_year, school.clock.now())
    rows = []
    for row in class_students(school, school_year, class_code, day):
        record = student_record(school, page.account, row.id)
        rows.append(
            {
                "student": record,
                "subgroups": row.subgroups,
                "guardians": list(record.guardians.values()),
                "consent": record.has_consent(today),
            }
        )
    subject_names = {
        ref.subject: school.journal(journal_id).subject_name
        for journal_id, ref in school_year.journals_of(class_code).items()
        if ref.subgroup is not None
    }
    return render(
        request,
        "class_teacher/students.html",
        {
            **_context(school_year, class_code, "students"),
            "rows": rows,
            "day": day,
            "subject_names": subject_names,
            "relations": RELATIONS,
        },
    )


RELATIONS = {
    "mother": "мать",
    "father": "отец",
    "guardian": "опекун",
    "other": "законный представитель",
}


@router.get("/class-teacher/classes/{class_code}/sheets")
def sheets(
    request: Request, class_code: str, page: ClassTeacherPage, year: YearParam = None
) -> Response:
    """The class's progress sheet (students × subjects, period and year marks) and attendance
    sheet (students × months, missed and of them for a valid reason)."""
    school = page.session.school.app
    school_year = page_year(school, year)
    class_sheets(school, page.account, school_year.label, class_code)
    with page.session.school.database.transaction(write=False) as cursor:
        progress = progress_sheet(cursor, school_year.label, class_code)
        attendance_view = attendance_sheet(cursor, school_year.label, class_code)
    subject_names = {s.subject: s.subject_name for s in progress.subjects}
    return render(
        request,
        "class_teacher/sheets.html",
        {
            **_context(school_year, class_code, "sheets"),
            "progress": progress,
            "attendance": attendance_view,
            "subject_names": subject_names,
            "download": {
                kind: f"/class-teacher/classes/{quote(class_code, safe='')}/sheets/{kind}.xlsx"
                f"?year={url_label(school_year.label)}"
                for kind in ("progress", "attendance")
            },
        },
    )


@router.get("/class-teacher/classes/{class_code}/sheets/{kind}.xlsx")
def sheet_workbook(
    class_code: str,
    kind: Literal["progress", "attendance"],
    page: ClassTeacherPage,
    year: YearParam = None,
) -> Response:
    """A sheet as the API's XLSX workbook (the same export code)."""
    school = page.session.school.app
    school_year = page_year(school, year)
    class_sheets(school, page.account, school_year.label, class_code)
    position = read_position(page.session, None)
    query = progress_sheet if kind == "progress" else attendance_sheet
    with page.session.school.database.transaction(write=False) as cursor:
        view = query(cursor, school_year.label, class_code)
    name = f"{kind}-{url_label(school_year.label)}-{class_code}"
    return xlsx_download(view, name, position)
