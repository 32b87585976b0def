"""The rows of a journal's changes: its teachers and plan, lessons, attendance, marks,
substitutions, late entries, closing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from ejournal.aggregates.class_journal import ClassJournal, KtpItem
from ejournal.projections.audit_trail.batch import Batch
from ejournal.projections.audit_trail.kinds import AuditKind
from ejournal.projections.audit_trail.memory import (
    Value,
    attendance_key,
    journal_key,
    lesson_key,
    mark_key,
    period_mark_key,
)
from ejournal.projections.conventions import late_columns
from ejournal.projections.read_model import Handlers

HANDLERS: Handlers[Batch] = Handlers()
_on = HANDLERS.on


def _details(topic: str | None, homework: str | None) -> str | None:
    """A lesson's topic and homework as one value of the trail."""
    parts = [f"тема: {topic}" if topic else None, f"д/з: {homework}" if homework else None]
    shown = "; ".join(p for p in parts if p)
    return shown or None


def _ktp(items: Sequence[KtpItem]) -> str | None:
    if not items:
        return None
    return f"{len(items)} тем, {sum(i.hours for i in items)} ч"


# --- a journal, its teachers and plan ----------------------------------------------------------


def _reader(b: Batch, journal_id: UUID, account_id: UUID, via: str, *, active: bool) -> None:
    b.add(
        """INSERT INTO audit_journal_readers (journal_id, account_id, via, active)
        VALUES (%(journal_id)s, %(account_id)s, %(via)s, %(active)s)
        ON CONFLICT (account_id, journal_id, via) DO UPDATE SET active = excluded.active""",
        journal_id=str(journal_id),
        account_id=str(account_id),
        via=via,
        active=active,
    )


@_on(ClassJournal.Opened)
def _journal_opened(e: ClassJournal.Opened, position: int, b: Batch) -> None:
    b.memory.put(
        journal_key(e.originator_id),
        {
            "year": e.year,
            "class_code": e.class_code,
            "subject": e.subject,
            "subject_name": e.subject_name,
            "subgroup": e.subgroup,
            "ktp": None,
        },
    )
    b.add(
        """INSERT INTO audit_journals (journal_id, year, class_code, subject, subgroup)
        VALUES (%(journal_id)s, %(year)s, %(class_code)s, %(subject)s, %(subgroup)s)
        ON CONFLICT (journal_id) DO UPDATE SET year = excluded.year,
            class_code = excluded.class_code, subject = excluded.subject,
            subgroup = excluded.subgroup""",
        journal_id=str(e.originator_id),
        year=e.year,
        class_code=e.class_code,
        subject=e.subject,
        subgroup=e.subgroup,
    )
    for teacher in e.teachers:
        _reader(b, e.originator_id, teacher, "teacher", active=True)
    teachers = ", ".join(n for t in e.teachers if (n := b.name_of(t)))
    b.in_journal(position, AuditKind.JOURNAL_OPENED, e, value_after=teachers or None)


@_on(ClassJournal.TeacherAssigned)
def _teacher_assigned(e: ClassJournal.TeacherAssigned, position: int, b: Batch) -> None:
    _reader(b, e.originator_id, e.account_id, "teacher", active=True)
    b.in_journal(
        position,
        AuditKind.TEACHER_ASSIGNED,
        e,
        account_id=e.account_id,
        value_after=b.name_of(e.account_id),
    )


@_on(ClassJournal.TeacherRelieved)
def _teacher_relieved(e: ClassJournal.TeacherRelieved, position: int, b: Batch) -> None:
    _reader(b, e.originator_id, e.account_id, "teacher", active=False)
    b.in_journal(
        position,
        AuditKind.TEACHER_RELIEVED,
        e,
        account_id=e.account_id,
        value_before=b.name_of(e.account_id),
        reason=e.reason,
    )


@_on(ClassJournal.KtpSet)
def _ktp_set(e: ClassJournal.KtpSet, position: int, b: Batch) -> None:
    before = b.journal(e.originator_id).get("ktp")
    after = _ktp(e.items)
    b.memory.update(journal_key(e.originator_id), ktp=after)
    b.in_journal(
        position,
        AuditKind.KTP_SET,
        e,
        value_before=before,
        value_after=after,
        reason=e.reason,
        revision=before is not None,
    )


