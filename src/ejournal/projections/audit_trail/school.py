"""The row of the school's own record: its creation, with its name, profile and time zone."""

from __future__ import annotations

from ejournal.aggregates.school_record import SchoolRecord
from ejournal.projections.audit_trail.batch import Batch, Handler
from ejournal.projections.audit_trail.kinds import AuditKind
from ejournal.projections.conventions import registrar

HANDLERS: dict[type, Handler] = {}
_on = registrar(HANDLERS)


@_on(SchoolRecord.Registered)
def _school_registered(b: Batch, position: int, e: SchoolRecord.Registered) -> None:
    b.add(
        position,
        AuditKind.SCHOOL_REGISTERED,
        e,
        value_after=e.name,
        note=f"профиль регламента {e.profile}, часовой пояс {e.timezone}",
    )
