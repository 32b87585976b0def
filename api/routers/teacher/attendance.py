"""Attendance at a held lesson: recording who was absent or late, and correcting an entry."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import ConfigDict, Field

from api.commanding import RecordedPublic, Run
from api.dependencies import CurrentTeacher, acting_as
from api.schemas.requests import RequestModel
from ejournal.commands import attendance
from ejournal.marks import Attendance
from ejournal.roles import Actor, Role
from ejournal.text import Reason

router = APIRouter()

AttendanceCorrector = Annotated[Actor, Depends(acting_as(Role.TEACHER, Role.CLASS_TEACHER))]
"""Who corrects attendance at all; the core decides which journal and in which role."""


class AttendanceRequest(RequestModel):
    """The attendance of one or more students at a held lesson."""

    attendance: dict[UUID, Attendance] = Field(
        min_length=1, description='Student id -> present, absent ("н") or late.'
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "attendance": {
                        "6c1d8e2f-3a4b-4c5d-9e7f-8091a2b3c4d5": "absent",
                        "5b0c7d1e-2f3a-4b5c-8d6e-7f8091a2b3c4": "late",
                    }
                }
            ]
        }
    )


class AttendanceCorrectionRequest(RequestModel):
    """A student's recorded attendance superseded, with the reason."""

    status: Attendance
    reason: Reason = Field(description="Why the recorded attendance is corrected.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"status": "late", "reason": "Ученик опоздал на 10 минут, а не отсутствовал"}
            ]
        }
    )


@router.post(
    "/journals/{journal_id}/lessons/{lesson_id}/attendance",
    status_code=201,
    summary="Record attendance at a lesson",
)
def record_attendance(
    journal_id: UUID,
    lesson_id: UUID,
    body: AttendanceRequest,
    teacher: CurrentTeacher,
    run: Run,
) -> RecordedPublic:
    """Record the attendance of students at a held lesson (each student's once)."""
    return run(
        attendance.record_attendance,
        teacher,
        attendance.RecordAttendance(
            journal_id=journal_id, lesson_id=lesson_id, attendance=body.attendance
        ),
    )


@router.post(
    "/journals/{journal_id}/lessons/{lesson_id}/attendance/{student_id}/corrections",
    status_code=201,
    summary="Correct a student's attendance at a lesson",
)
def correct_attendance(
    journal_id: UUID,
    lesson_id: UUID,
    student_id: UUID,
    body: AttendanceCorrectionRequest,
    corrector: AttendanceCorrector,
    run: Run,
) -> RecordedPublic:
    """Supersede a student's recorded attendance at a lesson, with the reason: the lesson's
    teacher, or the class teacher of the journal's class (School 77 §4.3.8)."""
    return run(
        attendance.correct_attendance,
        corrector,
        attendance.CorrectAttendance(
            journal_id=journal_id,
            lesson_id=lesson_id,
            student_id=student_id,
            status=body.status,
            reason=body.reason,
        ),
    )
