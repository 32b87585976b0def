"""A teacher's everyday reads: the journals they keep or substitute in, and their lessons of a
day or a week from the timetable, each with what is filled in and when each entry is due.

The teacher comes from ``ejournal.access.teacher_schedule`` (a teacher their own, the
administration anyone's). Deadlines come from the one function commands judge entries by
(``ejournal.commands.timing.lesson_deadline``): the school's regulation profile, in its time
zone, on its working-day calendar.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from ejournal.access import taught_journals
from ejournal.aggregates.account import Account
from ejournal.aggregates.class_journal import ClassJournal, Lesson, Substitution
from ejournal.aggregates.school_year import SchoolYear
from ejournal.application import School
from ejournal.commands.timing import is_school_day, lesson_deadline
from ejournal.errors import Clause
from ejournal.marks import Attendance, WorkKind
from ejournal.policy.deadlines import EntryKind

LONGEST_RANGE = timedelta(days=13)
"""The most days one read of a teacher's lessons spans past its first: two school weeks."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class TaughtJournal(_Frozen):
    """A journal a teacher keeps (``teacher``) or substitutes in (``substitute``)."""

    journal_id: UUID
    year: str
    class_code: str
    grade: int
    subject: str
    subject_name: str
    subgroup: str | None
    role: Literal["teacher", "substitute"]
    lessons_held: int


def journals_of(school: School, teacher: Account, year: str) -> list[TaughtJournal]:
    """The journals of a year the teacher keeps or substitutes in, in one answer."""
    return [
        TaughtJournal(
            journal_id=j.id,
            year=j.year,
            class_code=j.class_code,
            grade=j.grade,
            subject=j.subject,
            subject_name=j.subject_name,
            subgroup=j.subgroup,
            role="teacher" if teacher.id in j.teachers else "substitute",
            lessons_held=len(j.lessons),
        )
        for j in taught_journals(school, teacher, year)
    ]


class EntryDue(_Frozen):
    """When one entry of a lesson is due under the school's regulation."""

    entry: Literal["topic", "homework", "attendance", "mark"]
    work_kind: WorkKind | None
    """For a mark: the kind of work the deadline is for (oral answers: the lesson's own)."""
    closes_at: datetime
    """The last moment the entry is accepted, in the school's zone."""
    passed: bool
    rule: str
    clause: Clause


class Filled(_Frozen):
    """What a held lesson's record holds."""

    topic: bool
    homework: bool
    attendance: int
    """Students with attendance recorded (absent or late)."""
    absent: int
    marks: int
    """Current marks (a voided mark does not count)."""


class SubstitutionPublic(_Frozen):
    substitution_id: UUID
    substitute_id: UUID
    replaced_id: UUID | None
    reason: str


class LessonSlot(_Frozen):
    """One lesson of the teacher's day: from the timetable, a substitution, or held besides."""

    on: date
    slot: int
    starts_at: time | None
    ends_at: time | None
    journal_id: UUID
    class_code: str
    subject: str
    subject_name: str
    subgroup: str | None
    source: Literal["timetable", "substitution", "held"]
    """Why the slot is the teacher's: their journal's timetable, a substitution, or a lesson
    of their journal held outside the timetable."""
    substitution: SubstitutionPublic | None
    """A substitution for this lesson: the teacher's own, or someone else's in their journal."""
    held: bool
    lesson_id: UUID | None
    topic: str | None
    homework: str | None
    homework_due: date | None
    filled: Filled | None
    """What the record holds, once the lesson is held."""
    late: bool
    """Recorded after its deadline under a deputy's permission."""
    deadlines: tuple[EntryDue, ...]


class TeacherDay(_Frozen):
    on: date
    lessons: tuple[LessonSlot, ...]


class TeacherLessons(_Frozen):
    """A teacher's lessons day by day, every day of the range listed."""

    teacher_id: UUID
    year: str
    start: date
    end: date
    days: tuple[TeacherDay, ...]


_ENTRIES: tuple[tuple[EntryKind, WorkKind | None], ...] = (
    (EntryKind.TOPIC, None),
    (EntryKind.HOMEWORK, None),
    (EntryKind.ATTENDANCE, None),
    (EntryKind.MARK, WorkKind.ORAL),
)


