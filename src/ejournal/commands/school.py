"""Creating a school in its own log: its record and its first administrator (DESIGN.md §11).

Until a school has an administrator nobody can act in it (every route needs an account, and
only an administrator creates accounts), so the service itself does this one step, as the
system actor: ``ejournal school create`` runs it once, on an empty log.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID, uuid4

from pydantic import AfterValidator, Field

from ejournal.access import require_role, resolve
from ejournal.aggregates.account import Account, Grant
from ejournal.aggregates.school_record import SchoolRecord
from ejournal.application import Recorded, School
from ejournal.commands.command import Command
from ejournal.errors import InvariantError
from ejournal.policy.profile import check_timezone, shipped_profile_ids
from ejournal.roles import Actor, Role
from ejournal.text import Label, Name


class SchoolExistsError(InvariantError):
    """The log already holds a school: a school is created once."""

    slug = "school-exists"
    title = "The school exists"

    @classmethod
    def of(cls, school_id: str, events: int) -> SchoolExistsError:
        return cls(
            f"the school {school_id!r} exists ({events} events in its log); a school is"
            " created once",
            school_id=school_id,
            events=events,
        )


class UnknownSchoolProfileError(ValueError):
    """A school names a regulation profile the product does not ship."""


def check_shipped_profile(profile: str) -> str:
    """The id of a shipped regulation profile, or ValueError saying which ones there are."""
    shipped = shipped_profile_ids()
    if profile not in shipped:
        raise UnknownSchoolProfileError(
            f"нет профиля регламента {profile!r}; есть: {', '.join(shipped)}"
        )
    return profile


def check_school_timezone(zone: str) -> str:
    """An IANA time zone, or ValueError in Russian."""
    try:
        return check_timezone(zone)
    except ValueError:
        raise ValueError(
            f"неизвестный часовой пояс {zone!r}: нужен пояс из базы IANA, например"
            " 'Europe/Moscow' или 'Asia/Yekaterinburg'"
        ) from None


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("нужен непустой текст")
    return text.strip()


class RegisterSchool(Command):
    """Record a school's name, profile and time zone with its first administrator, whose
    temporary password (``credential_id``, already in the credential store) must be changed
    at the first login."""

    name: Annotated[Name, AfterValidator(_not_blank)]
    profile: Annotated[Label, AfterValidator(check_shipped_profile)]
    timezone: Annotated[Label, AfterValidator(check_school_timezone)]
    admin_login: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9._@-]+$")
    admin_full_name: Annotated[Name, AfterValidator(_not_blank)]
    credential_id: UUID


def register_school(school: School, actor: Actor, cmd: RegisterSchool) -> Recorded:
    def attempt() -> Recorded:
        resolve(school, actor)
        require_role(actor, Role.SYSTEM, action="creating a school")
        if school.position() > 0:
            # The record's fixed id would collide too; any event at all (a demo's, a generated
            # school's) means this log is some school's already.
            raise SchoolExistsError.of(school.school_id, school.position())
        record = SchoolRecord.register(
            name=cmd.name, profile=cmd.profile, timezone=cmd.timezone, actor=actor
        )
        administrator = Account.register(
            login=cmd.admin_login, full_name=cmd.admin_full_name, email=None, actor=actor
        )
        administrator.grant(Grant(id=uuid4(), role=Role.ADMINISTRATOR), actor)
        administrator.set_credential(cmd.credential_id, "password", actor, temporary=True)
        return school.record(
            record,
            administrator,
            ids={"school_record_id": record.id, "account_id": administrator.id},
        )

    return school.run(attempt)
