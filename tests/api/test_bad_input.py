"""Odd text into every kind of free-text field, through the real API on both backends: control
characters, lone surrogates, very long strings, right-to-left and combining marks, emoji. Each
answer is a success or a clean refusal, never a server error; a refusal records nothing; what was
recorded reaches every read model, none of which stalls (issue 11)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

if TYPE_CHECKING:
    from collections.abc import Callable

    from api_session import Api

V1 = "/api/v1"
MONDAY = date(2026, 9, 7)

ODD_PIECES = [
    "\x00",
    "\x01",
    "\x07",
    "\x1b[31m",
    "\x7f",
    "\t",
    "\n",
    "\r\n",
    "\u0085",
    "\u2028",
    "\u200b",
    "\u200f",
    "\u202e",
    "\ufeff",
    "\ufffd",
    "\ufffe",
    "\ud800",
    "\udfff",
    "שלום",
    "مرحبا",
    "й",
    "и\u0306",
    "👩‍👩‍👧",
    "🇷🇺",
    "=1+2",
    "+1+1",
    "-2",
    "@SUM(A1)",
    "'",
    '"',
    "\\",
    "%00",
    "<script>alert(1)</script>",
    "'; DROP TABLE stored_events; --",
    " ",
]

odd_text = st.one_of(
    st.lists(
        st.one_of(st.sampled_from(ODD_PIECES), st.text(min_size=1, max_size=8)),
        min_size=1,
        max_size=6,
    ).map("".join),
    st.builds(
        lambda piece, n: piece * n,
        st.sampled_from(["я", "a", "👍", " "]),
        st.sampled_from([199, 200, 201, 499, 500, 501, 999, 1000, 1001, 4001, 100_000]),
    ),
    st.text(),
)
"""Text a person, a broken client or an attacker could send."""


@dataclass(frozen=True)
class TextField:
    """One free-text field of one endpoint, with a valid body to put the text in."""

    name: str
    who: str
    path: Callable[[Api], str]
    body: Callable[[Api, str], dict[str, Any]]


def _student(api: Api, n: int = 0) -> str:
    return str(api.world.students[n])


def _math(api: Api) -> str:
    return str(api.world.journals["math"])


FIELDS = [
    TextField(
        "account full name",
        "admin",
        lambda api: f"{V1}/accounts",
        lambda api, text: {"login": f"odd.{len(text)}.{abs(hash(text))}", "full_name": text},
    ),
    TextField(
        "lesson topic",
        "math",
        lambda api: f"{V1}/journals/{_math(api)}/lessons",
        lambda api, text: {"on": MONDAY.isoformat(), "slot": 1, "topic": text},
    ),
    TextField(
        "lesson homework",
        "math",
        lambda api: f"{V1}/journals/{_math(api)}/lessons",
        lambda api, text: {"on": MONDAY.isoformat(), "slot": 1, "homework": text},
    ),
    TextField(
        "blocking reason",
        "admin",
        lambda api: f"{V1}/accounts/{api.actors['outsider'].account_id}/blocking",
        lambda api, text: {"reason": text},
    ),
    TextField(
        "guardian address",
        "class_teacher",
        lambda api: f"{V1}/students/{_student(api)}/guardians",
        lambda api, text: {
            "name": {"last": "Алексеев", "first": "Олег"},
            "relation": "father",
            "address": text,
        },
    ),
    TextField(
        "api token label",
        "math",
        lambda api: f"{V1}/auth/api-tokens",
        lambda api, text: {"label": text},
    ),
]


def _post_raw(api: Api, path: str, who: str, body: dict[str, Any]) -> Any:
    # json.dumps escapes what UTF-8 cannot carry (a lone surrogate becomes "\ud800"), as a
    # client in another language would; the server's parser must cope.
    content = json.dumps(body)
    headers = api.headers(who, **{"Content-Type": "application/json"})
    return api.client.post(path, content=content, headers=headers)


def _check(api: Api, field: TextField, text: str) -> None:
    before = api.world.school.position()
    answer = _post_raw(api, field.path(api), field.who, field.body(api, text))
    assert answer.status_code < 500, (field.name, repr(text)[:200], answer.text[:500])
    if answer.status_code >= 400:
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert api.world.school.position() == before, (field.name, repr(text)[:200])
    else:
        assert answer.status_code == 201, (field.name, answer.text[:500])


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_odd_text_is_stored_or_refused_cleanly(api: Api, field: TextField) -> None:
    api.world.at(MONDAY, 10)

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    @given(text=odd_text)
    def run(text: str) -> None:
        _check(api, field, text)

    run()
    _read_models_keep_up(api)


def _read_models_keep_up(api: Api) -> None:
    """Every read model reaches the log's head, none stalled by what was recorded."""
    head = api.world.school.position()
    deadline = time.monotonic() + 60
    while True:
        answer = api.get(f"{V1}/projections", "admin")
        assert answer.status_code == 200, answer.text
        behind = [model for model in answer.json() if model["position"] < head]
        if not behind:
            return
        assert time.monotonic() < deadline, f"read models behind the log's head {head}: {behind}"
        time.sleep(0.1)
