"""A student's record as the class teacher keeps it: guardians, consent to personal-data
processing, and corrections of personal data (Lyceum 68 §3.5.2, §3.5.7; Gymnasium 2 §1.5, §7.1).

The core lets the class teacher of the student's class do this (and the secretary and the
administrator, on their own routes).
"""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.commanding import RecordedPublic, Run
from api.dependencies import CurrentRollKeeper, CurrentRollReader, CurrentSession, SchoolApp
from api.schemas.people import PersonNamePublic, PersonNameRequest
from api.schemas.requests import IsoDate, RequestModel
from ejournal.access import student_record
from ejournal.commands import students
from ejournal.commands.timing import local_today
from ejournal.text import Address, Label, Name, Reason

router = APIRouter()


class GuardianRequest(RequestModel):
    """A parent or other legal representative (законный представитель)."""

    name: PersonNameRequest
    relation: Literal["mother", "father", "guardian", "other"]
    phone: Label | None = None
    email: Address | None = None
    address: Address | None = None
    account_id: UUID | None = Field(
        default=None, description="The guardian's own account in this school, if they have one."
    )


class GuardianRemovalRequest(RequestModel):
    reason: Reason = Field(description="Why the guardian is no longer recorded.")


class ConsentRequest(RequestModel):
    """Written consent to processing the student's personal data."""

    given_by: UUID | None = Field(
        default=None,
        description="The recorded guardian who signed; null when the student signed as an adult.",
    )
    given_on: IsoDate
    document: Name = Field(description="The signed document, e.g. its number.")


class ConsentWithdrawalRequest(RequestModel):
    on: IsoDate = Field(description="The day the consent ends.")
    reason: Reason


class PersonalDataCorrectionRequest(RequestModel):
    """The student's name and birth date as they should read; the old ones stay in the log."""

    name: PersonNameRequest
    birth_date: IsoDate
    reason: Reason = Field(description="Why, e.g. the document the correction follows.")


class GuardianPublic(BaseModel):
    """A guardian as the record holds them."""

    id: UUID
    name: PersonNamePublic
    relation: Literal["mother", "father", "guardian", "other"]
    phone: str | None
    email: str | None
    address: str | None
    account_id: UUID | None


class ConsentPublic(BaseModel):
    """A written consent to personal-data processing, as recorded."""

    id: UUID
    given_by: UUID | None
    given_on: date
    document: str
    withdrawn_on: date | None


class StudentFamilyPublic(BaseModel):
    """A student's guardians and consents, for whoever keeps them current."""

    student_id: UUID
    guardians: list[GuardianPublic]
    consents: list[ConsentPublic]
    consent_in_force: bool
    """Whether a consent is in force today at the school."""


@router.get("/students/{student_id}/family", summary="A student's guardians and consents")
def read_student_family(
    student_id: UUID, reader: CurrentRollReader, session: CurrentSession, school: SchoolApp
) -> StudentFamilyPublic:
    """The guardians (with their contacts and accounts) and the consents recorded for a
    student: for the roll keepers, the administration and the class teacher of the student's
    class, who keeps them current (Lyceum 68 §3.5.2; School 77 §4.3.7; Gymnasium 2 §7.1)."""
    student = student_record(school, session.account, student_id)
    today = (
        local_today(school.year_view(student.year), school.clock.now()) if student.year else None
    )
    return StudentFamilyPublic(
        student_id=student.id,
        guardians=[
            GuardianPublic(
                id=g.id,
                name=PersonNamePublic.of(g.name),
                relation=g.relation,
                phone=g.phone,
                email=g.email,
                address=g.address,
                account_id=g.account_id,
            )
            for g in student.guardians.values()
        ],
        consents=[ConsentPublic.model_validate(c.model_dump()) for c in student.consents.values()],
        consent_in_force=today is not None and student.has_consent(today),
    )


@router.post("/students/{student_id}/guardians", status_code=201, summary="Add a guardian")
def add_guardian(
    student_id: UUID, body: GuardianRequest, keeper: CurrentRollKeeper, run: Run
) -> RecordedPublic:
    """Record a parent or other legal representative of a student; answers the guardian's id."""
    return run(
        students.add_guardian,
        keeper,
        students.AddGuardian(
            student_id=student_id,
            name=body.name.person_name(),
            relation=body.relation,
            phone=body.phone,
            email=body.email,
            address=body.address,
            account_id=body.account_id,
        ),
    )


@router.post(
    "/students/{student_id}/guardians/{guardian_id}/removal",
    status_code=201,
    summary="Remove a guardian",
)
def remove_guardian(
    student_id: UUID,
    guardian_id: UUID,
    body: GuardianRemovalRequest,
    keeper: CurrentRollKeeper,
    run: Run,
) -> RecordedPublic:
    """Stop recording a guardian of a student, with the reason; the history keeps them."""
    return run(
        students.remove_guardian,
        keeper,
        students.RemoveGuardian(student_id=student_id, guardian_id=guardian_id, reason=body.reason),
    )


@router.post(
    "/students/{student_id}/consents",
    status_code=201,
    summary="Record consent to personal-data processing",
)
def record_consent(
    student_id: UUID, body: ConsentRequest, keeper: CurrentRollKeeper, run: Run
) -> RecordedPublic:
    """Record a written consent to processing a student's personal data; answers its id."""
    return run(
        students.record_consent,
        keeper,
        students.RecordConsent(
            student_id=student_id,
            given_by=body.given_by,
            given_on=body.given_on,
            document=body.document,
        ),
    )


@router.post(
    "/students/{student_id}/consents/{consent_id}/withdrawal",
    status_code=201,
    summary="Record the withdrawal of a consent",
)
def withdraw_consent(
    student_id: UUID,
    consent_id: UUID,
    body: ConsentWithdrawalRequest,
    keeper: CurrentRollKeeper,
    run: Run,
) -> RecordedPublic:
    """Record that a consent to personal-data processing was withdrawn, from a day."""
    return run(
        students.withdraw_consent,
        keeper,
        students.WithdrawConsent(
            student_id=student_id, consent_id=consent_id, on=body.on, reason=body.reason
        ),
    )


@router.post(
    "/students/{student_id}/personal-data-corrections",
    status_code=201,
    summary="Correct a student's personal data",
)
def correct_personal_data(
    student_id: UUID,
    body: PersonalDataCorrectionRequest,
    keeper: CurrentRollKeeper,
    run: Run,
) -> RecordedPublic:
    """Correct a student's name or birth date, with the reason."""
    return run(
        students.correct_personal_data,
        keeper,
        students.CorrectPersonalData(
            student_id=student_id,
            name=body.name.person_name(),
            birth_date=body.birth_date,
            reason=body.reason,
        ),
    )