# --- lessons ------------------------------------------------------------------------------------


@_on(ClassJournal.LessonHeld)
def _lesson_held(e: ClassJournal.LessonHeld, position: int, b: Batch) -> None:
    lesson = e.lesson
    substitution = (
        b.memory.get(f"substitution/{lesson.substitution_id}") or {}
        if lesson.substitution_id
        else {}
    )
    b.memory.put(
        lesson_key(lesson.id),
        {
            "on": lesson.on.isoformat(),
            "slot": lesson.slot,
            "topic": lesson.topic,
            "homework": lesson.homework,
            "substitution_id": str(lesson.substitution_id) if lesson.substitution_id else None,
            "substitute_id": substitution.get("substitute_id"),
            "replaced_id": substitution.get("replaced_id"),
        },
    )
    b.in_journal(
        position,
        AuditKind.LESSON_HELD,
        e,
        lesson_id=lesson.id,
        value_after=_details(lesson.topic, lesson.homework),
        **late_columns(lesson.late),
    )


@_on(ClassJournal.LessonDetailsRecorded)
def _lesson_details_recorded(
    e: ClassJournal.LessonDetailsRecorded, position: int, b: Batch
) -> None:
    lesson = b.lesson(e.lesson_id)
    changes = {k: v for k, v in (("topic", e.topic), ("homework", e.homework)) if v is not None}
    b.memory.update(lesson_key(e.lesson_id), **changes)
    b.in_journal(
        position,
        AuditKind.LESSON_DETAILS_RECORDED,
        e,
        lesson_id=e.lesson_id,
        value_before=_details(lesson.get("topic"), lesson.get("homework")),
        value_after=_details(
            changes.get("topic", lesson.get("topic")),
            changes.get("homework", lesson.get("homework")),
        ),
        **late_columns(e.late),
    )


@_on(ClassJournal.LessonDetailsCorrected)
def _lesson_details_corrected(
    e: ClassJournal.LessonDetailsCorrected, position: int, b: Batch
) -> None:
    lesson = b.lesson(e.lesson_id)
    before = (
        _details(lesson.get("topic"), lesson.get("homework"))
        if lesson
        else _details(e.previous_topic, e.previous_homework)
    )
    b.memory.update(lesson_key(e.lesson_id), topic=e.topic, homework=e.homework)
    b.in_journal(
        position,
        AuditKind.LESSON_DETAILS_CORRECTED,
        e,
        lesson_id=e.lesson_id,
        value_before=before,
        value_after=_details(e.topic, e.homework),
        reason=e.reason,
        revision=True,
    )


# --- attendance ---------------------------------------------------------------------------------


@_on(ClassJournal.AttendanceRecorded)
def _attendance_recorded(e: ClassJournal.AttendanceRecorded, position: int, b: Batch) -> None:
    key = attendance_key(e.lesson_id, e.student_id)
    before = b.memory.get(key)
    b.memory.put(key, {"status": e.status.value, "reason": None})
    b.in_journal(
        position,
        AuditKind.ATTENDANCE_RECORDED,
        e,
        lesson_id=e.lesson_id,
        student_id=e.student_id,
        value_before=before["status"] if before else None,
        value_after=e.status,
        **late_columns(e.late),
    )


@_on(ClassJournal.AttendanceCorrected)
def _attendance_corrected(e: ClassJournal.AttendanceCorrected, position: int, b: Batch) -> None:
    key = attendance_key(e.lesson_id, e.student_id)
    before = b.memory.get(key) or {"status": e.previous.value, "reason": None}
    # As in the aggregate: a student corrected to present keeps no absence reason.
    reason = None if e.status.value == "present" else before.get("reason")
    b.memory.put(key, {"status": e.status.value, "reason": reason})
    b.in_journal(
        position,
        AuditKind.ATTENDANCE_CORRECTED,
        e,
        lesson_id=e.lesson_id,
        student_id=e.student_id,
        value_before=before["status"],
        value_after=e.status,
        reason=e.reason,
        revision=True,
    )


