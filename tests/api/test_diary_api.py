"""The diary over HTTP: a parent reads their child's days and averages with the position a
teacher's command returned; anyone else's child answers as a missing one, staff are refused."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

from api_session import Api

MONDAY = date(2026, 9, 7)
PROBLEM = "application/problem+json"


def record_lessons(api: Api) -> int:
    """Monday's mathematics with marks for Алексеев and Гусев; the position of the last."""
    api.world.at(MONDAY, 10)
    journal = api.world.journals["math"]
    position = 0
    for slot, kind in ((1, "oral"), (2, "control")):
        recorded = api.post(
            f"/api/v1/journals/{journal}/lessons",
            "math",
            {
                "on": MONDAY.isoformat(),
                "slot": slot,
                "topic": f"Урок {slot}",
                "homework": "№ 1–5",
                "attendance": {str(api.world.students[1]): "absent"},
                "marks": [
                    {"student_id": str(api.world.students[0]), "value": "5", "work_kind": kind},
                    {"student_id": str(api.world.students[2]), "value": "3"},
                ],
            },
        )
        assert recorded.status_code == 201, recorded.text
        position = recorded.json()["position"]
    return int(position)


def refused(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    return {k: v for k, v in body.items() if k != "instance"}


def test_a_parent_reads_their_childs_diary_and_averages(api: Api) -> None:
    position = record_lessons(api)
    child = api.world.students[0]
    url = f"/api/v1/family/children/{child}"
    week = api.get(f"{url}/diary?start={MONDAY}&after={position}", "parent")
    assert week.status_code == 200, week.text
    assert int(week.headers["x-read-position"]) >= position
    body = week.json()
    assert (body["start"], body["end"], len(body["days"])) == ("2026-09-07", "2026-09-13", 7)
    monday = body["days"][0]
    assert [(x["slot"], x["topic"], x["homework"]) for x in monday["lessons"]] == [
        (1, "Урок 1", "№ 1–5"),
        (2, "Урок 2", "№ 1–5"),
    ]
    assert [
        (m["value"], m["work_kind"], m["weight"]) for x in monday["lessons"] for m in x["marks"]
    ] == [("5", "oral", 1.0), ("5", "control", 2.0)]

    averages = api.get(f"{url}/averages?period=Q1&after={position}", "parent")
    assert averages.status_code == 200, averages.text
    assert [(a["subject"], a["marks"], a["average"], a["forecast"]) for a in averages.json()] == [
        ("mathematics", 2, 5.0, None)
    ]

    themself = api.get(
        f"/api/v1/family/children/{api.world.students[1]}/diary?start={MONDAY}", "student"
    )
    assert themself.status_code == 200, themself.text
    [first, _] = themself.json()["days"][0]["lessons"]
    assert (first["attendance"]["status"], first["marks"]) == ("absent", [])


def test_a_range_longer_than_a_month_is_refused(api: Api) -> None:
    url = f"/api/v1/family/children/{api.world.students[0]}/diary"
    assert api.get(f"{url}?start=2026-09-01&end=2026-12-01", "parent").status_code == 422
    assert api.get(f"{url}?start=2026-09-08&end=2026-09-07", "parent").status_code == 422


def test_another_child_answers_as_a_missing_one(api: Api) -> None:
    for path in (f"diary?start={MONDAY}", "averages?period=Q1"):
        missing = refused(api.get(f"/api/v1/family/children/{uuid4()}/{path}", "parent"), 404)
        for who, other in (
            ("parent", api.world.students[1]),
            ("student", api.world.students[0]),
        ):
            hidden = refused(api.get(f"/api/v1/family/children/{other}/{path}", who), 404)
            assert hidden == missing


def test_the_diary_is_for_family_only(api: Api) -> None:
    child = api.world.students[0]
    for path in (f"diary?start={MONDAY}", "averages?period=Q1"):
        url = f"/api/v1/family/children/{child}/{path}"
        assert refused(api.get(url, None), 401)["type"] == "/problems/not-authenticated"
        for who in ("math", "class_teacher", "deputy"):
            assert refused(api.get(url, who), 403)["type"] == "/problems/forbidden"
