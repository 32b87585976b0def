"""The deputy's grants on a journal: substitutions, late-entry permissions and the remarks that
authorise a correction (DESIGN.md §5: only a deputy gives them; an administrator or director
gets 403 like anyone else)."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from fastapi import APIRouter
from pydantic import Field

from api.commanding import RecordedPublic, Run
from api.dependencies import CurrentDeputy
from api.schemas.requests import IsoDate, RequestModel
from ejournal.commands import marks, substitutions
from ejournal.text import Label, Reason

router = APIRouter()


class SubstitutionRequest(RequestModel):
    """One lesson a substitute teaches instead of the journal's teacher."""

    on: IsoDate
    slot: int = Field(ge=0, le=12)
    substitute_id: UUID
    replaced_id: UUID | None = None
    """The journal's teacher who is replaced, when it is one of several."""
    reason: Reason = Field(examples=["болезнь учителя"])


class SubstitutionCancellationRequest(RequestModel):
    """Why a substitution is called off."""

    reason: Reason


class LateEntryPermissionRequest(RequestModel):
    """Lesson dates whose records may still be entered after their deadline, flagged late."""

    from_date: IsoDate
    to_date: IsoDate
    teacher_id: UUID | None = None
    """The teacher allowed; any teacher of the journal when absent."""
    valid_days: int = Field(default=3, ge=1, le=30)
    """How many days, from today, the permission can be used."""
    reason: Reason


class CorrectionAuthorizationRequest(RequestModel):
    """A deputy's remark that authorises one correction or voiding: of a mark (``mark_id``) or
    of a student's period mark (``period_id`` and ``student_id``)."""

    mark_id: UUID | None = None
    period_id: Label | None = None
    student_id: UUID | None = None
    action: Literal["correct", "void"]
    remark: Reason


@router.post(
    "/journals/{journal_id}/substitutions", status_code=201, summary="Assign a substitution"
)
def assign_substitution(
    deputy: CurrentDeputy, journal_id: UUID, body: SubstitutionRequest, run: Run
) -> RecordedPublic:
    """Let a substitute record exactly one lesson of the journal (School 77 §4.4.3); the answer
    carries the ``substitution_id``."""
    return run(
        substitutions.assign_substitution,
        deputy,
        substitutions.AssignSubstitution(journal_id=journal_id, **body.model_dump()),
    )


@router.post(
    "/journals/{journal_id}/substitutions/{substitution_id}/cancellation",
    status_code=201,
    summary="Cancel a substitution",
)
def cancel_substitution(
    deputy: CurrentDeputy,
    journal_id: UUID,
    substitution_id: UUID,
    body: SubstitutionCancellationRequest,
    run: Run,
) -> RecordedPublic:
    """Call off a substitution whose lesson the substitute has not recorded yet."""
    return run(
        substitutions.cancel_substitution,
        deputy,
        substitutions.CancelSubstitution(
            journal_id=journal_id, substitution_id=substitution_id, reason=body.reason
        ),
    )


@router.post(
    "/journals/{journal_id}/late-entry-permissions",
    status_code=201,
    summary="Permit late entries",
)
def permit_late_entry(
    deputy: CurrentDeputy, journal_id: UUID, body: LateEntryPermissionRequest, run: Run
) -> RecordedPublic:
    """Let a teacher of the journal enter records for past dates after their deadline, for a
    few days; every such entry is flagged late. The answer carries the ``permission_id``."""
    return run(
        substitutions.permit_late_entry,
        deputy,
        substitutions.PermitLateEntry(journal_id=journal_id, **body.model_dump()),
    )


@router.post(
    "/journals/{journal_id}/correction-authorizations",
    status_code=201,
    summary="Authorise a correction",
)
def authorize_correction(
    deputy: CurrentDeputy, journal_id: UUID, body: CorrectionAuthorizationRequest, run: Run
) -> RecordedPublic:
    """Record the deputy's remark that authorises one correction or voiding of a mark
    (Lyceum 68 §3.6.7); the teacher's correction then names its ``authorization_id``."""
    return run(
        marks.authorize_correction,
        deputy,
        marks.AuthorizeCorrection(journal_id=journal_id, **body.model_dump()),
    )
