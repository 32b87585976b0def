"""A journal's grid for a month: students down the side, the month's lessons across, marks and
attendance in the cells, each period's marks right after the period's last lesson (School 117
§6.1); late entries, corrections and voidings visibly marked.

The page is the journal-grid read model (``ejournal.projections.journal_grid.grid``) as
``GET /api/v1/journals/{id}/grid`` answers it, scoped by the core's ``readable_journal``; the
page only picks the month's columns out of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from ejournal.access import readable_journal
from ejournal.projections.journal_grid.queries import (
    GridCell,
    GridRow,
    JournalGridView,
    LessonColumn,
    PeriodColumn,
    grid,
)
from web.pages.teacher.common import AfterParam, TeacherPage
from web.rendering import MONTHS, render
from web.routing import WebRoute
from web.school_year import page_today
from web.services import MONTH_PATTERN, month_start, read_position

router = APIRouter(route_class=WebRoute, include_in_schema=False)

MonthParam = Annotated[str | None, Query(pattern=MONTH_PATTERN)]


@dataclass(frozen=True)
class MonthRow:
    """A student's line of the month: their cells under the month's columns."""

    student_id: UUID
    full_name: str
    cells: tuple[GridCell, ...]


@dataclass(frozen=True)
class MonthPage:
    """A journal's page for one month."""

    journal: JournalGridView
    month: date
    columns: tuple[LessonColumn | PeriodColumn, ...]
    rows: tuple[MonthRow, ...]
    previous: date | None
    following: date | None

    @property
    def title(self) -> str:
        return f"{MONTHS[self.month.month - 1].capitalize()} {self.month.year}"

    @property
    def lessons(self) -> tuple[LessonColumn, ...]:
        return tuple(c for c in self.columns if isinstance(c, LessonColumn))


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _in_month(column: LessonColumn | PeriodColumn, month: date) -> bool:
    day = column.on if isinstance(column, LessonColumn) else column.end
    return _month_start(day) == month


def month_page(view: JournalGridView, month: date, first: date, last: date) -> MonthPage:
    """The month's columns of a journal's grid and the students on the page in that month
    (``first``..``last``: the school year, for the links to the months around)."""
    chosen = [i for i, c in enumerate(view.columns) if _in_month(c, month)]
    end = _next_month(month)
    rows = tuple(
        MonthRow(r.student_id, r.full_name, tuple(r.cells[i] for i in chosen))
        for r in view.rows
        if _on_page_in(r, month, end)
    )
    previous = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    return MonthPage(
        journal=view,
        month=month,
        columns=tuple(view.columns[i] for i in chosen),
        rows=rows,
        previous=previous if previous >= _month_start(first) else None,
        following=end if end <= last else None,
    )


def _on_page_in(row: GridRow, month: date, end: date) -> bool:
    return any(s.since < end and (s.until is None or s.until >= month) for s in row.on_page)


def parse_month(value: str | None, default: date) -> date:
    """``2026-09`` as the month's first day; ``default``'s month when none is asked for."""
    if value is None:
        return _month_start(default)
    return month_start(value)  # the query's pattern has checked it is a month


@router.get("/teacher/journals/{journal_id}/grid")
def journal_grid(
    request: Request,
    journal_id: UUID,
    page: TeacherPage,
    month: MonthParam = None,
    after: AfterParam = None,
) -> Response:
    """A journal's grid for a month (by default the current one)."""
    services = page.session.school
    school = services.app
    journal = readable_journal(school, page.account, journal_id)
    position = read_position(page.session, after)
    with services.database.transaction(write=False) as cursor:
        view = grid(cursor, journal_id)
    year = school.year_view(journal.year)
    chosen = parse_month(month, page_today(school, year))
    shown = month_page(view, chosen, year.starts_on, year.ends_on)
    return render(
        request,
        "teacher/grid.html",
        {"grid": shown, "journal": view, "today": page_today(school, year)},
        headers={"X-Read-Position": str(position)},
    )
