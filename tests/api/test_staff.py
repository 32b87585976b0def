"""The staff list through the API (Lyceum 68 §3.7.9, §3.8.1–3.8.2): the secretary hires,
transfers and dismisses on orders, the deputy enters attestation and training, the list reads as
it stood on a day; other roles are refused and a member not on the list is 404."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

from api_session import Api

V1 = "/api/v1"
HIRE = {
    "full_name": "Орлова Нина Павловна",
    "position": "учитель математики",
    "on": "2026-09-01",
    "order": "№ 12-к от 28.08.2026",
}


def created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_the_secretary_keeps_the_staff_list(api: Api) -> None:
    api.world.at(date(2026, 8, 28))
    nina = created(api.post(f"{V1}/staff", "secretary", HIRE))["ids"]["member_id"]
    ivan = created(
        api.post(f"{V1}/staff", "admin", HIRE | {"full_name": "Алексеев Иван Петрович"})
    )["ids"]["member_id"]
    api.world.at(date(2026, 11, 2))
    created(
        api.post(
            f"{V1}/staff/{nina}/transfer",
            "secretary",
            {
                "to_position": "заместитель директора по УВР",
                "on": "2026-11-05",
                "order": "№ 40-к",
                "reason": "назначение",
            },
        )
    )
    last = created(
        api.post(
            f"{V1}/staff/{ivan}/dismissal",
            "secretary",
            {"on": "2026-11-03", "order": "№ 41-к", "reason": "по собственному желанию"},
        )
    )
    created(
        api.post(
            f"{V1}/staff/{nina}/attestations",
            "deputy",
            {
                "on": "2026-10-30",
                "result": "высшая квалификационная категория",
                "document": "приказ МО № 77",
            },
        )
    )
    created(
        api.post(
            f"{V1}/staff/{nina}/trainings",
            "deputy",
            {
                "course": "Цифровая образовательная среда",
                "organisation": "ИРО",
                "start": "2026-10-05",
                "end": "2026-10-16",
                "hours": 36,
                "document": "удостоверение № 9",
            },
        )
    )
    assert last["events"] == 1
    listed = api.get(f"{V1}/staff", "director", params={"on": "2026-11-03"})
    assert listed.status_code == 200, listed.text
    assert [(m["full_name"], m["position"]) for m in listed.json()] == [
        ("Алексеев Иван Петрович", "учитель математики"),
        ("Орлова Нина Павловна", "учитель математики"),
    ]
    later = api.get(f"{V1}/staff", "deputy", params={"on": "2026-11-05"}).json()
    assert [(m["full_name"], m["position"]) for m in later] == [
        ("Орлова Нина Павловна", "заместитель директора по УВР")
    ]
    record = api.get(f"{V1}/staff/{nina}", "secretary").json()
    assert record["attestations"][0]["result"] == "высшая квалификационная категория"
    assert record["trainings"][0]["hours"] == 36
    trail = api.get(
        f"{V1}/audit?kind=staff_transferred&kind=staff_dismissed&after={api.world.school.position()}",
        "auditor",
    )
    assert trail.status_code == 200, trail.text
    rows = {r["kind"]: r for r in trail.json()["rows"]}
    assert (
        rows["staff_transferred"]["value_before"],
        rows["staff_transferred"]["value_after"],
    ) == (
        "учитель математики",
        "заместитель директора по УВР",
    )
    assert rows["staff_transferred"]["note"] == "Орлова Нина Павловна; № 40-к"
    assert rows["staff_dismissed"]["reason"] == "по собственному желанию"
    assert rows["staff_dismissed"]["actor_role"] == "secretary"


def test_the_staff_list_is_refused_outside_its_keepers(api: Api) -> None:
    api.world.at(date(2026, 8, 28))
    nina = created(api.post(f"{V1}/staff", "secretary", HIRE))["ids"]["member_id"]
    api.sign_in("parent")
    position = api.world.school.position()
    for who in ("math", "class_teacher", "parent", "inspector"):
        assert api.get(f"{V1}/staff/{nina}", who).status_code == 403
        assert api.get(f"{V1}/staff", who, params={"on": "2026-09-01"}).status_code == 403
        assert api.post(f"{V1}/staff", who, HIRE).status_code == 403
    assert api.post(f"{V1}/staff", "deputy", HIRE).status_code == 403
    assert api.get(f"{V1}/staff/{uuid4()}", "deputy").status_code == 404
    missing = api.post(
        f"{V1}/staff/{uuid4()}/dismissal",
        "secretary",
        {"on": "2026-09-02", "order": "1", "reason": "x"},
    )
    assert missing.status_code == 404
    assert api.world.school.position() == position
