"""The large reads are encoded by pydantic-core straight to bytes (FastAPI's path for a route
with a response model and the default response class), and their JSON is exactly the read
model's: no other encoder (``ORJSONResponse``, measured slower here: bench/json_encoding.py)
changes a byte of it, a UTC time's "Z" included."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from api_session import Api
from fastapi import routing
from fastapi.datastructures import DefaultPlaceholder
from fastapi.routing import APIRoute
from pydantic import TypeAdapter

from ejournal.projections.diary.queries import DiaryView, diary_week
from ejournal.projections.journal_grid.queries import JournalGridView, grid

V1 = "/api/v1"
MONDAY = date(2026, 9, 7)
LARGE_READS = (
    f"{V1}/journals/{{journal_id}}/grid",
    f"{V1}/journals/{{journal_id}}",
    f"{V1}/family/children/{{student_id}}/diary",
    f"{V1}/family/children/{{student_id}}/week",
    f"{V1}/audit",
    f"{V1}/teachers/{{teacher_id}}/lessons",
    f"{V1}/classes/{{class_code}}/absences",
)
"""The reads whose answers grow with the year: a grid, a journal page, a diary, the audit."""


def _route(api: Api, path: str) -> APIRoute:
    found = [
        context.original_route
        for context in routing.iter_route_contexts(api.client.app.routes)
        if isinstance(context.original_route, routing.APIRoute)
        and context.path == path
        and "GET" in (context.original_route.methods or ())
    ]
    assert len(found) == 1, path
    return found[0]


@pytest.mark.parametrize("path", LARGE_READS)
def test_a_large_read_takes_pydantics_path_to_bytes(api: Api, path: str) -> None:
    route = _route(api, path)
    assert route.response_field is not None, f"{path} has no response model"
    assert isinstance(route.response_class, DefaultPlaceholder), f"{path} has its own encoder"


def record_a_day(api: Api) -> int:
    api.world.at(MONDAY, 10)
    s = api.world.students
    recorded = api.post(
        f"{V1}/journals/{api.world.journals['math']}/lessons",
        "math",
        {
            "on": MONDAY.isoformat(),
            "slot": 1,
            "topic": 'Натуральные числа «и» "кавычки" \\ 𝔸',
            "homework": "§ 1\nстрока вторая",
            "attendance": {str(s[1]): "absent"},
            "marks": [{"student_id": str(s[0]), "value": "5", "work_kind": "control"}],
        },
    )
    assert recorded.status_code == 201, recorded.text
    return int(recorded.json()["position"])


def _read(api: Api, query: Any) -> Any:
    database = api.client.app.state.deployment.school(api.school).database  # type: ignore[attr-defined]
    with database.transaction(write=False) as cursor:
        return query(cursor)


def test_the_grids_json_is_the_read_models_byte_for_byte(api: Api) -> None:
    position = record_a_day(api)
    journal = api.world.journals["math"]
    answer = api.get(f"{V1}/journals/{journal}/grid?after={position}", "math")
    assert answer.status_code == 200, answer.text
    view = _read(api, lambda cursor: grid(cursor, journal))
    assert answer.content == TypeAdapter(JournalGridView).dump_json(view, by_alias=True)
    assert answer.headers["content-type"] == "application/json"
    assert "«и»" in answer.content.decode()  # UTF-8 as it is, not \\u escapes


def test_the_diarys_json_is_the_read_models_byte_for_byte(api: Api) -> None:
    position = record_a_day(api)
    child = api.world.students[0]
    answer = api.get(
        f"{V1}/family/children/{child}/diary?start={MONDAY.isoformat()}&after={position}",
        "parent",
    )
    assert answer.status_code == 200, answer.text
    last = date(2026, 9, 13)
    view = _read(api, lambda cursor: diary_week(cursor, child, MONDAY, last))
    assert answer.content == TypeAdapter(DiaryView).dump_json(view, by_alias=True)
