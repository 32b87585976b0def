"""The audit trail's query parameters over HTTP: every filter of the core's ``AuditFilter``, a
year as URLs write it ("2026-2027"), and for the JSON pages the cursor and the page size."""

from __future__ import annotations

from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from api.schemas.requests import IsoDate
from api.schemas.school_year import YEAR_PATTERN, core_label
from api.tabular import CsvDialect
from ejournal.projections.audit_trail.kinds import AuditKind
from ejournal.projections.audit_trail.queries import MAX_PAGE, AuditFilter
from ejournal.roles import Role


class AuditQuery(BaseModel):
    """Which changes to list; every condition given must hold. Unknown parameters are refused,
    so a misspelt filter never silently widens the answer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    actor_id: UUID | None = Field(default=None, description="Who made the change.")
    actor: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Who made the change, by login or name (for the administration and the"
        " auditor): one account must match.",
    )
    role: Role | None = Field(default=None, description="The role they acted in.")
    student_id: UUID | None = Field(
        default=None, description="About this student (out of scope answers as missing)."
    )
    year: str | None = Field(
        default=None, pattern=YEAR_PATTERN, description='The school year, as "2026-2027".'
    )
    class_code: str | None = Field(default=None, min_length=1, max_length=20, examples=["5А"])
    subject: str | None = Field(
        default=None, min_length=1, max_length=60, description='A subject\'s code: "mathematics".'
    )
    journal_id: UUID | None = Field(
        default=None, description="On this journal (out of scope answers as missing)."
    )
    kind: list[AuditKind] = Field(
        default_factory=list, description="Any of these kinds of change (repeat the parameter)."
    )
    recorded_from: AwareDatetime | None = Field(
        default=None, description="Recorded at or after this moment (with its time zone)."
    )
    recorded_until: AwareDatetime | None = Field(
        default=None, description="Recorded before this moment (with its time zone)."
    )
    lesson_from: IsoDate | None = Field(
        default=None, description="About a lesson (or work, or move) on this day or later."
    )
    lesson_until: IsoDate | None = Field(
        default=None, description="About a lesson on this day or earlier."
    )
    late_only: bool = Field(
        default=False, description="Only entries made after their deadline (late entries)."
    )
    revised_only: bool = Field(
        default=False,
        description="Only changes of a value already recorded: corrections, voidings, changed"
        " absence reasons, replaced plans.",
    )
    after: int | None = Field(
        default=None,
        ge=0,
        description="A log position a command returned: wait (a few seconds at most) until the"
        " trail shows it.",
    )

    def to_filter(self) -> AuditFilter:
        return AuditFilter(
            actor_id=self.actor_id,
            role=self.role,
            student_id=self.student_id,
            year=core_label(self.year) if self.year else None,
            class_code=self.class_code,
            subject=self.subject,
            journal_id=self.journal_id,
            kinds=frozenset(self.kind),
            recorded_from=self.recorded_from,
            recorded_until=self.recorded_until,
            lesson_from=self.lesson_from,
            lesson_until=self.lesson_until,
            late_only=self.late_only,
            revised_only=self.revised_only,
        )


class AuditPageQuery(AuditQuery):
    """The filters, and which page: newest first, ``cursor`` from the page before."""

    cursor: str | None = Field(
        default=None,
        max_length=200,
        description="The ``next_cursor`` of the page before; none for the newest page.",
    )
    limit: int = Field(default=50, ge=1, le=MAX_PAGE, description="Rows on a page.")


class AuditExportQuery(AuditQuery):
    """The filters, and how the CSV file is written."""

    dialect: CsvDialect = Field(
        default=CsvDialect.RFC4180,
        description="rfc4180 (default: UTF-8, comma-separated) or excel-ru (for Russian Excel:"
        ' UTF-8 with a byte order mark, ";"-separated).',
    )
