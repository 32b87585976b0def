"""The inspector's pages: a class journal as it stood at a chosen moment, and what changed on it
between two moments, highlighted on the page (DESIGN.md §6, history or time travel).

The same core as ``GET /journals/{id}/history`` and ``…/history/diff``: who replays which
journal is ``access.history_journal`` (inspectors, auditors and the administration every
journal; anyone else's out of scope answers as missing), and the page and the differences are
``history.as_of.journal_as_of`` and ``history.diff.journal_diff``, replayed from the log. Moments
are typed and shown on the school's clock.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from ejournal.access import HISTORY_READERS, history_journal
from ejournal.errors import NotFoundError
from ejournal.history.as_of import journal_as_of
from ejournal.history.diff import JournalDiff, journal_diff
from ejournal.marks import AbsenceReason, Attendance
from ejournal.projections.journal_grid.queries import LessonColumn, PeriodColumn
from ejournal.roles import Role
from ejournal.subjects import subject_name
from web.auth import WebPage, acting_as
from web.pages.office import local_moment, moment_field, wrong_input
from web.rendering import MONTHS, Refusal, render
from web.routing import WebRoute
from web.school_year import YEAR_PATTERN, page_year
from web.services import MONTH_PATTERN, url_label

router = APIRouter(route_class=WebRoute, include_in_schema=False)

InspectorPage = Annotated[
    WebPage, acting_as(Role.INSPECTOR, *sorted(HISTORY_READERS - {Role.INSPECTOR}))
]
"""Who replays every journal (``access.HISTORY_READERS``), the inspector first."""

MomentText = Annotated[str | None, Query(max_length=40)]

ATTENDANCE = {Attendance.PRESENT: "был", Attendance.ABSENT: "н", Attendance.LATE: "оп"}
"""Attendance as the paper journal writes it ("оп" — опоздал)."""
REASONS = {
    AbsenceReason.ILLNESS: "болезнь",
    AbsenceReason.FAMILY: "семейные обстоятельства",
    AbsenceReason.OFFICIAL: "официальная причина",
    AbsenceReason.MEDICAL_GROUP: "медицинская группа",
    AbsenceReason.UNEXCUSED: "без уважительной причины",
}
CHANGE_WHAT = {
    "lesson": "урок",
    "mark": "отметка",
    "attendance": "посещаемость",
    "period_mark": "отметка за период",
    "student": "ученик на странице",
}
CHANGE_KIND = {"added": "добавлено", "changed": "изменено", "voided": "аннулировано"}


def said(value: str | None) -> str:
    """A value of the differences as a person reads it: attendance ("absent (illness)") in the
    journal's words, anything else as it is."""
    if not value:
        return ""
    status, _, reason = value.partition(" (")
    if status in {a.value for a in Attendance}:
        text = ATTENDANCE[Attendance(status)]
        reason = reason.rstrip(")")
        if reason in {r.value for r in AbsenceReason}:
            text += f" ({REASONS[AbsenceReason(reason)]})"
        return text
    return value


@router.get("/inspector")
def journals(
    request: Request,
    page: InspectorPage,
    year: Annotated[str | None, Query(pattern=YEAR_PATTERN)] = None,
) -> Response:
    """The year's registry of class journals (the year's organisation, which all staff who read
    journals may see), each to be replayed."""
    school = page.session.school.app
    school_year = page_year(school, year)
    refs = sorted(
        school_year.journals.items(),
        key=lambda item: (item[1].class_code, item[1].subject, item[1].subgroup or ""),
    )
    return render(
        request,
        "inspector/journals.html",
        {
            "journals": [(journal_id, ref, subject_name(ref.subject)) for journal_id, ref in refs],
            "year": url_label(school_year.label),
        },
    )


@router.get("/inspector/journals/{journal_id}")
def journal_at(
    request: Request,
    journal_id: UUID,
    page: InspectorPage,
    at: MomentText = None,
    since: MomentText = None,
    month: Annotated[str | None, Query(pattern=MONTH_PATTERN)] = None,
) -> Response:
    """The journal as it stood at ``at`` (by default now) and, given ``since``, what changed
    from ``since`` to ``at``, highlighted on the page; the page shows one month's lessons."""
    school = page.session.school.app
    journal = history_journal(school, page.account, journal_id)
    zone = ZoneInfo(school.year_view(journal.year).timezone)
    now = school.clock.now().astimezone(zone)
    refusal: Refusal | None = None
    try:
        moment = local_moment(at, zone) or now
        earlier = local_moment(since, zone)
    except ValueError:
        moment, earlier = now, None
        refusal = wrong_input("«На момент» и «Сравнить с» — нужны дата и время.")
    if earlier is not None and earlier > moment:
        refusal = wrong_input("Момент «Сравнить с» должен быть раньше момента «На момент».")
        earlier = None
    try:
        view = journal_as_of(school, journal_id, moment)
    except NotFoundError:
        # The journal is readable now: at that moment it was not opened yet.
        return render(
            request,
            "inspector/not_yet.html",
            {
                "journal": journal,
                "journal_name": subject_name(journal.subject),
                "at_field": moment_field(moment, zone),
                "since_field": moment_field(earlier, zone),
                "moment": moment,
                "year": url_label(journal.year),
                "filter_refusal": refusal,
            },
            status=refusal.status if refusal else 200,
        )
    diff: JournalDiff | None = (
        journal_diff(school, journal_id, earlier, moment) if earlier is not None else None
    )
    changed_cells = {
        (str(c.lesson_id or c.period_id), c.student_id)
        for c in (diff.changes if diff else ())
        if c.student_id is not None
    }
    changed_lessons = {
        c.lesson_id for c in (diff.changes if diff else ()) if c.what == "lesson" and c.lesson_id
    }
    months = sorted({(c.on.year, c.on.month) for c in view.columns if isinstance(c, LessonColumn)})
    shown_month = _month(month, months, moment.date(), diff)
    columns = [
        (index, column)
        for index, column in enumerate(view.columns)
        if _in_month(column, shown_month)
    ]
    return render(
        request,
        "inspector/journal.html",
        {
            "view": view,
            "columns": columns,
            "months": months,
            "month": shown_month,
            "moment": moment,
            "earlier": earlier,
            "at_field": moment_field(moment, zone),
            "since_field": moment_field(earlier, zone),
            "diff": diff,
            "changed_cells": changed_cells,
            "changed_lessons": changed_lessons,
            "said": said,
            "attendance": ATTENDANCE,
            "what": CHANGE_WHAT,
            "kind": CHANGE_KIND,
            "month_names": MONTHS,
            "year": url_label(journal.year),
            "filter_refusal": refusal,
        },
        status=refusal.status if refusal else 200,
    )


def _month(
    asked: str | None, months: list[tuple[int, int]], today: date, diff: JournalDiff | None
) -> tuple[int, int] | None:
    """The month a page shows: the one asked for; else that of the first change; else the
    moment's month if it has lessons; else the last month with lessons."""
    if asked:
        year, month = asked.split("-")
        return int(year), int(month)
    changed = [c.on for c in (diff.changes if diff else ()) if c.on is not None]
    if changed:
        first = min(changed)
        return first.year, first.month
    if (today.year, today.month) in months or not months:
        return today.year, today.month
    return months[-1]


def _in_month(column: LessonColumn | PeriodColumn, month: tuple[int, int] | None) -> bool:
    day = column.on if isinstance(column, LessonColumn) else column.end
    return month is None or (day.year, day.month) == month
