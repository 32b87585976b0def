"""StaffRegister: the school's list of employees (список сотрудников), one per school.

The secretary keeps the staff list current on the basis of orders and records hiring, transfer
and dismissal (Lyceum 68 §3.8.1–3.8.2; Belogorsk, Инструкция: "ведет списки сотрудников ... на
основании приказов"); the deputies record attestation and in-service training (Lyceum 68 §3.7.9:
"вносят актуальную информацию по аттестации, прохождению курсов повышения квалификации
сотрудников"). A member is never deleted: a dismissal closes their record, which stays.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid5

from eventsourcing.domain import event

from ejournal.aggregates.base import Aggregate, AggregateSnapshot, SnapshotState, Value
from ejournal.aggregates.identity import NAMESPACE
from ejournal.errors import InvariantError, NotFoundError
from ejournal.roles import Actor

STAFF_REGISTER_ID = uuid5(NAMESPACE, "staff-register")
"""The one staff register of a school's log."""


class StaffError(InvariantError):
    """A change to the staff list contradicts it."""

    slug = "staff-invariant"


class Posting(Value):
    """A position held from a day, by an order."""

    position: str
    since: date
    order: str


class Attestation(Value):
    """An attestation of a member (аттестация): its result and the document (Lyceum 68 §3.7.9)."""

    id: UUID
    on: date
    result: str
    """The category or finding: "первая квалификационная категория", "соответствует"."""
    document: str
    valid_until: date | None = None


class Training(Value):
    """A course of in-service training (курсы повышения квалификации, Lyceum 68 §3.7.9)."""

    id: UUID
    course: str
    organisation: str
    start: date
    end: date
    hours: int
    document: str


class StaffMember(Value):
    """One employee's record on the staff list."""

    id: UUID
    full_name: str
    account_id: UUID | None
    hired_on: date
    postings: tuple[Posting, ...]
    dismissed_on: date | None = None
    attestations: tuple[Attestation, ...] = ()
    trainings: tuple[Training, ...] = ()

    def employed_on(self, day: date) -> bool:
        return self.hired_on <= day and (self.dismissed_on is None or day <= self.dismissed_on)

    def position_on(self, day: date) -> str | None:
        held = [p for p in self.postings if p.since <= day]
        return held[-1].position if held else None


