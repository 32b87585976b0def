"""The whole story of one mark, replayed from its journal's log: every value it had, who changed
it in which role, why, and approved by whom."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from eventsourcing.utils import get_topic

from ejournal.aggregates.account import Account
from ejournal.aggregates.class_journal import ClassJournal
from ejournal.aggregates.student import Student
from ejournal.application import School
from ejournal.errors import NotFoundError
from ejournal.history.answer import HistoryModel
from ejournal.marks import WorkKind
from ejournal.roles import Role

StepKind = Literal["recorded", "correction_authorized", "corrected", "voided"]


class MarkStep(HistoryModel):
    """One event in a mark's life."""

    kind: StepKind
    recorded_at: datetime
    """Server time (UTC)."""
    journal_version: int
    request_id: str | None
    actor_id: UUID
    actor_role: Role
    actor_name: str | None
    value: str | None
    """The value from this step on (none once voided; the remark's action for an
    authorisation)."""
    previous: str | None = None
    reason: str | None = None
    authorization_id: UUID | None = None
    approved_by: UUID | None = None
    approved_by_name: str | None = None
    approval_remark: str | None = None
    late: bool = False
    late_permission_id: UUID | None = None


class MarkStory(HistoryModel):
    """A mark from its recording to now: every value it had, who changed it, why, approved by
    whom."""

    journal_id: UUID
    mark_id: UUID
    student_id: UUID
    student_name: str
    lesson_id: UUID
    lesson_date: date
    slot: int
    work_kind: WorkKind
    weight: float
    value: str
    """Its value now (the last one, for a voided mark)."""
    voided: bool
    steps: tuple[MarkStep, ...]


_STORY = frozenset(
    get_topic(cls)
    for cls in (
        ClassJournal.MarkRecorded,
        ClassJournal.MarkCorrected,
        ClassJournal.MarkVoided,
        ClassJournal.CorrectionAuthorized,
    )
)


def mark_story(school: School, journal_id: UUID, mark_id: UUID) -> MarkStory:
    """Every event of one mark's life, in order: recorded, a deputy's authorisation, corrected,
    voided; each with its value, actor and role, reason, approval, time and late flag."""
    journal = school.view(ClassJournal, journal_id, "journal")
    mark = journal.mark(mark_id)
    lesson = journal.lessons[mark.lesson_id]
    names = _Names(school)
    # Without a cipher or a compressor the stored bytes are the event's JSON: an event that does
    # not name the mark need not be decoded.
    needle = (
        str(mark_id).encode() if not (school.mapper.cipher or school.mapper.compressor) else b""
    )
    remarks: dict[UUID, tuple[UUID, str]] = {}
    steps: list[MarkStep] = []
    for stored in school.recorder.select_events(journal_id, lte=journal.version):
        if stored.topic not in _STORY or needle not in stored.state:
            continue
        event: Any = school.mapper.to_domain_event(stored)
        common: dict[str, Any] = {
            "recorded_at": event.timestamp,
            "journal_version": event.originator_version,
            "request_id": event.request_id,
            "actor_id": event.actor.account_id,
            "actor_role": event.actor.role,
            "actor_name": names.of(event.actor.account_id),
        }
        match event:
            case ClassJournal.MarkRecorded() if event.mark_id == mark_id:
                late = event.late
                steps.append(
                    MarkStep(
                        kind="recorded",
                        value=event.value,
                        late=late is not None,
                        late_permission_id=late.permission_id if late else None,
                        **common,
                    )
                )
            case ClassJournal.CorrectionAuthorized() if event.authorization.mark_id == mark_id:
                auth = event.authorization
                remarks[auth.id] = (event.actor.account_id, auth.remark)
                steps.append(
                    MarkStep(
                        kind="correction_authorized",
                        value=auth.action,
                        reason=auth.remark,
                        authorization_id=auth.id,
                        approved_by=event.actor.account_id,
                        approved_by_name=names.of(event.actor.account_id),
                        approval_remark=auth.remark,
                        **common,
                    )
                )
            case ClassJournal.MarkCorrected() | ClassJournal.MarkVoided() if (
                event.mark_id == mark_id
            ):
                approver, remark = (
                    remarks.get(event.authorization_id, (None, None))
                    if event.authorization_id is not None
                    else (None, None)
                )
                steps.append(
                    MarkStep(
                        kind="corrected"
                        if isinstance(event, ClassJournal.MarkCorrected)
                        else "voided",
                        value=getattr(event, "value", None),
                        previous=event.previous,
                        reason=event.reason,
                        authorization_id=event.authorization_id,
                        approved_by=approver,
                        approved_by_name=names.of(approver),
                        approval_remark=remark,
                        **common,
                    )
                )
    student = school.view(Student, mark.student_id, "student")
    return MarkStory(
        journal_id=journal_id,
        mark_id=mark_id,
        student_id=mark.student_id,
        student_name=str(student.name),
        lesson_id=lesson.id,
        lesson_date=lesson.on,
        slot=lesson.slot,
        work_kind=mark.work_kind,
        weight=mark.weight,
        value=mark.value,
        voided=mark.voided,
        steps=tuple(steps),
    )


class _Names:
    """People's names by account, each looked up once."""

    def __init__(self, school: School) -> None:
        self.school = school
        self.known: dict[UUID, str | None] = {}

    def of(self, account_id: UUID | None) -> str | None:
        if account_id is None:
            return None
        if account_id not in self.known:
            try:
                self.known[account_id] = self.school.view(Account, account_id, "account").full_name
            except NotFoundError:
                self.known[account_id] = None  # the service itself, acting in the system role
        return self.known[account_id]
