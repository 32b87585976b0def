"""Closing a period (its marks are final, its lessons locked) and closing the year (every
student promoted, retained or graduated by the director's order, Lyceum 68 §3.4.9)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from pydantic import Field

from api.commanding import RecordedPublic, Run
from api.dependencies import CurrentSecretary
from api.routers.administration.years import CurrentOrganizer
from api.schemas.requests import IsoDate, RequestModel
from api.schemas.school_year import SchoolYearLabel, YearLabel
from ejournal.commands import period_marks, students
from ejournal.text import Label, Name

router = APIRouter()


class PeriodClosingRequest(RequestModel):
    """Which journals a period closes for: the given ones, or all of a class, or (neither
    given) every journal of the year."""

    class_code: Label | None = None
    journal_ids: list[UUID] = []


class YearClosingRequest(RequestModel):
    """The order that closes the year and moves its students into the next one."""

    next_year: YearLabel
    """The year the students move into; it must be started, with the classes they go to."""
    on: IsoDate
    order: Name = Field(examples=["№ 88-у от 29.05.2027"])
    exceptions: dict[UUID, Label] = {}
    """Per student: "retained" (stays in the same grade), "graduated", or a class code;
    everyone else goes to the next grade's class of the same letter (grade 11 graduates)."""


@router.post("/years/{year}/periods/{period_id}/closing", status_code=201, summary="Close a period")
def close_period(
    organizer: CurrentOrganizer,
    label: SchoolYearLabel,
    period_id: str,
    body: PeriodClosingRequest,
    run: Run,
) -> RecordedPublic:
    """Close a period for some journals, a class or the whole year: its marks are final and
    its lessons take nothing new without an approved correction. Journals already closed for
    the period are left as they are."""
    return run(
        period_marks.close_period,
        organizer,
        period_marks.ClosePeriod(year=label, period_id=period_id, **body.model_dump()),
    )


@router.post("/years/{year}/closing", status_code=201, summary="Close the school year")
def close_year(
    keeper: CurrentSecretary, label: SchoolYearLabel, body: YearClosingRequest, run: Run
) -> RecordedPublic:
    """Close the year and move every student on, by the order given: promoted to the next
    grade's class of the same letter, graduated from grade 11, or as the exceptions say. The
    administrator or the secretary closes it (the roll is theirs)."""
    return run(students.close_year, keeper, students.CloseYear(year=label, **body.model_dump()))
