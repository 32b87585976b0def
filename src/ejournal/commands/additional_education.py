"""Students' additional education (дополнительное образование): the clubs and sections a
student attends, recorded and followed by the class teacher (Gymnasium 2 §7.8: "Контролируют
занятость учеников в системе дополнительного образования")."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from ejournal.access import require_role, resolve
from ejournal.aggregates.student import AdditionalEducation, Student
from ejournal.application import Recorded, School
from ejournal.commands.command import Command
from ejournal.errors import NotFoundError
from ejournal.roles import ADMINISTRATION, Actor, Role
from ejournal.text import Name

READERS = (Role.CLASS_TEACHER, *sorted(ADMINISTRATION))
"""The class teacher of the student's class, and the administration."""


def require_in_scope(school: School, actor: Actor, student: Student, *, write: bool) -> None:
    """A student's additional education is the class teacher's of the student's class (Gymnasium
    2 §7.8), who writes it; the administration reads it. Another class's student is out of
    scope and looks exactly like a missing one."""
    account = resolve(school, actor)
    if actor.role is Role.CLASS_TEACHER:
        if (
            account is None
            or student.year is None
            or student.class_code is None
            or not account.leads(student.year, student.class_code)
        ):
            raise NotFoundError("no such student")
        return
    if write:
        require_role(actor, Role.CLASS_TEACHER, action="recording additional education")
    else:
        require_role(actor, *READERS, action="reading additional education")


class RecordAdditionalEducation(Command):
    student_id: UUID
    name: Name
    organisation: Name
    start: date
    end: date | None = None


def record_additional_education(
    school: School, actor: Actor, cmd: RecordAdditionalEducation
) -> Recorded:
    def attempt() -> Recorded:
        student = school.student(cmd.student_id)
        require_in_scope(school, actor, student, write=True)
        activity = AdditionalEducation(id=uuid4(), **cmd.model_dump(exclude={"student_id"}))
        student.record_additional_education(activity, actor)
        return school.record(student, ids={"activity_id": activity.id})

    return school.run(attempt)


class EndAdditionalEducation(Command):
    student_id: UUID
    activity_id: UUID
    on: date
    """The last day attended."""


def end_additional_education(school: School, actor: Actor, cmd: EndAdditionalEducation) -> Recorded:
    def attempt() -> Recorded:
        student = school.student(cmd.student_id)
        require_in_scope(school, actor, student, write=True)
        student.end_additional_education(cmd.activity_id, cmd.on, actor)
        return school.record(student)

    return school.run(attempt)


def additional_education(
    school: School, actor: Actor, student_id: UUID
) -> list[AdditionalEducation]:
    """A student's clubs and sections, by their first day."""
    student = school.view(Student, student_id, "student")
    require_in_scope(school, actor, student, write=False)
    return sorted(student.activities().values(), key=lambda a: (a.start, a.name))
