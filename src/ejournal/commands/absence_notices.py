"""A parent's advance notice of their child's absence, and the class teacher turning one into the
reason for the absences it covers.

The parent tells the school (Gymnasium 2 §3.7: the parent, the legal representative, speaks for
the child); the reason itself stays the class teacher's to set (Lyceum 68 §3.5.3; School 77
§4.3.12; Gymnasium 2 §7.4), through the one absence-reason command.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from pydantic import Field

from ejournal.access import followed_child, require_class_teacher_of, require_role, resolve
from ejournal.aggregates.student import AbsenceNotice, Student
from ejournal.application import Recorded, School
from ejournal.commands.attendance import SetAbsenceReason, set_absence_reason
from ejournal.commands.command import Command
from ejournal.errors import NotFoundError
from ejournal.marks import AbsenceReason
from ejournal.roles import Actor, Role
from ejournal.text import Comment, Label


class GiveAbsenceNotice(Command):
    """A parent tells the school their child will be absent: which days, optionally which
    lessons of each, and why."""

    student_id: UUID
    start: date
    end: date
    first_slot: int | None = Field(default=None, ge=0, le=12)
    last_slot: int | None = Field(default=None, ge=0, le=12)
    text: Comment


def give_absence_notice(school: School, actor: Actor, cmd: GiveAbsenceNotice) -> Recorded:
    def attempt() -> Recorded:
        account = resolve(school, actor)
        require_role(actor, Role.PARENT, action="a notice of absence")
        if account is None:
            raise NotFoundError("no such student")
        followed_child(school, account, cmd.student_id)
        student = school.student(cmd.student_id)
        if student.year is None:
            raise NotFoundError("no such student")
        year = school.year_view(student.year)
        year.check_within(cmd.start, "the first day of the notice")
        year.check_within(cmd.end, "the last day of the notice")
        notice = AbsenceNotice(
            id=uuid4(),
            start=cmd.start,
            end=cmd.end,
            first_slot=cmd.first_slot,
            last_slot=cmd.last_slot,
            text=cmd.text,
            given_by=actor.account_id,
        )
        student.give_absence_notice(notice, actor)
        return school.record(student, ids={"notice_id": notice.id})

    return school.run(attempt)


class ApplyAbsenceNotice(Command):
    """The class teacher takes a parent's notice as the reason for the absences it covers."""

    year: Label
    class_code: Label
    student_id: UUID
    notice_id: UUID
    absence_reason: AbsenceReason
    note: Comment | None = None


def notice_of_class(
    school: School, year: str, class_code: str, student_id: UUID, notice_id: UUID
) -> tuple[Student, AbsenceNotice]:
    """A notice of a student who was in the class that year; any other is not found."""
    school_year = school.year_view(year)
    if not any(s.place == class_code for s in school_year.class_stints.get(student_id, ())):
        raise NotFoundError("no such notice")
    student = school.view(Student, student_id, "student")
    notice = student.absence_notices().get(notice_id)
    if notice is None:
        raise NotFoundError("no such notice")
    return student, notice


def apply_absence_notice(school: School, actor: Actor, cmd: ApplyAbsenceNotice) -> Recorded:
    """Set the reason for every absence of the student in the class's journals the notice
    covers, through ``set_absence_reason``; the note names the notice."""
    account = resolve(school, actor)
    require_class_teacher_of(actor, account, cmd.year, cmd.class_code)
    _, notice = notice_of_class(school, cmd.year, cmd.class_code, cmd.student_id, cmd.notice_id)
    note = cmd.note or f"уведомление родителя: {notice.text}"
    return set_absence_reason(
        school,
        actor,
        SetAbsenceReason(
            year=cmd.year,
            class_code=cmd.class_code,
            student_id=cmd.student_id,
            start=notice.start,
            end=notice.end,
            first_slot=notice.first_slot,
            last_slot=notice.last_slot,
            absence_reason=cmd.absence_reason,
            note=note[:500],
        ),
    )