@_on(ClassJournal.AbsenceReasonSet)
def _absence_reason_set(e: ClassJournal.AbsenceReasonSet, position: int, b: Batch) -> None:
    key = attendance_key(e.lesson_id, e.student_id)
    known = b.memory.get(key)
    before = known.get("reason") if known else (e.previous.value if e.previous else None)
    b.memory.update(key, reason=e.absence_reason.value)
    b.in_journal(
        position,
        AuditKind.ABSENCE_REASON_SET,
        e,
        lesson_id=e.lesson_id,
        student_id=e.student_id,
        value_before=before,
        value_after=e.absence_reason,
        reason=e.reason,
        note=e.note,
        revision=before is not None,
    )


# --- marks --------------------------------------------------------------------------------------


@_on(ClassJournal.MarkRecorded)
def _mark_recorded(e: ClassJournal.MarkRecorded, position: int, b: Batch) -> None:
    b.memory.put(
        mark_key(e.mark_id),
        {
            "lesson_id": str(e.lesson_id),
            "student_id": str(e.student_id),
            "value": e.value,
            "work_kind": e.work_kind.value,
        },
    )
    b.in_journal(
        position,
        AuditKind.MARK_RECORDED,
        e,
        lesson_id=e.lesson_id,
        student_id=e.student_id,
        mark_id=e.mark_id,
        work_kind=e.work_kind,
        value_after=e.value,
        note=e.comment,
        **late_columns(e.late),
    )


def _mark_place(mark: Value) -> dict[str, Any]:
    return {
        "lesson_id": UUID(mark["lesson_id"]) if mark.get("lesson_id") else None,
        "student_id": mark.get("student_id"),
        "work_kind": mark.get("work_kind"),
    }


@_on(ClassJournal.MarkCorrected)
def _mark_corrected(e: ClassJournal.MarkCorrected, position: int, b: Batch) -> None:
    mark = b.memory.get(mark_key(e.mark_id)) or {"value": e.previous}
    b.memory.update(mark_key(e.mark_id), value=e.value)
    b.in_journal(
        position,
        AuditKind.MARK_CORRECTED,
        e,
        mark_id=e.mark_id,
        value_before=mark["value"],
        value_after=e.value,
        reason=e.reason,
        revision=True,
        **_mark_place(mark),
        **b.approval(e.authorization_id),
    )


@_on(ClassJournal.MarkVoided)
def _mark_voided(e: ClassJournal.MarkVoided, position: int, b: Batch) -> None:
    mark = b.memory.get(mark_key(e.mark_id)) or {"value": e.previous}
    b.memory.update(mark_key(e.mark_id), voided=True)
    b.in_journal(
        position,
        AuditKind.MARK_VOIDED,
        e,
        mark_id=e.mark_id,
        value_before=mark["value"],
        value_after=None,
        reason=e.reason,
        revision=True,
        **_mark_place(mark),
        **b.approval(e.authorization_id),
    )


@_on(ClassJournal.CorrectionAuthorized)
def _correction_authorized(e: ClassJournal.CorrectionAuthorized, position: int, b: Batch) -> None:
    auth = e.authorization
    b.memory.put(
        f"authorization/{auth.id}",
        {"actor_id": str(e.actor.account_id), "remark": auth.remark},
    )
    place: dict[str, Any] = {}
    before = None
    if auth.mark_id is not None:
        mark = b.memory.get(mark_key(auth.mark_id)) or {}
        place = {"mark_id": auth.mark_id, **_mark_place(mark)}
        before = mark.get("value")
    elif auth.period_mark is not None:
        period_id, _, student = auth.period_mark.partition("/")
        place = {"period_id": period_id, "student_id": student}
        known = b.memory.get(period_mark_key(e.originator_id, period_id, UUID(student)))
        before = known["value"] if known else None
    b.in_journal(
        position,
        AuditKind.CORRECTION_AUTHORIZED,
        e,
        value_before=before,
        value_after=auth.action,
        reason=auth.remark,
        authorization_id=auth.id,
        approved_by=e.actor.account_id,
        approved_by_name=b.name_of(e.actor.account_id),
        approval_remark=auth.remark,
        **place,
    )


