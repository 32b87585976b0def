"""The rows of the school year's changes: its profile, deadlines, closures, bells, classes and
timetable."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ejournal.aggregates.school_year import BellSlot, ClosureRecord, SchoolYear
from ejournal.projections.audit_trail.batch import Batch
from ejournal.projections.audit_trail.kinds import AuditKind
from ejournal.projections.audit_trail.memory import year_key
from ejournal.projections.read_model import Handlers

HANDLERS: Handlers[Batch] = Handlers()
_on = HANDLERS.on


def _closure(closure: ClosureRecord) -> str:
    classes = f" ({', '.join(sorted(closure.classes))})" if closure.classes else ""
    return f"{closure.kind} {closure.start.isoformat()}–{closure.end.isoformat()}{classes}"


def _bells(slots: Sequence[BellSlot]) -> str:
    return ", ".join(f"{s.slot}: {s.start:%H:%M}–{s.end:%H:%M}" for s in slots)


# --- the school year ----------------------------------------------------------------------------
# Enrolments, departures and subgroup assignments on the year mirror the student's movement,
# recorded in the same save: the student's own event is the row.


def _in_year(b: Batch, position: int, kind: AuditKind, e: Any, **fields: Any) -> None:
    year = b.memory.get(year_key(e.originator_id)) or {}
    b.row(position, kind, e, **({"year": year.get("label")} | fields))


@_on(SchoolYear.Started)
def _year_started(e: SchoolYear.Started, position: int, b: Batch) -> None:
    b.memory.put(year_key(e.originator_id), {"label": e.label, "profile": e.profile.school})
    _in_year(
        b,
        position,
        AuditKind.YEAR_STARTED,
        e,
        value_after=f"{e.starts_on.isoformat()}–{e.ends_on.isoformat()}",
        note=e.profile.school,
    )


@_on(SchoolYear.ProfileAdopted)
def _profile_adopted(e: SchoolYear.ProfileAdopted, position: int, b: Batch) -> None:
    year = b.memory.get(year_key(e.originator_id)) or {}
    b.memory.update(year_key(e.originator_id), profile=e.profile.school)
    _in_year(
        b,
        position,
        AuditKind.PROFILE_ADOPTED,
        e,
        value_before=year.get("profile"),
        value_after=e.profile.school,
        reason=e.reason,
        revision=True,
    )


@_on(SchoolYear.PeriodMarksDueSet)
def _period_marks_due_set(e: SchoolYear.PeriodMarksDueSet, position: int, b: Batch) -> None:
    key = f"marks-due/{e.originator_id}/{e.period_id}"
    known = b.memory.get(key)
    b.memory.put(key, {"due": e.due.isoformat()})
    _in_year(
        b,
        position,
        AuditKind.PERIOD_MARKS_DUE_SET,
        e,
        period_id=e.period_id,
        value_before=known["due"] if known else None,
        value_after=e.due,
        note=e.order,
        revision=known is not None,
    )


@_on(SchoolYear.ClosureDeclared)
def _closure_declared(e: SchoolYear.ClosureDeclared, position: int, b: Batch) -> None:
    shown = _closure(e.closure)
    b.memory.put(f"closure/{e.closure.id}", {"closure": shown})
    _in_year(
        b,
        position,
        AuditKind.CLOSURE_DECLARED,
        e,
        lesson_date=e.closure.start,
        value_after=shown,
        reason=e.closure.reason or None,
    )


@_on(SchoolYear.ClosureLifted)
def _closure_lifted(e: SchoolYear.ClosureLifted, position: int, b: Batch) -> None:
    known = b.memory.get(f"closure/{e.closure_id}") or {}
    _in_year(
        b,
        position,
        AuditKind.CLOSURE_LIFTED,
        e,
        value_before=known.get("closure"),
        reason=e.reason,
        revision=True,
    )


@_on(SchoolYear.BellScheduleSet)
def _bell_schedule_set(e: SchoolYear.BellScheduleSet, position: int, b: Batch) -> None:
    key = f"bells/{e.originator_id}"
    known = b.memory.get(key)
    shown = _bells(e.slots)
    b.memory.put(key, {"bells": shown})
    _in_year(
        b,
        position,
        AuditKind.BELL_SCHEDULE_SET,
        e,
        value_before=known["bells"] if known else None,
        value_after=shown,
        reason=e.reason,
        revision=known is not None,
    )


@_on(SchoolYear.ClassFormed)
def _class_formed(e: SchoolYear.ClassFormed, position: int, b: Batch) -> None:
    _in_year(
        b,
        position,
        AuditKind.CLASS_FORMED,
        e,
        class_code=e.school_class.code,
        value_after=e.school_class.code,
    )


@_on(SchoolYear.ClassTeacherAssigned)
def _class_teacher_assigned(e: SchoolYear.ClassTeacherAssigned, position: int, b: Batch) -> None:
    _in_year(
        b,
        position,
        AuditKind.CLASS_TEACHER_ASSIGNED,
        e,
        class_code=e.class_code,
        account_id=e.account_id,
        value_before=b.name_of(e.previous),
        value_after=b.name_of(e.account_id),
        reason=e.reason,
        revision=e.previous is not None,
    )


@_on(SchoolYear.TimetableSet)
def _timetable_set(e: SchoolYear.TimetableSet, position: int, b: Batch) -> None:
    key = f"timetable/{e.originator_id}/{e.class_code}"
    known = b.memory.get(key)
    shown = f"{len(e.entries)} уроков в неделю"
    b.memory.put(key, {"timetable": shown})
    _in_year(
        b,
        position,
        AuditKind.TIMETABLE_SET,
        e,
        class_code=e.class_code,
        value_before=known["timetable"] if known else None,
        value_after=shown,
        reason=e.reason,
        revision=known is not None,
    )


@_on(SchoolYear.Closed)
def _year_closed(e: SchoolYear.Closed, position: int, b: Batch) -> None:
    _in_year(b, position, AuditKind.YEAR_CLOSED, e)
