"""Students' additional education through the API (Gymnasium 2 §7.8): the class teacher records
and ends a club; the class teacher and the administration read it; another class's student is
404 as a missing one, other roles 403."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

from api_session import Api

V1 = "/api/v1"
CLUB = {"name": "Секция волейбола", "organisation": "ДЮСШ № 2", "start": "2026-09-10"}


def path(api: Api, student: Any) -> str:
    return f"{V1}/students/{student}/additional-education"


def test_the_class_teacher_keeps_a_students_clubs(api: Api) -> None:
    api.world.at(date(2026, 9, 15))
    student = api.world.students[0]
    made = api.post(path(api, student), "class_teacher", CLUB)
    assert made.status_code == 201, made.text
    activity = made.json()["ids"]["activity_id"]
    api.world.at(date(2026, 12, 21))
    ended = api.post(f"{path(api, student)}/{activity}/end", "class_teacher", {"on": "2026-12-18"})
    assert ended.status_code == 201, ended.text
    for who in ("class_teacher", "deputy", "director", "admin"):
        listed = api.get(path(api, student), who)
        assert listed.status_code == 200, listed.text
        assert [(a["name"], a["organisation"], a["start"], a["end"]) for a in listed.json()] == [
            ("Секция волейбола", "ДЮСШ № 2", "2026-09-10", "2026-12-18")
        ]
    trail = api.get(
        f"{V1}/audit?kind=additional_education_recorded&after={api.world.school.position()}",
        "auditor",
    ).json()["rows"]
    assert [(r["value_after"], r["class_code"]) for r in trail] == [
        ("Секция волейбола (ДЮСШ № 2)", "5А")
    ]


def test_other_classes_and_roles_are_refused(api: Api) -> None:
    api.world.at(date(2026, 9, 15))
    api.sign_in("parent", "student")
    position = api.world.school.position()
    first_grader = api.world.first_graders[0]
    assert api.post(path(api, first_grader), "class_teacher", CLUB).status_code == 404
    out = api.get(path(api, first_grader), "class_teacher")
    missing = api.get(path(api, uuid4()), "class_teacher")
    assert (out.status_code, missing.status_code) == (404, 404)
    assert out.json()["detail"] == missing.json()["detail"]
    for who in ("deputy", "secretary", "math", "parent"):
        assert api.post(path(api, api.world.students[0]), who, CLUB).status_code == 403
    for who in ("math", "secretary", "parent", "student"):
        assert api.get(path(api, api.world.students[0]), who).status_code == 403
    assert api.world.school.position() == position
