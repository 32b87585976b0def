"""Login (OAuth2 password flow), tokens, API tokens, throttling, blocking and annulment."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote_from_bytes

import pytest
from api_session import PASSWORD, Api
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import create_app
from ejournal.commands import accounts

PROBLEM = "application/problem+json"
FUZZ = settings(
    max_examples=40,
    deadline=None,
    # The app is the fixture's; what each example sends changes nothing another one reads.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def test_login_gives_an_expiring_bearer_token(api: Api) -> None:
    response = api.login("math")
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 12 * 3600
    assert body["roles"] == ["teacher"]
    assert body["access_token"].startswith(f"ejs.{api.school}.")
    api.world.clock.advance(timedelta(hours=12, seconds=1))
    expired = api.client.get(
        "/api/v1/auth/api-tokens", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert expired.status_code == 401
    assert expired.headers["content-type"] == PROBLEM
    assert expired.headers["www-authenticate"] == "Bearer"


def test_a_wrong_password_and_an_unknown_login_look_the_same(api: Api) -> None:
    wrong = api.login("math", "not the password")
    unknown = api.client.post(
        "/api/v1/auth/token", data={"username": f"nobody@{api.school}", "password": PASSWORD}
    )
    other_school = api.client.post(
        "/api/v1/auth/token", data={"username": "ivanova@nowhere", "password": PASSWORD}
    )
    for response in (wrong, unknown, other_school):
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["type"] == "/problems/not-authenticated"
        assert response.json()["detail"] == "wrong login or password"


ATTACKER = "203.0.113.7"
OWNER = "198.51.100.20"


def _from(api: Api, address: str) -> TestClient:
    """The same running app, as seen from another client address."""
    return TestClient(api.client.app, client=(address, 50000))


def _login(client: TestClient, username: str, password: str) -> Any:
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


def _retry_after(response: Any) -> int | None:
    if response.status_code != 429:
        return None
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == "/problems/too-many-attempts"
    return int(response.headers["retry-after"])


def test_an_address_that_keeps_failing_waits_ever_longer(api: Api) -> None:
    attacker = _from(api, ATTACKER)
    username = f"petrova@{api.school}"
    for _ in range(3):  # a few slips cost nothing
        assert _login(attacker, username, "guess").status_code == 401
    waits = []
    for _ in range(12):
        throttled = _login(attacker, username, "guess")
        wait = _retry_after(throttled)
        assert wait is not None
        waits.append(wait)
        # Even the right password waits from this address: nothing is checked meanwhile.
        assert _retry_after(_login(attacker, username, PASSWORD)) == wait
        api.world.clock.advance(timedelta(seconds=wait))
        assert _login(attacker, username, "guess").status_code == 401
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]
    api.world.clock.advance(timedelta(seconds=900))
    assert _login(attacker, username, PASSWORD).status_code == 200


def test_the_owner_signs_in_from_elsewhere_while_an_attacker_is_throttled(api: Api) -> None:
    attacker = _from(api, ATTACKER)
    username = f"petrova@{api.school}"
    for _ in range(4):
        _login(attacker, username, "guess")
    assert _retry_after(_login(attacker, username, "guess")) is not None
    assert _login(_from(api, OWNER), username, PASSWORD).status_code == 200
    assert _retry_after(_login(attacker, username, "guess")) is not None  # still waiting


def test_many_failing_addresses_slow_a_login_but_never_its_owners_address(api: Api) -> None:
    username = f"petrova@{api.school}"
    assert _login(_from(api, OWNER), username, PASSWORD).status_code == 200
    for n in range(30):  # one guess each from thirty addresses: none of them is throttled
        assert _login(_from(api, f"203.0.113.{n}"), username, "guess").status_code == 401
    # Now the login itself slows down, for every address it was never signed in from...
    assert _retry_after(_login(_from(api, "192.0.2.1"), username, PASSWORD)) == 1
    # ...but its owner's address gets in, and the rest of the school is not affected.
    assert _login(_from(api, OWNER), username, PASSWORD).status_code == 200
    assert _login(_from(api, "192.0.2.1"), f"ivanova@{api.school}", PASSWORD).status_code == 200


def test_every_process_of_a_deployment_throttles_alike(api: Api) -> None:
    deployment = api.client.app.state.deployment
    other_process = create_app(deployment.settings, clock=deployment.clock)
    with TestClient(other_process, client=(ATTACKER, 50000)) as elsewhere:
        attacker = _from(api, ATTACKER)
        username = f"petrova@{api.school}"
        for client in (attacker, elsewhere, attacker):
            assert _login(client, username, "guess").status_code == 401
        assert _retry_after(_login(elsewhere, username, "guess")) == 1


def test_a_success_clears_its_addresss_failures(api: Api) -> None:
    client = _from(api, OWNER)
    username = f"petrova@{api.school}"
    for _ in range(2):
        assert _login(client, username, "typo").status_code == 401
    assert _login(client, username, PASSWORD).status_code == 200
    for _ in range(2):  # four failures in all, but two since the success: no wait
        assert _login(client, username, "typo").status_code == 401
    assert _login(client, username, PASSWORD).status_code == 200


def test_a_missing_login_is_throttled_and_answered_like_an_existing_one(api: Api) -> None:
    def attempts(username: str) -> list[tuple[int, str | None, Any]]:
        client = _from(api, ATTACKER)
        answers = []
        for step in range(8):
            response = _login(client, username, "guess")
            answers.append(
                (response.status_code, response.headers.get("retry-after"), response.json())
            )
            if step % 2:
                api.world.clock.advance(timedelta(seconds=1))
        return answers

    existing = attempts(f"petrova@{api.school}")
    api.world.clock.advance(timedelta(days=2))  # the attacker's failures are forgotten
    missing = attempts(f"nobody@{api.school}")
    assert existing == missing
    assert {status for status, _, _ in existing} == {401, 429}


def test_no_token_and_a_forged_token_are_refused(api: Api) -> None:
    assert api.get("/api/v1/auth/api-tokens", None).status_code == 401
    forged = api.client.get(
        "/api/v1/auth/api-tokens",
        headers={"Authorization": f"Bearer ejs.{api.school}.forged"},
    )
    assert forged.status_code == 401


def test_api_tokens_are_shown_once_stored_hashed_and_revocable(api: Api) -> None:
    made = api.post("/api/v1/auth/api-tokens", "deputy", {"label": "school timetable sync"})
    assert made.status_code == 201
    token = made.json()["token"]
    assert token.startswith(f"eja.{api.school}.")
    listed = api.get("/api/v1/auth/api-tokens", "deputy").json()
    assert [t["label"] for t in listed] == ["school timetable sync"]
    assert all(t["token"] is None for t in listed)
    as_integration = {"Authorization": f"Bearer {token}"}
    assert api.client.get("/api/v1/auth/api-tokens", headers=as_integration).status_code == 200
    credential = made.json()["credential_id"]
    revoked = api.client.delete(
        f"/api/v1/auth/api-tokens/{credential}", headers=api.headers("deputy")
    )
    assert revoked.status_code == 204
    assert api.client.get("/api/v1/auth/api-tokens", headers=as_integration).status_code == 401
    kinds = [type(e).__name__ for e in api.world.school.events.get(api.actors["deputy"].account_id)]
    assert kinds[-2:] == ["CredentialSet", "CredentialRevoked"]


def test_blocking_cuts_an_account_off_at_once(api: Api) -> None:
    assert api.get("/api/v1/auth/api-tokens", "math").status_code == 200
    accounts.block_account(
        api.world.school,
        api.world.admin,
        accounts.BlockAccount(account_id=api.actors["math"].account_id, reason="утеря пароля"),
    )
    response = api.get("/api/v1/auth/api-tokens", "math")
    assert response.status_code == 401
    assert response.json()["type"] == "/problems/account-inactive"
    assert api.login("math").status_code == 401


def test_changing_ones_password(api: Api) -> None:
    new = "a much longer passphrase"
    wrong = api.post(
        "/api/v1/auth/password", "parent", {"current_password": "nope", "new_password": new}
    )
    assert wrong.status_code == 401
    changed = api.post(
        "/api/v1/auth/password", "parent", {"current_password": PASSWORD, "new_password": new}
    )
    assert changed.status_code == 204
    assert api.login("parent").status_code == 401
    assert api.login("parent", new).status_code == 200


MALFORMED_TOKENS = ("ejs.BAD-SCHOOL.x", "eja.Demo.x", "ejs.a/b.x", "ejs.école.x", "ejs.demo.a.b")


@pytest.mark.parametrize("token", MALFORMED_TOKENS)
def test_a_malformed_token_is_refused_like_a_forged_one(api: Api, token: str) -> None:
    def answer(token: str) -> tuple[int, str, object]:
        # As the bytes a client sends: a header is bytes, read by the server as Latin-1.
        authorization = f"Bearer {token}".encode()
        response = api.client.get(
            "/api/v1/auth/api-tokens", headers={b"Authorization": authorization}
        )
        return response.status_code, response.headers["content-type"], response.json()

    forged = answer(f"ejs.{api.school}.forged")
    assert forged[:2] == (401, PROBLEM)
    assert answer(token) == forged


@pytest.mark.parametrize("school", ["école", "ДЕМО", "a" * 41, "a/b", "BAD-SCHOOL"])
def test_a_malformed_school_in_a_login_is_refused_like_a_wrong_password(
    api: Api, school: str
) -> None:
    wrong = api.login("math", "not the password")
    malformed = api.client.post(
        "/api/v1/auth/token", data={"username": f"ivanova@{school}", "password": PASSWORD}
    )
    assert wrong.status_code == 401
    assert malformed.status_code == 401
    assert malformed.headers["content-type"] == PROBLEM
    assert malformed.json() == wrong.json()


@FUZZ
@given(token=st.binary(max_size=60))
def test_any_bearer_token_is_answered_401(api: Api, token: bytes) -> None:
    response = api.client.get(
        "/api/v1/auth/api-tokens", headers={b"Authorization": b"Bearer " + token}
    )
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM


@FUZZ
@given(username=st.binary(max_size=60), password=st.binary(max_size=20))
def test_any_username_and_password_are_answered_401_422_or_429(
    api: Api, username: bytes, password: bytes
) -> None:
    # Raw form bytes, so that what no client library would encode (invalid UTF-8) is sent too.
    body = f"username={quote_from_bytes(username)}&password={quote_from_bytes(password)}"
    response = api.client.post(
        "/api/v1/auth/token",
        content=body.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    # 429 when an example repeats a username: one address, failing again and again.
    assert response.status_code in (401, 422, 429), response.text
    assert response.headers["content-type"] == PROBLEM
