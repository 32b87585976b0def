"""The account behind the token: who it is and which roles it holds in which scopes."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter
from pydantic import AfterValidator, BaseModel, ConfigDict, computed_field

from api.dependencies import CurrentSession
from api.schemas.school_year import url_label
from ejournal.roles import Role

router = APIRouter(tags=["me"])


class GrantPublic(BaseModel):
    """One role held in one scope."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    role: Role
    class_code: str | None
    """A class teacher's class."""
    year: Annotated[str | None, AfterValidator(lambda y: url_label(y) if y else y)]
    """The school year of that class, as "2026-2027"."""
    student_id: UUID | None
    """A parent's child, or the student themself."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def role_name(self) -> str:
        """The role in Russian, for display: "классный руководитель"."""
        return self.role.title_ru


class MePublic(BaseModel):
    id: UUID
    login: str
    full_name: str
    email: str | None
    active: bool
    roles: list[GrantPublic]


@router.get("/me", summary="The account of this request")
def read_me(session: CurrentSession) -> MePublic:
    """The calling account: its login, name, and every role it holds with its scope."""
    account = session.account
    return MePublic(
        id=account.id,
        login=account.login,
        full_name=account.full_name,
        email=account.email,
        active=account.is_active,
        roles=[
            GrantPublic.model_validate(grant)
            for grant in sorted(
                account.grants.values(),
                key=lambda g: (
                    g.role.value,
                    g.year or "",
                    g.class_code or "",
                    str(g.student_id or ""),
                ),
            )
        ],
    )
