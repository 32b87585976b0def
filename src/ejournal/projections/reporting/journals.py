"""The facts of journals: teachers, plan, lessons, attendance, marks, late entries."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ejournal.aggregates.class_journal import ClassJournal, LateEntry
from ejournal.aggregates.identity import school_year_id
from ejournal.marks import Attendance
from ejournal.projections.read_model import Handlers
from ejournal.projections.writes import Writes

HANDLERS: Handlers[Writes] = Handlers()
_on = HANDLERS.on


# --- journals: teachers, plan, lessons, attendance, marks, late entries -------------------------


@_on(ClassJournal.Opened)
def _journal_opened(e: ClassJournal.Opened, _position: int, w: Writes) -> None:
    journal_id = str(e.originator_id)
    w.add(
        """INSERT INTO rpt_journals (journal_id, year_id, class_code, grade, subject,
            subject_name, subgroup, ktp_hours)
        VALUES (%(journal_id)s, %(year_id)s, %(class_code)s, %(grade)s, %(subject)s,
            %(subject_name)s, %(subgroup)s, NULL)
        ON CONFLICT (journal_id) DO UPDATE SET year_id = excluded.year_id,
            class_code = excluded.class_code, grade = excluded.grade,
            subject = excluded.subject, subject_name = excluded.subject_name,
            subgroup = excluded.subgroup""",
        journal_id=journal_id,
        # The journal names its year by label; the SchoolYear's id follows from it.
        year_id=str(school_year_id(e.year)),
        class_code=e.class_code,
        grade=e.grade,
        subject=e.subject,
        subject_name=e.subject_name,
        subgroup=e.subgroup,
    )
    for teacher in e.teachers:
        _teacher(w, journal_id, teacher)


def _teacher(w: Writes, journal_id: str, account_id: UUID) -> None:
    w.add(
        """INSERT INTO rpt_journal_teachers (journal_id, account_id)
        VALUES (%(journal_id)s, %(account_id)s)
        ON CONFLICT (journal_id, account_id) DO NOTHING""",
        journal_id=journal_id,
        account_id=str(account_id),
    )


@_on(ClassJournal.TeacherAssigned)
def _teacher_assigned(e: ClassJournal.TeacherAssigned, _position: int, w: Writes) -> None:
    _teacher(w, str(e.originator_id), e.account_id)


@_on(ClassJournal.TeacherRelieved)
def _teacher_relieved(e: ClassJournal.TeacherRelieved, _position: int, w: Writes) -> None:
    w.add(
        """DELETE FROM rpt_journal_teachers
        WHERE journal_id = %(journal_id)s AND account_id = %(account_id)s""",
        journal_id=str(e.originator_id),
        account_id=str(e.account_id),
    )


@_on(ClassJournal.KtpSet)
def _ktp_set(e: ClassJournal.KtpSet, _position: int, w: Writes) -> None:
    w.add(
        "UPDATE rpt_journals SET ktp_hours = %(hours)s WHERE journal_id = %(journal_id)s",
        journal_id=str(e.originator_id),
        hours=sum(item.hours for item in e.items),
    )


def _late_entry(
    w: Writes,
    position: int,
    e: Any,
    late: LateEntry | None,
    kind: str,
    *,
    lesson_id: UUID | None = None,
    period_id: str | None = None,
) -> None:
    """An entry made after its deadline under a deputy's permission, for the teacher who made
    it (DESIGN.md §4: flagged late everywhere, monitoring included)."""
    if late is None:
        return
    w.add(
        """INSERT INTO rpt_late_entries (position, journal_id, teacher_id, kind, lesson_id,
            period_id)
        VALUES (%(position)s, %(journal_id)s, %(teacher_id)s, %(kind)s, %(lesson_id)s,
            %(period_id)s)
        ON CONFLICT (position) DO NOTHING""",
        position=position,
        journal_id=str(e.originator_id),
        teacher_id=str(e.actor.account_id),
        kind=kind,
        lesson_id=str(lesson_id) if lesson_id is not None else None,
        period_id=period_id,
    )


@_on(ClassJournal.LessonHeld)
def _lesson_held(e: ClassJournal.LessonHeld, position: int, w: Writes) -> None:
    lesson = e.lesson
    w.add(
        """INSERT INTO rpt_lessons (lesson_id, journal_id, lesson_date, has_topic, has_homework)
        VALUES (%(lesson_id)s, %(journal_id)s, %(lesson_date)s, %(has_topic)s, %(has_homework)s)
        ON CONFLICT (lesson_id) DO UPDATE SET journal_id = excluded.journal_id,
            lesson_date = excluded.lesson_date, has_topic = excluded.has_topic,
            has_homework = excluded.has_homework""",
        lesson_id=str(lesson.id),
        journal_id=str(e.originator_id),
        lesson_date=lesson.on.isoformat(),
        has_topic=lesson.topic is not None,
        has_homework=lesson.homework is not None,
    )
    _late_entry(w, position, e, lesson.late, "lesson", lesson_id=lesson.id)


@_on(ClassJournal.LessonDetailsRecorded)
def _lesson_details_recorded(
    e: ClassJournal.LessonDetailsRecorded, position: int, w: Writes
) -> None:
    w.add(
        """UPDATE rpt_lessons SET has_topic = (has_topic OR %(topic)s),
            has_homework = (has_homework OR %(homework)s)
        WHERE lesson_id = %(lesson_id)s""",
        lesson_id=str(e.lesson_id),
        topic=e.topic is not None,
        homework=e.homework is not None,
    )
    _late_entry(w, position, e, e.late, "lesson_details", lesson_id=e.lesson_id)


@_on(ClassJournal.LessonDetailsCorrected)
def _lesson_details_corrected(
    e: ClassJournal.LessonDetailsCorrected, _position: int, w: Writes
) -> None:
    w.add(
        """UPDATE rpt_lessons SET has_topic = %(topic)s, has_homework = %(homework)s
        WHERE lesson_id = %(lesson_id)s""",
        lesson_id=str(e.lesson_id),
        topic=e.topic is not None,
        homework=e.homework is not None,
    )


@_on(ClassJournal.AttendanceRecorded)
def _attendance_recorded(e: ClassJournal.AttendanceRecorded, position: int, w: Writes) -> None:
    w.add(
        """INSERT INTO rpt_attendance (lesson_id, student_id, journal_id, status, valid)
        VALUES (%(lesson_id)s, %(student_id)s, %(journal_id)s, %(status)s, NULL)
        ON CONFLICT (lesson_id, student_id) DO UPDATE SET journal_id = excluded.journal_id,
            status = excluded.status""",
        lesson_id=str(e.lesson_id),
        student_id=str(e.student_id),
        journal_id=str(e.originator_id),
        status=e.status.value,
    )
    _late_entry(w, position, e, e.late, "attendance", lesson_id=e.lesson_id)


@_on(ClassJournal.AttendanceCorrected)
def _attendance_corrected(e: ClassJournal.AttendanceCorrected, _position: int, w: Writes) -> None:
    # As in the aggregate: a student corrected to present keeps no absence reason.
    w.add(
        """UPDATE rpt_attendance SET status = %(status)s,
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
        """UPDATE rpt_attendance SET valid = %(valid)s
        WHERE lesson_id = %(lesson_id)s AND student_id = %(student_id)s""",
        lesson_id=str(e.lesson_id),
        student_id=str(e.student_id),
        valid=e.absence_reason.is_valid,
    )


