"""ControlWorkSchedule: a journal's schedule of control, laboratory and other frontal checking
works (график контрольных, лабораторных и других видов фронтальных проверочных работ), which
the deputy agrees (Gymnasium 2 §6.3: "Осуществляет согласование и проверку выполнения графиков
контрольных, лабораторных и других видов фронтальных проверочных работ по учебным предметам и
занесение их результатов").

One schedule per class journal, kept apart from the journal itself: the teacher plans a work for
a day, the deputy agrees it, a planned work may be cancelled with a reason. Whether the results
of an agreed work were entered is read from the journal's marks (``commands.control_works``).
"""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid5

from eventsourcing.domain import event

from ejournal.aggregates.base import Aggregate, AggregateSnapshot, SnapshotState, Value
from ejournal.aggregates.identity import NAMESPACE
from ejournal.errors import InvariantError, NotFoundError
from ejournal.marks import WorkKind
from ejournal.roles import Actor

FRONTAL_WORKS = frozenset(
    {
        WorkKind.CONTROL,
        WorkKind.LABORATORY,
        WorkKind.PRACTICAL,
        WorkKind.TEST,
        WorkKind.DICTATION,
        WorkKind.ESSAY,
        WorkKind.WRITTEN,
        WorkKind.EXTERNAL_DIAGNOSTIC,
    }
)
"""The kinds of work a schedule lists: works the whole class writes (фронтальные)."""


def schedule_id(journal_id: UUID) -> UUID:
    """The schedule of a class journal."""
    return uuid5(NAMESPACE, f"control-works/{journal_id}")


class ControlWorkError(InvariantError):
    """A change to a schedule of works contradicts it."""

    slug = "control-work-invariant"


class PlannedWork(Value):
    """A work planned for a day of the journal."""

    id: UUID
    on: date
    kind: WorkKind
    topic: str
    agreed: bool = False
    cancelled: bool = False


class ControlWorkSchedule(Aggregate):
    """The schedule of frontal checking works of one class journal."""

    class State(SnapshotState):
        journal_id: UUID
        works: dict[UUID, PlannedWork]

    class Snapshot(AggregateSnapshot):
        state: ControlWorkSchedule.State

    class Opened(Aggregate.Created):
        """The journal's schedule was started (with its first planned work)."""

        journal_id: UUID
        actor: Actor

    class WorkPlanned(Aggregate.Event):
        """The teacher planned a work for a day (Gymnasium 2 §6.3)."""

        journal_id: UUID
        work_id: UUID
        on: date
        kind: WorkKind
        topic: str
        actor: Actor

    class WorkAgreed(Aggregate.Event):
        """The deputy agreed a planned work (Gymnasium 2 §6.3: согласование графика)."""

        journal_id: UUID
        work_id: UUID
        actor: Actor

    class WorkCancelled(Aggregate.Event):
        """A planned work was taken off the schedule, with its reason."""

        journal_id: UUID
        work_id: UUID
        reason: str
        actor: Actor

    @staticmethod
    def create_id(journal_id: UUID, **_: object) -> UUID:
        return schedule_id(journal_id)

    @classmethod
    def open(cls, journal_id: UUID, actor: Actor) -> ControlWorkSchedule:
        return cls(journal_id=journal_id, actor=actor)

    @event(Opened)
    def __init__(self, *, journal_id: UUID, actor: Actor) -> None:
        self.journal_id = journal_id
        self.works: dict[UUID, PlannedWork] = {}

    def work(self, work_id: UUID) -> PlannedWork:
        found = self.works.get(work_id)
        if found is None:
            raise NotFoundError("no such work on the schedule")
        return found

    def plan(self, work_id: UUID, on: date, kind: WorkKind, topic: str, actor: Actor) -> None:
        if kind not in FRONTAL_WORKS:
            raise ControlWorkError(
                f"the schedule lists control, laboratory and other frontal works, not {kind.value}"
                " (Gymnasium 2 §6.3)",
                invariant="control_work.kind_not_scheduled",
            )
        if work_id in self.works:
            raise ControlWorkError(
                "this work is already on the schedule", invariant="control_work.already_scheduled"
            )
        if not topic.strip():
            raise ControlWorkError(
                "a planned work names its topic", invariant="control_work.topic_missing"
            )
        self._work_planned(
            journal_id=self.journal_id, work_id=work_id, on=on, kind=kind, topic=topic, actor=actor
        )

    @event(WorkPlanned)
    def _work_planned(
        self, journal_id: UUID, work_id: UUID, on: date, kind: WorkKind, topic: str, actor: Actor
    ) -> None:
        self.works[work_id] = PlannedWork(id=work_id, on=on, kind=kind, topic=topic)

    def agree(self, work_id: UUID, actor: Actor) -> None:
        work = self.work(work_id)
        if work.cancelled:
            raise ControlWorkError(
                "a cancelled work is not agreed", invariant="control_work.cancelled_not_agreed"
            )
        if work.agreed:
            raise ControlWorkError(
                "this work is already agreed", invariant="control_work.already_agreed"
            )
        self._work_agreed(journal_id=self.journal_id, work_id=work_id, actor=actor)

    @event(WorkAgreed)
    def _work_agreed(self, journal_id: UUID, work_id: UUID, actor: Actor) -> None:
        self.works[work_id] = self.works[work_id].model_copy(update={"agreed": True})

    def cancel(self, work_id: UUID, reason: str, actor: Actor) -> None:
        work = self.work(work_id)
        if work.cancelled:
            raise ControlWorkError(
                "this work is already cancelled", invariant="control_work.already_cancelled"
            )
        if not reason.strip():
            raise ControlWorkError(
                "taking a work off the schedule needs a reason",
                invariant="control_work.cancel_reason_missing",
            )
        self._work_cancelled(
            journal_id=self.journal_id, work_id=work_id, reason=reason, actor=actor
        )

    @event(WorkCancelled)
    def _work_cancelled(self, journal_id: UUID, work_id: UUID, reason: str, actor: Actor) -> None:
        self.works[work_id] = self.works[work_id].model_copy(update={"cancelled": True})
