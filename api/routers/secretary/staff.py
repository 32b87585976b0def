"""The staff list (список сотрудников): hiring, transfer and dismissal on orders (Lyceum 68
§3.8.1–3.8.2), attestation and training records (§3.7.9), and the list as of a day.

Hiring, transfer and dismissal are the secretary's or the administrator's; attestation and
training also the deputy's. The list is read by its keepers and the administration (deputy,
director); any other role gets 403 whatever the id, and a member who does not exist is 404.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from api.commanding import RecordedPublic, Run
from api.dependencies import CurrentSecretary, SchoolApp, acting_as
from api.schemas.requests import IsoDate, RequestModel
from ejournal.aggregates.staff_register import StaffMember
from ejournal.commands import staff
from ejournal.roles import Actor
from ejournal.text import Label, Name, Reason

router = APIRouter()

CurrentStaffReader = Annotated[Actor, Depends(acting_as(*staff.STAFF_READERS))]
"""Who reads the staff list: its keepers and the administration."""
CurrentQualificationKeeper = Annotated[Actor, Depends(acting_as(*staff.QUALIFICATION_KEEPERS))]
"""Who enters attestation and training: the deputies (Lyceum 68 §3.7.9) and the list's keepers."""


class HireRequest(RequestModel):
    """An employee hired into a position by an order."""

    full_name: Name = Field(examples=["Орлова Нина Павловна"])
    position: Label = Field(examples=["учитель математики"])
    on: IsoDate
    """The first working day."""
    order: Name = Field(examples=["№ 12-к от 28.08.2026"])
    account_id: UUID | None = None


class StaffTransferRequest(RequestModel):
    """A move to another position by an order."""

    to_position: Label
    on: IsoDate
    order: Name
    reason: Reason


class DismissalRequest(RequestModel):
    """A dismissal by an order; ``on`` is the last working day."""

    on: IsoDate
    order: Name
    reason: Reason


class AttestationRequest(RequestModel):
    """An attestation's result and its document."""

    on: IsoDate
    result: Name = Field(examples=["первая квалификационная категория"])
    document: Name
    valid_until: IsoDate | None = None


class TrainingRequest(RequestModel):
    """A completed course of in-service training."""

    course: Name
    organisation: Name
    start: IsoDate
    end: IsoDate
    hours: int = Field(gt=0, le=10_000)
    document: Name


class PostingPublic(BaseModel):
    position: str
    since: date
    order: str


class AttestationPublic(BaseModel):
    id: UUID
    on: date
    result: str
    document: str
    valid_until: date | None


class TrainingPublic(BaseModel):
    id: UUID
    course: str
    organisation: str
    start: date
    end: date
    hours: int
    document: str


class StaffMemberPublic(BaseModel):
    """An employee's record on the staff list."""

    member_id: UUID
    full_name: str
    account_id: UUID | None
    hired_on: date
    dismissed_on: date | None
    position: str | None
    """The position held on the day asked about (the last one for a single record)."""
    postings: list[PostingPublic]
    attestations: list[AttestationPublic]
    trainings: list[TrainingPublic]

    @classmethod
    def of(cls, member: StaffMember, on: date | None = None) -> StaffMemberPublic:
        return cls(
            member_id=member.id,
            full_name=member.full_name,
            account_id=member.account_id,
            hired_on=member.hired_on,
            dismissed_on=member.dismissed_on,
            position=member.position_on(on) if on else member.postings[-1].position,
            postings=[PostingPublic.model_validate(p.model_dump()) for p in member.postings],
            attestations=[
                AttestationPublic.model_validate(a.model_dump()) for a in member.attestations
            ],
            trainings=[TrainingPublic.model_validate(t.model_dump()) for t in member.trainings],
        )


@router.post("/staff", status_code=201, summary="Hire an employee")
def hire_staff_member(keeper: CurrentSecretary, body: HireRequest, run: Run) -> RecordedPublic:
    """Put an employee on the staff list by an order; the answer carries the ``member_id``."""
    return run(staff.hire_staff_member, keeper, staff.HireStaffMember(**body.model_dump()))


@router.get("/staff", summary="The staff list on a day")
def read_staff(
    reader: CurrentStaffReader,
    school: SchoolApp,
    on: Annotated[IsoDate, Query(description="The day the list stands on (ISO date).")],
) -> list[StaffMemberPublic]:
    """The employees on the staff list on a day, by name, each with the position held then."""
    return [StaffMemberPublic.of(m, on) for m in staff.staff_on(school, reader, on)]


@router.get("/staff/{member_id}", summary="An employee's record")
def read_staff_member(
    reader: CurrentStaffReader, member_id: UUID, school: SchoolApp
) -> StaffMemberPublic:
    """An employee's postings, dismissal, attestations and training."""
    return StaffMemberPublic.of(staff.staff_member(school, reader, member_id))


@router.post("/staff/{member_id}/transfer", status_code=201, summary="Transfer an employee")
def transfer_staff_member(
    keeper: CurrentSecretary, member_id: UUID, body: StaffTransferRequest, run: Run
) -> RecordedPublic:
    """Move an employee to another position by an order, with its reason."""
    return run(
        staff.transfer_staff_member,
        keeper,
        staff.TransferStaffMember(member_id=member_id, **body.model_dump()),
    )


@router.post("/staff/{member_id}/dismissal", status_code=201, summary="Dismiss an employee")
def dismiss_staff_member(
    keeper: CurrentSecretary, member_id: UUID, body: DismissalRequest, run: Run
) -> RecordedPublic:
    """Record an employee's dismissal by an order; they stay on the list up to ``on``."""
    return run(
        staff.dismiss_staff_member,
        keeper,
        staff.DismissStaffMember(member_id=member_id, **body.model_dump()),
    )


@router.post("/staff/{member_id}/attestations", status_code=201, summary="Record an attestation")
def record_attestation(
    keeper: CurrentQualificationKeeper, member_id: UUID, body: AttestationRequest, run: Run
) -> RecordedPublic:
    """Enter an employee's attestation (Lyceum 68 §3.7.9)."""
    return run(
        staff.record_attestation,
        keeper,
        staff.RecordAttestation(member_id=member_id, **body.model_dump()),
    )


@router.post("/staff/{member_id}/trainings", status_code=201, summary="Record a training course")
def record_training(
    keeper: CurrentQualificationKeeper, member_id: UUID, body: TrainingRequest, run: Run
) -> RecordedPublic:
    """Enter a completed course of in-service training (Lyceum 68 §3.7.9)."""
    return run(
        staff.record_training,
        keeper,
        staff.RecordTraining(member_id=member_id, **body.model_dump()),
    )
