"""A class journal: its page for everyone who may read it, and its calendar-thematic plan (KTP)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import ConfigDict, Field

from api.commanding import RecordedPublic, Run
from api.conditional import Fresh
from api.dependencies import CurrentReader, CurrentSession, SchoolApp, acting_as
from api.schemas.journal_page import JournalPagePublic, journal_page
from api.schemas.requests import RequestModel
from ejournal.access import readable_journal
from ejournal.commands import journals
from ejournal.roles import Actor, Role
from ejournal.text import Reason, Topic

router = APIRouter()

KtpAuthor = Annotated[Actor, Depends(acting_as(Role.TEACHER, Role.DEPUTY))]
"""The journal's teacher sets its KTP; a deputy may too (the core decides which journal)."""


class KtpLineRequest(RequestModel):
    topic: Topic
    hours: int = Field(default=1, ge=1)


class KtpRequest(RequestModel):
    """The whole calendar-thematic plan, in order; it replaces any plan set before."""

    items: list[KtpLineRequest] = Field(min_length=1)
    reason: Reason | None = Field(default=None, description="Why a plan already set is replaced.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {"topic": "Повторение курса начальной школы", "hours": 3},
                        {"topic": "Натуральные числа и шкалы", "hours": 15},
                        {"topic": "Сложение и вычитание натуральных чисел", "hours": 21},
                    ],
                    "reason": None,
                }
            ]
        }
    )


@router.get("/journals/{journal_id}", summary="A class journal's page", tags=["journals"])
def read_journal(
    journal_id: UUID,
    reader: CurrentReader,
    session: CurrentSession,
    school: SchoolApp,
    fresh: Fresh,
) -> JournalPagePublic:
    """The journal as it stands: lessons, roster, attendance, marks, period marks, plan and
    grants. A journal outside the caller's scope answers exactly as a missing one."""
    # ``reader`` turns away whoever reads no journals at all (403); the core scopes the journal.
    journal = readable_journal(school, session.account, journal_id)
    fresh.check()
    return journal_page(school, journal)


@router.post("/journals/{journal_id}/ktp", status_code=201, summary="Set a journal's KTP")
def set_ktp(journal_id: UUID, body: KtpRequest, author: KtpAuthor, run: Run) -> RecordedPublic:
    """Set the calendar-thematic plan (КТП) of a journal: its topics in order, with hours."""
    return run(
        journals.set_ktp,
        author,
        journals.SetKtp(
            journal_id=journal_id,
            items=tuple(journals.KtpLine(topic=i.topic, hours=i.hours) for i in body.items),
            reason=body.reason,
        ),
    )