@_on(ClassJournal.MarkRecorded)
def _mark_recorded(e: ClassJournal.MarkRecorded, position: int, w: Writes) -> None:
    w.add(
        """INSERT INTO rpt_marks (mark_id, journal_id, lesson_id, student_id, value, weight,
            voided)
        VALUES (%(mark_id)s, %(journal_id)s, %(lesson_id)s, %(student_id)s, %(value)s,
            %(weight)s, FALSE)
        ON CONFLICT (mark_id) DO UPDATE SET journal_id = excluded.journal_id,
            lesson_id = excluded.lesson_id, student_id = excluded.student_id,
            value = excluded.value, weight = excluded.weight""",
        mark_id=str(e.mark_id),
        journal_id=str(e.originator_id),
        lesson_id=str(e.lesson_id),
        student_id=str(e.student_id),
        value=e.value,
        weight=e.weight,
    )
    _late_entry(w, position, e, e.late, "mark", lesson_id=e.lesson_id)


@_on(ClassJournal.MarkCorrected)
def _mark_corrected(e: ClassJournal.MarkCorrected, _position: int, w: Writes) -> None:
    w.add(
        "UPDATE rpt_marks SET value = %(value)s WHERE mark_id = %(mark_id)s",
        mark_id=str(e.mark_id),
        value=e.value,
    )


@_on(ClassJournal.MarkVoided)
def _mark_voided(e: ClassJournal.MarkVoided, _position: int, w: Writes) -> None:
    # The row stays, flagged: a voided mark counts nowhere, but the log still holds it.
    w.add("UPDATE rpt_marks SET voided = TRUE WHERE mark_id = %(mark_id)s", mark_id=str(e.mark_id))


@_on(ClassJournal.PeriodMarkRecorded)
def _period_mark_recorded(e: ClassJournal.PeriodMarkRecorded, position: int, w: Writes) -> None:
    _late_entry(w, position, e, e.late, "period_mark", period_id=e.period_id)
