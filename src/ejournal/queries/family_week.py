"""A family's week in one answer: the child's timetable day by day, the lessons held (topics,
homework, marks, absences, from the diary read model), and the homework due each day, not only
where it was set.

The child comes from ``ejournal.access.diary_of`` (a parent's own child, a student themself,
with consent in force where the school requires it).
"""

from __future__ import annotations

from datetime import date, time, timedelta
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from ejournal.aggregates.class_journal import ClassJournal
from ejournal.aggregates.school_year import SchoolYear
from ejournal.aggregates.student import Student
from ejournal.application import School
from ejournal.commands.timing import is_school_day
from ejournal.database import Cursor
from ejournal.errors import NotFoundError
from ejournal.projections.diary.queries import (
    DiaryLesson,
    DiaryPeriodMark,
    HomeworkDue,
    diary_week,
    homework_due_between,
)

WEEK = timedelta(days=6)
"""A week: its first day and six more."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class TimetableSlot(_Frozen):
    """A lesson of the child's timetable on a day: the class's, in the child's subgroups."""

    slot: int
    starts_at: time | None
    ends_at: time | None
    journal_id: UUID
    subject: str
    subject_name: str


class FamilyDay(_Frozen):
    on: date
    school_day: bool
    """Whether the child's class has lessons that day (not a weekend, holiday or closure)."""
    timetable: tuple[TimetableSlot, ...]
    lessons: tuple[DiaryLesson, ...]
    """The lessons held, as the diary shows them."""
    homework_due: tuple[HomeworkDue, ...]
    """The homework due that day, wherever it was set."""
    period_marks: tuple[DiaryPeriodMark, ...]


class FamilyWeek(_Frozen):
    student_id: UUID
    start: date
    end: date
    days: tuple[FamilyDay, ...]


def family_week(school: School, cursor: Cursor, student: Student, start: date) -> FamilyWeek:
    """The child's week from ``start``: timetable, lessons held and homework due, per day."""
    end = start + WEEK
    diary = diary_week(cursor, student.id, start, end)
    due: dict[date, list[HomeworkDue]] = {}
    for homework in homework_due_between(cursor, student.id, start, end):
        due.setdefault(homework.due, []).append(homework)
    year = _year_of(school, student)
    names: dict[UUID, str] = {}
    days = []
    for diary_day in diary.days:
        day = diary_day.on
        class_code = year.class_of(student.id, day) if year is not None else None
        school_day = (
            year is not None and class_code is not None and is_school_day(year, class_code, day)
        )
        timetable: tuple[TimetableSlot, ...] = ()
        if school_day and year is not None and class_code is not None:
            timetable = _timetable(school, year, student.id, class_code, day, names)
        days.append(
            FamilyDay(
                on=day,
                school_day=school_day,
                timetable=timetable,
                lessons=diary_day.lessons,
                homework_due=tuple(due.get(day, ())),
                period_marks=diary_day.period_marks,
            )
        )
    return FamilyWeek(student_id=student.id, start=start, end=end, days=tuple(days))


def _year_of(school: School, student: Student) -> SchoolYear | None:
    if student.year is None:
        return None
    try:
        return school.year_view(student.year)
    except NotFoundError:
        return None


def _timetable(
    school: School,
    year: SchoolYear,
    student_id: UUID,
    class_code: str,
    day: date,
    names: dict[UUID, str],
) -> tuple[TimetableSlot, ...]:
    slots = []
    for entry in year.timetable.get(class_code, ()):
        ref = year.journals.get(entry.journal_id)
        if entry.weekday != day.isoweekday() or ref is None:
            continue
        if not year.is_on_roster(student_id, ref, day):
            continue  # another subgroup's lesson
        if entry.journal_id not in names:
            names[entry.journal_id] = school.view(
                ClassJournal, entry.journal_id, "journal"
            ).subject_name
        bell = year.bells.get(entry.slot)
        slots.append(
            TimetableSlot(
                slot=entry.slot,
                starts_at=bell.start if bell else None,
                ends_at=bell.end if bell else None,
                journal_id=entry.journal_id,
                subject=ref.subject,
                subject_name=names[entry.journal_id],
            )
        )
    return tuple(sorted(slots, key=lambda s: (s.slot, s.subject_name)))
