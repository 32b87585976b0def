"""A property-based run over the OpenAPI document (schemathesis): for every operation, requests
generated from the spec, as an administrator and as a teacher, get no 5xx and no response that
breaks the spec (status codes, content types, bodies)."""

from __future__ import annotations

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

PASSWORD = "a password for the contract run"


@pytest.fixture(scope="module")
def contract_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    directory: Path = tmp_path_factory.mktemp("contract")
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    settings_ = Settings(
        database_url=f"sqlite:///{directory}", school="contract", password_hashing="cheapest"
    )
    app = create_app(settings_, clock=clock)
    services = app.state.deployment.create_school("contract")
    world = build_world(services.app, clock)
    world.at(date(2026, 9, 7), 10)
    tokens: dict[str, str] = {}
    with TestClient(app) as client:
        for name in ("admin", "math"):
            actor = getattr(world, name)
            services.credentials.set_password(actor.account_id, PASSWORD)
            login = services.app.account(actor.account_id).login
            answer = client.post(
                "/api/v1/auth/token", data={"username": login, "password": PASSWORD}
            )
            tokens[name] = answer.json()["access_token"]
        app.state.contract_tokens = tokens
        yield app


schema = schemathesis.pytest.from_fixture("contract_schema")


@pytest.fixture(scope="module")
def contract_schema(contract_app: FastAPI) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", contract_app)


SETTINGS = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@schema.parametrize()
@SETTINGS
def test_as_an_administrator(case: Any, contract_app: FastAPI) -> None:
    token = contract_app.state.contract_tokens["admin"]
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})


@schema.parametrize()
@SETTINGS
def test_as_a_teacher(case: Any, contract_app: FastAPI) -> None:
    token = contract_app.state.contract_tokens["math"]
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
