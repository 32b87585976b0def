"""The rows of the staff list (Lyceum 68 §3.7.9, §3.8.1–3.8.2)."""

from __future__ import annotations

from uuid import UUID

from ejournal.aggregates.staff_register import StaffRegister
from ejournal.projections.audit_trail.batch import Batch
from ejournal.projections.audit_trail.kinds import AuditKind
from ejournal.projections.audit_trail.memory import Value
from ejournal.projections.read_model import Handlers

HANDLERS: Handlers[Batch] = Handlers()
_on = HANDLERS.on


# --- the staff list (Lyceum 68 §3.7.9, §3.8.1–3.8.2) --------------------------------------------
# The member's name and the order go in the note: the trail has no column of its own for staff.


def _staff(b: Batch, member_id: UUID) -> Value:
    return b.memory.get(f"staff/{member_id}") or {}


def _staff_note(b: Batch, member_id: UUID, order: str | None) -> str:
    name = _staff(b, member_id).get("name") or str(member_id)
    return f"{name}; {order}" if order else str(name)


@_on(StaffRegister.Hired)
def _staff_hired(e: StaffRegister.Hired, position: int, b: Batch) -> None:
    b.memory.put(f"staff/{e.member_id}", {"name": e.full_name, "position": e.position})
    b.row(
        position,
        AuditKind.STAFF_HIRED,
        e,
        account_id=e.account_id,
        lesson_date=e.on,
        value_after=e.position,
        note=_staff_note(b, e.member_id, e.order),
    )


@_on(StaffRegister.Transferred)
def _staff_transferred(e: StaffRegister.Transferred, position: int, b: Batch) -> None:
    b.memory.update(f"staff/{e.member_id}", position=e.to_position)
    b.row(
        position,
        AuditKind.STAFF_TRANSFERRED,
        e,
        lesson_date=e.on,
        value_before=e.from_position,
        value_after=e.to_position,
        reason=e.reason,
        note=_staff_note(b, e.member_id, e.order),
    )


@_on(StaffRegister.Dismissed)
def _staff_dismissed(e: StaffRegister.Dismissed, position: int, b: Batch) -> None:
    b.row(
        position,
        AuditKind.STAFF_DISMISSED,
        e,
        lesson_date=e.on,
        value_before=_staff(b, e.member_id).get("position"),
        reason=e.reason,
        note=_staff_note(b, e.member_id, e.order),
    )


@_on(StaffRegister.AttestationRecorded)
def _staff_attested(e: StaffRegister.AttestationRecorded, position: int, b: Batch) -> None:
    b.row(
        position,
        AuditKind.STAFF_ATTESTATION_RECORDED,
        e,
        lesson_date=e.attestation.on,
        value_after=e.attestation.result,
        note=_staff_note(b, e.member_id, e.attestation.document),
    )


@_on(StaffRegister.TrainingRecorded)
def _staff_trained(e: StaffRegister.TrainingRecorded, position: int, b: Batch) -> None:
    b.row(
        position,
        AuditKind.STAFF_TRAINING_RECORDED,
        e,
        lesson_date=e.training.end,
        value_after=f"{e.training.course} ({e.training.organisation}, {e.training.hours} ч.)",
        note=_staff_note(b, e.member_id, e.training.document),
    )
