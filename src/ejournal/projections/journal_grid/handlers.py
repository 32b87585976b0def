"""What each event writes to the journal grid's tables."""

from __future__ import annotations

from ejournal.aggregates.class_journal import ClassJournal
from ejournal.aggregates.identity import school_year_id
from ejournal.aggregates.school_year import SchoolYear
from ejournal.aggregates.student import Student
from ejournal.marks import Attendance
from ejournal.projections import periods, stints
from ejournal.projections.conventions import column_value, late_columns
from ejournal.projections.read_model import Handlers
from ejournal.projections.writes import Writes

HANDLERS: Handlers[Writes] = Handlers(stints.handlers("grid"))
_on = HANDLERS.on


# --- the school year: its periods (who is in which class and subgroup: stints.handlers) -------


@_on(SchoolYear.Started)
def _year_started(e: SchoolYear.Started, _position: int, w: Writes) -> None:
    w.extend(periods.started("grid", e))


# --- students' names ----------------------------------------------------------------------------


@_on(Student.Admitted, Student.PersonalDataCorrected)
def _student_named(
    e: Student.Admitted | Student.PersonalDataCorrected, _position: int, w: Writes
) -> None:
    params = {"student_id": str(e.originator_id), "full_name": str(e.name)}
    w.add(
        """INSERT INTO grid_student_names (student_id, full_name)
        VALUES (%(student_id)s, %(full_name)s)
        ON CONFLICT (student_id) DO UPDATE SET full_name = excluded.full_name""",
        **params,
    )
    # A page may already list the student: the enrolment can come in an earlier batch.
    w.add(
        "UPDATE grid_page_students SET full_name = %(full_name)s WHERE student_id = %(student_id)s",
        **params,
    )


# --- the journal and its lessons ----------------------------------------------------------------


@_on(ClassJournal.Opened)
def _journal_opened(e: ClassJournal.Opened, _position: int, w: Writes) -> None:
    # The journal's year is named by its label; the SchoolYear aggregate's id follows from it.
    year_id = str(school_year_id(e.year))
    w.add(
        """INSERT INTO grid_journals
            (journal_id, year_id, year, class_code, grade, subject, subject_name, subgroup)
        VALUES (%(journal_id)s, %(year_id)s, %(year)s, %(class_code)s, %(grade)s, %(subject)s,
            %(subject_name)s, %(subgroup)s)
        ON CONFLICT (journal_id) DO UPDATE SET year_id = excluded.year_id,
            year = excluded.year, class_code = excluded.class_code, grade = excluded.grade,
            subject = excluded.subject, subject_name = excluded.subject_name,
            subgroup = excluded.subgroup""",
        journal_id=str(e.originator_id),
        year_id=year_id,
        year=e.year,
        class_code=e.class_code,
        grade=e.grade,
        subject=e.subject,
        subject_name=e.subject_name,
        subgroup=e.subgroup,
    )


@_on(ClassJournal.LessonHeld)
def _lesson_held(e: ClassJournal.LessonHeld, _position: int, w: Writes) -> None:
    lesson = e.lesson
    w.add(
        """INSERT INTO grid_lessons (lesson_id, journal_id, lesson_date, slot, topic, homework,
            taught_by, substitution_id, late, late_permission_id, corrected, previous_topic,
            previous_homework, correction_reason)
        VALUES (%(lesson_id)s, %(journal_id)s, %(lesson_date)s, %(slot)s, %(topic)s,
            %(homework)s, %(taught_by)s, %(substitution_id)s, %(late)s, %(late_permission_id)s,
            FALSE, NULL, NULL, NULL)
        ON CONFLICT (lesson_id) DO UPDATE SET journal_id = excluded.journal_id,
            lesson_date = excluded.lesson_date, slot = excluded.slot, topic = excluded.topic,
            homework = excluded.homework, taught_by = excluded.taught_by,
            substitution_id = excluded.substitution_id, late = excluded.late,
            late_permission_id = excluded.late_permission_id""",
        lesson_id=str(lesson.id),
        journal_id=str(e.originator_id),
        lesson_date=lesson.on.isoformat(),
        slot=lesson.slot,
        topic=lesson.topic,
        homework=lesson.homework,
        taught_by=str(lesson.taught_by),
        substitution_id=column_value(lesson.substitution_id),
        **late_columns(lesson.late),
    )


