"""What each event writes to the diary's tables."""

from __future__ import annotations

from ejournal.aggregates.class_journal import ClassJournal
from ejournal.aggregates.identity import school_year_id
from ejournal.aggregates.school_year import SchoolYear
from ejournal.marks import Attendance, ResultKind
from ejournal.projections import stints
from ejournal.projections.conventions import column_value
from ejournal.projections.read_model import Handlers
from ejournal.projections.writes import Writes

HANDLERS: Handlers[Writes] = Handlers(stints.handlers("diary"))
_on = HANDLERS.on


# --- the school year: its periods (who is in which class and subgroup: stints.handlers) -------


@_on(SchoolYear.Started)
def _year_started(e: SchoolYear.Started, _position: int, w: Writes) -> None:
    # The year's results (year, exam and final marks: "Y", "E", "F") stand as periods of the
    # whole year ending on its last day, so a family sees them in the diary (School 77 §9.4).
    first = min(p.start for p in e.periods)
    rows = [(p.id, p.name, p.start, p.end) for p in e.periods] + [
        (kind.period_id, kind.title_ru, first, e.ends_on) for kind in ResultKind
    ]
    for period_id, name, start, end in rows:
        w.add(
            """INSERT INTO diary_periods (year_id, period_id, name, start_date, end_date)
            VALUES (%(year_id)s, %(period_id)s, %(name)s, %(start_date)s, %(end_date)s)
            ON CONFLICT (year_id, period_id) DO UPDATE SET name = excluded.name,
                start_date = excluded.start_date, end_date = excluded.end_date""",
            year_id=str(e.originator_id),
            period_id=period_id,
            name=name,
            start_date=start.isoformat(),
            end_date=end.isoformat(),
        )


# --- journals and lessons -----------------------------------------------------------------------


@_on(ClassJournal.Opened)
def _journal_opened(e: ClassJournal.Opened, _position: int, w: Writes) -> None:
    w.add(
        """INSERT INTO diary_journals
                (journal_id, year_id, year, class_code, subject, subject_name, subgroup)
            VALUES (%(journal_id)s, %(year_id)s, %(year)s, %(class_code)s, %(subject)s,
                %(subject_name)s, %(subgroup)s)
            ON CONFLICT (journal_id) DO UPDATE SET year_id = excluded.year_id,
                year = excluded.year, class_code = excluded.class_code,
                subject = excluded.subject, subject_name = excluded.subject_name,
                subgroup = excluded.subgroup""",
        journal_id=str(e.originator_id),
        # The journal names its year by label; the SchoolYear's id follows from it.
        year_id=str(school_year_id(e.year)),
        year=e.year,
        class_code=e.class_code,
        subject=e.subject,
        subject_name=e.subject_name,
        subgroup=e.subgroup,
    )


@_on(ClassJournal.LessonHeld)
def _lesson_held(e: ClassJournal.LessonHeld, _position: int, w: Writes) -> None:
    lesson = e.lesson
    w.add(
        """INSERT INTO diary_lessons (lesson_id, journal_id, lesson_date, slot, topic,
                homework, homework_due)
            VALUES (%(lesson_id)s, %(journal_id)s, %(lesson_date)s, %(slot)s, %(topic)s,
                %(homework)s, %(homework_due)s)
            ON CONFLICT (lesson_id) DO UPDATE SET journal_id = excluded.journal_id,
                lesson_date = excluded.lesson_date, slot = excluded.slot,
                topic = excluded.topic, homework = excluded.homework,
                homework_due = excluded.homework_due""",
        lesson_id=str(lesson.id),
        journal_id=str(e.originator_id),
        lesson_date=lesson.on.isoformat(),
        slot=lesson.slot,
        topic=lesson.topic,
        homework=lesson.homework,
        homework_due=column_value(lesson.homework_due),
    )


