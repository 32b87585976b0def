"""The service when its database fails: every unhandled error is problem+json, a database that
cannot be reached answers 503 with Retry-After, /health says what is wrong, and the service
recovers by itself once the database is back, with no restart.

The outages are real: a PostgreSQL URL where nothing listens; a TCP proxy in front of the real
server that is stopped (its port closed, every connection through it cut) and started again;
the server itself cutting the service's connections (``pg_terminate_backend``).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from psycopg import sql
from tcp_proxy import TcpProxy, free_port

from api.app import create_app
from ejournal import storage
from ejournal.access import system_actor
from ejournal.clock import MovableClock
from ejournal.commands import accounts
from ejournal.roles import Role
from ejournal.settings import Settings

V1 = "/api/v1"
PROBLEM = "application/problem+json"
PASSWORD = "a password that outlives the outage"
RECOVERY_SECONDS = 20.0
"""The longest a test waits for the service to find the database again (the pools retry with
a backoff of a second or two; a load balancer waits longer)."""


def settings_for(url: str, school_id: str, **extra: Any) -> Settings:
    return Settings(
        database_url=url, school=school_id, password_hashing="cheapest", pool_size=2, **extra
    )


def set_up_school(app: FastAPI, school_id: str) -> None:
    """Migrate the school through the app and give it an administrator with a password."""
    services = app.state.deployment.create_school(school_id)
    system = system_actor()
    admin_id = accounts.register_account(
        services.app, system, accounts.RegisterAccount(login="admin", full_name="Орлова Нина")
    ).ids["account_id"]
    accounts.grant_role(
        services.app, system, accounts.GrantRole(account_id=admin_id, role=Role.ADMINISTRATOR)
    )
    credential = services.credentials.set_password(admin_id, PASSWORD)
    accounts.set_credential(
        services.app,
        system,
        accounts.SetCredential(account_id=admin_id, credential_id=credential, kind="password"),
    )


def login(client: TestClient, school_id: str) -> Any:
    return client.post(
        f"{V1}/auth/token", data={"username": f"admin@{school_id}", "password": PASSWORD}
    )


def register(client: TestClient, token: str, login_name: str) -> Any:
    return client.post(
        f"{V1}/accounts",
        json={"login": login_name, "full_name": "Новикова Анна Ивановна"},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex},
    )


def unavailable(response: Any) -> dict[str, Any]:
    """The body of a 503 storage-unavailable problem, checked."""
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == PROBLEM
    assert int(response.headers["retry-after"]) > 0
    body: dict[str, Any] = response.json()
    assert body["type"] == "/problems/storage-unavailable"
    assert body["request_id"] == response.headers["x-request-id"]
    return body


def eventually(check: Callable[[], Any], answers: list[int]) -> Any:
    """Call ``check`` until it answers 2xx; every answer meanwhile must be a 503 problem (never
    a 500, never text/plain). Returns the first 2xx answer; ``answers`` collects the codes."""
    deadline = time.monotonic() + RECOVERY_SECONDS
    while True:
        response = check()
        answers.append(response.status_code)
        if response.status_code < 300:
            return response
        unavailable(response)
        assert time.monotonic() < deadline, f"no recovery in {RECOVERY_SECONDS} s: {answers}"
        time.sleep(0.2)


def at_once(request: Callable[[], Any]) -> Any:
    """The answer to a request that came within a second, once the service has seen that the
    server is gone (it looks in the background after the first failure)."""
    deadline = time.monotonic() + RECOVERY_SECONDS
    while True:
        started = time.monotonic()
        response = request()
        if time.monotonic() - started < 1.0:
            return response
        assert time.monotonic() < deadline, "every answer waited for a pool's timeout"


@contextmanager
def serving(settings: Settings) -> Iterator[tuple[FastAPI, TestClient]]:
    clock = MovableClock(datetime(2026, 9, 7, 9, tzinfo=UTC))
    app = create_app(settings, clock=clock)
    with TestClient(app) as client:
        yield app, client


@pytest.fixture
def proxy(postgres_url: str) -> Iterator[TcpProxy]:
    """A proxy to the test PostgreSQL server, not started."""
    location = storage.parse_database_url(postgres_url)
    assert isinstance(location, storage.PostgresLocation)
    proxy = TcpProxy(location.host, location.port)
    try:
        yield proxy
    finally:
        proxy.close()


def through(postgres_url: str, proxy: TcpProxy) -> str:
    location = storage.parse_database_url(postgres_url)
    assert isinstance(location, storage.PostgresLocation)
    return postgres_url.replace(f"{location.host}:{location.port}", f"127.0.0.1:{proxy.port}")


# --- a failure of the service, a failure of the database ----------------------------------------


def test_a_database_error_answers_500_problem_json_with_the_request_id(
    database_url: str, school_id: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A real error of the database that is not an outage (a table gone) is a failure of the
    service: 500 problem+json naming the request id; the traceback goes to the log only."""
    with serving(settings_for(database_url, school_id)) as (app, client):
        set_up_school(app, school_id)
        assert login(client, school_id).status_code == 200
        services = app.state.deployment.school(school_id)
        with services.database.transaction() as cursor:
            cursor.execute("DROP TABLE credentials")

        answer = client.post(
            f"{V1}/auth/token",
            data={"username": f"admin@{school_id}", "password": PASSWORD},
            headers={"X-Request-ID": "req-16"},
        )

    assert answer.status_code == 500
    assert answer.headers["content-type"] == PROBLEM
    assert answer.headers["x-request-id"] == "req-16"
    body = answer.json()
    assert body["type"] == "/problems/internal-error"
    assert body["request_id"] == "req-16"
    assert "req-16" in body["detail"]
    assert "credentials" not in answer.text  # no SQL, no traceback for the client
    assert "Traceback" not in answer.text
    failure = [r for r in caplog.records if r.name == "api.problems" and r.exc_info]
    assert failure, "the traceback is logged"
    assert "req-16" in failure[0].getMessage()
    assert "credentials" in str(failure[0].exc_info[1])
    assert client.get("/problems/internal-error").json()["title"] == "Internal error"