class StaffRegister(Aggregate):
    """The staff list of a school."""

    class State(SnapshotState):
        members: dict[UUID, StaffMember]

    class Snapshot(AggregateSnapshot):
        state: StaffRegister.State

    class Opened(Aggregate.Created):
        """The staff list was started (with its first hire)."""

        actor: Actor

    class Hired(Aggregate.Event):
        """An employee was hired into a position by an order (Lyceum 68 §3.8.2)."""

        member_id: UUID
        full_name: str
        account_id: UUID | None
        position: str
        on: date
        order: str
        actor: Actor

    class Transferred(Aggregate.Event):
        """An employee moved to another position by an order (перевод, Lyceum 68 §3.8.2)."""

        member_id: UUID
        from_position: str
        to_position: str
        on: date
        order: str
        reason: str
        actor: Actor

    class Dismissed(Aggregate.Event):
        """An employee was dismissed by an order; ``on`` is the last working day."""

        member_id: UUID
        on: date
        order: str
        reason: str
        actor: Actor

    class AttestationRecorded(Aggregate.Event):
        """An attestation of an employee was entered (Lyceum 68 §3.7.9)."""

        member_id: UUID
        attestation: Attestation
        actor: Actor

    class TrainingRecorded(Aggregate.Event):
        """A completed training course of an employee was entered (Lyceum 68 §3.7.9)."""

        member_id: UUID
        training: Training
        actor: Actor

    @staticmethod
    def create_id(**_: object) -> UUID:
        return STAFF_REGISTER_ID

    @classmethod
    def open(cls, actor: Actor) -> StaffRegister:
        return cls(actor=actor)

    @event(Opened)
    def __init__(self, *, actor: Actor) -> None:
        self.members: dict[UUID, StaffMember] = {}

    # --- queries --------------------------------------------------------------------------

    def member(self, member_id: UUID) -> StaffMember:
        found = self.members.get(member_id)
        if found is None:
            raise NotFoundError("no such staff member")
        return found

    def on(self, day: date) -> list[StaffMember]:
        """The staff employed on a day, by name."""
        return sorted(
            (m for m in self.members.values() if m.employed_on(day)),
            key=lambda m: m.full_name.casefold(),
        )

    # --- commands -------------------------------------------------------------------------

    def hire(
        self,
        member_id: UUID,
        full_name: str,
        account_id: UUID | None,
        position: str,
        on: date,
        order: str,
        actor: Actor,
    ) -> None:
        if member_id in self.members:
            raise StaffError(
                "this staff member is already on the list", invariant="staff.already_listed"
            )
        _require(
            order,
            "a hire is made by an order (Lyceum 68 §3.8.1); give its number",
            invariant="staff.order_missing",
        )
        self._hired(
            member_id=member_id,
            full_name=full_name,
            account_id=account_id,
            position=position,
            on=on,
            order=order,
            actor=actor,
        )

    @event(Hired)
    def _hired(
        self,
        member_id: UUID,
        full_name: str,
        account_id: UUID | None,
        position: str,
        on: date,
        order: str,
        actor: Actor,
    ) -> None:
        self.members[member_id] = StaffMember(
            id=member_id,
            full_name=full_name,
            account_id=account_id,
            hired_on=on,
            postings=(Posting(position=position, since=on, order=order),),
        )

    def transfer(
        self, member_id: UUID, to_position: str, on: date, order: str, reason: str, actor: Actor
    ) -> None:
        member = self._employed(member_id)
        current = member.postings[-1]
        if to_position == current.position:
            raise StaffError(
                f"the employee already holds the position {to_position!r}",
                invariant="staff.same_position",
            )
        if on <= current.since:
            raise StaffError(
                f"a transfer follows the current posting (since {current.since.isoformat()})",
                invariant="staff.transfer_before_posting",
            )
        _require(
            order,
            "a transfer is made by an order (Lyceum 68 §3.8.2); give its number",
            invariant="staff.order_missing",
        )
        _require(reason, "a transfer needs a reason", invariant="staff.transfer_reason_missing")
        self._transferred(
            member_id=member_id,
            from_position=current.position,
            to_position=to_position,
            on=on,
            order=order,
            reason=reason,
            actor=actor,
        )

    @event(Transferred)
    def _transferred(
        self,
        member_id: UUID,
        from_position: str,
        to_position: str,
        on: date,
        order: str,
        reason: str,
        actor: Actor,
    ) -> None:
        member = self.members[member_id]
        self.members[member_id] = member.model_copy(
            update={
                "postings": (
                    *member.postings,
                    Posting(position=to_position, since=on, order=order),
                )
            }
        )

    def dismiss(self, member_id: UUID, on: date, order: str, reason: str, actor: Actor) -> None:
        member = self._employed(member_id)
        if on < member.postings[-1].since:
            raise StaffError(
                "a dismissal cannot precede the employee's current posting",
                invariant="staff.dismissal_before_posting",
            )
        _require(
            order,
            "a dismissal is made by an order (Lyceum 68 §3.8.2); give its number",
            invariant="staff.order_missing",
        )
        _require(reason, "a dismissal needs a reason", invariant="staff.dismissal_reason_missing")
        self._dismissed(member_id=member_id, on=on, order=order, reason=reason, actor=actor)

    @event(Dismissed)
    def _dismissed(self, member_id: UUID, on: date, order: str, reason: str, actor: Actor) -> None:
        self.members[member_id] = self.members[member_id].model_copy(update={"dismissed_on": on})

    def record_attestation(self, member_id: UUID, attestation: Attestation, actor: Actor) -> None:
        member = self.member(member_id)
        if not member.employed_on(attestation.on):
            raise StaffError(
                "an attestation is of an employee on the day of it",
                invariant="staff.attestation_not_employed",
            )
        if attestation.valid_until is not None and attestation.valid_until <= attestation.on:
            raise StaffError(
                "an attestation is valid until a day after it",
                invariant="staff.attestation_validity",
            )
        self._attestation_recorded(member_id=member_id, attestation=attestation, actor=actor)

    @event(AttestationRecorded)
    def _attestation_recorded(
        self, member_id: UUID, attestation: Attestation, actor: Actor
    ) -> None:
        member = self.members[member_id]
        self.members[member_id] = member.model_copy(
            update={"attestations": (*member.attestations, attestation)}
        )

    def record_training(self, member_id: UUID, training: Training, actor: Actor) -> None:
        member = self.member(member_id)
        if training.end < training.start:
            raise StaffError(
                "a course ends on or after its first day", invariant="staff.course_dates_reversed"
            )
        if training.hours <= 0:
            raise StaffError(
                "a course has a positive number of hours", invariant="staff.course_hours"
            )
        if not member.employed_on(training.end):
            raise StaffError(
                "a course is entered for an employee on its last day",
                invariant="staff.course_not_employed",
            )
        self._training_recorded(member_id=member_id, training=training, actor=actor)

    @event(TrainingRecorded)
    def _training_recorded(self, member_id: UUID, training: Training, actor: Actor) -> None:
        member = self.members[member_id]
        self.members[member_id] = member.model_copy(
            update={"trainings": (*member.trainings, training)}
        )

    def _employed(self, member_id: UUID) -> StaffMember:
        member = self.member(member_id)
        if member.dismissed_on is not None:
            raise StaffError("the employee has been dismissed", invariant="staff.dismissed")
        return member


def _require(text: str, message: str, invariant: str) -> None:
    if not text.strip():
        raise StaffError(message, invariant=invariant)
