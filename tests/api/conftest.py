"""API-tier fixtures: the real app over the scenario school, a real HTTP client, and a token on
demand for every role, on SQLite and on PostgreSQL.

The school (the scenario world, five more people, everyone's password) is built once per test
session and backend, and every test gets a copy of its own (tests/templates.py): on SQLite a copy
of the file, on PostgreSQL a database of its own made from the template's. So on PostgreSQL an
``api`` test's ``database_url`` names that database, and its school is the only one in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

import pytest
from api_session import PASSWORD, Api
from fastapi.testclient import TestClient
from scenario import World, build_world
from templates import copy_for_test, service_template, template_fixtures

from api.app import create_app
from api.deployment import SchoolServices
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
FAMILY = ("parent", "student")


def build_api_world(
    services: SchoolServices, clock: MovableClock
) -> tuple[World, dict[str, Actor]]:
    """The scenario world, a director, an inspector, an auditor, a parent and a student, each of
    them with the password PASSWORD."""
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
    return world, actors


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


API_SCHOOL = service_template(build_api_world)


_TEMPLATE = template_fixtures("api", API_SCHOOL, user="api")
sqlite_api_template = _TEMPLATE.sqlite
postgres_api_template = _TEMPLATE.postgres
database_url = _TEMPLATE.database_url


@pytest.fixture
def api(database_url: str, school_id: str, request: pytest.FixtureRequest) -> Iterator[Api]:
    """The app over this test's copy of the API school, and a client; people log in as a test
    first acts as them (Api.token), or when it says so (Api.sign_in)."""
    template = copy_for_test(request, "api", database_url, school_id)
    settings = Settings(database_url=database_url, school=school_id, password_hashing="cheapest")
    clock = MovableClock(template.now)
    # Opened without its projector thread first: that thread signs a checkpoint as soon as it
    # finds the log unsigned, and two notaries making the school's first key at once is a race
    # the fixture must not run.
    app = create_app(settings.model_copy(update={"projections": "worker"}), clock=clock)
    deployment = app.state.deployment
    services = deployment.school(school_id)
    assert services is not None, f"no copy of the API school as {school_id}"
    world = template.world_on(services.app, clock)
    # The first checkpoint names the school's key in its log (one event): signed here, that
    # write cannot land in the middle of a test that counts what the log holds.
    services.notary.checkpoint()
    deployment.settings = settings
    services.follow()
    with TestClient(app) as client:
        result = Api(client=client, world=world, school=school_id, actors=dict(template.actors))
        # A parent's or a student's sign-in is an event of the log: made here, as it always
        # was, so what a test finds in the log at its start does not depend on whom it first
        # acts as. The staff's sign-ins record nothing: they log in when first acted as.
        result.sign_in(*FAMILY)
        yield result
