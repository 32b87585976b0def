"""A JSON body that names a key twice in one object is refused whole (422 problem+json), on
every route, before anything is recorded: the parser would silently keep the last value."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from api_session import Api

V1 = "/api/v1"
MONDAY = date(2026, 9, 7)


def post_raw(api: Api, path: str, who: str, body: str, content_type: str) -> Any:
    headers = api.headers(who, **{"Content-Type": content_type, "X-Request-ID": "dup-1"})
    return api.client.post(path, content=body.encode(), headers=headers)


def test_a_key_given_twice_is_refused_at_any_depth(api: Api) -> None:
    world = api.world
    world.at(MONDAY, 10)
    lessons = f"{V1}/journals/{world.journals['math']}/lessons"
    student = world.students[0]
    before = world.school.position()
    for body, key in (
        ('{"on": "2026-09-07", "slot": 1, "slot": 2, "topic": "Дроби"}', "slot"),
        (
            '{"on": "2026-09-07", "slot": 1, "topic": "Дроби",'
            f' "marks": [{{"student_id": "{student}", "value": "5", "value": "2"}}]}}',
            "value",
        ),
        (
            '{"on": "2026-09-07", "slot": 1, "topic": "Дроби",'
            f' "attendance": {{"{student}": "absent", "{student}": "present"}}}}',
            str(student),
        ),
    ):
        for content_type in ("application/json", "application/json; charset=utf-8"):
            answer = post_raw(api, lessons, "math", body, content_type)
            assert answer.status_code == 422, answer.text
            assert answer.headers["content-type"] == "application/problem+json"
            assert answer.headers["x-request-id"] == "dup-1"
            problem = answer.json()
            assert problem["type"] == "/problems/invalid-request"
            assert repr(key) in problem["detail"]
            assert problem["instance"] == lessons
    # Another route, another body: the same answer.
    closures = f"{V1}/years/2026-2027/closures"
    closure = (
        '{"start": "2026-10-05", "end": "2026-10-09", "kind": "quarantine",'
        ' "reason": "грипп", "kind": "holidays"}'
    )
    refused = post_raw(api, closures, "deputy", closure, "application/json")
    assert (refused.status_code, refused.json()["type"]) == (422, "/problems/invalid-request")
    assert world.school.position() == before

    # The same bodies with each key once go through as they came.
    held = post_raw(
        api,
        lessons,
        "math",
        '{"on": "2026-09-07", "slot": 1, "topic": "Дроби",'
        f' "marks": [{{"student_id": "{student}", "value": "5"}}]}}',
        "application/json",
    )
    assert held.status_code == 201, held.text
    mark = world.school.journal(world.journals["math"]).mark(UUID(held.json()["ids"]["mark_0"]))
    assert (mark.student_id, mark.value) == (student, "5")