@_on(ClassJournal.LessonDetailsRecorded)
def _lesson_details_recorded(
    e: ClassJournal.LessonDetailsRecorded, _position: int, w: Writes
) -> None:
    w.add(
        """UPDATE diary_lessons SET topic = COALESCE(%(topic)s, topic),
                homework = COALESCE(%(homework)s, homework),
                homework_due = CASE WHEN %(set_homework)s THEN %(homework_due)s
                    ELSE homework_due END
            WHERE lesson_id = %(lesson_id)s""",
        lesson_id=str(e.lesson_id),
        topic=e.topic,
        homework=e.homework,
        set_homework=e.homework is not None,
        homework_due=column_value(e.homework_due),
    )


@_on(ClassJournal.LessonDetailsCorrected)
def _lesson_details_corrected(
    e: ClassJournal.LessonDetailsCorrected, _position: int, w: Writes
) -> None:
    w.add(
        """UPDATE diary_lessons SET topic = %(topic)s, homework = %(homework)s,
                homework_due = %(homework_due)s
            WHERE lesson_id = %(lesson_id)s""",
        lesson_id=str(e.lesson_id),
        topic=e.topic,
        homework=e.homework,
        homework_due=column_value(e.homework_due),
    )


# --- attendance ---------------------------------------------------------------------------------


@_on(ClassJournal.AttendanceRecorded)
def _attendance_recorded(e: ClassJournal.AttendanceRecorded, _position: int, w: Writes) -> None:
    w.add(
        """INSERT INTO diary_attendance (lesson_id, student_id, journal_id, status,
                absence_reason, valid)
            VALUES (%(lesson_id)s, %(student_id)s, %(journal_id)s, %(status)s, NULL, NULL)
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
        """UPDATE diary_attendance SET status = %(status)s,
                absence_reason = CASE WHEN %(present)s THEN NULL ELSE absence_reason END,
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
        """UPDATE diary_attendance SET absence_reason = %(absence_reason)s, valid = %(valid)s
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
        """INSERT INTO diary_marks (mark_id, journal_id, lesson_id, student_id, value,
                work_kind, weight, comment, voided)
            VALUES (%(mark_id)s, %(journal_id)s, %(lesson_id)s, %(student_id)s, %(value)s,
                %(work_kind)s, %(weight)s, %(comment)s, FALSE)
            ON CONFLICT (mark_id) DO UPDATE SET journal_id = excluded.journal_id,
                lesson_id = excluded.lesson_id, student_id = excluded.student_id,
                value = excluded.value, work_kind = excluded.work_kind,
                weight = excluded.weight, comment = excluded.comment""",
        mark_id=str(e.mark_id),
        journal_id=str(e.originator_id),
        lesson_id=str(e.lesson_id),
        student_id=str(e.student_id),
        value=e.value,
        work_kind=e.work_kind.value,
        weight=e.weight,
        comment=e.comment,
    )


@_on(ClassJournal.MarkCorrected)
def _mark_corrected(e: ClassJournal.MarkCorrected, _position: int, w: Writes) -> None:
    w.add(
        "UPDATE diary_marks SET value = %(value)s WHERE mark_id = %(mark_id)s",
        mark_id=str(e.mark_id),
        value=e.value,
    )


@_on(ClassJournal.MarkVoided)
def _mark_voided(e: ClassJournal.MarkVoided, _position: int, w: Writes) -> None:
    # The row stays, flagged: the diary hides it, the log still holds it.
    w.add(
        "UPDATE diary_marks SET voided = TRUE WHERE mark_id = %(mark_id)s", mark_id=str(e.mark_id)
    )


@_on(ClassJournal.PeriodMarkRecorded, ClassJournal.PeriodMarkCorrected)
def _period_mark(
    e: ClassJournal.PeriodMarkRecorded | ClassJournal.PeriodMarkCorrected, _position: int, w: Writes
) -> None:
    w.add(
        """INSERT INTO diary_period_marks (journal_id, period_id, student_id, value)
            VALUES (%(journal_id)s, %(period_id)s, %(student_id)s, %(value)s)
            ON CONFLICT (journal_id, period_id, student_id) DO UPDATE SET value = excluded.value""",
        journal_id=str(e.originator_id),
        period_id=e.period_id,
        student_id=str(e.student_id),
        value=e.value,
    )
