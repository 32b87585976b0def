"""Attendance: recording who was absent or late, correcting it, and the class teacher's
absence reasons (Lyceum 68 §3.5.3; School 77 §4.3.12; Gymnasium 2 §7.4)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import Field

from ejournal.access import (
    can_read_journal,
    class_teacher_correcting,
    require_class_teacher_of,
    resolve,
    visible_journal,
    writer_of_lesson,
)
from ejournal.application import Recorded, School
from ejournal.commands.command import Command
from ejournal.commands.marking import check_absence
from ejournal.commands.timing import check_correction_window, lateness
from ejournal.errors import NotFoundError
from ejournal.marks import AbsenceReason, Attendance
from ejournal.policy.deadlines import EntryKind
from ejournal.roles import Actor
from ejournal.text import Comment, Label, Reason


class RecordAttendance(Command):
    """Record the attendance of one or more students at a held lesson."""

    journal_id: UUID
    lesson_id: UUID
    attendance: dict[UUID, Attendance] = Field(min_length=1)


def record_attendance(school: School, actor: Actor, cmd: RecordAttendance) -> Recorded:
    def attempt() -> Recorded:
        account = resolve(school, actor)
        journal = visible_journal(school, actor, account, cmd.journal_id)
        year = school.year_view(journal.year)
        year.check_open()
        lesson = journal.lesson(cmd.lesson_id)
        writer_of_lesson(actor, journal, lesson.on, lesson.slot, year.profile)
        late = lateness(
            year, journal, entry=EntryKind.ATTENDANCE, on=lesson.on, slot=lesson.slot, actor=actor
        )
        roster = year.roster(year.journals[journal.id], lesson.on)
        for student_id, status in cmd.attendance.items():
            if status is Attendance.ABSENT:
                check_absence(year, journal, lesson, student_id)
            journal.record_attendance(lesson.id, student_id, status, late, roster, actor)
        return school.record(journal)

    return school.run(attempt)


class CorrectAttendance(Command):
    journal_id: UUID
    lesson_id: UUID
    student_id: UUID
    status: Attendance
    reason: Reason


def correct_attendance(school: School, actor: Actor, cmd: CorrectAttendance) -> Recorded:
    def attempt() -> Recorded:
        account = resolve(school, actor)
        journal = school.journal(cmd.journal_id)
        if account is not None and not can_read_journal(account, journal):
            raise NotFoundError("no such journal")
        lesson = journal.lesson(cmd.lesson_id)
        year = school.year_view(journal.year)
        # The class teacher corrects attendance in the class's journals (School 77 §4.3.8,
        # Lyceum 68 §3.5.1); anyone else writes as the lesson's teacher or substitute.
        corrector = class_teacher_correcting(actor, account, journal, lesson.on, lesson.slot)
        if corrector is None:
            journal = visible_journal(school, actor, account, cmd.journal_id)
            writer_of_lesson(actor, journal, lesson.on, lesson.slot, year.profile)
            corrector = actor
        year.check_open()
        check_correction_window(
            year, year.profile.corrections.attendance_window, lesson.on, record="attendance"
        )
        if cmd.status is Attendance.ABSENT:
            check_absence(year, journal, lesson, cmd.student_id)
        journal.correct_attendance(cmd.lesson_id, cmd.student_id, cmd.status, cmd.reason, corrector)
        return school.record(journal)

    return school.run(attempt)


class SetAbsenceReason(Command):
    """The class teacher records why a student missed lessons: for every absence of that
    student in every journal of the class between two dates (a certificate covers days)."""

    year: Label
    class_code: Label
    student_id: UUID
    start: date
    end: date
    absence_reason: AbsenceReason
    note: Comment | None = None
    reason: Reason | None = None
    """Why an absence reason already recorded is changed."""
    first_slot: int | None = Field(default=None, ge=0, le=12)
    """Only lessons from this one of each day (a notice of a few lessons' absence)."""
    last_slot: int | None = Field(default=None, ge=0, le=12)
    """Only lessons up to this one of each day."""


def set_absence_reason(school: School, actor: Actor, cmd: SetAbsenceReason) -> Recorded:
    def attempt() -> Recorded:
        account = resolve(school, actor)
        require_class_teacher_of(actor, account, cmd.year, cmd.class_code)
        year = school.year_view(cmd.year)
        year.check_open()
        touched = []
        for journal_id in year.journals_of(cmd.class_code):
            journal = school.journal(journal_id)
            changed = False
            for lesson in journal.lessons.values():
                if not cmd.start <= lesson.on <= cmd.end or not _in_slots(cmd, lesson.slot):
                    continue
                entry = journal.attendance_of(lesson.id, cmd.student_id)
                if (
                    entry is None
                    or entry.status is Attendance.PRESENT
                    or entry.reason is cmd.absence_reason
                ):
                    continue
                journal.set_absence_reason(
                    lesson.id, cmd.student_id, cmd.absence_reason, cmd.note, cmd.reason, actor
                )
                changed = True
            if changed:
                touched.append(journal)
        if not touched:
            raise NotFoundError(
                "no absence of this student without this reason between those dates"
            )
        return school.record(*touched)

    return school.run(attempt)


def _in_slots(cmd: SetAbsenceReason, slot: int) -> bool:
    return (cmd.first_slot is None or cmd.first_slot <= slot) and (
        cmd.last_slot is None or slot <= cmd.last_slot
    )
