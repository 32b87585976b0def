"""Opening a school's journal from the deployment's settings."""

from __future__ import annotations

from ejournal import storage
from ejournal.application import School
from ejournal.clock import Clock
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
