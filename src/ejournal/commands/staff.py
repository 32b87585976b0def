"""The staff list: hiring, transfer and dismissal by orders (Lyceum 68 §3.8.1–3.8.2), and the
attestation and training records of the staff (Lyceum 68 §3.7.9); and reading the list as of a
day."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from pydantic import Field

from ejournal.access import require_role, resolve
from ejournal.aggregates.staff_register import (
    STAFF_REGISTER_ID,
    Attestation,
    StaffMember,
    StaffRegister,
    Training,
)
from ejournal.application import Recorded, School
from ejournal.commands.command import Command
from ejournal.errors import NotFoundError
from ejournal.roles import Actor, Role
from ejournal.text import Label, Name, Reason

STAFF_KEEPERS = (Role.SECRETARY, Role.ADMINISTRATOR)
"""Hiring, transfer and dismissal are the secretary's, on orders (Lyceum 68 §3.8.1–3.8.2)."""
QUALIFICATION_KEEPERS = (Role.DEPUTY, Role.SECRETARY, Role.ADMINISTRATOR)
"""Attestation and training are entered by the deputies (Lyceum 68 §3.7.9) and by the keepers of
the staff database (§3.8.2)."""
STAFF_READERS = (Role.SECRETARY, Role.ADMINISTRATOR, Role.DEPUTY, Role.DIRECTOR)
"""Who reads the staff list: its keepers and the administration (Lyceum 68 §3.7.9, §3.8, §3.9)."""


def require_staff_reader(school: School, actor: Actor) -> None:
    """The scope of the staff list: its keepers and the administration; anyone else is refused
    whatever the id, so an answer tells them nothing about who works here."""
    resolve(school, actor)
    require_role(actor, *STAFF_READERS, action="reading the staff list")


def _register(school: School, actor: Actor) -> StaffRegister:
    """The school's staff register, started by its first entry."""
    if school.exists(STAFF_REGISTER_ID):
        return school.load(StaffRegister, STAFF_REGISTER_ID, "staff register")
    return StaffRegister.open(actor)


class HireStaffMember(Command):
    full_name: Name
    position: Label
    on: date
    """The first working day."""
    order: Name
    account_id: UUID | None = None
    """The member's account in the journal, if they have one."""


def hire_staff_member(school: School, actor: Actor, cmd: HireStaffMember) -> Recorded:
    def attempt() -> Recorded:
        resolve(school, actor)
        require_role(actor, *STAFF_KEEPERS, action="hiring staff")
        if cmd.account_id is not None:
            school.account(cmd.account_id)
        register = _register(school, actor)
        member_id = uuid4()
        register.hire(
            member_id,
            cmd.full_name,
            cmd.account_id,
            cmd.position,
            cmd.on,
            cmd.order,
            actor,
        )
        return school.record(register, ids={"member_id": member_id})

    return school.run(attempt)


class TransferStaffMember(Command):
    member_id: UUID
    to_position: Label
    on: date
    order: Name
    reason: Reason


def transfer_staff_member(school: School, actor: Actor, cmd: TransferStaffMember) -> Recorded:
    def attempt() -> Recorded:
        register = _existing(school, actor, STAFF_KEEPERS, "transferring staff")
        register.transfer(cmd.member_id, cmd.to_position, cmd.on, cmd.order, cmd.reason, actor)
        return school.record(register)

    return school.run(attempt)


class DismissStaffMember(Command):
    member_id: UUID
    on: date
    """The last working day."""
    order: Name
    reason: Reason


def dismiss_staff_member(school: School, actor: Actor, cmd: DismissStaffMember) -> Recorded:
    def attempt() -> Recorded:
        register = _existing(school, actor, STAFF_KEEPERS, "dismissing staff")
        register.dismiss(cmd.member_id, cmd.on, cmd.order, cmd.reason, actor)
        return school.record(register)

    return school.run(attempt)


class RecordAttestation(Command):
    member_id: UUID
    on: date
    result: Name
    document: Name
    valid_until: date | None = None


def record_attestation(school: School, actor: Actor, cmd: RecordAttestation) -> Recorded:
    def attempt() -> Recorded:
        register = _existing(school, actor, QUALIFICATION_KEEPERS, "recording attestations")
        attestation = Attestation(id=uuid4(), **cmd.model_dump(exclude={"member_id"}))
        register.record_attestation(cmd.member_id, attestation, actor)
        return school.record(register, ids={"attestation_id": attestation.id})

    return school.run(attempt)


class RecordTraining(Command):
    member_id: UUID
    course: Name
    organisation: Name
    start: date
    end: date
    hours: int = Field(gt=0, le=10_000)
    document: Name


def record_training(school: School, actor: Actor, cmd: RecordTraining) -> Recorded:
    def attempt() -> Recorded:
        register = _existing(school, actor, QUALIFICATION_KEEPERS, "recording training")
        training = Training(id=uuid4(), **cmd.model_dump(exclude={"member_id"}))
        register.record_training(cmd.member_id, training, actor)
        return school.record(register, ids={"training_id": training.id})

    return school.run(attempt)


def _existing(school: School, actor: Actor, roles: tuple[Role, ...], action: str) -> StaffRegister:
    resolve(school, actor)
    require_role(actor, *roles, action=action)
    if not school.exists(STAFF_REGISTER_ID):
        raise NotFoundError("no such staff member")
    return school.load(StaffRegister, STAFF_REGISTER_ID, "staff register")


# --- reads --------------------------------------------------------------------------------------


def staff_on(school: School, actor: Actor, day: date) -> list[StaffMember]:
    """The staff employed on a day, by name."""
    require_staff_reader(school, actor)
    if not school.exists(STAFF_REGISTER_ID):
        return []
    return school.view(StaffRegister, STAFF_REGISTER_ID, "staff register").on(day)


def staff_member(school: School, actor: Actor, member_id: UUID) -> StaffMember:
    """One member's record: postings, dismissal, attestations and training."""
    require_staff_reader(school, actor)
    if not school.exists(STAFF_REGISTER_ID):
        raise NotFoundError("no such staff member")
    return school.view(StaffRegister, STAFF_REGISTER_ID, "staff register").member(member_id)
