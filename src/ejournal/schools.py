"""Opening a school's journal from the deployment's settings, and creating a school."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from ejournal import storage
from ejournal.access import system_actor
from ejournal.aggregates.identity import account_id
from ejournal.application import School
from ejournal.clock import Clock
from ejournal.commands import school as school_commands
from ejournal.credentials import CredentialStore, one_time_password
from ejournal.database import open_database
from ejournal.policy.profile import load_profile
from ejournal.settings import Settings


def open_school(
    settings: Settings,
    school: str | None = None,
    *,
    clock: Clock | None = None,
    migrate: bool = True,
) -> School:
    """The School application of one school (the settings' default when none is named).

    ``migrate`` first creates or updates its storage (tables, append-only triggers, the app
    role's grants); a worker process started after a migrate step passes ``migrate=False``.
    """
    school_id = school or settings.school
    if migrate:
        storage.migrate(settings, school_id, School.name)
    return School(school_id, env=storage.school_env(settings, school_id), clock=clock)


def school_exists(settings: Settings, school: str) -> bool:
    """Whether a school's storage has been set up (``migrate``) in this deployment."""
    return storage.school_is_set_up(settings, school)


@dataclass(frozen=True)
class CreatedSchool:
    """A school just created: what was recorded, and its administrator's one-time password,
    which is shown once and never stored in clear."""

    school_id: str
    name: str
    profile: str
    timezone: str
    admin_login: str
    admin_account_id: UUID
    one_time_password: str
    position: int


def create_school(
    settings: Settings,
    school_id: str,
    *,
    name: str,
    admin_login: str,
    admin_full_name: str,
    profile: str | None = None,
    timezone: str | None = None,
    clock: Clock | None = None,
) -> CreatedSchool:
    """Create a school: its storage, its record (name, regulation profile, time zone) and its
    first administrator with a temporary password (Gymnasium 2 §3.2), in one save.

    The profile defaults to ``EJOURNAL_PROFILE``, the zone to ``EJOURNAL_TIMEZONE``, else the
    profile's own. Refused (SchoolExistsError) when the school's log holds anything already:
    a school is created once. Refused (ValueError, in Russian) for a profile the product does
    not ship or a zone that is no IANA zone, before anything is created. The school's signing
    key is named in its log by its first checkpoint, which the caller signs (``Notary``).
    """
    school_id = storage.validate_school_id(school_id)
    profile_id = school_commands.check_shipped_profile(profile or settings.profile)
    zone = school_commands.check_school_timezone(
        timezone or settings.timezone or load_profile(profile_id).timezone
    )
    password = one_time_password()
    command = school_commands.RegisterSchool(
        name=name,
        profile=profile_id,
        timezone=zone,
        admin_login=admin_login,
        admin_full_name=admin_full_name,
        credential_id=UUID(int=0),  # replaced below, once the options are known to be valid
    )
    if school_exists(settings, school_id):
        _refuse_existing(settings, school_id)
    journal = open_school(settings, school_id, clock=clock, migrate=True)
    database = open_database(settings, school_id)
    try:
        credentials = CredentialStore(database, school_id, journal.clock, settings.password_hashing)
        credentials.create_tables()
        administrator = account_id(command.admin_login)
        if journal.position() > 0:
            _refuse_existing(settings, school_id, journal)
        credential_id = credentials.set_password(administrator, password, temporary=True)
        try:
            recorded = school_commands.register_school(
                journal,
                system_actor(),
                command.model_copy(update={"credential_id": credential_id}),
            )
        except BaseException:
            # A secret the log does not know of must not stay usable.
            credentials.revoke(administrator, credential_id)
            raise
    finally:
        database.close()
        journal.close()
    return CreatedSchool(
        school_id=school_id,
        name=command.name,
        profile=profile_id,
        timezone=zone,
        admin_login=command.admin_login.lower(),
        admin_account_id=administrator,
        one_time_password=password,
        position=recorded.position,
    )


def _refuse_existing(settings: Settings, school_id: str, journal: School | None = None) -> None:
    opened = journal or open_school(settings, school_id, migrate=False)
    try:
        events = opened.position()
    finally:
        if journal is None:
            opened.close()
    if events > 0:
        raise school_commands.SchoolExistsError.of(school_id, events)
