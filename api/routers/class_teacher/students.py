"""A student's record as the class teacher keeps it: guardians, consent to personal-data
processing, and corrections of personal data (Lyceum 68 §3.5.2, §3.5.7; Gymnasium 2 §1.5, §7.1).

The core lets the class teacher of the student's class do this (and the secretary and the
administrator, on their own routes).
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from fastapi import APIRouter
from pydantic import Field

from api.commanding import RecordedPublic, Run
from api.dependencies import CurrentRollKeeper
from api.schemas.people import PersonNameRequest
from api.schemas.requests import IsoDate, RequestModel
from ejournal.commands import students
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
