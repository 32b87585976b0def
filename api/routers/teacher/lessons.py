"""Lessons: the whole-lesson submission (a journal grid's column in one request), and a held
lesson's topic and homework filled in or corrected afterwards."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from pydantic import ConfigDict, Field

from api.commanding import RecordedPublic, Run
from api.dependencies import CurrentTeacher
from api.routers.teacher.marks import MarkEntryRequest
from api.schemas.requests import IsoDate, RequestModel
from ejournal.commands import lessons
from ejournal.marks import Attendance
from ejournal.text import Homework, Reason, Topic

router = APIRouter()


class WholeLessonRequest(RequestModel):
    """A lesson as the journal grid sends it: held (or filled in, if already held at that date
    and slot), its topic and homework, who was not present, and every mark given. All of it is
    recorded together or none of it."""

    on: IsoDate = Field(description="The day the lesson was held (the school's local date).")
    slot: int = Field(ge=0, le=12, description="The lesson's number in the day's bell schedule.")
    topic: Topic | None = None
    homework: Homework | None = None
    homework_due: IsoDate | None = Field(
        default=None,
        description="The school day the homework is due; by default the journal's next lesson"
        " in the class's timetable.",
    )
    ktp_item: int | None = Field(
        default=None, ge=1, description="The number of the KTP line this lesson covers."
    )
    attendance: dict[UUID, Attendance] = Field(
        default={},
        description="Student id -> attendance, for the students whose attendance is recorded"
        " (those not listed are not recorded).",
    )
    marks: list[MarkEntryRequest] = []

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "on": "2026-09-07",
                    "slot": 2,
                    "topic": "Сложение и вычитание натуральных чисел",
                    "homework": "§ 5, № 112, 115 (устно № 110)",
                    "ktp_item": 4,
                    "attendance": {
                        "6c1d8e2f-3a4b-4c5d-9e7f-8091a2b3c4d5": "absent",
                        "5b0c7d1e-2f3a-4b5c-8d6e-7f8091a2b3c4": "late",
                    },
                    "marks": [
                        {
                            "student_id": "5b0c7d1e-2f3a-4b5c-8d6e-7f8091a2b3c4",
                            "value": "5",
                            "work_kind": "oral",
                            "comment": "Ответ у доски",
                        }
                    ],
                }
            ]
        }
    )


class LessonDetailsRequest(RequestModel):
    """A topic or homework filled in where none is recorded yet."""

    topic: Topic | None = None
    homework: Homework | None = None
    homework_due: IsoDate | None = Field(
        default=None,
        description="The school day the homework is due; by default the journal's next lesson"
        " in the class's timetable.",
    )


class LessonCorrectionRequest(RequestModel):
    """A lesson's topic and homework after a correction; the superseded text stays in the log."""

    topic: Topic | None = Field(
        default=None,
        description="The topic after the correction. Both topic and homework are replaced: send"
        " the one that stays as it is, too (null clears it).",
    )
    homework: Homework | None = Field(
        default=None, description="The homework after the correction (see topic)."
    )
    homework_due: IsoDate | None = Field(
        default=None,
        description="A new due date; left out, it stays (for changed homework: the journal's"
        " next lesson).",
    )
    reason: Reason = Field(description="Why the recorded text is corrected.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "topic": "Сложение натуральных чисел и его свойства",
                    "homework": "§ 5, № 112, 115",
                    "reason": "В теме урока опечатка",
                }
            ]
        }
    )


@router.post("/journals/{journal_id}/lessons", status_code=201, summary="Record a whole lesson")
def record_whole_lesson(
    journal_id: UUID, body: WholeLessonRequest, teacher: CurrentTeacher, run: Run
) -> RecordedPublic:
    """Record a lesson with its topic, homework, attendance and marks in one save.

    Answers the ``lesson_id`` and one ``mark_<n>`` id per mark, in the order sent.
    """
    return run(
        lessons.record_whole_lesson,
        teacher,
        lessons.RecordWholeLesson(
            journal_id=journal_id,
            on=body.on,
            slot=body.slot,
            topic=body.topic,
            homework=body.homework,
            homework_due=body.homework_due,
            ktp_item=body.ktp_item,
            attendance=body.attendance,
            marks=tuple(mark.entry() for mark in body.marks),
        ),
    )


@router.post(
    "/journals/{journal_id}/lessons/{lesson_id}/details",
    status_code=201,
    summary="Fill in a lesson's topic or homework",
)
def record_lesson_details(
    journal_id: UUID,
    lesson_id: UUID,
    body: LessonDetailsRequest,
    teacher: CurrentTeacher,
    run: Run,
) -> RecordedPublic:
    """Fill in a held lesson's topic or homework where none is recorded yet."""
    return run(
        lessons.record_lesson_details,
        teacher,
        lessons.RecordLessonDetails(
            journal_id=journal_id,
            lesson_id=lesson_id,
            topic=body.topic,
            homework=body.homework,
            homework_due=body.homework_due,
        ),
    )


@router.post(
    "/journals/{journal_id}/lessons/{lesson_id}/corrections",
    status_code=201,
    summary="Correct a lesson's topic or homework",
)
def correct_lesson_details(
    journal_id: UUID,
    lesson_id: UUID,
    body: LessonCorrectionRequest,
    teacher: CurrentTeacher,
    run: Run,
) -> RecordedPublic:
    """Correct a recorded topic or homework, with the reason; the old text stays in the log."""
    return run(
        lessons.correct_lesson_details,
        teacher,
        lessons.CorrectLessonDetails(
            journal_id=journal_id,
            lesson_id=lesson_id,
            topic=body.topic,
            homework=body.homework,
            homework_due=body.homework_due,
            reason=body.reason,
        ),
    )