@_on(ClassJournal.LessonDetailsRecorded)
def _lesson_details_recorded(
    e: ClassJournal.LessonDetailsRecorded, _position: int, w: Writes
) -> None:
    # Details filled in late make the lesson's entry late too; an earlier flag is never undone.
    w.add(
        """UPDATE grid_lessons SET topic = COALESCE(%(topic)s, topic),
            homework = COALESCE(%(homework)s, homework), late = (late OR %(late)s),
            late_permission_id = COALESCE(late_permission_id, %(late_permission_id)s)
        WHERE lesson_id = %(lesson_id)s""",
        lesson_id=str(e.lesson_id),
        topic=e.topic,
        homework=e.homework,
        **late_columns(e.late),
    )


@_on(ClassJournal.LessonDetailsCorrected)
def _lesson_details_corrected(
    e: ClassJournal.LessonDetailsCorrected, _position: int, w: Writes
) -> None:
    w.add(
        """UPDATE grid_lessons SET topic = %(topic)s, homework = %(homework)s, corrected = TRUE,
            previous_topic = %(previous_topic)s, previous_homework = %(previous_homework)s,
            correction_reason = %(reason)s
        WHERE lesson_id = %(lesson_id)s""",
        lesson_id=str(e.lesson_id),
        topic=e.topic,
        homework=e.homework,
        previous_topic=e.previous_topic,
        previous_homework=e.previous_homework,
        reason=e.reason,
    )


# --- attendance ---------------------------------------------------------------------------------


@_on(ClassJournal.AttendanceRecorded)
def _attendance_recorded(e: ClassJournal.AttendanceRecorded, _position: int, w: Writes) -> None:
    w.add(
        """INSERT INTO grid_attendance (journal_id, lesson_id, student_id, status, absence_reason,
            valid, late, late_permission_id, corrected)
        VALUES (%(journal_id)s, %(lesson_id)s, %(student_id)s, %(status)s, NULL, NULL, %(late)s,
            %(late_permission_id)s, FALSE)
        ON CONFLICT (lesson_id, student_id) DO UPDATE SET journal_id = excluded.journal_id,
            status = excluded.status, late = excluded.late,
            late_permission_id = excluded.late_permission_id""",
        journal_id=str(e.originator_id),
        lesson_id=str(e.lesson_id),
        student_id=str(e.student_id),
        status=e.status.value,
        **late_columns(e.late),
    )


@_on(ClassJournal.AttendanceCorrected)
def _attendance_corrected(e: ClassJournal.AttendanceCorrected, _position: int, w: Writes) -> None:
    # As in the aggregate: a student corrected to present keeps no absence reason.
    present = e.status is Attendance.PRESENT
    w.add(
        """UPDATE grid_attendance SET status = %(status)s, corrected = TRUE,
            absence_reason = CASE WHEN %(present)s THEN NULL ELSE absence_reason END,
            valid = CASE WHEN %(present)s THEN NULL ELSE valid END
        WHERE lesson_id = %(lesson_id)s AND student_id = %(student_id)s""",
        lesson_id=str(e.lesson_id),
        student_id=str(e.student_id),
        status=e.status.value,
        present=present,
    )


@_on(ClassJournal.AbsenceReasonSet)
def _absence_reason_set(e: ClassJournal.AbsenceReasonSet, _position: int, w: Writes) -> None:
    w.add(
        """UPDATE grid_attendance SET absence_reason = %(absence_reason)s, valid = %(valid)s
        WHERE lesson_id = %(lesson_id)s AND student_id = %(student_id)s""",
        lesson_id=str(e.lesson_id),
        student_id=str(e.student_id),
        absence_reason=e.absence_reason.value,
        valid=e.absence_reason.is_valid,
    )


