"""``ejournal school create`` from an empty database, then the first administrator's first login
over the real app: the one-time password opens no session until it is replaced (Gymnasium 2
§3.2, §5.4), on both storage backends."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from ejournal.aggregates.account import Account
from ejournal.aggregates.integrity_register import IntegrityRegister
from ejournal.aggregates.school_record import SchoolRecord, school_record_id
from ejournal.cli import app as cli
from ejournal.schools import open_school
from ejournal.settings import Settings
from ejournal.storage import school_is_set_up

V1 = "/api/v1"
runner = CliRunner()
NEW_PASSWORD = "Осенний листопад 2026"


@pytest.fixture
def env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The settings of the command and the service alike; no stray .env file is read."""
    monkeypatch.chdir(tmp_path)
    return {"EJOURNAL_DATABASE_URL": database_url, "EJOURNAL_PASSWORD_HASHING": "cheapest"}


def create(env: dict[str, str], *args: str) -> Result:
    return runner.invoke(cli, ["school", "create", *args], env=env)


def one_time_password(result: Result) -> str:
    found = re.search(r"Одноразовый пароль \(показан один раз\): (\S+)", result.stdout)
    assert found, result.output
    return found.group(1)


def login(client: TestClient, username: str, password: str) -> Any:
    """Logging in as a Russian reader's client would (the problems come in Russian)."""
    return client.post(
        f"{V1}/auth/token",
        data={"username": username, "password": password},
        headers={"Accept-Language": "ru"},
    )


def change(client: TestClient, username: str, current: str, new: str) -> Any:
    return client.post(
        f"{V1}/auth/password-change",
        json={"username": username, "current_password": current, "new_password": new},
        headers={"Accept-Language": "ru"},
    )


