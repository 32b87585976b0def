"""A property-based run over the OpenAPI document (schemathesis): for every operation, requests
generated from the spec, as an administrator, a teacher and a deputy, on SQLite and PostgreSQL,
get no 5xx and no response that breaks the spec (status codes, content types, bodies), and a
request refused with a 4xx records nothing in the log."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from scenario import build_world

from api.app import create_app
from ejournal.clock import MovableClock
from ejournal.settings import Settings
from ejournal.storage import drop_school

PASSWORD = "a password for the contract run"


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def contract_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FastAPI]:
    directory: Path = tmp_path_factory.mktemp("contract")
    school = "contract" + uuid.uuid4().hex[:8]
    database_url = (
        f"sqlite:///{directory}"
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    settings_ = Settings(database_url=database_url, school=school, password_hashing="cheapest")
    app = create_app(settings_, clock=clock)
    services = app.state.deployment.create_school(school)
    world = build_world(services.app, clock)
    world.at(date(2026, 9, 7), 10)
    tokens: dict[str, str] = {}
    try:
        with TestClient(app) as client:
            for name in ("admin", "math", "deputy"):
                actor = getattr(world, name)
                services.credentials.set_password(actor.account_id, PASSWORD)
                login = services.app.account(actor.account_id).login
                answer = client.post(
                    "/api/v1/auth/token", data={"username": login, "password": PASSWORD}
                )
                tokens[name] = answer.json()["access_token"]
            app.state.contract_tokens = tokens
            app.state.contract_school = school
            yield app
    finally:
        if request.param == "postgres":
            drop_school(database_url, school)


schema = schemathesis.pytest.from_fixture("contract_schema")


@pytest.fixture(scope="module")
def contract_schema(contract_app: FastAPI) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", contract_app)


SETTINGS = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _call(case: Any, app: FastAPI, who: str) -> None:
    token = app.state.contract_tokens[who]
    school = app.state.deployment.school(app.state.contract_school).app
    before = school.position()
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    case.validate_response(response)
    if 400 <= response.status_code < 500:
        assert school.position() == before, (
            f"{case.method} {case.formatted_path} answered {response.status_code} but recorded"
            f" {school.position() - before} event(s)"
        )


@schema.parametrize()
@SETTINGS
def test_as_an_administrator(case: Any, contract_app: FastAPI) -> None:
    _call(case, contract_app, "admin")


@schema.parametrize()
@SETTINGS
def test_as_a_teacher(case: Any, contract_app: FastAPI) -> None:
    _call(case, contract_app, "math")


@schema.parametrize()
@SETTINGS
def test_as_a_deputy(case: Any, contract_app: FastAPI) -> None:
    _call(case, contract_app, "deputy")
