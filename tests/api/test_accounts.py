"""Accounts through the API: creating and reading them, roles, passwords, blocking and annulment
(School 117 §10: the account is cut off at once, and the notice is recorded)."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from api_session import PASSWORD, Api

from ejournal.aggregates.account import Account
from ejournal.aggregates.identity import account_id as account_id_for

V1 = "/api/v1"
PROBLEM = "application/problem+json"


def problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["type"] == f"/problems/{slug}"
    return body


def recorded(api: Api, response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    assert body["events"] == 1
    assert body["position"] == api.world.school.position()
    return body


def without_instance(response: Any) -> dict[str, Any]:
    return {k: v for k, v in response.json().items() if k != "instance"}


def events_of(api: Api, account_id: UUID) -> list[Any]:
    return list(api.world.school.events.get(account_id))


def test_creating_an_account_and_reading_it(api: Api) -> None:
    made = recorded(
        api,
        api.post(
            f"{V1}/accounts",
            "admin",
            {"login": "Novikova", "full_name": "Новикова Анна Ивановна", "email": "n@school.ru"},
        ),
    )
    account_id = account_id_for("novikova")
    assert made["ids"] == {"account_id": str(account_id)}
    registered = events_of(api, account_id)[0]
    assert isinstance(registered, Account.Registered)
    assert (registered.login, registered.actor) == ("novikova", api.actors["admin"])
    for who in ("admin", "deputy", "director"):
        read = api.get(f"{V1}/accounts/{account_id}", who)
        assert read.status_code == 200
        assert read.json() == {
            "account_id": str(account_id),
            "login": "novikova",
            "full_name": "Новикова Анна Ивановна",
            "email": "n@school.ru",
            "roles": [],
            "active": True,
            "blocked": False,
            "annulled": False,
        }


def test_accounts_are_read_by_the_administration_only(api: Api) -> None:
    admin = api.actors["admin"].account_id
    for who in ("secretary", "math", "class_teacher", "inspector", "auditor", "parent", "student"):
        problem(api.get(f"{V1}/accounts/{admin}", who), 403, "forbidden")
    problem(api.get(f"{V1}/accounts/{admin}", None), 401, "not-authenticated")
    # One's own account is no exception here (that is what /me is for).
    problem(api.get(f"{V1}/accounts/{api.actors['math'].account_id}", "math"), 403, "forbidden")


def test_an_unknown_account_and_an_id_of_something_else_look_the_same(api: Api) -> None:
    missing = api.get(f"{V1}/accounts/{uuid4()}", "admin")
    problem(missing, 404, "not-found")
    a_student = api.get(f"{V1}/accounts/{api.world.students[0]}", "admin")
    assert without_instance(a_student) == without_instance(missing)
    problem(api.get(f"{V1}/accounts/not-a-uuid", "admin"), 422, "invalid-request")


def test_accounts_are_managed_by_the_administrator_only(api: Api) -> None:
    school = api.world.school
    before = school.position()
    math = api.actors["math"].account_id
    attempts: list[tuple[str, dict[str, Any]]] = [
        (f"{V1}/accounts", {"login": "new", "full_name": "Новый Пользователь"}),
        (f"{V1}/accounts/{math}/roles", {"role": "deputy"}),
        (f"{V1}/accounts/{math}/roles/{uuid4()}/revocation", {"reason": "r"}),
        (f"{V1}/accounts/{math}/blocking", {"reason": "r"}),
        (f"{V1}/accounts/{math}/unblocking", {"reason": "r"}),
        (f"{V1}/accounts/{math}/annulment", {"reason": "r", "address": "a@b.ru"}),
        (f"{V1}/accounts/{math}/password", {"password": "a long enough password"}),
    ]
    # A class teacher creates family accounts and controls their access (Lyceum 68 §3.5.6,
    # §3.5.10): a staff member's account answers them as a missing one, and creating an
    # account is tried apart (it succeeds).
    family_keeping = {"blocking", "unblocking", "password"}
    for path, body in attempts:
        for who in ("deputy", "director", "secretary", "class_teacher", "inspector", "parent"):
            if who == "class_teacher" and path.rsplit("/", 1)[-1] in family_keeping:
                problem(api.post(path, who, body), 404, "not-found")
            elif not (who == "class_teacher" and path == f"{V1}/accounts"):
                problem(api.post(path, who, body), 403, "forbidden")
        problem(api.post(path, None, body), 401, "not-authenticated")
    assert school.position() == before


def test_granting_and_revoking_a_role(api: Api) -> None:
    school = api.world.school
    outsider = api.actors["outsider"].account_id
    granted = recorded(
        api,
        api.post(
            f"{V1}/accounts/{outsider}/roles",
            "admin",
            {"role": "class_teacher", "class_code": "1А", "year": "2026-2027"},
        ),
    )
    grant_id = granted["ids"]["grant_id"]
    assert school.account(outsider).classes_led() == {("2026/2027", "1А")}
    roles = api.get(f"{V1}/accounts/{outsider}", "deputy").json()["roles"]
    assert {
        "grant_id": grant_id,
        "role": "class_teacher",
        "role_name": "классный руководитель",
        "class_code": "1А",
        "year": "2026-2027",
        "student_id": None,
    } in (roles)
    # The new role works on the account's very next request.
    api.tokens["outsider"] = api.login("outsider").json()["access_token"]
    assert api.get(f"{V1}/years/2026-2027", "outsider").status_code == 200

    revocation = f"{V1}/accounts/{outsider}/roles/{grant_id}/revocation"
    recorded(api, api.post(revocation, "admin", {"reason": "смена классного руководителя"}))
    assert school.account(outsider).classes_led() == frozenset()
    assert isinstance(events_of(api, outsider)[-1], Account.RoleRevoked)
    # The grant is gone, and a grant of another account is not this account's.
    gone = api.post(revocation, "admin", {"reason": "ещё раз"})
    problem(gone, 404, "not-found")
    math = api.actors["math"].account_id
    math_grant = next(iter(school.account(math).grants))
    elsewhere = api.post(
        f"{V1}/accounts/{outsider}/roles/{math_grant}/revocation", "admin", {"reason": "r"}
    )
    assert without_instance(elsewhere) == without_instance(gone)
    # A role that needs a scope is refused without one, and nothing is recorded.
    before = school.position()
    problem(
        api.post(f"{V1}/accounts/{outsider}/roles", "admin", {"role": "parent"}),
        409,
        "account-invariant",
    )
    problem(
        api.post(f"{V1}/accounts/{outsider}/roles", "admin", {"role": "system"}), 403, "forbidden"
    )
    assert school.position() == before


def test_blocking_cuts_an_account_off_at_once_and_for_good(api: Api) -> None:
    math = api.actors["math"].account_id
    old_token = api.tokens["math"]
    assert api.get(f"{V1}/years/2026-2027", "math").status_code == 200
    recorded(api, api.post(f"{V1}/accounts/{math}/blocking", "admin", {"reason": "утеря пароля"}))
    problem(api.get(f"{V1}/years/2026-2027", "math"), 401, "account-inactive")
    problem(api.login("math"), 401, "not-authenticated")
    assert api.get(f"{V1}/accounts/{math}", "admin").json()["blocked"] is True
    # Blocking twice is refused; nothing is recorded.
    before = api.world.school.position()
    problem(
        api.post(f"{V1}/accounts/{math}/blocking", "admin", {"reason": "r"}),
        409,
        "account-invariant",
    )
    assert api.world.school.position() == before

    recorded(
        api, api.post(f"{V1}/accounts/{math}/unblocking", "admin", {"reason": "новый пароль выдан"})
    )
    # The tokens held when it was blocked stay dead; a new login works.
    problem(api.get(f"{V1}/years/2026-2027", "math"), 401, "not-authenticated")
    assert api.tokens["math"] == old_token
    fresh = api.login("math")
    assert fresh.status_code == 200
    api.tokens["math"] = fresh.json()["access_token"]
    assert api.get(f"{V1}/years/2026-2027", "math").status_code == 200
    kinds = [type(e).__name__ for e in events_of(api, math)]
    assert kinds[-2:] == ["Blocked", "Unblocked"]
    # Unblocking an account that is not blocked is refused, and leaves its tokens alone.
    russian = api.actors["russian"].account_id
    problem(
        api.post(f"{V1}/accounts/{russian}/unblocking", "admin", {"reason": "r"}),
        409,
        "account-invariant",
    )
    assert api.get(f"{V1}/years/2026-2027", "russian").status_code == 200


def test_annulment_records_the_notice_and_ends_access(api: Api) -> None:
    parent = api.actors["parent"].account_id
    assert api.get(f"{V1}/auth/api-tokens", "parent").status_code == 200
    recorded(
        api,
        api.post(
            f"{V1}/accounts/{parent}/annulment",
            "admin",
            {"reason": "заявление родителя", "address": "alekseeva@example.ru"},
        ),
    )
    annulled = events_of(api, parent)[-1]
    assert isinstance(annulled, Account.Annulled)
    assert annulled.actor == api.actors["admin"]
    assert annulled.notice.model_dump() == {
        "full_name": "Алексеева Ирина Олеговна",
        "address": "alekseeva@example.ru",
        "service": (
            "Предоставление информации о текущей успеваемости учащегося,"
            " ведение электронного дневника"
        ),
        "reason": "заявление родителя",
    }
    # Its tokens are revoked there and then: an annulment is final.
    problem(api.get(f"{V1}/auth/api-tokens", "parent"), 401, "not-authenticated")
    problem(api.login("parent"), 401, "not-authenticated")
    read = api.get(f"{V1}/accounts/{parent}", "admin").json()
    assert (read["active"], read["blocked"], read["annulled"]) == (False, True, True)
    # An annulment is final.
    before = api.world.school.position()
    problem(
        api.post(f"{V1}/accounts/{parent}/unblocking", "admin", {"reason": "ошибка"}),
        409,
        "account-invariant",
    )
    problem(
        api.post(f"{V1}/accounts/{parent}/password", "admin", {"password": "another passphrase"}),
        409,
        "account-invariant",
    )
    problem(
        api.post(f"{V1}/accounts/{parent}/annulment", "admin", {"reason": "r", "address": ""}),
        422,
        "invalid-request",
    )
    assert api.world.school.position() == before


def test_the_administrator_sets_a_password(api: Api) -> None:
    russian = api.actors["russian"].account_id
    new = "a brand new passphrase"
    path = f"{V1}/accounts/{russian}/password"
    set_ = recorded(api, api.post(path, "admin", {"password": new}, **{"Idempotency-Key": "pw-1"}))
    credential_id = UUID(set_["ids"]["credential_id"])
    event = events_of(api, russian)[-1]
    assert isinstance(event, Account.CredentialSet)
    assert (event.credential_id, event.kind, event.actor) == (
        credential_id,
        "password",
        api.actors["admin"],
    )
    assert new not in str(event.model_dump())
    # Set by the administrator, it is temporary (Gymnasium 2 §3.2, §5.4): it opens no session.
    assert event.temporary
    problem(api.login("russian"), 401, "not-authenticated")
    problem(api.login("russian", new), 403, "password-change-required")
    # A retry sets nothing twice: same answer, no new credential.
    again = api.post(path, "admin", {"password": new}, **{"Idempotency-Key": "pw-1"})
    assert (again.status_code, again.json()) == (201, set_)
    assert api.world.school.position() == set_["position"]
    problem(api.login("russian", new), 403, "password-change-required")
    # Its holder replaces it with their own, which opens a session.
    own = "my own passphrase 42"
    login = api.world.school.account(russian).login
    changed = api.client.post(
        f"{V1}/auth/password-change",
        json={"username": f"{login}@{api.school}", "current_password": new, "new_password": own},
    )
    assert changed.status_code == 204, changed.text
    assert not events_of(api, russian)[-1].temporary
    problem(api.login("russian", new), 401, "not-authenticated")
    assert api.login("russian", own).status_code == 200

    before = api.world.school.position()
    problem(api.post(path, "admin", {"password": "too short"}), 422, "invalid-request")
    problem(
        api.post(f"{V1}/accounts/{uuid4()}/password", "admin", {"password": PASSWORD}),
        404,
        "not-found",
    )
    assert api.world.school.position() == before
