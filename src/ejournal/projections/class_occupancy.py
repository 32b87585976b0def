"""Class occupancy (наполняемость классов) for a date range or a period: per class, the students
enrolled at its start and end and at each month's start, who came and who left in between, and
the size of each subgroup.

School 77 §4.6.5 lists "Наполняемость классов" and "Динамика движения обучающихся по школе"
among the reports the deputy forms at the end of each period. Arrivals and departures are the
movement record's (Student events, as on the movement sheet): admissions and transfers in,
withdrawals and transfers out, counted so that the students at the start, plus those who came,
less those who left, are the students at the end (``moved_within``). A promotion moves a
student from one year's class to the next year's and so opens or closes a year: it is on the
movement sheet, not counted here as a coming or going within the year.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from ejournal.database import Cursor
from ejournal.projections.conventions import alphabetical
from ejournal.projections.reporting.calendar import months_of
from ejournal.projections.reporting.queries import (
    ReportModel,
    Roster,
    Span,
    classes,
    covers,
    journals,
    roster,
    year_facts,
)


def enrolled_on(students: dict[str, list[Span]], day: date) -> int:
    """How many of the students (each given by their days in a class) are in it on a day."""
    return sum(1 for spans in students.values() if covers(spans, day))


def moved_within(kind: str, on: date, start: date, end: date) -> bool:
    """Whether a movement on a day changes a class between the start of [start, end] and its
    end, so that students at the start + those who came − those who left = students at the end.

    An admission or a transfer is dated by the student's first day in the new class: one on the
    range's first day is already in the count at the start. A withdrawal is dated by the
    student's last day: one on the range's last day is still in the count at the end.
    """
    if kind == "withdrawn":
        return start <= on < end
    return start < on <= end


class MonthStart(ReportModel):
    month: date
    """The month's first day (the year's first day for its first month)."""
    students: int


class SubgroupSize(ReportModel):
    subject: str
    subject_name: str
    subgroup: str
    students: int
    """In the subgroup (and the class) on the range's last day."""


class OccupancyCounts(ReportModel):
    """Students at the start and end of the range, at each month's start, and the movement."""

    at_start: int
    admitted: int
    transferred_in: int
    transferred_out: int
    withdrawn: int
    at_end: int
    month_starts: tuple[MonthStart, ...]


class ClassOccupancy(OccupancyCounts):
    class_code: str
    grade: int
    subgroups: tuple[SubgroupSize, ...]


class ClassOccupancyView(ReportModel):
    """Наполняемость классов: every class of the year and the school as a whole."""

    kind: Literal["class_occupancy"] = "class_occupancy"
    year: str
    period_id: str | None
    start: date
    end: date
    classes: tuple[ClassOccupancy, ...]
    total: OccupancyCounts


_Movement = tuple[str, str | None, str | None]
"""(kind, from class, to class)."""


def class_occupancy(
    cursor: Cursor, year: str, start: date, end: date, *, period_id: str | None = None
) -> ClassOccupancyView:
    """The occupancy of every class of a year over [start, end]."""
    facts = year_facts(cursor, year)
    who = roster(cursor, facts)
    months = [max(m, facts.starts_on) for m in months_of(start, end)]
    cursor.execute(
        """SELECT kind, on_date, from_class, to_class FROM rpt_movements
        WHERE year = %(year)s AND on_date BETWEEN %(start)s AND %(end)s""",
        {"year": facts.label, "start": start.isoformat(), "end": end.isoformat()},
    )
    moves: list[_Movement] = [
        (r["kind"], r["from_class"], r["to_class"])
        for r in cursor.fetchall()
        if moved_within(r["kind"], date.fromisoformat(r["on_date"]), start, end)
    ]
    subject_names = {j.subject: j.subject_name for j in journals(cursor, facts)}
    lines = [
        _occupancy(who, code, grade, start, end, months, moves, subject_names)
        for code, grade in classes(cursor, facts).items()
    ]
    return ClassOccupancyView(
        year=year,
        period_id=period_id,
        start=start,
        end=end,
        classes=tuple(lines),
        total=OccupancyCounts(
            at_start=sum(c.at_start for c in lines),
            admitted=sum(c.admitted for c in lines),
            transferred_in=sum(c.transferred_in for c in lines),
            transferred_out=sum(c.transferred_out for c in lines),
            withdrawn=sum(c.withdrawn for c in lines),
            at_end=sum(c.at_end for c in lines),
            month_starts=tuple(
                MonthStart(month=m, students=sum(c.month_starts[i].students for c in lines))
                for i, m in enumerate(months)
            ),
        ),
    )


def _occupancy(
    who: Roster,
    class_code: str,
    grade: int,
    start: date,
    end: date,
    months: list[date],
    moves: list[_Movement],
    subject_names: dict[str, str],
) -> ClassOccupancy:
    students = who.classes.get(class_code, {})
    groups = []
    for (code, subject, subgroup), members in who.subgroups.items():
        if code != class_code:
            continue
        size = sum(
            1
            for student_id, spans in members.items()
            if covers(spans, end) and covers(students.get(student_id, ()), end)
        )
        groups.append(
            SubgroupSize(
                subject=subject,
                subject_name=subject_names.get(subject, subject),
                subgroup=subgroup,
                students=size,
            )
        )
    return ClassOccupancy(
        class_code=class_code,
        grade=grade,
        at_start=enrolled_on(students, start),
        admitted=_count(moves, "admitted", to_class=class_code),
        transferred_in=_count(moves, "transferred", to_class=class_code),
        transferred_out=_count(moves, "transferred", from_class=class_code),
        withdrawn=_count(moves, "withdrawn", from_class=class_code),
        at_end=enrolled_on(students, end),
        month_starts=tuple(MonthStart(month=m, students=enrolled_on(students, m)) for m in months),
        subgroups=tuple(
            sorted(groups, key=lambda g: (alphabetical(g.subject_name), g.subject, g.subgroup))
        ),
    )


def _count(
    moves: list[_Movement],
    kind: str,
    *,
    from_class: str | None = None,
    to_class: str | None = None,
) -> int:
    return sum(
        1
        for moved, source, target in moves
        if moved == kind
        and (from_class is None or source == from_class)
        and (to_class is None or target == to_class)
    )
