"""The teachers' working-time sheet (табель учёта рабочего времени педагогических работников)
for a month: per teacher and day, the lessons they held, from the journals.

Belogorsk, Инструкция п. 4.2: the deputy "ведет учет замененных и пропущенных уроков и занятий;
ведет табель учета рабочего времени педагогических работников". A lesson counts one hour for
whoever held it as the journal records it (``taught_by``): a substitute's lesson is the
substitute's hour, not the regular teacher's, and is counted again in their substitution hours.
Every teacher of a journal of the year has a line, with zeros if they held nothing that month.
It is a query over the journal grid's lessons and the reporting journals and accounts.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Literal

from ejournal.database import Cursor
from ejournal.projections.conventions import alphabetical
from ejournal.projections.reporting.calendar import month_end
from ejournal.projections.reporting.queries import (
    ReportModel,
    ReportNotProjectedError,
    account_names,
    year_facts,
)
from ejournal.spreadsheets.tables import Cell, Table


class TeacherHours(ReportModel):
    """One teacher's line: the hours held on each day of the month."""

    account_id: str
    full_name: str
    hours: tuple[int, ...]
    """One figure per day of the month, in order."""
    substitution_hours: int
    """Of the total, the lessons held as a substitute."""
    total: int


class WorkingTimeSheetView(ReportModel):
    """Табель: the month's days and a line per teacher."""

    kind: Literal["working_time_sheet"] = "working_time_sheet"
    year: str
    month: date
    """The month's first day."""
    days: tuple[date, ...]
    teachers: tuple[TeacherHours, ...]
    total: int


def working_time_sheet(cursor: Cursor, year: str, month: date) -> WorkingTimeSheetView:
    """The табель of a month of a school year (``month``: any day of it)."""
    facts = year_facts(cursor, year)
    first = month.replace(day=1)
    last = month_end(first)
    if last < facts.starts_on or first > facts.ends_on:
        raise ReportNotProjectedError(f"the school year {year} has no month {first:%Y-%m}")
    days = tuple(first + timedelta(days=n) for n in range((last - first).days + 1))
    cursor.execute(
        """SELECT l.lesson_date, l.taught_by, l.substitution_id FROM grid_lessons l
        JOIN rpt_journals j ON j.journal_id = l.journal_id
        WHERE j.year_id = %(year_id)s AND l.lesson_date BETWEEN %(first)s AND %(last)s""",
        {"year_id": facts.year_id, "first": first.isoformat(), "last": last.isoformat()},
    )
    held: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    substituted: dict[str, int] = defaultdict(int)
    for row in cursor.fetchall():
        held[row["taught_by"]][date.fromisoformat(row["lesson_date"])] += 1
        if row["substitution_id"] is not None:
            substituted[row["taught_by"]] += 1
    cursor.execute(
        """SELECT DISTINCT t.account_id FROM rpt_journal_teachers t
        JOIN rpt_journals j ON j.journal_id = t.journal_id WHERE j.year_id = %(year_id)s""",
        {"year_id": facts.year_id},
    )
    teachers = {r["account_id"] for r in cursor.fetchall()} | set(held)
    names = account_names(cursor)
    lines = sorted(
        (
            TeacherHours(
                account_id=teacher,
                full_name=names.get(teacher, teacher),
                hours=tuple(held[teacher][d] for d in days)
                if teacher in held
                else (0,) * len(days),
                substitution_hours=substituted[teacher],
                total=sum(held[teacher].values()) if teacher in held else 0,
            )
            for teacher in teachers
        ),
        key=lambda line: (alphabetical(line.full_name), line.account_id),
    )
    return WorkingTimeSheetView(
        year=facts.label,
        month=first,
        days=days,
        teachers=tuple(lines),
        total=sum(line.total for line in lines),
    )


def working_time_table(view: WorkingTimeSheetView) -> Table:
    """The табель laid out for a file: a teacher per row, a day per column, then totals."""
    header = ("Учитель", *(str(d.day) for d in view.days), "Всего часов", "из них замещение")
    rows: list[tuple[Cell, ...]] = [
        (line.full_name, *(h or None for h in line.hours), line.total, line.substitution_hours)
        for line in view.teachers
    ]
    rows.append(
        (
            "Итого",
            *(sum(line.hours[i] for line in view.teachers) or None for i in range(len(view.days))),
            view.total,
            sum(line.substitution_hours for line in view.teachers),
        )
    )
    return Table(
        title=(
            f"Табель учёта рабочего времени педагогических работников за {view.month:%m.%Y}"
            f" ({view.year} учебный год), проведённые уроки"
        ),
        header=(header,),
        rows=tuple(rows),
        sheet_name="Табель",
    )