def test_a_new_school_and_its_first_administrators_first_login(
    env: dict[str, str], database_url: str, school_id: str
) -> None:
    assert not school_is_set_up(database_url, school_id)
    result = create(
        env,
        school_id,
        "--name",
        "МБОУ «Гимназия № 2»",
        "--profile",
        "gymnasium2",
        "--timezone",
        "Asia/Yekaterinburg",
        "--admin",
        "Petrova.AI",
        "--admin-name",
        "Петрова Анна Ивановна",
    )
    assert result.exit_code == 0, result.output
    password = one_time_password(result)
    assert len(password) >= 16
    assert f"логин petrova.ai@{school_id}" in result.stdout
    assert "Signed a checkpoint" in result.stdout

    # What the log holds: the school's record, its administrator, and the key its first
    # checkpoint names; never the password.
    school = open_school(Settings(database_url=database_url), school_id, migrate=False)
    try:
        record = school.view(SchoolRecord, school_record_id(), "school")
        assert (record.name, record.profile, record.timezone) == (
            "МБОУ «Гимназия № 2»",
            "gymnasium2",
            "Asia/Yekaterinburg",
        )
        kinds = [type(n).__qualname__ for n in _events(school)]
        assert kinds == [
            "SchoolRecord.Registered",
            "Account.Registered",
            "Account.RoleGranted",
            "Account.CredentialSet",
            "IntegrityRegister.SigningKeyRegistered",
        ]
        credential_set = _events(school)[3]
        assert isinstance(credential_set, Account.CredentialSet)
        assert credential_set.temporary
        assert password not in str([e.model_dump() for e in _events(school)])
        assert isinstance(_events(school)[4], IntegrityRegister.SigningKeyRegistered)
    finally:
        school.close()

    settings = Settings(
        database_url=database_url,
        school=school_id,
        password_hashing="cheapest",
        timezone="Europe/Kaliningrad",
    )
    username = f"petrova.ai@{school_id}"
    with TestClient(create_app(settings)) as client:
        # The one-time password is right, but opens no session: it must be changed first.
        told = login(client, username, password)
        assert told.status_code == 403, told.text
        assert told.headers["content-type"] == "application/problem+json"
        assert told.json()["type"] == "/problems/password-change-required"
        assert "смените" in told.json()["detail"]
        # A wrong one is refused as any wrong password; a weak new one is refused.
        wrong = change(client, username, "not the password", NEW_PASSWORD)
        assert (wrong.status_code, wrong.json()["type"]) == (401, "/problems/not-authenticated")
        for weak in ("short", "aaaaaaaaaaaa", "petrova.ai-2026!", password):
            refused = change(client, username, password, weak)
            assert refused.status_code == 422, (weak, refused.text)
            assert refused.json()["type"] == "/problems/weak-password", refused.text
        assert login(client, username, password).status_code == 403

        changed = change(client, username, password, NEW_PASSWORD)
        assert changed.status_code == 204, changed.text
        logged_in = login(client, username, NEW_PASSWORD)
        assert logged_in.status_code == 200, logged_in.text
        assert logged_in.json()["roles"] == ["administrator"]
        token = logged_in.json()["access_token"]
        me = client.get(f"{V1}/me", headers={"Authorization": f"Bearer {token}"}).json()
        assert (me["login"], me["full_name"]) == ("petrova.ai", "Петрова Анна Ивановна")
        # The old password is dead, and the new one is not temporary.
        old = login(client, username, password)
        assert (old.status_code, old.json()["type"]) == (401, "/problems/not-authenticated")
        # The administrator works: creates an account.
        made = client.post(
            f"{V1}/accounts",
            json={"login": "sidorov", "full_name": "Сидоров Пётр Ильич"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert made.status_code == 201, made.text
        # The first year takes the profile and the zone the school was created with, even
        # where the deployment names another zone (issue 14: set once, at creation).
        started = client.post(
            f"{V1}/years",
            json={
                "label": "2026-2027",
                "starts_on": "2026-09-01",
                "ends_on": "2027-05-31",
                "periods": [
                    {"id": "H1", "name": "1 полугодие", "start": "2026-09-01", "end": "2026-12-28"},
                    {"id": "H2", "name": "2 полугодие", "start": "2027-01-11", "end": "2027-05-31"},
                ],
            },
            headers={"Authorization": f"Bearer {token}"},
        )
        assert started.status_code == 201, started.text

    school = open_school(Settings(database_url=database_url), school_id, migrate=False)
    try:
        first_year = school.year_view("2026/2027")
        assert (first_year.profile.id, first_year.profile.timezone) == (
            "gymnasium2",
            "Asia/Yekaterinburg",
        )
    finally:
        school.close()

    school = open_school(Settings(database_url=database_url), school_id, migrate=False)
    try:
        own = [e for e in _events(school) if isinstance(e, Account.CredentialSet)][-1]
        assert not own.temporary
        assert own.actor.account_id == own.originator_id  # set by its holder
    finally:
        school.close()

    # A school is created once.
    again = create(env, school_id, "--name", "Другая", "--admin", "other")
    assert again.exit_code == 1, again.output
    assert "уже существует" in again.stderr


def test_a_migrated_empty_school_gets_its_administrator(
    env: dict[str, str], database_url: str, school_id: str
) -> None:
    """The case of issue 14: ``migrate`` made the storage, and nobody could log in."""
    migrated = runner.invoke(cli, ["migrate", "--school", school_id], env=env)
    assert migrated.exit_code == 0, migrated.output
    result = create(env, school_id, "--name", "Школа № 77", "--admin", "admin")
    assert result.exit_code == 0, result.output
    assert "профиль регламента school77, часовой пояс Europe/Moscow" in result.stdout
    settings = Settings(database_url=database_url, school=school_id, password_hashing="cheapest")
    with TestClient(create_app(settings)) as client:
        username = f"admin@{school_id}"
        password = one_time_password(result)
        assert login(client, username, password).status_code == 403
        assert change(client, username, password, NEW_PASSWORD).status_code == 204
        assert login(client, username, NEW_PASSWORD).status_code == 200


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ({"--profile": "lyceum99"}, "нет профиля регламента 'lyceum99'; есть: belogorsk"),
        ({"--timezone": "Europe/Atlantis"}, "неизвестный часовой пояс 'Europe/Atlantis'"),
        ({"--admin": "не латиница"}, "недопустимое значение --admin"),
        ({"--name": " "}, "недопустимое значение --name"),
    ],
)
def test_a_bad_option_creates_nothing(
    env: dict[str, str], database_url: str, school_id: str, options: dict[str, str], said: str
) -> None:
    args = {"--name": "Школа", "--admin": "admin"} | options
    result = create(env, school_id, *[part for pair in args.items() for part in pair])
    assert result.exit_code == 2, result.output
    assert said in result.stderr
    assert not school_is_set_up(database_url, school_id)


def _events(school: Any) -> list[Any]:
    return [school.mapper.to_domain_event(n) for n in school.recorder.select_notifications(1, 100)]
