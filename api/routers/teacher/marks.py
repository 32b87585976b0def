"""Marks: recording one, and superseding one by a correction or a voiding with a reason.

There is no update or delete of a mark (DESIGN.md §4); whether a correction or voiding is allowed,
and until when, is the school profile's to decide in the core.
"""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from pydantic import ConfigDict, Field

from api.commanding import RecordedPublic, Run
from api.dependencies import CurrentTeacher
from api.schemas.requests import IsoDate, RequestModel
from ejournal.commands import marks
from ejournal.commands.marking import MarkEntry
from ejournal.marks import MarkValue, WorkKind
from ejournal.text import Comment, Reason

router = APIRouter()

_AUTHORIZATION = Field(
    default=None,
    description="The deputy's remark authorising this change, where the school's profile or a"
    " closed period requires one.",
)


class MarkEntryRequest(RequestModel):
    """One mark given at a lesson."""

    student_id: UUID
    value: MarkValue = Field(
        description='"1".."5" ("4+"/"4-" only where the school\'s profile allows them), or'
        ' "зач"/"незач" in the subjects the profile assesses pass/fail (and only there).'
    )
    work_kind: WorkKind = Field(
        default=WorkKind.ORAL,
        description="What the mark is for; it sets the mark's weight and its deadline.",
    )
    results_date: IsoDate | None = Field(
        default=None,
        description="For results that arrive from outside (external diagnostics, state exams):"
        " the day they were received or announced, from which their deadline counts.",
    )
    comment: Comment | None = Field(default=None, max_length=500)

    def entry(self) -> MarkEntry:
        return MarkEntry(
            student_id=self.student_id,
            value=self.value,
            work_kind=self.work_kind,
            results_date=self.results_date,
            comment=self.comment,
        )


class MarkRequest(MarkEntryRequest):
    """One mark for one student at a lesson already held."""

    lesson_id: UUID

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "lesson_id": "9e4f1a2b-6c7d-4e8f-a0b1-c2d3e4f5a6b7",
                    "student_id": "5b0c7d1e-2f3a-4b5c-8d6e-7f8091a2b3c4",
                    "value": "4",
                    "work_kind": "control",
                    "comment": "Контрольная работа № 1 «Натуральные числа»",
                }
            ]
        }
    )


class MarkCorrectionRequest(RequestModel):
    """A mark's value superseded by another; the superseded value stays in the log."""

    value: MarkValue
    reason: Reason = Field(description="Why the value is changed.")
    authorization_id: UUID | None = _AUTHORIZATION

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "value": "4",
                    "reason": "Ошибка при переносе отметки из тетради: за работу «4», а не «3»",
                    "authorization_id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                }
            ]
        }
    )


class MarkVoidingRequest(RequestModel):
    """A mark entered in error (wrong student, wrong lesson) voided; it stays in the log."""

    reason: Reason = Field(description="What the error was.")
    authorization_id: UUID | None = _AUTHORIZATION

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "reason": "Отметка выставлена не тому ученику: перепутаны фамилии",
                    "authorization_id": None,
                }
            ]
        }
    )


@router.post("/journals/{journal_id}/marks", status_code=201, summary="Record a mark")
def record_mark(
    journal_id: UUID, body: MarkRequest, teacher: CurrentTeacher, run: Run
) -> RecordedPublic:
    """Record one mark for one student at a lesson already held; answers the mark's id."""
    return run(
        marks.record_mark,
        teacher,
        marks.RecordMark(
            journal_id=journal_id,
            lesson_id=body.lesson_id,
            student_id=body.student_id,
            value=body.value,
            work_kind=body.work_kind,
            results_date=body.results_date,
            comment=body.comment,
        ),
    )


@router.post(
    "/journals/{journal_id}/marks/{mark_id}/corrections",
    status_code=201,
    summary="Correct a mark's value",
)
def correct_mark(
    journal_id: UUID,
    mark_id: UUID,
    body: MarkCorrectionRequest,
    teacher: CurrentTeacher,
    run: Run,
) -> RecordedPublic:
    """Supersede a mark's value by another, with the reason; the mark keeps its id."""
    return run(
        marks.correct_mark,
        teacher,
        marks.CorrectMark(
            journal_id=journal_id,
            mark_id=mark_id,
            value=body.value,
            reason=body.reason,
            authorization_id=body.authorization_id,
        ),
    )


@router.post(
    "/journals/{journal_id}/marks/{mark_id}/voiding",
    status_code=201,
    summary="Void a mark entered in error",
)
def void_mark(
    journal_id: UUID,
    mark_id: UUID,
    body: MarkVoidingRequest,
    teacher: CurrentTeacher,
    run: Run,
) -> RecordedPublic:
    """Void a mark entered in error, with the reason; the voided mark stays in the history."""
    return run(
        marks.void_mark,
        teacher,
        marks.VoidMark(
            journal_id=journal_id,
            mark_id=mark_id,
            reason=body.reason,
            authorization_id=body.authorization_id,
        ),
    )
