"""GET /me: the account behind the token, with its roles and their scopes."""

from __future__ import annotations

from typing import Any

from api_session import Api

from ejournal.commands import accounts

PROBLEM = "application/problem+json"


def assert_refused(response: Any, status: int, slug: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == f"/problems/{slug}"


def test_me_names_the_account_and_its_scoped_roles(api: Api) -> None:
    response = api.get("/api/v1/me", "class_teacher")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["id"], body["login"], body["full_name"], body["active"]) == (
        str(api.actors["class_teacher"].account_id),
        "klass5a",
        "Васильева Елена Павловна",
        True,
    )
    assert [(g["role"], g["class_code"], g["student_id"]) for g in body["roles"]] == [
        ("class_teacher", "5А", None),
        ("teacher", None, None),
    ]
    parent = api.get("/api/v1/me", "parent").json()
    assert [(g["role"], g["class_code"], g["student_id"]) for g in parent["roles"]] == [
        ("parent", None, str(api.world.students[0]))
    ]


def test_me_needs_a_live_token_of_an_active_account(api: Api) -> None:
    assert_refused(api.get("/api/v1/me", None), 401, "not-authenticated")
    api.sign_in("auditor")  # a token issued before the account was blocked
    accounts.block_account(
        api.world.school,
        api.world.admin,
        accounts.BlockAccount(account_id=api.actors["auditor"].account_id, reason="увольнение"),
    )
    assert_refused(api.get("/api/v1/me", "auditor"), 401, "account-inactive")