def lessons_of(
    school: School, teacher: Account, year: str, start: date, end: date
) -> TeacherLessons:
    """The teacher's lessons from ``start`` to ``end`` (inclusive) on the class's school days:
    the slots of their journals in the class's timetable, the lessons a deputy assigned them as a
    substitute, and their journals' lessons held outside the timetable; each with whether it is
    held and filled in, and when each entry is due."""
    school_year = school.year_view(year)
    journals = taught_journals(school, teacher, year)
    now = school.clock.now()
    days = []
    day = start
    while day <= end:
        slots = _day(school_year, journals, teacher.id, day)
        days.append(
            TeacherDay(
                on=day,
                lessons=tuple(
                    _slot(school_year, journal, day, slot, source, now)
                    for (slot, _), (journal, source) in sorted(slots.items())
                ),
            )
        )
        day += timedelta(days=1)
    return TeacherLessons(teacher_id=teacher.id, year=year, start=start, end=end, days=tuple(days))


_Source = Literal["timetable", "substitution", "held"]


def _day(
    year: SchoolYear, journals: list[ClassJournal], teacher_id: UUID, day: date
) -> dict[tuple[int, str], tuple[ClassJournal, _Source]]:
    """The teacher's slots of a day, keyed by (slot, journal id)."""
    found: dict[tuple[int, str], tuple[ClassJournal, _Source]] = {}
    for journal in journals:
        key = str(journal.id)
        if teacher_id in journal.teachers and is_school_day(year, journal.class_code, day):
            for entry in year.timetable.get(journal.class_code, ()):
                if entry.journal_id == journal.id and entry.weekday == day.isoweekday():
                    found[(entry.slot, key)] = (journal, "timetable")
        for sub in journal.substitutions.values():
            if sub.on == day and sub.substitute_id == teacher_id and not sub.cancelled:
                found.setdefault((sub.slot, key), (journal, "substitution"))
        if teacher_id in journal.teachers:
            for lesson in journal.lessons.values():
                if lesson.on == day:
                    found.setdefault((lesson.slot, key), (journal, "held"))
    return found


def _slot(
    year: SchoolYear,
    journal: ClassJournal,
    day: date,
    slot: int,
    source: _Source,
    now: datetime,
) -> LessonSlot:
    lesson = journal.lesson_at(day, slot)
    bell = year.bells.get(slot)
    substitution = next(
        (
            s
            for s in journal.substitutions.values()
            if s.on == day and s.slot == slot and not s.cancelled
        ),
        None,
    )
    return LessonSlot(
        on=day,
        slot=slot,
        starts_at=bell.start if bell else None,
        ends_at=bell.end if bell else None,
        journal_id=journal.id,
        class_code=journal.class_code,
        subject=journal.subject,
        subject_name=journal.subject_name,
        subgroup=journal.subgroup,
        source=source,
        substitution=_substitution(substitution),
        held=lesson is not None,
        lesson_id=lesson.id if lesson else None,
        topic=lesson.topic if lesson else None,
        homework=lesson.homework if lesson else None,
        homework_due=lesson.homework_due if lesson else None,
        filled=_filled(journal, lesson) if lesson else None,
        late=lesson is not None and lesson.late is not None,
        deadlines=_deadlines(year, journal, day, slot, now),
    )


def _substitution(substitution: Substitution | None) -> SubstitutionPublic | None:
    if substitution is None:
        return None
    return SubstitutionPublic(
        substitution_id=substitution.id,
        substitute_id=substitution.substitute_id,
        replaced_id=substitution.replaced_id,
        reason=substitution.reason,
    )


def _filled(journal: ClassJournal, lesson: Lesson) -> Filled:
    prefix = f"{lesson.id}/"
    entries = [e for key, e in journal.attendance.items() if key.startswith(prefix)]
    return Filled(
        topic=lesson.topic is not None,
        homework=lesson.homework is not None,
        attendance=sum(1 for e in entries if e.status is not Attendance.PRESENT),
        absent=sum(1 for e in entries if e.status is Attendance.ABSENT),
        marks=sum(1 for m in journal.marks.values() if m.lesson_id == lesson.id and not m.voided),
    )


def _deadlines(
    year: SchoolYear, journal: ClassJournal, day: date, slot: int, now: datetime
) -> tuple[EntryDue, ...]:
    dues = []
    for entry, work_kind in _ENTRIES:
        deadline = lesson_deadline(
            year,
            journal.class_code,
            journal.subject,
            entry=entry,
            on=day,
            slot=slot,
            work_kind=work_kind,
        )
        if deadline is None:
            continue
        dues.append(
            EntryDue(
                entry=entry.value,
                work_kind=work_kind,
                closes_at=deadline.closes_at,
                passed=now > deadline.closes_at,
                rule=deadline.rule,
                clause=deadline.clause,
            )
        )
    return tuple(dues)
