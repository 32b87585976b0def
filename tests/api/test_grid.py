"""The journal grid over HTTP: what a teacher just recorded is there when they ask for it with
the position their command returned; out of scope looks missing."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

from api_session import Api

MONDAY = date(2026, 9, 7)


def test_a_teacher_reads_back_what_they_recorded(api: Api) -> None:
    api.world.at(MONDAY, 10)
    journal = api.world.journals["math"]
    recorded = api.post(
        f"/api/v1/journals/{journal}/lessons",
        "math",
        {
            "on": MONDAY.isoformat(),
            "slot": 1,
            "topic": "Натуральные числа",
            "attendance": {str(api.world.students[1]): "absent"},
            "marks": [{"student_id": str(api.world.students[0]), "value": "5"}],
        },
    )
    assert recorded.status_code == 201, recorded.text
    position = recorded.json()["position"]
    page = api.get(f"/api/v1/journals/{journal}/grid?after={position}", "math")
    assert page.status_code == 200, page.text
    assert int(page.headers["x-read-position"]) >= position
    body = page.json()
    lessons = [c for c in body["columns"] if c.get("kind", "lesson") == "lesson"]
    assert any(c.get("topic") == "Натуральные числа" for c in lessons)
    cells = {row["student_id"]: row["cells"] for row in body["rows"]}
    first = cells[str(api.world.students[0])]
    assert any(m["value"] == "5" for cell in first for m in cell.get("marks", []))
    absent = cells[str(api.world.students[1])]
    assert any((cell.get("attendance") or {}).get("status") == "absent" for cell in absent)


def test_a_grid_out_of_scope_looks_missing(api: Api) -> None:
    journal = api.world.journals["math"]
    assert api.get(f"/api/v1/journals/{journal}/grid", None).status_code == 401
    out_of_scope = api.get(f"/api/v1/journals/{journal}/grid", "russian")
    missing = api.get(f"/api/v1/journals/{uuid4()}/grid", "russian")
    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.json()["detail"] == missing.json()["detail"]
    assert api.get(f"/api/v1/journals/{journal}/grid", "parent").status_code == 403
