"""Who acts: roles and the actor every event records."""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, ConfigDict


class Role(StrEnum):
    """The roles of DESIGN.md §1; an account may hold several."""

    TEACHER = "teacher"
    CLASS_TEACHER = "class_teacher"
    DEPUTY = "deputy"
    ADMINISTRATOR = "administrator"
    DIRECTOR = "director"
    SECRETARY = "secretary"
    PARENT = "parent"
    STUDENT = "student"
    INSPECTOR = "inspector"
    ARCHIVIST = "archivist"
    AUDITOR = "auditor"
    PSYCHOLOGIST = "psychologist"
    """A school psychologist (School 77 §1.6 counts «психологи» among the journal's users). The
    regulations give them no entries to make: they read the progress and attendance of the
    classes the administration assigns them, and nothing else."""
    SYSTEM = "system"
    """The service itself (year set-up from a migration, the archive recording a verification)."""

    @property
    def title_ru(self) -> str:
        """The role's Russian name, as a person reads it: "классный руководитель"."""
        return ROLE_NAMES_RU[self]


ROLE_NAMES_RU: dict[Role, str] = {
    Role.TEACHER: "учитель",
    Role.CLASS_TEACHER: "классный руководитель",
    Role.DEPUTY: "заместитель директора",
    Role.ADMINISTRATOR: "администратор",
    Role.DIRECTOR: "директор",
    Role.SECRETARY: "секретарь",
    Role.PARENT: "родитель",
    Role.STUDENT: "ученик",
    Role.INSPECTOR: "инспектор",
    Role.ARCHIVIST: "архивариус",
    Role.AUDITOR: "аудитор",
    Role.PSYCHOLOGIST: "педагог-психолог",
    Role.SYSTEM: "система",
}


STAFF_ROLES = frozenset(
    {
        Role.TEACHER,
        Role.CLASS_TEACHER,
        Role.DEPUTY,
        Role.ADMINISTRATOR,
        Role.DIRECTOR,
        Role.SECRETARY,
    }
)
ADMINISTRATION = frozenset({Role.DEPUTY, Role.ADMINISTRATOR, Role.DIRECTOR})
READ_ONLY_ROLES = frozenset(
    {Role.PARENT, Role.STUDENT, Role.INSPECTOR, Role.AUDITOR, Role.ARCHIVIST}
)


class Actor(BaseModel):
    """Who recorded an event, acting in which role."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    account_id: UUID
    role: Role
