"""The student roll (движение учащихся): admission, transfer between classes, withdrawal, moves
between subgroups, and a student's record.

Admission, transfer and withdrawal are the secretary's or the administrator's (Lyceum 68 §3.8.3). A
student's record is read by them, by the deputy and director, and by the class teacher of the
student's class, who keeps it current (Lyceum 68 §3.5.2; School 77 §4.3.7): the core's
``student_record`` decides. Any other role gets 403 whatever the id (a role that reads no student
learns nothing from an answer); a student who does not exist, or another class's, is 404.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from api.commanding import RecordedPublic, Run
from api.dependencies import (
    CurrentRollReader,
    CurrentSecretary,
    CurrentSession,
    SchoolApp,
    acting_as,
)
from api.schemas.requests import IsoDate, RequestModel
from api.schemas.school_year import SchoolYearLabel, YearLabel
from ejournal.access import student_record
from ejournal.aggregates.student import Student
from ejournal.commands import students
from ejournal.roles import Actor, Role
from ejournal.text import Label, Name, Reason

router = APIRouter()

CurrentSubgroupKeeper = Annotated[
    Actor, Depends(acting_as(Role.ADMINISTRATOR, Role.DEPUTY, Role.CLASS_TEACHER))
]
"""Who may ask to place or move a student in a subgroup; the profile decides who may move one."""


class PersonNameRequest(RequestModel):
    """A Russian full name: фамилия, имя, отчество (the last may be absent)."""

    last: Name = Field(examples=["Алексеев"])
    first: Name = Field(examples=["Артём"])
    patronymic: Name | None = Field(default=None, examples=["Игоревич"])


class AdmissionRequest(RequestModel):
    """A student admitted into a class by an order."""

    name: PersonNameRequest
    birth_date: IsoDate
    class_code: Label = Field(examples=["5А"])
    on: IsoDate
    """The first day in the class; inside the school year."""
    order: Name = Field(examples=["№ 101-у от 28.08.2026"])


class TransferRequest(RequestModel):
    """A move to another class of the same year by an order."""

    year: YearLabel
    to_class: Label = Field(examples=["5Б"])
    on: IsoDate
    """The first day in the new class."""
    order: Name
    reason: Reason


class WithdrawalRequest(RequestModel):
    """A student leaving the school (выбытие) by an order."""

    year: YearLabel
    on: IsoDate
    """The last day at the school."""
    reason: Reason
    destination: Name | None = None
    """Where the student goes (another school), when known."""
    order: Name


class SubgroupMoveRequest(RequestModel):
    """The subgroup of a subject a student belongs to from a date."""

    subject: Label = Field(examples=["foreign_language"])
    subgroup: Label = Field(examples=["2"])
    on: IsoDate


class PersonNamePublic(BaseModel):
    """A student's full name, in parts and as documents print it."""

    last: str
    first: str
    patronymic: str | None
    full: str
    """As documents print it: "Алексеев Артём Игоревич"."""


class MovementPublic(BaseModel):
    """One line of the movement record."""

    kind: Literal["admitted", "transferred", "promoted", "withdrawn", "subgroup"]
    on: date
    year: str
    from_place: str | None
    to_place: str | None
    order: str | None
    reason: str | None


class StudentPublic(BaseModel):
    """A student's record on the roll (guardians' personal data is not shown here)."""

    student_id: UUID
    name: PersonNamePublic
    birth_date: date
    class_code: str | None
    """The class now; none once withdrawn."""
    year: str | None
    withdrawn: bool
    guardians: int
    """How many guardians are recorded."""
    movements: list[MovementPublic]

    @classmethod
    def of(cls, student: Student) -> StudentPublic:
        return cls(
            student_id=student.id,
            name=PersonNamePublic(**student.name.model_dump(), full=str(student.name)),
            birth_date=student.birth_date,
            class_code=student.class_code,
            year=student.year,
            withdrawn=student.withdrawn,
            guardians=len(student.guardians),
            movements=[MovementPublic.model_validate(m.model_dump()) for m in student.movements],
        )


@router.post("/years/{year}/students", status_code=201, summary="Admit a student")
def admit_student(
    keeper: CurrentSecretary, label: SchoolYearLabel, body: AdmissionRequest, run: Run
) -> RecordedPublic:
    """Admit a student into a class of the year by an order; the answer carries the
    ``student_id``."""
    return run(
        students.admit_student, keeper, students.AdmitStudent(year=label, **body.model_dump())
    )


@router.get("/students/{student_id}", summary="A student's record")
def read_student(
    reader: CurrentRollReader, student_id: UUID, session: CurrentSession, school: SchoolApp
) -> StudentPublic:
    """A student's name, birth date, class, movement record and how many guardians are
    recorded."""
    return StudentPublic.of(student_record(school, session.account, student_id))


@router.post("/students/{student_id}/transfer", status_code=201, summary="Transfer a student")
def transfer_student(
    keeper: CurrentSecretary, student_id: UUID, body: TransferRequest, run: Run
) -> RecordedPublic:
    """Move a student to another class of the same year by an order; the journals of the old
    class stop listing them the day before, the new class's list them from ``on``."""
    return run(
        students.transfer_student,
        keeper,
        students.TransferStudent(student_id=student_id, **body.model_dump()),
    )


@router.post("/students/{student_id}/withdrawal", status_code=201, summary="Withdraw a student")
def withdraw_student(
    keeper: CurrentSecretary, student_id: UUID, body: WithdrawalRequest, run: Run
) -> RecordedPublic:
    """Record that a student leaves the school by an order; ``on`` is their last day."""
    return run(
        students.withdraw_student,
        keeper,
        students.WithdrawStudent(student_id=student_id, **body.model_dump()),
    )


@router.post(
    "/years/{year}/students/{student_id}/subgroups",
    status_code=201,
    summary="Place a student in a subgroup",
)
def move_to_subgroup(
    keeper: CurrentSubgroupKeeper,
    label: SchoolYearLabel,
    student_id: UUID,
    body: SubgroupMoveRequest,
    run: Run,
) -> RecordedPublic:
    """Place a student in a subgroup of a subject, or move them to another one.

    The first placement is the split made at the start of a year or period (administrator,
    deputy or class teacher). A move between subgroups follows the school's profile: who may
    make it (School 77 §4.4.9: the administrator only; School 117 §4.2: also the class teacher)
    and when (School 77: only at a period's end, within the profile's days of a period
    boundary), never backdated. A move mid-period is refused with the rule
    ``subgroups.only_at_period_end`` and its clause.
    """
    return run(
        students.move_to_subgroup,
        keeper,
        students.MoveToSubgroup(year=label, student_id=student_id, **body.model_dump()),
    )
