"""Family access: the class teacher gives a parent or a student their read-only access to a
student of the class (Lyceum 68 §3.5.6)."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from fastapi import APIRouter

from api.commanding import RecordedPublic, Run
from api.dependencies import CurrentClassTeacher
from api.schemas.requests import RequestModel
from ejournal.commands import accounts
from ejournal.roles import Role

router = APIRouter()


class FamilyRoleRequest(RequestModel):
    """A parent's access to their child, or a student's to themself."""

    role: Literal["parent", "student"]
    student_id: UUID


@router.post(
    "/accounts/{account_id}/family-roles",
    status_code=201,
    summary="Give an account family access to a student",
)
def grant_family_role(
    account_id: UUID, body: FamilyRoleRequest, class_teacher: CurrentClassTeacher, run: Run
) -> RecordedPublic:
    """Grant an account the parent or student role for a student of one's own class; answers
    the grant's id."""
    return run(
        accounts.grant_role,
        class_teacher,
        accounts.GrantRole(account_id=account_id, role=Role(body.role), student_id=body.student_id),
    )
