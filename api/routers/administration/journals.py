"""Class journals: opening one for a subject of a class (or a subgroup), and who keeps it.

The administrator or a deputy opens journals and assigns or relieves their teachers.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter
from pydantic import Field

from api.commanding import RecordedPublic, Run
from api.routers.administration.years import CurrentOrganizer
from api.schemas.requests import RequestModel
from api.schemas.school_year import SchoolYearLabel
from ejournal.commands import journals
from ejournal.text import JournalText, Label, Name, Reason

router = APIRouter()


class JournalRequest(RequestModel):
    """The journal of one subject in one class, or in one subgroup of it."""

    class_code: Label = Field(examples=["5А"])
    subject: str = Field(pattern=r"^[a-z][a-z0-9_]*$", examples=["mathematics"])
    subject_name: Name | None = None
    """For a school's own subject; catalogued subjects have their Russian name already."""
    subgroup: Annotated[str, JournalText(16)] | None = None
    teachers: list[UUID] = []


class JournalTeacherRequest(RequestModel):
    """A teacher who keeps the journal from now on."""

    account_id: UUID


class TeacherReliefRequest(RequestModel):
    """Why a teacher no longer keeps the journal."""

    reason: Reason


@router.post("/years/{year}/journals", status_code=201, summary="Open a class journal")
def open_journal(
    organizer: CurrentOrganizer, label: SchoolYearLabel, body: JournalRequest, run: Run
) -> RecordedPublic:
    """Open the journal of a subject in a class (or a subgroup of it) and register it in the
    year; the answer carries its ``journal_id``."""
    return run(
        journals.open_journal, organizer, journals.OpenJournal(year=label, **body.model_dump())
    )


@router.post(
    "/journals/{journal_id}/teachers", status_code=201, summary="Assign a teacher to a journal"
)
def assign_teacher(
    organizer: CurrentOrganizer, journal_id: UUID, body: JournalTeacherRequest, run: Run
) -> RecordedPublic:
    """Let a teacher keep the journal: record its lessons, attendance and marks."""
    return run(
        journals.assign_teacher,
        organizer,
        journals.AssignTeacher(journal_id=journal_id, account_id=body.account_id),
    )


@router.post(
    "/journals/{journal_id}/teachers/{account_id}/relief",
    status_code=201,
    summary="Relieve a teacher of a journal",
)
def relieve_teacher(
    organizer: CurrentOrganizer,
    journal_id: UUID,
    account_id: UUID,
    body: TeacherReliefRequest,
    run: Run,
) -> RecordedPublic:
    """Take a journal away from a teacher, with the reason; what they recorded stays theirs."""
    return run(
        journals.relieve_teacher,
        organizer,
        journals.RelieveTeacher(journal_id=journal_id, account_id=account_id, reason=body.reason),
    )
