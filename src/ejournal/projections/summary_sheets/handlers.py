"""What each event writes to the summary sheets' tables."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from ejournal.aggregates.class_journal import ClassJournal
from ejournal.aggregates.identity import school_year_id
from ejournal.aggregates.school_year import SchoolYear
from ejournal.aggregates.student import Student
from ejournal.marks import Attendance
from ejournal.projections import periods, stints
from ejournal.projections.read_model import Handlers
from ejournal.projections.writes import Writes

HANDLERS: Handlers[Writes] = Handlers(stints.handlers("sheet", subgroups=False))
_on = HANDLERS.on


# --- the year: its periods and classes (who is in which class: stints.handlers) -----------------


@_on(SchoolYear.Started)
def _year_started(e: SchoolYear.Started, _position: int, w: Writes) -> None:
    year_id = str(e.originator_id)
    w.add(
        """INSERT INTO sheet_years (year_id, label) VALUES (%(year_id)s, %(label)s)
        ON CONFLICT (year_id) DO UPDATE SET label = excluded.label""",
        year_id=year_id,
        label=e.label,
    )
    w.extend(periods.started("sheet", e))


@_on(SchoolYear.ClassFormed)
def _class_formed(e: SchoolYear.ClassFormed, _position: int, w: Writes) -> None:
    w.add(
        """INSERT INTO sheet_classes (year_id, class_code, grade)
        VALUES (%(year_id)s, %(class_code)s, %(grade)s)
        ON CONFLICT (year_id, class_code) DO UPDATE SET grade = excluded.grade""",
        year_id=str(e.originator_id),
        class_code=e.school_class.code,
        grade=e.school_class.grade,
    )


# --- students and their movement (движение учащихся) --------------------------------------------

_MOVEMENT = """INSERT INTO sheet_movements (position, student_id, year, kind, on_date, from_class,
        to_class, order_number, reason, destination)
    VALUES (%(position)s, %(student_id)s, %(year)s, %(kind)s, %(on)s, %(from_class)s,
        %(to_class)s, %(order)s, %(reason)s, %(destination)s)
    ON CONFLICT (position) DO NOTHING"""

# Transfers and withdrawals name no year: they belong to the year the student is in, which the
# students table holds as of this event (the statement reads another table, so the write buffer
# runs it in its place in the log).
_MOVEMENT_IN_CURRENT_YEAR = """INSERT INTO sheet_movements (position, student_id, year, kind,
        on_date, from_class, to_class, order_number, reason, destination)
    SELECT %(position)s, student_id, year, %(kind)s, %(on)s, class_code, %(to_class)s,
        %(order)s, %(reason)s, %(destination)s
    FROM sheet_students WHERE student_id = %(student_id)s
    ON CONFLICT (position) DO NOTHING"""


def _movement(
    w: Writes,
    statement: str,
    position: int,
    student_id: UUID,
    kind: str,
    on: date,
    order: str,
    **fields: Any,
) -> None:
    """A row of the movement sheet: what every movement has, and the ``fields`` of this one."""
    params: dict[str, Any] = {
        "position": position,
        "student_id": str(student_id),
        "kind": kind,
        "on": on.isoformat(),
        "order": order,
        "from_class": None,
        "to_class": None,
        "reason": None,
        "destination": None,
    }
    w.add(statement, **(params | fields))


def _place(w: Writes, student_id: UUID, year: str, class_code: str | None) -> None:
    w.add(
        """UPDATE sheet_students SET year = %(year)s, class_code = %(class_code)s
        WHERE student_id = %(student_id)s""",
        student_id=str(student_id),
        year=year,
        class_code=class_code,
    )


@_on(Student.Admitted)
def _admitted(e: Student.Admitted, position: int, w: Writes) -> None:
    w.add(
        """INSERT INTO sheet_students (student_id, full_name, year, class_code)
        VALUES (%(student_id)s, %(full_name)s, %(year)s, %(class_code)s)
        ON CONFLICT (student_id) DO UPDATE SET full_name = excluded.full_name,
            year = excluded.year, class_code = excluded.class_code""",
        student_id=str(e.originator_id),
        full_name=str(e.name),
        year=e.year,
        class_code=e.class_code,
    )
    _movement(
        w,
        _MOVEMENT,
        position,
        e.originator_id,
        "admitted",
        e.on,
        e.order,
        year=e.year,
        to_class=e.class_code,
    )


@_on(Student.PersonalDataCorrected)
def _renamed(e: Student.PersonalDataCorrected, _position: int, w: Writes) -> None:
    w.add(
        "UPDATE sheet_students SET full_name = %(full_name)s WHERE student_id = %(student_id)s",
        student_id=str(e.originator_id),
        full_name=str(e.name),
    )


@_on(Student.Transferred)
def _transferred(e: Student.Transferred, position: int, w: Writes) -> None:
    _movement(
        w,
        _MOVEMENT_IN_CURRENT_YEAR,
        position,
        e.originator_id,
        "transferred",
        e.on,
        e.order,
        to_class=e.to_class,
        reason=e.reason,
    )
    w.add(
        "UPDATE sheet_students SET class_code = %(class_code)s WHERE student_id = %(student_id)s",
        student_id=str(e.originator_id),
        class_code=e.to_class,
    )


@_on(Student.Promoted)
def _promoted(e: Student.Promoted, position: int, w: Writes) -> None:
    # A promotion closes the year it leaves: it is listed in that year's movement sheet.
    _movement(
        w,
        _MOVEMENT,
        position,
        e.originator_id,
        "promoted",
        e.on,
        e.order,
        year=e.from_year,
        from_class=e.from_class,
        to_class=e.to_class,
    )
    _place(w, e.originator_id, e.to_year, e.to_class)


@_on(Student.Withdrawn)
def _withdrawn(e: Student.Withdrawn, position: int, w: Writes) -> None:
    _movement(
        w,
        _MOVEMENT_IN_CURRENT_YEAR,
        position,
        e.originator_id,
        "withdrawn",
        e.on,
        e.order,
        reason=e.reason,
        destination=e.destination,
    )
    w.add(
        "UPDATE sheet_students SET class_code = NULL WHERE student_id = %(student_id)s",
        student_id=str(e.originator_id),
    )


# --- journals: lessons, attendance, period marks ------------------------------------------------


@_on(ClassJournal.Opened)
def _journal_opened(e: ClassJournal.Opened, _position: int, w: Writes) -> None:
    w.add(
        """INSERT INTO sheet_journals (journal_id, year_id, class_code, subject, subject_name)
        VALUES (%(journal_id)s, %(year_id)s, %(class_code)s, %(subject)s, %(subject_name)s)
        ON CONFLICT (journal_id) DO UPDATE SET year_id = excluded.year_id,
            class_code = excluded.class_code, subject = excluded.subject,
            subject_name = excluded.subject_name""",
        journal_id=str(e.originator_id),
        year_id=str(school_year_id(e.year)),
        class_code=e.class_code,
        subject=e.subject,
        subject_name=e.subject_name,
    )


@_on(ClassJournal.LessonHeld)
def _lesson_held(e: ClassJournal.LessonHeld, _position: int, w: Writes) -> None:
    w.add(
        """INSERT INTO sheet_lessons (lesson_id, journal_id, lesson_date)
        VALUES (%(lesson_id)s, %(journal_id)s, %(lesson_date)s)
        ON CONFLICT (lesson_id) DO UPDATE SET journal_id = excluded.journal_id,
            lesson_date = excluded.lesson_date""",
        lesson_id=str(e.lesson.id),
        journal_id=str(e.originator_id),
        lesson_date=e.lesson.on.isoformat(),
    )


@_on(ClassJournal.AttendanceRecorded)
def _attendance_recorded(e: ClassJournal.AttendanceRecorded, _position: int, w: Writes) -> None:
    w.add(
        """INSERT INTO sheet_attendance (lesson_id, student_id, journal_id, status, valid)
        VALUES (%(lesson_id)s, %(student_id)s, %(journal_id)s, %(status)s, NULL)
        ON CONFLICT (lesson_id, student_id) DO UPDATE SET journal_id = excluded.journal_id,
            status = excluded.status""",
        lesson_id=str(e.lesson_id),
        student_id=str(e.student_id),
        journal_id=str(e.originator_id),
        status=e.status.value,
    )


@_on(ClassJournal.AttendanceCorrected)
def _attendance_corrected(e: ClassJournal.AttendanceCorrected, _position: int, w: Writes) -> None:
    # As in the aggregate: a student corrected to present keeps no absence reason.
    w.add(
        """UPDATE sheet_attendance SET status = %(status)s,
            valid = CASE WHEN %(present)s THEN NULL ELSE valid END
        WHERE lesson_id = %(lesson_id)s AND student_id = %(student_id)s""",
        lesson_id=str(e.lesson_id),
        student_id=str(e.student_id),
        status=e.status.value,
        present=e.status is Attendance.PRESENT,
    )


@_on(ClassJournal.AbsenceReasonSet)
def _absence_reason_set(e: ClassJournal.AbsenceReasonSet, _position: int, w: Writes) -> None:
    w.add(
        """UPDATE sheet_attendance SET valid = %(valid)s
        WHERE lesson_id = %(lesson_id)s AND student_id = %(student_id)s""",
        lesson_id=str(e.lesson_id),
        student_id=str(e.student_id),
        valid=e.absence_reason.is_valid,
    )


@_on(ClassJournal.PeriodMarkRecorded, ClassJournal.PeriodMarkCorrected)
def _period_mark(
    e: ClassJournal.PeriodMarkRecorded | ClassJournal.PeriodMarkCorrected,
    _position: int,
    w: Writes,
) -> None:
    # Only the current value matters here; the grid and the audit trail show what it replaced.
    w.add(
        """INSERT INTO sheet_period_marks (journal_id, period_id, student_id, value)
        VALUES (%(journal_id)s, %(period_id)s, %(student_id)s, %(value)s)
        ON CONFLICT (journal_id, period_id, student_id) DO UPDATE SET value = excluded.value""",
        journal_id=str(e.originator_id),
        period_id=e.period_id,
        student_id=str(e.student_id),
        value=e.value,
    )
