"""People in requests and answers: students' names, staff."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.requests import RequestModel
from ejournal.aggregates.student import PersonName
from ejournal.text import Name


class PersonNameRequest(RequestModel):
    """A Russian full name: фамилия, имя, отчество (the last may be absent)."""

    last: Name = Field(description="Фамилия.")
    first: Name = Field(description="Имя.")
    patronymic: Name | None = Field(default=None, description="Отчество.")

    def person_name(self) -> PersonName:
        return PersonName(last=self.last, first=self.first, patronymic=self.patronymic)


class PersonNamePublic(BaseModel):
    """A person's name in its parts, and as printed."""

    last: str
    first: str
    patronymic: str | None
    full: str
    """"Фамилия Имя Отчество", as the journal prints it."""

    @classmethod
    def of(cls, name: PersonName) -> PersonNamePublic:
        return cls(last=name.last, first=name.first, patronymic=name.patronymic, full=str(name))


class StaffPublic(BaseModel):
    """A member of staff named on a page (a teacher, a substitute)."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    full_name: str
