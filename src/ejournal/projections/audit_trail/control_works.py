"""The rows of schedules of control and laboratory works (Gymnasium 2 §6.3)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from ejournal.aggregates.control_works import ControlWorkSchedule
from ejournal.projections.audit_trail.batch import Batch
from ejournal.projections.audit_trail.kinds import AuditKind
from ejournal.projections.audit_trail.memory import Value
from ejournal.projections.read_model import Handlers

HANDLERS: Handlers[Batch] = Handlers()
_on = HANDLERS.on


# --- schedules of control and laboratory works (Gymnasium 2 §6.3) -------------------------------
# A row stands in the schedule's journal; the work's day is the row's date.


def _in_schedule(b: Batch, position: int, kind: AuditKind, e: Any, **fields: Any) -> None:
    journal = b.journal(e.journal_id)
    where = {
        "journal_id": e.journal_id,
        "year": journal.get("year"),
        "class_code": journal.get("class_code"),
        "subject": journal.get("subject"),
        "subject_name": journal.get("subject_name"),
        "subgroup": journal.get("subgroup"),
    }
    b.row(position, kind, e, **(where | fields))


@_on(ControlWorkSchedule.WorkPlanned)
def _work_planned(e: ControlWorkSchedule.WorkPlanned, position: int, b: Batch) -> None:
    text = f"{e.kind.title_ru}: {e.topic}"
    b.memory.put(f"work/{e.work_id}", {"text": text, "on": e.on.isoformat()})
    _in_schedule(
        b, position, AuditKind.WORK_PLANNED, e, work_kind=e.kind, lesson_date=e.on, value_after=text
    )


def _work(b: Batch, work_id: UUID) -> Value:
    return b.memory.get(f"work/{work_id}") or {}


def _work_day(work: Value) -> date | None:
    return date.fromisoformat(work["on"]) if work.get("on") else None


@_on(ControlWorkSchedule.WorkAgreed)
def _work_agreed(e: ControlWorkSchedule.WorkAgreed, position: int, b: Batch) -> None:
    work = _work(b, e.work_id)
    _in_schedule(
        b,
        position,
        AuditKind.WORK_AGREED,
        e,
        lesson_date=_work_day(work),
        value_after=work.get("text"),
    )


@_on(ControlWorkSchedule.WorkCancelled)
def _work_cancelled(e: ControlWorkSchedule.WorkCancelled, position: int, b: Batch) -> None:
    work = _work(b, e.work_id)
    _in_schedule(
        b,
        position,
        AuditKind.WORK_CANCELLED,
        e,
        lesson_date=_work_day(work),
        value_before=work.get("text"),
        reason=e.reason,
    )
