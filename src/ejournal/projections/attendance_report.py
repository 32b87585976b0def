"""The monthly attendance report of a class (Отчет о посещаемости класса (по месяцам)).

School 77 §4.3.10 lists it among the class teacher's reports and §4.6.5 among the deputy's
("Отчет о посещаемости класса (по месяцам)"); Gymnasium 2 §4.4 and §6.2 have the deputies
analyse "посещаемость и системную непосещаемость обучающихся". Per month of the year: the
lessons held in the class's journals, the student-lessons (each student on a lesson's page
counts once for it), the lessons missed and of them for a valid reason, and the attendance
rate; the same per student, so a systematic absence shows. No regulation sets the number of
misses that makes an absence "systematic": the report gives the counts and the rates and leaves
that judgement to its reader.

Coming late is not missing a lesson (as on the attendance sheet). A subgroup's lesson counts for
the students on that subgroup's page only.
"""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from ejournal.database import Cursor
from ejournal.marks import Attendance
from ejournal.projections.conventions import alphabetical
from ejournal.projections.reporting.calendar import months_of
from ejournal.projections.reporting.queries import (
    ReportModel,
    ReportNotProjectedError,
    classes,
    covers,
    journals,
    percent,
    roster,
    student_names,
    year_facts,
)


def attendance_rate(student_lessons: int, missed: int) -> float | None:
    """Посещаемость, %: the share of student-lessons attended (present or late), rounded to a
    tenth; None when there were no lessons."""
    return percent(student_lessons - missed, student_lessons)


class AttendanceCount(ReportModel):
    """Student-lessons, lessons missed and of them for a valid reason, and the rate."""

    student_lessons: int
    missed: int
    valid: int
    """Missed for a valid reason (уважительная причина) the class teacher recorded."""
    rate: float | None

    @classmethod
    def of(cls, student_lessons: int, missed: int, valid: int) -> AttendanceCount:
        return cls(
            student_lessons=student_lessons,
            missed=missed,
            valid=valid,
            rate=attendance_rate(student_lessons, missed),
        )


class MonthAttendance(AttendanceCount):
    """One month of the class or of a student."""

    month: date
    """The month's first day."""


class ClassMonth(MonthAttendance):
    """One month of the class as a whole."""

    lessons: int
    """Lessons held in the class's journals (a lesson of each subgroup counts)."""


class StudentAttendance(ReportModel):
    student_id: UUID
    full_name: str
    months: tuple[MonthAttendance, ...]
    total: AttendanceCount


class ClassAttendanceView(ReportModel):
    """Отчет о посещаемости класса (по месяцам): the class and each student, month by month."""

    kind: Literal["class_attendance"] = "class_attendance"
    year: str
    class_code: str
    months: tuple[ClassMonth, ...]
    students: tuple[StudentAttendance, ...]
    lessons: int
    total: AttendanceCount


def class_attendance(
    cursor: Cursor,
    year: str,
    class_code: str,
    start: date | None = None,
    end: date | None = None,
) -> ClassAttendanceView:
    """The month-by-month attendance of a class over its school year, or over the days from
    ``start`` to ``end`` (a reporting period: its first and last months counted in part)."""
    facts = year_facts(cursor, year)
    if class_code not in classes(cursor, facts):
        raise ReportNotProjectedError(f"no class {class_code} in school year {year}")
    first = max(start, facts.starts_on) if start is not None else facts.starts_on
    last = min(end, facts.ends_on) if end is not None else facts.ends_on
    months = months_of(first, last)
    pages = {j.journal_id: j for j in journals(cursor, facts, class_code)}
    who = roster(cursor, facts, class_code)
    on_page = {journal_id: who.page(journal) for journal_id, journal in pages.items()}
    cursor.execute(
        """SELECT l.lesson_id, l.journal_id, l.lesson_date FROM rpt_lessons l
            JOIN rpt_journals j ON j.journal_id = l.journal_id
        WHERE j.year_id = %(year_id)s AND j.class_code = %(class_code)s""",
        {"year_id": facts.year_id, "class_code": class_code},
    )
    lessons = [
        lesson
        for lesson in cursor.fetchall()
        if first <= date.fromisoformat(lesson["lesson_date"]) <= last
    ]
    cursor.execute(
        """SELECT a.lesson_id, a.student_id, a.valid FROM rpt_attendance a
            JOIN rpt_journals j ON j.journal_id = a.journal_id
        WHERE j.year_id = %(year_id)s AND j.class_code = %(class_code)s
            AND a.status = %(absent)s""",
        {"year_id": facts.year_id, "class_code": class_code, "absent": Attendance.ABSENT.value},
    )
    absences: dict[str, dict[str, bool]] = {}
    for r in cursor.fetchall():
        absences.setdefault(r["lesson_id"], {})[r["student_id"]] = bool(r["valid"])
    held: dict[date, int] = {}
    # (student, month) -> [student-lessons, missed, valid]
    counts: dict[tuple[str, date], list[int]] = {}
    for lesson in lessons:
        day = date.fromisoformat(lesson["lesson_date"])
        month = day.replace(day=1)
        held[month] = held.get(month, 0) + 1
        missed = absences.get(lesson["lesson_id"], {})
        page = on_page[lesson["journal_id"]]
        # An absence the journal accepted counts even if a later stint change moved the student
        # off the page that day: the rate never goes below zero.
        present = {s for s, spans in page.items() if covers(spans, day)} | set(missed)
        for student_id in present:
            cell = counts.setdefault((student_id, month), [0, 0, 0])
            cell[0] += 1
            valid = missed.get(student_id)
            if valid is not None:
                cell[1] += 1
                cell[2] += int(valid)
    names = student_names(cursor)
    students = []
    in_class = who.classes.get(class_code, {})
    for student_id in sorted(in_class, key=lambda s: (alphabetical(names.get(s, "")), s)):
        cells = [counts.get((student_id, m), [0, 0, 0]) for m in months]
        students.append(
            StudentAttendance(
                student_id=UUID(student_id),
                full_name=names.get(student_id, ""),
                months=tuple(
                    MonthAttendance(
                        month=m,
                        student_lessons=c[0],
                        missed=c[1],
                        valid=c[2],
                        rate=attendance_rate(c[0], c[1]),
                    )
                    for m, c in zip(months, cells, strict=True)
                ),
                total=AttendanceCount.of(*(sum(c[i] for c in cells) for i in range(3))),
            )
        )
    by_month = []
    for m in months:
        cells = [c for (_, month), c in counts.items() if month == m]
        sums = [sum(c[i] for c in cells) for i in range(3)]
        by_month.append(
            ClassMonth(
                month=m,
                lessons=held.get(m, 0),
                student_lessons=sums[0],
                missed=sums[1],
                valid=sums[2],
                rate=attendance_rate(sums[0], sums[1]),
            )
        )
    return ClassAttendanceView(
        year=year,
        class_code=class_code,
        months=tuple(by_month),
        students=tuple(students),
        lessons=sum(m.lessons for m in by_month),
        total=AttendanceCount.of(
            sum(m.student_lessons for m in by_month),
            sum(m.missed for m in by_month),
            sum(m.valid for m in by_month),
        ),
    )
