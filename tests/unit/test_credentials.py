"""Reading what a request brings: a bearer token's school, a login form's username.

Both readers are total: any text gives an answer, never an error (a malformed token or login
once answered 500)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ejournal.credentials import LoginName, LoginThrottling, parse_username, token_school
from ejournal.storage import is_school_id

ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=()), max_size=80)
"""Any text at all, lone surrogates and control characters included."""


@given(ANY_TEXT)
def test_any_text_as_a_token_gives_a_valid_school_or_none(token: str) -> None:
    school = token_school(token)
    assert school is None or is_school_id(school)


@given(st.sampled_from(["ejs", "eja", "ejx", ""]), ANY_TEXT, ANY_TEXT)
def test_any_token_shaped_text_gives_a_valid_school_or_none(
    prefix: str, school: str, secret: str
) -> None:
    found = token_school(f"{prefix}.{school}.{secret}")
    assert found is None or (found == school and is_school_id(found))


@given(ANY_TEXT, st.sampled_from(["demo", "lyceum68"]))
def test_any_text_as_a_username_gives_a_login_or_none(username: str, default: str) -> None:
    name = parse_username(username, default)
    if name is not None:
        assert is_school_id(name.school)
        assert name.login == name.login.lower()
        assert name.login.isprintable()
        assert " " not in name.login
        name.login.encode()  # a login names an account id through its UTF-8 bytes


@pytest.mark.parametrize(
    "token",
    [
        "ejs.BAD-SCHOOL.x",
        "eja.Demo.x",
        "ejs.a/b.x",
        "ejs..x",
        "ejs.demo.",
        "ejs.demo.a.b",
        "ejs.demo.sécret",
        "ejs.école.x",
        f"ejs.{'a' * 41}.x",
        "ejs.demo.\ud800",
        "Bearer",
        "",
    ],
)
def test_malformed_tokens_name_no_school(token: str) -> None:
    assert token_school(token) is None


def test_a_token_names_its_school() -> None:
    assert token_school("ejs.lyceum_68.abc-DEF_123") == "lyceum_68"
    assert token_school("eja.demo.x") == "demo"


@pytest.mark.parametrize(
    "username",
    [
        "x@école",
        "x@ДЕМО",
        f"x@{'a' * 41}",
        "x@",
        "@demo",
        "",
        "   ",
        "two words@demo",
        "tab\there",
        "nul\x00",
        "\ud800@demo",
        "a" * 65,
    ],
)
def test_malformed_usernames_name_no_login(username: str) -> None:
    assert parse_username(username, "demo") is None


def test_a_username_names_a_login_in_a_school() -> None:
    assert parse_username(" Ivanova ", "demo") == LoginName(login="ivanova", school="demo")
    assert parse_username("ivanova@Lyceum68", "demo") == LoginName("ivanova", "lyceum68")
    # The school follows the last "@": a login may itself be an e-mail address.
    assert parse_username("i.ivanova@mail.ru@demo", "x") == LoginName("i.ivanova@mail.ru", "demo")


def test_login_delays_double_up_to_fifteen_minutes() -> None:
    throttling = LoginThrottling()
    delays = [throttling.delay(failures, free=3) for failures in range(16)]
    assert delays[:3] == [timedelta(0)] * 3
    assert delays[3:8] == [timedelta(seconds=s) for s in (1, 2, 4, 8, 16)]
    assert delays[13:] == [timedelta(minutes=15)] * 3
    assert throttling.delay(10**9, free=3) == timedelta(minutes=15)
