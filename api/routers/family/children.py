"""The children an account follows: a parent's children, or a student themself (read-only;
Gymnasium 2 §3.1, §3.8). Any other student does not exist for them.

The diary and the marks come with the read models; only the roll is here.
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel

from api.dependencies import CurrentFamily, CurrentSession, SchoolApp
from api.schemas.people import PersonNamePublic
from api.schemas.school_year import url_label
from ejournal.access import followed_student, followed_students
from ejournal.aggregates.student import Student
from ejournal.commands.timing import local_today

router = APIRouter()


class ChildPublic(BaseModel):
    """A student the account follows."""

    id: UUID
    name: PersonNamePublic
    class_code: str | None
    """The class the student is in now; null once they have left the school."""
    year: str | None
    """The school year of that class, as "2026-2027"."""


class GuardianPublic(BaseModel):
    name: PersonNamePublic
    relation: Literal["mother", "father", "guardian", "other"]


class ChildDetailPublic(ChildPublic):
    """One child: their class, guardians and whether consent to personal-data processing is in
    force today."""

    guardians: list[GuardianPublic]
    consent_in_force: bool


def _child(student: Student) -> ChildPublic:
    return ChildPublic(
        id=student.id,
        name=PersonNamePublic.of(student.name),
        class_code=student.class_code,
        year=url_label(student.year) if student.year else None,
    )


@router.get("/family/children", summary="The children one follows")
def list_children(
    family: CurrentFamily, session: CurrentSession, school: SchoolApp
) -> list[ChildPublic]:
    """A parent's children, or a student themself."""
    return sorted(
        (_child(student) for student in followed_students(school, session.account)),
        key=lambda child: (child.name.full, str(child.id)),
    )


@router.get("/family/children/{student_id}", summary="One child")
def read_child(
    student_id: UUID, family: CurrentFamily, session: CurrentSession, school: SchoolApp
) -> ChildDetailPublic:
    """One child the account follows; any other student answers exactly as a missing one."""
    student = followed_student(school, session.account, student_id)
    today = (
        local_today(school.year_view(student.year), school.clock.now()) if student.year else None
    )
    return ChildDetailPublic(
        **_child(student).model_dump(),
        guardians=[
            GuardianPublic(name=PersonNamePublic.of(g.name), relation=g.relation)
            for g in student.guardians.values()
        ],
        consent_in_force=today is not None and student.has_consent(today),
    )
