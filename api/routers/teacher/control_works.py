"""A journal's schedule of control, laboratory and other frontal works (Gymnasium 2 §6.3): the
teacher plans a work for a day, the deputy agrees it; either may take it off with a reason.
Whoever reads the journal reads its schedule (an out-of-scope journal is 404, as a missing
one); the administration monitors agreed works whose results are not entered."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from api.commanding import RecordedPublic, Run
from api.dependencies import CurrentAdministration, CurrentReader, SchoolApp, acting_as
from api.schemas.requests import IsoDate, RequestModel
from api.schemas.school_year import SchoolYearLabel
from ejournal.commands import control_works as works
from ejournal.marks import WorkKind
from ejournal.roles import Actor, Role
from ejournal.text import Reason, Topic

router = APIRouter()

CurrentScheduleWriter = Annotated[Actor, Depends(acting_as(Role.TEACHER, Role.DEPUTY))]
"""The journal's teacher plans and cancels; the deputy agrees and cancels."""


class PlanWorkRequest(RequestModel):
    """A work planned for a day of the journal."""

    on: IsoDate
    kind: WorkKind
    topic: Topic


class CancelWorkRequest(RequestModel):
    reason: Reason


class ScheduledWorkPublic(BaseModel):
    """A work of a schedule and the results entered for it."""

    work_id: UUID
    journal_id: UUID
    class_code: str
    subject: str
    subgroup: str | None
    on: date
    kind: WorkKind
    topic: str
    agreed: bool
    cancelled: bool
    results: int
    """Marks of the work's kind entered for the work's day in the journal."""

    @classmethod
    def of(cls, line: works.ScheduledWork) -> ScheduledWorkPublic:
        w = line.work
        return cls(
            work_id=w.id,
            journal_id=line.journal_id,
            class_code=line.class_code,
            subject=line.subject,
            subgroup=line.subgroup,
            on=w.on,
            kind=w.kind,
            topic=w.topic,
            agreed=w.agreed,
            cancelled=w.cancelled,
            results=line.results,
        )


@router.post("/journals/{journal_id}/control-works", status_code=201, summary="Plan a control work")
def plan_work(
    teacher: Annotated[Actor, Depends(acting_as(Role.TEACHER))],
    journal_id: UUID,
    body: PlanWorkRequest,
    run: Run,
) -> RecordedPublic:
    """Put a control, laboratory or other frontal work on the journal's schedule for a day
    ahead; the answer carries the ``work_id``."""
    return run(works.plan_work, teacher, works.PlanWork(journal_id=journal_id, **body.model_dump()))


@router.get("/journals/{journal_id}/control-works", summary="A journal's schedule of works")
def read_schedule(
    reader: CurrentReader, journal_id: UUID, school: SchoolApp
) -> list[ScheduledWorkPublic]:
    """The planned works by day, whether each is agreed, and the results entered for it."""
    return [ScheduledWorkPublic.of(line) for line in works.schedule_of(school, reader, journal_id)]


@router.post(
    "/journals/{journal_id}/control-works/{work_id}/agreement",
    status_code=201,
    summary="Agree a planned work",
)
def agree_work(
    deputy: Annotated[Actor, Depends(acting_as(Role.DEPUTY))],
    journal_id: UUID,
    work_id: UUID,
    run: Run,
) -> RecordedPublic:
    """The deputy agrees a work of the schedule (Gymnasium 2 §6.3)."""
    return run(works.agree_work, deputy, works.AgreeWork(journal_id=journal_id, work_id=work_id))


@router.post(
    "/journals/{journal_id}/control-works/{work_id}/cancellation",
    status_code=201,
    summary="Take a work off the schedule",
)
def cancel_work(
    writer: CurrentScheduleWriter,
    journal_id: UUID,
    work_id: UUID,
    body: CancelWorkRequest,
    run: Run,
) -> RecordedPublic:
    """Take a planned work off the schedule, with its reason."""
    return run(
        works.cancel_work,
        writer,
        works.CancelWork(journal_id=journal_id, work_id=work_id, reason=body.reason),
    )


@router.get(
    "/years/{year}/reports/control-works-without-results",
    summary="Agreed works whose results are not entered",
)
def read_works_without_results(
    year: SchoolYearLabel,
    reader: CurrentAdministration,
    school: SchoolApp,
    before: Annotated[IsoDate, Query(description="Works dated before this day.")],
) -> list[ScheduledWorkPublic]:
    """Gymnasium 2 §6.3: agreed works dated before ``before`` with no mark of their kind on
    their day in their journal."""
    return [
        ScheduledWorkPublic.of(line)
        for line in works.agreed_without_results(school, reader, year, before)
    ]
