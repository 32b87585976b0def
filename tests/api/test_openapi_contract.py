"""A property-based run over the OpenAPI document (schemathesis): for every operation, requests
generated from the spec, as an administrator, a teacher and a deputy, on SQLite and PostgreSQL,
get no 5xx and no response that breaks the spec (status codes, content types, bodies), and a
request refused with a 4xx records nothing in the log.

Its cost is bounded per operation:

* every request is made once and sent to both backends (the same bytes to each; making the
  cases, not sending them, was most of the run's cost);
* fuzzing (``test_as_...``): ``FUZZED`` generated examples per operation and person;
* coverage (``test_every_kind_of_case``): schemathesis' systematic cases (every kind of valid
  and invalid value the schema allows, each parameter missing, each other method and content
  type) and the schema's own examples, made once: every kind of case
  (``CoverageScenario``) of every operation is sent, at most ``COVERED`` cases of a kind, dealt
  in turn to the three people. Unbounded, a schema with many fields gives thousands of cases of
  one kind (``POST /years``: 1,585 of a wrong type), and each was sent three times per backend.

It is not derandomized yet: with Hypothesis' seed fixed (or ``derandomize``) the values drawn
for the coverage cases hit 28 operations that fail (e.g. ``GET .../reports/working-time?month=
0000-01`` answers 500; a mark value ``""`` is schema-valid but refused with 422); once the API
answers them, ``derandomize=True`` belongs in ``_COMMON``.

Each backend's school (the scenario school) is built once and shared by the module's tests.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
import schemathesis
from _pytest.outcomes import Skipped
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, settings
from scenario import build_world
from schemathesis.generation.meta import CoveragePhaseData

from api.app import create_app
from ejournal.clock import MovableClock
from ejournal.settings import Settings
from ejournal.storage import drop_school

PASSWORD = "a password for the contract run"

PEOPLE = ("admin", "math", "deputy")
"""Who sends the requests, in the order coverage cases are dealt to them."""

FUZZED = 8
"""Generated examples per operation and person."""

COVERED = 6
"""Coverage cases of one kind per operation, dealt in turn to ``PEOPLE``."""


@dataclass
class Backend:
    """One backend's app over its copy of the API school, and the tokens of ``PEOPLE``."""

    name: str
    app: FastAPI
    school: str
    tokens: dict[str, str]

    def position(self) -> int:
        position: int = self.app.state.deployment.school(self.school).app.position()
        return position


@pytest.fixture(scope="module")
def backends(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[Backend]]:
    """SQLite and PostgreSQL (where it answers; in CI it must: tests/conftest.py), each an app
    over a new scenario school with its clock on the first Monday of the year."""
    with ExitStack() as stack:
        url = f"sqlite:///{tmp_path_factory.mktemp('contract')}"
        found = [stack.enter_context(_serving("sqlite", url))]
        try:
            url = request.getfixturevalue("postgres_url")
        except Skipped:  # no server, outside CI: SQLite alone
            yield found
            return
        found.append(stack.enter_context(_serving("postgres", url)))
        yield found


@pytest.fixture(scope="module")
def contract_app(backends: list[Backend]) -> FastAPI:
    """The app the cases are made for (its OpenAPI document is every backend's)."""
    return backends[0].app


@contextmanager
def _serving(name: str, database_url: str) -> Iterator[Backend]:
    school = "contract" + uuid.uuid4().hex[:8]
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    settings_ = Settings(database_url=database_url, school=school, password_hashing="cheapest")
    app = create_app(settings_, clock=clock)
    services = app.state.deployment.create_school(school)
    world = build_world(services.app, clock)
    world.at(date(2026, 9, 7), 10)
    try:
        with TestClient(app) as client:
            tokens: dict[str, str] = {}
            for who in PEOPLE:
                actor = getattr(world, who)
                services.credentials.set_password(actor.account_id, PASSWORD)
                login = services.app.account(actor.account_id).login
                answer = client.post(
                    "/api/v1/auth/token", data={"username": login, "password": PASSWORD}
                )
                assert answer.status_code == 200, answer.text
                tokens[who] = answer.json()["access_token"]
            yield Backend(name=name, app=app, school=school, tokens=tokens)
    finally:
        if name == "postgres":
            drop_school(database_url, school)


schema = schemathesis.pytest.from_fixture("contract_schema")


@pytest.fixture(scope="module")
def contract_schema(contract_app: FastAPI) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", contract_app)


_COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much],
}
FUZZING = settings(
    max_examples=FUZZED, phases=[Phase.reuse, Phase.generate, Phase.shrink], **_COMMON
)  # type: ignore[arg-type]
COVERAGE = settings(max_examples=1, **_COMMON)  # type: ignore[arg-type]
"""The coverage cases are Hypothesis' explicit examples; one generated example rides along
(with the explicit phase alone, schemathesis judges its coverage cases differently: 26
operations fail that pass beside a generate phase)."""


def _send(case: Any, backends: list[Backend], who: str) -> None:
    """The case, as ``who``, to every backend: an answer the spec allows, and nothing recorded
    by a refusal."""
    for backend in backends:
        before = backend.position()
        response = case.call(
            headers={"Authorization": f"Bearer {backend.tokens[who]}"}, app=backend.app
        )
        case.validate_response(response)
        if 400 <= response.status_code < 500:
            assert backend.position() == before, (
                f"{backend.name}: {case.method} {case.formatted_path} answered"
                f" {response.status_code} but recorded {backend.position() - before} event(s)"
            )


_dealt: Counter[tuple[str, str, str]] = Counter()
"""Coverage cases met so far, by schema, operation and kind."""


@schema.parametrize()
@COVERAGE
def test_every_kind_of_case(case: Any, backends: list[Backend], contract_schema: Any) -> None:
    data = case.meta.phase.data if case.meta is not None else None
    if not isinstance(data, CoveragePhaseData):  # the schema's own examples: as everyone
        for who in PEOPLE:
            _send(case, backends, who)
        return
    key = (str(id(contract_schema)), case.operation.label, data.scenario.value)
    ordinal = _dealt[key]
    _dealt[key] += 1
    if ordinal < COVERED:
        _send(case, backends, PEOPLE[ordinal % len(PEOPLE)])


@schema.parametrize()
@FUZZING
def test_as_an_administrator(case: Any, backends: list[Backend]) -> None:
    _send(case, backends, "admin")


@schema.parametrize()
@FUZZING
def test_as_a_teacher(case: Any, backends: list[Backend]) -> None:
    _send(case, backends, "math")


@schema.parametrize()
@FUZZING
def test_as_a_deputy(case: Any, backends: list[Backend]) -> None:
    _send(case, backends, "deputy")
