"""What one batch of events writes to the audit trail: its rows, the memory, the scope tables."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ejournal.database import Cursor, Row
from ejournal.projections.audit_trail.kinds import AuditKind
from ejournal.projections.audit_trail.memory import (
    Memory,
    Value,
    account_key,
    as_uuid,
    journal_key,
    lesson_key,
    student_key,
)
from ejournal.projections.audit_trail.schema import (
    EMPTY_ROW,
    INSERT_ROW,
    micros,
)
from ejournal.projections.conventions import column_value, id_text
from ejournal.projections.writes import Writes

# --- applying events ----------------------------------------------------------------------------


class Batch(Writes):
    """What one batch writes: the rows and the scope tables' statements, and the memory of
    current values they are worked out from."""

    def __init__(self, memory: Memory) -> None:
        super().__init__()
        self.memory = memory

    def flush(self, cursor: Cursor) -> None:
        self.memory.flush()
        super().flush(cursor)

    def name_of(self, account_id: UUID | None) -> str | None:
        if account_id is None:
            return None
        known = self.memory.get(account_key(account_id))
        return known["name"] if known else None

    def student(self, student_id: UUID | None) -> Value:
        if student_id is None:
            return {}
        return self.memory.get(student_key(student_id)) or {}

    def journal(self, journal_id: UUID) -> Value:
        return self.memory.get(journal_key(journal_id)) or {}

    def lesson(self, lesson_id: UUID | None) -> Value:
        if lesson_id is None:
            return {}
        return self.memory.get(lesson_key(lesson_id)) or {}

    def row(self, position: int, kind: AuditKind, event: Any, **fields: Any) -> None:
        """A row for an event: who and when from the event, the rest as given."""
        student = fields.get("student_id")
        if student is not None and "student_name" not in fields:
            fields["student_name"] = self.student(as_uuid(student)).get("name")
        account = fields.get("account_id")
        if account is not None and "account_name" not in fields:
            fields["account_name"] = self.name_of(as_uuid(account))
        row: Row = EMPTY_ROW.copy()
        row.update(
            position=position,
            recorded_at=micros(event.timestamp),
            request_id=event.request_id,
            kind=kind.value,
            actor_id=id_text(event.actor.account_id),
            actor_role=event.actor.role.value,
            actor_name=self.name_of(event.actor.account_id),
        )
        for key, value in fields.items():
            if key not in row:
                raise KeyError(f"the audit trail has no column {key!r}")
            row[key] = column_value(value)
        self.add(INSERT_ROW, **row)

    def in_journal(
        self,
        position: int,
        kind: AuditKind,
        event: Any,
        lesson_id: UUID | None = None,
        **fields: Any,
    ) -> None:
        """A row of a journal's page: the journal's class and subject, and for an entry at a
        lesson, the lesson's date and the substitution the entry was made under, if any."""
        journal = self.journal(event.originator_id)
        where: dict[str, Any] = {
            "journal_id": event.originator_id,
            "year": journal.get("year"),
            "class_code": journal.get("class_code"),
            "subject": journal.get("subject"),
            "subject_name": journal.get("subject_name"),
            "subgroup": journal.get("subgroup"),
        }
        if lesson_id is not None:
            lesson = self.lesson(lesson_id)
            where["lesson_id"] = lesson_id
            where["lesson_date"] = lesson.get("on")
            # A substitute's entry is made on behalf of the teacher they replace.
            if lesson.get("substitute_id") == str(event.actor.account_id):
                where["substitution_id"] = lesson.get("substitution_id")
                replaced = lesson.get("replaced_id")
                where["on_behalf_of"] = replaced
                where["on_behalf_of_name"] = self.name_of(UUID(replaced)) if replaced else None
        self.row(position, kind, event, **(where | fields))

    def about_student(self, position: int, kind: AuditKind, event: Any, **fields: Any) -> None:
        """A row of a student's record: their class and year as they stood before the change."""
        student = self.student(event.originator_id)
        where = {
            "student_id": event.originator_id,
            "year": student.get("year"),
            "class_code": student.get("class_code"),
        }
        self.row(position, kind, event, **(where | fields))

    def approval(self, authorization_id: UUID | None) -> dict[str, Any]:
        """The deputy's remark a correction was made under (Lyceum 68 §3.6.7)."""
        if authorization_id is None:
            return {}
        known = self.memory.get(f"authorization/{authorization_id}") or {}
        approver = known.get("actor_id")
        return {
            "authorization_id": authorization_id,
            "approved_by": approver,
            "approved_by_name": self.name_of(UUID(approver)) if approver else None,
            "approval_remark": known.get("remark"),
        }