@pytest.mark.postgres
def test_the_service_starts_without_its_database_and_says_so(school_id: str) -> None:
    """PostgreSQL unreachable from the start: the service starts; /health and login answer 503
    problem+json with Retry-After, /health saying what is wrong."""
    nowhere = f"postgresql://postgres@127.0.0.1:{free_port()}/ejournal_test"
    with serving(settings_for(nowhere, school_id)) as (_, client):
        started = time.monotonic()
        health = client.get(f"{V1}/health")
        token = login(client, school_id)
        took = time.monotonic() - started

    body = unavailable(health)
    assert body["school"] == school_id
    assert school_id in body["detail"]
    assert "Connection refused" in body["detail"] or "connection failed" in body["detail"]
    assert unavailable(token)["detail"].startswith("the journal's database cannot be reached")
    assert took < 10  # a refused connection is said at once, not after a pool's timeout


# --- recovery -----------------------------------------------------------------------------------


@pytest.mark.postgres
def test_a_school_first_reached_while_the_database_was_away_works_once_it_is_back(
    postgres_url: str, school_id: str, proxy: TcpProxy
) -> None:
    with serving(settings_for(postgres_url, school_id)) as (app, _):
        set_up_school(app, school_id)  # directly: the school exists before the outage

    with serving(settings_for(through(postgres_url, proxy), school_id)) as (_, client):
        unavailable(client.get(f"{V1}/health"))
        unavailable(login(client, school_id))

        proxy.start()
        answers: list[int] = []
        health = eventually(lambda: client.get(f"{V1}/health"), answers)
        assert health.json()["status"] == "ok"
        token = login(client, school_id)
        assert token.status_code == 200, token.text
        made = register(client, token.json()["access_token"], "novikova")
        assert made.status_code == 201, made.text


@pytest.mark.postgres
def test_the_service_recovers_when_the_server_goes_away_and_comes_back(
    postgres_url: str, school_id: str, proxy: TcpProxy
) -> None:
    """The server goes away under an open school (every pooled connection cut, the port
    closed) and comes back: no restart, and nothing in between is a 500."""
    proxy.start()
    with serving(settings_for(through(postgres_url, proxy), school_id)) as (app, client):
        set_up_school(app, school_id)
        token = login(client, school_id).json()["access_token"]
        assert register(client, token, "before").status_code == 201
        assert client.get(f"{V1}/health").status_code == 200

        proxy.stop()
        unavailable(login(client, school_id))  # the first waits for its pools to give up
        down = at_once(lambda: client.get(f"{V1}/health"))
        assert school_id in unavailable(down)["detail"]
        assert "Connection refused" in down.json()["detail"]
        unavailable(at_once(lambda: register(client, token, "during")))

        proxy.start()
        answers: list[int] = []
        eventually(lambda: client.get(f"{V1}/health"), answers)
        assert eventually(lambda: login(client, school_id), answers).status_code == 200
        made = eventually(lambda: register(client, token, "after"), answers)
        assert made.status_code == 201, made.text
        services = app.state.deployment.school(school_id)
        assert services.app.position() == made.json()["position"]


@pytest.fixture
def app_role(postgres_url: str) -> Iterator[str]:
    """A service role of the test's own, so that cutting its connections cuts no one else's."""
    role = "ejournal_t" + uuid.uuid4().hex[:12]
    yield role
    location = storage.parse_database_url(postgres_url)
    assert isinstance(location, storage.PostgresLocation)
    with location.connect() as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (role,)
        )
        conn.execute(sql.SQL("DROP OWNED BY {} CASCADE").format(sql.Identifier(role)))
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


@pytest.mark.postgres
def test_connections_the_server_cut_are_replaced_without_a_restart(
    postgres_url: str, school_id: str, app_role: str
) -> None:
    with serving(settings_for(postgres_url, school_id, app_role=app_role)) as (app, client):
        set_up_school(app, school_id)
        token = login(client, school_id).json()["access_token"]
        assert register(client, token, "before").status_code == 201
        location = storage.parse_database_url(postgres_url)
        assert isinstance(location, storage.PostgresLocation)
        with location.connect() as conn:
            cut = conn.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = %s",
                (app_role,),
            ).fetchone()
        assert cut is not None
        assert cut[0] > 0

        answers: list[int] = []
        eventually(lambda: client.get(f"{V1}/health"), answers)
        assert eventually(lambda: login(client, school_id), answers).status_code == 200
        made = eventually(lambda: register(client, token, "after"), answers)
        assert made.status_code == 201, made.text
        assert client.get(f"{V1}/health").status_code == 200
