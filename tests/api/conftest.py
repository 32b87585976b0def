"""API-tier fixtures: the real app over the scenario school, a real HTTP client, and a logged-in
token for every role, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from uuid import UUID

import pytest
from api_session import PASSWORD, Api
from fastapi.testclient import TestClient
from scenario import World, build_world

from api.app import create_app
from ejournal.clock import MovableClock
from ejournal.commands import accounts
from ejournal.roles import Actor, Role
from ejournal.settings import Settings

PEOPLE = (
    "admin",
    "deputy",
    "secretary",
    "class_teacher",
    "math",
    "russian",
    "english1",
    "english2",
    "outsider",
)


@pytest.fixture
def api(database_url: str, school_id: str) -> Iterator[Api]:
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    settings = Settings(database_url=database_url, school=school_id, password_hashing="cheapest")
    app = create_app(settings, clock=clock)
    services = app.state.deployment.create_school(school_id)
    world = build_world(services.app, clock)
    actors = {name: getattr(world, name) for name in PEOPLE}
    actors["director"] = world.account("director", "Ковалёва Галина Викторовна", Role.DIRECTOR)
    actors["inspector"] = world.account("inspector", "Григорьев Виктор Андреевич", Role.INSPECTOR)
    actors["auditor"] = world.account("auditor", "Тарасова Людмила Алексеевна", Role.AUDITOR)
    actors["parent"] = _family(
        world, "parent0", "Алексеева Ирина Олеговна", Role.PARENT, world.students[0]
    )
    actors["student"] = _family(
        world, "student1", "Белова Варвара Дмитриевна", Role.STUDENT, world.students[1]
    )
    for actor in actors.values():
        credential = services.credentials.set_password(actor.account_id, PASSWORD)
        accounts.set_credential(
            services.app,
            world.admin,
            accounts.SetCredential(
                account_id=actor.account_id, credential_id=credential, kind="password"
            ),
        )
    # The first checkpoint names the school's key in its log (one event): signed here, that
    # write cannot land in the middle of a test that counts what the log holds.
    services.notary.checkpoint()
    with TestClient(app) as client:
        result = Api(client=client, world=world, school=school_id, actors=actors)
        for name in actors:
            result.token(name)
        yield result


def _family(world: World, login: str, name: str, role: Role, student: UUID) -> Actor:
    account_id = accounts.register_account(
        world.school, world.admin, accounts.RegisterAccount(login=login, full_name=name)
    ).ids["account_id"]
    if role is Role.PARENT:
        world.guardian_account(student, account_id, name)
    accounts.grant_role(
        world.school,
        world.admin,
        accounts.GrantRole(account_id=account_id, role=role, student_id=student),
    )
    return Actor(account_id=account_id, role=role)