# --- marks --------------------------------------------------------------------------------------


@_on(ClassJournal.MarkRecorded)
def _mark_recorded(e: ClassJournal.MarkRecorded, _position: int, w: Writes) -> None:
    w.add(
        """INSERT INTO grid_marks (mark_id, journal_id, lesson_id, student_id, value,
            previous_value, work_kind, weight, comment, late, late_permission_id, corrected,
            voided, reason)
        VALUES (%(mark_id)s, %(journal_id)s, %(lesson_id)s, %(student_id)s, %(value)s, NULL,
            %(work_kind)s, %(weight)s, %(comment)s, %(late)s, %(late_permission_id)s, FALSE,
            FALSE, NULL)
        ON CONFLICT (mark_id) DO UPDATE SET journal_id = excluded.journal_id,
            lesson_id = excluded.lesson_id, student_id = excluded.student_id,
            value = excluded.value, work_kind = excluded.work_kind, weight = excluded.weight,
            comment = excluded.comment, late = excluded.late,
            late_permission_id = excluded.late_permission_id""",
        mark_id=str(e.mark_id),
        journal_id=str(e.originator_id),
        lesson_id=str(e.lesson_id),
        student_id=str(e.student_id),
        value=e.value,
        work_kind=e.work_kind.value,
        weight=e.weight,
        comment=e.comment,
        **late_columns(e.late),
    )


@_on(ClassJournal.MarkCorrected)
def _mark_corrected(e: ClassJournal.MarkCorrected, _position: int, w: Writes) -> None:
    w.add(
        """UPDATE grid_marks SET value = %(value)s, previous_value = %(previous)s,
            corrected = TRUE, reason = %(reason)s
        WHERE mark_id = %(mark_id)s""",
        mark_id=str(e.mark_id),
        value=e.value,
        previous=e.previous,
        reason=e.reason,
    )


@_on(ClassJournal.MarkVoided)
def _mark_voided(e: ClassJournal.MarkVoided, _position: int, w: Writes) -> None:
    # The value stays: a voided mark is shown struck out, not erased.
    w.add(
        "UPDATE grid_marks SET voided = TRUE, reason = %(reason)s WHERE mark_id = %(mark_id)s",
        mark_id=str(e.mark_id),
        reason=e.reason,
    )


@_on(ClassJournal.PeriodMarkRecorded)
def _period_mark_recorded(e: ClassJournal.PeriodMarkRecorded, _position: int, w: Writes) -> None:
    w.add(
        """INSERT INTO grid_period_marks (journal_id, period_id, student_id, value,
            previous_value, late, late_permission_id, corrected, reason)
        VALUES (%(journal_id)s, %(period_id)s, %(student_id)s, %(value)s, NULL, %(late)s,
            %(late_permission_id)s, FALSE, NULL)
        ON CONFLICT (journal_id, period_id, student_id) DO UPDATE SET value = excluded.value,
            late = excluded.late, late_permission_id = excluded.late_permission_id""",
        journal_id=str(e.originator_id),
        period_id=e.period_id,
        student_id=str(e.student_id),
        value=e.value,
        **late_columns(e.late),
    )


@_on(ClassJournal.PeriodMarkCorrected)
def _period_mark_corrected(e: ClassJournal.PeriodMarkCorrected, _position: int, w: Writes) -> None:
    w.add(
        """UPDATE grid_period_marks SET value = %(value)s, previous_value = %(previous)s,
            corrected = TRUE, reason = %(reason)s
        WHERE journal_id = %(journal_id)s AND period_id = %(period_id)s
            AND student_id = %(student_id)s""",
        journal_id=str(e.originator_id),
        period_id=e.period_id,
        student_id=str(e.student_id),
        value=e.value,
        previous=e.previous,
        reason=e.reason,
    )
