"""Period marks (quarter, trimester, half-year), the year's results (year, exam and final
marks) and their corrections."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from pydantic import ConfigDict, Field

from api.commanding import RecordedPublic, Run
from api.dependencies import CurrentTeacher
from api.schemas.requests import IsoDate, RequestModel
from ejournal.commands import period_marks, results
from ejournal.marks import MarkValue, ResultKind
from ejournal.text import Label, Reason

router = APIRouter()


class PeriodMarkRequest(RequestModel):
    """One student's mark for a period."""

    period_id: Label = Field(description='The period: "Q1".."Q4", "T1".."T3", ...')
    student_id: UUID
    value: Label = Field(
        min_length=1,
        max_length=8,
        description='"1".."5", or "зач"/"незач" in the subjects the profile assesses pass/fail.'
        ' Checked by the core rather than here, so that a banned entry ("н/а", "осв.") is'
        " refused with the clause that bans it.",
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "period_id": "Q1",
                    "student_id": "5b0c7d1e-2f3a-4b5c-8d6e-7f8091a2b3c4",
                    "value": "4",
                }
            ]
        }
    )


class PeriodMarkCorrectionRequest(RequestModel):
    """A period mark's value superseded by another, with the reason."""

    value: MarkValue
    reason: Reason = Field(description="Why the period mark is changed.")
    authorization_id: UUID | None = Field(
        default=None,
        description="The deputy's remark authorising the change, where the period is closed or"
        " the school's profile requires one.",
    )


@router.post("/journals/{journal_id}/period-marks", status_code=201, summary="Record a period mark")
def record_period_mark(
    journal_id: UUID, body: PeriodMarkRequest, teacher: CurrentTeacher, run: Run
) -> RecordedPublic:
    """Record a student's mark for a period, within the window the school's profile sets."""
    return run(
        period_marks.record_period_mark,
        teacher,
        period_marks.RecordPeriodMark(
            journal_id=journal_id,
            period_id=body.period_id,
            student_id=body.student_id,
            value=body.value,
        ),
    )


@router.post(
    "/journals/{journal_id}/period-marks/{period_id}/{student_id}/corrections",
    status_code=201,
    summary="Correct a period mark",
)
def correct_period_mark(
    journal_id: UUID,
    period_id: str,
    student_id: UUID,
    body: PeriodMarkCorrectionRequest,
    teacher: CurrentTeacher,
    run: Run,
) -> RecordedPublic:
    """Supersede a student's period mark by another value, with the reason."""
    return run(
        period_marks.correct_period_mark,
        teacher,
        period_marks.CorrectPeriodMark(
            journal_id=journal_id,
            period_id=period_id,
            student_id=student_id,
            value=body.value,
            reason=body.reason,
            authorization_id=body.authorization_id,
        ),
    )


class ResultMarkRequest(RequestModel):
    """One student's year, exam or final mark in a subject."""

    kind: ResultKind = Field(description='"year", "exam" (grades 9 and 11) or "final" (9, 11).')
    student_id: UUID
    value: Label = Field(
        min_length=1,
        max_length=8,
        description='"1".."5", or "зач"/"незач" in the subjects the profile assesses pass/fail.',
    )
    results_date: IsoDate | None = Field(
        default=None, description="For an exam mark: the day its results were announced."
    )


@router.post(
    "/journals/{journal_id}/results", status_code=201, summary="Record a year, exam or final mark"
)
def record_result_mark(
    journal_id: UUID, body: ResultMarkRequest, teacher: CurrentTeacher, run: Run
) -> RecordedPublic:
    """Record a student's year mark (after the last period's mark), exam mark or final mark
    (grades 9 and 11, after the year mark), under the rules of the school's profile."""
    return run(
        results.record_result_mark,
        teacher,
        results.RecordResultMark(journal_id=journal_id, **body.model_dump()),
    )


@router.post(
    "/journals/{journal_id}/results/{kind}/{student_id}/corrections",
    status_code=201,
    summary="Correct a year, exam or final mark",
)
def correct_result_mark(
    journal_id: UUID,
    kind: ResultKind,
    student_id: UUID,
    body: PeriodMarkCorrectionRequest,
    teacher: CurrentTeacher,
    run: Run,
) -> RecordedPublic:
    """Supersede a student's year, exam or final mark by another value, with the reason."""
    return run(
        period_marks.correct_period_mark,
        teacher,
        period_marks.CorrectPeriodMark(
            journal_id=journal_id,
            period_id=kind.period_id,
            student_id=student_id,
            value=body.value,
            reason=body.reason,
            authorization_id=body.authorization_id,
        ),
    )
