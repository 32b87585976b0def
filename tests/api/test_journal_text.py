"""Journal text at the edge of the API (issue 11): a NUL in a body, a query or a path is refused
with 422 and records nothing; a body over the limit is refused with 413 before it is parsed; a
text at its length limit is taken and one character more is refused; and every text a request
body carries is journal text."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from api_session import Api
from fastapi.routing import APIRoute
from pydantic import BaseModel
from text_fields import loose_fields

from api.app import create_app
from api.request_limits import MAX_BODY_BYTES
from ejournal.settings import Settings
from ejournal.text import ONE_LINE_PATTERN

V1 = "/api/v1"
MONDAY = date(2026, 9, 7)
PROBLEM = "application/problem+json"
SECRETS = {
    f"{model}.{field}"
    for model in ("PasswordChangeRequest", "TemporaryPasswordChangeRequest")
    for field in ("current_password", "new_password")
} | {"TemporaryPasswordChangeRequest.username"}
"""Passwords: whatever characters a person chooses, hashed, never recorded nor shown; and the
login a temporary password is changed for, which is only looked up (as at logging in), never
recorded."""


def hold(api: Api, slot: int, topic: str) -> Any:
    """Monday's mathematics, held at ``slot`` with ``topic``, over HTTP."""
    api.world.at(MONDAY, 16)
    journal = api.world.journals["math"]
    return api.post(
        f"{V1}/journals/{journal}/lessons",
        "math",
        {"on": MONDAY.isoformat(), "slot": slot, "topic": topic},
    )


def refused(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    return body


def test_a_nul_in_a_name_or_a_topic_is_refused_and_records_nothing(api: Api) -> None:
    before = api.world.school.position()
    answer = refused(
        api.post(f"{V1}/accounts", "admin", {"login": "ivanov", "full_name": "Иван\u0000ов"}),
        422,
    )
    assert answer["type"] == "/problems/invalid-request"
    (error,) = answer["errors"]
    assert error["location"] == ["body", "full_name"]
    assert error["type"] == "journal_text_character"
    assert error["message"].startswith("character 5 is U+0000")
    assert "body.full_name: character 5 is U+0000" in answer["detail"]

    error = refused(hold(api, 1, "Дроби\u0000"), 422)["errors"][0]
    assert (error["location"], error["type"]) == (["body", "topic"], "journal_text_character")
    admitted = api.post(
        f"{V1}/years/2026-2027/students",
        "secretary",
        {
            "name": {"last": "Алексеев", "first": "Пётр\u0001"},
            "birth_date": "2015-02-01",
            "class_code": "5А",
            "on": "2026-09-01",
            "order": "№ 5-у",
        },
    )
    error = refused(admitted, 422)["errors"][0]
    assert error["location"] == ["body", "name", "first"]
    assert api.world.school.position() == before


def test_a_nul_in_a_query_or_a_path_is_refused(api: Api) -> None:
    answer = refused(api.get(f"{V1}/audit?class_code=5А%00", "auditor"), 422)
    assert answer["type"] == "/problems/invalid-request"
    assert answer["errors"] == [
        {
            "location": ["query", "class_code"],
            "message": "character 3 is U+0000 (a control character); text of one line holds no"
            " control character, tab or line break",
            "type": "journal_text_character",
        }
    ]
    refused(api.get(f"{V1}/audit.csv?subject=math%0A", "auditor"), 422)
    sheet = f"{V1}/years/2026-2027/classes/5А%00/sheets/progress?format=csv"
    assert refused(api.get(sheet, "deputy"), 422)["errors"][0]["location"] == ["path"]
    # A query that is journal text is answered as before.
    assert api.get(f"{V1}/audit?class_code=5А", "auditor").status_code == 200
    # The OpenAPI document says so, for clients and the contract run.
    operation = api.client.get("/openapi.json").json()["paths"][f"{V1}/audit"]["get"]
    (class_code,) = [p for p in operation["parameters"] if p["name"] == "class_code"]
    assert class_code["schema"]["anyOf"][0]["pattern"] == ONE_LINE_PATTERN


def test_a_body_over_the_limit_is_refused_before_it_is_parsed(api: Api) -> None:
    before = api.world.school.position()
    answer = refused(hold(api, 1, "т" * 5_000_000), 413)
    assert answer["type"] == "/problems/request-too-large"
    assert str(MAX_BODY_BYTES) in answer["detail"]
    assert refused(hold(api, 1, "т" * (MAX_BODY_BYTES // 2)), 413)["status"] == 413

    def chunks() -> Iterator[bytes]:
        # No Content-Length: the body is counted as it arrives.
        yield b'{"on": "2026-09-07", "slot": 1, "topic": "'
        for _ in range(MAX_BODY_BYTES // 65536 + 1):
            yield b"x" * 65536
        yield b'"}'

    journal = api.world.journals["math"]
    streamed = api.client.post(
        f"{V1}/journals/{journal}/lessons",
        content=chunks(),
        headers=api.headers("math", **{"Content-Type": "application/json"}),
    )
    assert "content-length" not in streamed.request.headers
    refused(streamed, 413)
    assert api.world.school.position() == before


def test_a_topic_at_its_limit_is_taken_and_one_more_character_is_refused(api: Api) -> None:
    assert hold(api, 1, "т" * 1000).status_code == 201
    error = refused(hold(api, 2, "т" * 1001), 422)["errors"][0]
    assert error["location"] == ["body", "topic"]
    assert error["message"] == "text is 1001 characters long; at most 1000 are taken"
    name = "Я" * 200
    created = api.post(f"{V1}/accounts", "admin", {"login": "long.name", "full_name": name})
    assert created.status_code == 201, created.text
    too_long = api.post(f"{V1}/accounts", "admin", {"login": "longer", "full_name": name + "Я"})
    assert refused(too_long, 422)["errors"][0]["type"] == "journal_text_too_long"


def api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    """Every endpoint, in the routers included as well."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from api_routes(route.original_router.routes)


def test_every_text_of_every_request_body_is_journal_text(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/db", school="walk"))
    bodies = {
        param.field_info.annotation
        for route in api_routes(app.routes)
        for param in route.dependant.body_params
    }
    models = [b for b in bodies if isinstance(b, type) and issubclass(b, BaseModel)]
    assert {m.__name__ for m in models} >= {"AccountRequest", "WholeLessonRequest"}
    loose = [where for model in models for where in loose_fields(model, model.__name__)]
    assert [where for where in loose if where not in SECRETS] == []