@_on(ClassJournal.PeriodMarkRecorded)
def _period_mark_recorded(e: ClassJournal.PeriodMarkRecorded, position: int, b: Batch) -> None:
    b.memory.put(period_mark_key(e.originator_id, e.period_id, e.student_id), {"value": e.value})
    b.in_journal(
        position,
        AuditKind.PERIOD_MARK_RECORDED,
        e,
        period_id=e.period_id,
        student_id=e.student_id,
        value_after=e.value,
        **late_columns(e.late),
    )


@_on(ClassJournal.PeriodMarkCorrected)
def _period_mark_corrected(e: ClassJournal.PeriodMarkCorrected, position: int, b: Batch) -> None:
    key = period_mark_key(e.originator_id, e.period_id, e.student_id)
    known = b.memory.get(key)
    b.memory.put(key, {"value": e.value})
    b.in_journal(
        position,
        AuditKind.PERIOD_MARK_CORRECTED,
        e,
        period_id=e.period_id,
        student_id=e.student_id,
        value_before=known["value"] if known else e.previous,
        value_after=e.value,
        reason=e.reason,
        revision=True,
        **b.approval(e.authorization_id),
    )


# --- substitutions, late entries, closing -------------------------------------------------------


@_on(ClassJournal.SubstitutionAssigned)
def _substitution_assigned(e: ClassJournal.SubstitutionAssigned, position: int, b: Batch) -> None:
    sub = e.substitution
    b.memory.put(
        f"substitution/{sub.id}",
        {
            "substitute_id": str(sub.substitute_id),
            "replaced_id": str(sub.replaced_id) if sub.replaced_id else None,
            "on": sub.on.isoformat(),
        },
    )
    _reader(b, e.originator_id, sub.substitute_id, f"substitution/{sub.id}", active=True)
    b.in_journal(
        position,
        AuditKind.SUBSTITUTION_ASSIGNED,
        e,
        substitution_id=sub.id,
        lesson_date=sub.on,
        account_id=sub.substitute_id,
        value_before=b.name_of(sub.replaced_id),
        value_after=b.name_of(sub.substitute_id),
        reason=sub.reason,
        note=f"урок {sub.slot}",
    )


@_on(ClassJournal.SubstitutionCancelled)
def _substitution_cancelled(e: ClassJournal.SubstitutionCancelled, position: int, b: Batch) -> None:
    sub = b.memory.get(f"substitution/{e.substitution_id}") or {}
    substitute = UUID(sub["substitute_id"]) if sub.get("substitute_id") else None
    if substitute is not None:
        _reader(b, e.originator_id, substitute, f"substitution/{e.substitution_id}", active=False)
    b.in_journal(
        position,
        AuditKind.SUBSTITUTION_CANCELLED,
        e,
        substitution_id=e.substitution_id,
        lesson_date=sub.get("on"),
        account_id=substitute,
        value_before=b.name_of(substitute),
        reason=e.reason,
    )


@_on(ClassJournal.LateEntryPermitted)
def _late_entry_permitted(e: ClassJournal.LateEntryPermitted, position: int, b: Batch) -> None:
    permission = e.permission
    b.in_journal(
        position,
        AuditKind.LATE_ENTRY_PERMITTED,
        e,
        lesson_date=permission.from_date,
        account_id=permission.teacher_id,
        value_after=f"{permission.from_date.isoformat()}–{permission.to_date.isoformat()}",
        reason=permission.reason,
        note=f"действует до {permission.valid_until.isoformat()}",
        late_permission_id=permission.id,
    )


@_on(ClassJournal.PeriodClosed)
def _period_closed(e: ClassJournal.PeriodClosed, position: int, b: Batch) -> None:
    period = e.period
    b.in_journal(
        position,
        AuditKind.PERIOD_CLOSED,
        e,
        period_id=period.id,
        value_after=f"{period.start.isoformat()}–{period.end.isoformat()}",
    )
