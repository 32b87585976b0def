"""The web journal's session with a real HTTP client (no browser): the cookie, the CSRF token,
logout, the role switch, the temporary password, and scope on pages."""

from __future__ import annotations

import re

from api_session import PASSWORD
from fastapi.testclient import TestClient
from web_site import Site

from ejournal.aggregates.identity import account_id as account_id_for


def _form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page holds no form token"
    return found.group(1)


def _log_in(client: TestClient, site: Site, who: str, password: str = PASSWORD) -> str:
    """Log in through the login form; the session cookie's header."""
    token = _form_token(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"username": site.login_of(who), "password": password, "csrf_token": token},
    )
    assert answer.status_code == 303, answer.text
    return answer.headers["set-cookie"]


def test_login_sets_an_httponly_samesite_session_cookie(client: TestClient, site: Site) -> None:
    cookie = _log_in(client, site, "math")
    session = next(
        c for c in cookie.split(", ej_") if "ej_session=" in c or c.startswith("session=")
    )
    assert "HttpOnly" in session
    assert "SameSite=lax" in session or "samesite=lax" in session.lower()
    home = client.get("/")
    assert home.status_code == 303
    assert home.headers["location"] == "/teacher"
    page = client.get("/teacher")
    assert page.status_code == 200
    assert '<html lang="ru">' in page.text
    assert "Иванова Мария Петровна" in page.text


def test_the_session_token_is_the_apis_kind(client: TestClient, site: Site) -> None:
    _log_in(client, site, "math")
    token = client.cookies["ej_session"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["login"] == "ivanova"


def test_a_wrong_password_is_refused_in_russian(client: TestClient, site: Site) -> None:
    token = _form_token(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"username": site.login_of("math"), "password": "wrong", "csrf_token": token},
    )
    assert answer.status_code == 401
    assert "Неверный логин или пароль" in answer.text
    assert "ej_session" not in client.cookies


def test_a_login_without_its_form_token_is_refused(client: TestClient, site: Site) -> None:
    client.get("/login")
    answer = client.post("/login", data={"username": site.login_of("math"), "password": PASSWORD})
    assert answer.status_code == 403
    assert "ключа защиты" in answer.text
    assert "ej_session" not in client.cookies


def test_a_post_without_the_csrf_token_is_refused(client: TestClient, site: Site) -> None:
    _log_in(client, site, "math")
    token = _form_token(client.get("/teacher").text)
    refused = client.post("/logout")
    assert refused.status_code == 403
    assert "ключа защиты" in refused.text
    forged = client.post("/logout", data={"csrf_token": "0" * 64})
    assert forged.status_code == 403
    # Still signed in: nothing was done.
    assert client.get("/teacher").status_code == 200
    # An htmx request sends the token in a header.
    answer = client.post("/logout", headers={"X-CSRF-Token": token})
    assert answer.status_code == 303


def test_logout_revokes_the_session(client: TestClient, site: Site) -> None:
    _log_in(client, site, "math")
    token = client.cookies["ej_session"]
    csrf = _form_token(client.get("/teacher").text)
    answer = client.post("/logout", data={"csrf_token": csrf})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login"
    # The token itself is dead, not only the cookie: put back, it opens nothing.
    client.cookies.set("ej_session", token)
    again = client.get("/teacher")
    assert again.status_code == 303
    assert again.headers["location"].startswith("/login?next=")
    api = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 401


def test_a_page_without_a_session_leads_to_the_login(client: TestClient) -> None:
    answer = client.get("/teacher/journals")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2Fteacher%2Fjournals"


def test_a_parent_cannot_open_another_childs_page(client: TestClient, site: Site) -> None:
    _log_in(client, site, "parent")
    own, other = site.world.students[0], site.world.students[1]
    assert client.get("/").headers["location"] == "/family"
    mine = client.get(f"/family/children/{own}")
    assert mine.status_code == 200
    assert "Алексеев Артём Игоревич" in mine.text
    theirs = client.get(f"/family/children/{other}")
    missing = client.get("/family/children/00000000-0000-0000-0000-000000000000")
    assert theirs.status_code == missing.status_code == 404
    assert "Белова" not in theirs.text
    assert "Не найдено" in theirs.text
    # A parent has no teacher's pages either.
    assert client.get("/teacher").status_code == 403


def test_a_role_switch_changes_the_home_page(client: TestClient, site: Site) -> None:
    _log_in(client, site, "class_teacher")  # a class teacher who also teaches
    assert client.get("/").headers["location"] == "/teacher"
    csrf = _form_token(client.get("/teacher").text)
    switched = client.post("/role", data={"role": "class_teacher", "csrf_token": csrf})
    assert switched.status_code == 303
    assert client.cookies["ej_role"] == "class_teacher"
    assert client.get("/").headers["location"] != "/teacher"
    # A role the account does not hold is no choice at all.
    refused = client.post("/role", data={"role": "deputy", "csrf_token": csrf})
    assert refused.status_code == 404
    assert client.cookies["ej_role"] == "class_teacher"


def test_a_temporary_password_must_be_changed_first(client: TestClient, site: Site) -> None:
    services = site.app.state.deployment.school(site.school)
    math = account_id_for("ivanova")
    services.credentials.set_password(math, "temporary-123", temporary=True)
    token = _form_token(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"username": site.login_of("math"), "password": "temporary-123", "csrf_token": token},
    )
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/password-change?login=")
    assert "ej_session" not in client.cookies
    form = client.get(answer.headers["location"])
    assert "Смена временного пароля" in form.text
    changed = client.post(
        "/password-change",
        data={
            "username": site.login_of("math"),
            "current_password": "temporary-123",
            "new_password": "my own passphrase",
            "repeated_password": "my own passphrase",
            "csrf_token": _form_token(form.text),
        },
    )
    assert changed.status_code == 200
    assert "Пароль сменён" in changed.text
    _log_in(client, site, "math", "my own passphrase")
    assert client.get("/teacher").status_code == 200


def test_an_unknown_page_is_a_russian_404(client: TestClient) -> None:
    page = client.get("/no/such/page", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert "Не найдено" in page.text
    assert page.headers["content-type"].startswith("text/html")
    api = client.get("/api/v1/no-such-thing", headers={"Accept": "text/html"})
    assert api.status_code == 404
    assert api.headers["content-type"] == "application/problem+json"


def test_failed_logins_are_throttled_as_the_apis(client: TestClient, site: Site) -> None:
    token = _form_token(client.get("/login").text)
    wrong = {"username": site.login_of("math"), "password": "wrong", "csrf_token": token}
    answers = [client.post("/login", data=wrong).status_code for _ in range(4)]
    assert answers == [401, 401, 401, 429]  # three free failures from one address, then a wait
    refused = client.post("/login", data={**wrong, "password": PASSWORD})
    assert refused.status_code == 429  # even the right password waits its turn
    assert "Слишком много попыток входа; повторите через" in refused.text
    # The API counts the same failures: one throttle for both doors.
    api = client.post(
        "/api/v1/auth/token", data={"username": site.login_of("math"), "password": PASSWORD}
    )
    assert api.status_code == 429


def test_pages_are_not_kept_nor_framed(client: TestClient) -> None:
    page = client.get("/login")
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["content-language"] == "ru"
