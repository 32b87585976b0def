"""The audit trail read model: applies a batch of events through the handlers of each aggregate."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from ejournal.database import Cursor, Dialect
from ejournal.projections.audit_trail import (
    accounts,
    control_works,
    integrity,
    journals,
    school,
    staff,
    students,
    years,
)
from ejournal.projections.audit_trail.batch import Batch
from ejournal.projections.audit_trail.memory import Memory, keys_of
from ejournal.projections.audit_trail.schema import DDL
from ejournal.projections.read_model import Handlers, ReadModel, Recorded

HANDLERS: Handlers[Batch] = Handlers(
    journals.HANDLERS,
    students.HANDLERS,
    years.HANDLERS,
    accounts.HANDLERS,
    integrity.HANDLERS,
    school.HANDLERS,
    staff.HANDLERS,
    control_works.HANDLERS,
)
"""The handler of every event the trail makes a row of."""


class AuditTrail(ReadModel):
    """The audit trail read model."""

    name: ClassVar[str] = "audit_trail"
    version: ClassVar[int] = 1
    tables: ClassVar[tuple[str, ...]] = (
        "audit_rows",
        "audit_memory",
        "audit_journals",
        "audit_journal_readers",
    )

    ddl: ClassVar[tuple[str, ...]] = DDL
    handlers: ClassVar[Handlers[Batch]] = HANDLERS

    def apply(self, cursor: Cursor, dialect: Dialect, batch: Sequence[Recorded]) -> None:
        writes = Batch(Memory(cursor))
        # The memory every kept event reads, in one query rather than one per event.
        writes.memory.prefetch(key for r in HANDLERS.kept(batch) for key in keys_of(r.event))
        HANDLERS.apply(batch, writes)
        writes.flush(cursor)


LEFT_OUT = frozenset(
    {
        # A schedule is started by its first planned work, in the same save: that is the row.
        "ControlWorkSchedule.Opened",
        # The staff list is started by its first hire, in the same save: the hire is the row.
        "StaffRegister.Opened",
        # Each mirrors an event of the same save that is the row: the journal's own Opened,
        # the student's admission, transfer, withdrawal, promotion or subgroup move.
        "SchoolYear.JournalRegistered",
        "SchoolYear.StudentEnrolled",
        "SchoolYear.StudentLeftClass",
        "SchoolYear.SubgroupAssigned",
        # A use of the journal, not a change to anything in it (the reports count sign-ins).
        "Account.SignedIn",
        # The archivist's work on copies of the log, not changes to the journal: the archive
        # register is its own record (ejournal archive verify reports it).
        "ArchiveRegister.ArchiveCreated",
        "ArchiveRegister.ArchiveVerified",
        "ArchiveRegister.ArchiveRepaired",
        "ArchiveContents.DocumentsRecorded",
    }
)
"""Events of the aggregates that are deliberately not rows of the trail, by qualified name."""


def kept_events() -> frozenset[type]:
    """The event classes the trail makes a row of."""
    return HANDLERS.events()
