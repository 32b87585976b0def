"""The row of the school's own record: its creation, with its name, profile and time zone."""

from __future__ import annotations

from ejournal.aggregates.school_record import SchoolRecord
from ejournal.projections.audit_trail.batch import Batch
from ejournal.projections.audit_trail.kinds import AuditKind
from ejournal.projections.read_model import Handlers

HANDLERS: Handlers[Batch] = Handlers()
_on = HANDLERS.on


@_on(SchoolRecord.Registered)
def _school_registered(e: SchoolRecord.Registered, position: int, b: Batch) -> None:
    b.row(
        position,
        AuditKind.SCHOOL_REGISTERED,
        e,
        value_after=e.name,
        note=f"профиль регламента {e.profile}, часовой пояс {e.timezone}",
    )
