"""History over HTTP: a journal's page as it stood before and after a correction, in the grid's
shape (today's page equals the grid read model's); what changed between two moments; a mark's
story for its readers and for the parent of its student, and for no one else."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

from api_session import Api

MONDAY = date(2026, 9, 7)
V1 = "/api/v1"
BEFORE = "2026-09-07T14:00:00%2B03:00"
"""After Monday's lesson was entered, before the correction (15:00 in Moscow)."""
AFTER = "2026-09-07T13:00:00Z"
"""16:00 in Moscow: after the correction."""


def keep_a_lesson(api: Api) -> dict[str, Any]:
    world = api.world
    journal = world.journals["math"]
    world.at(MONDAY, 10)
    held = api.post(
        f"{V1}/journals/{journal}/lessons",
        "math",
        {
            "on": MONDAY.isoformat(),
            "slot": 1,
            "topic": "Натуральные числа",
            "marks": [
                {"student_id": str(world.students[0]), "value": "3"},
                {"student_id": str(world.students[2]), "value": "5"},
            ],
        },
    )
    assert held.status_code == 201, held.text
    ids = held.json()["ids"]
    world.at(MONDAY, 15)
    corrected = api.post(
        f"{V1}/journals/{journal}/marks/{ids['mark_0']}/corrections",
        "math",
        {"value": "4", "reason": "ошибка при выставлении"},
    )
    assert corrected.status_code == 201, corrected.text
    world.at(MONDAY, 17)
    return {
        "journal": str(journal),
        "mark": ids["mark_0"],
        "other": ids["mark_1"],
        "position": corrected.json()["position"],
    }


def mark_in(page: dict[str, Any], student: str) -> dict[str, Any]:
    (row,) = [r for r in page["rows"] if r["student_id"] == student]
    (cell,) = [c for c in row["cells"] if c.get("marks")]
    (mark,) = cell["marks"]
    return dict(mark)


def test_a_journal_before_and_after_a_correction(api: Api) -> None:
    kept = keep_a_lesson(api)
    student = str(api.world.students[0])
    before = api.get(f"{V1}/journals/{kept['journal']}/history?at={BEFORE}", "inspector")
    assert before.status_code == 200, before.text
    assert (
        mark_in(before.json(), student)["value"],
        mark_in(before.json(), student)["corrected"],
    ) == (
        "3",
        False,
    )
    after = api.get(f"{V1}/journals/{kept['journal']}/history?at={AFTER}", "math")
    assert after.status_code == 200, after.text
    corrected = mark_in(after.json(), student)
    assert (corrected["value"], corrected["previous_value"], corrected["reason"]) == (
        "4",
        "3",
        "ошибка при выставлении",
    )
    # Today's page replayed from the log is the grid read model's page.
    grid = api.get(f"{V1}/journals/{kept['journal']}/grid?after={kept['position']}", "inspector")
    now = api.get(f"{V1}/journals/{kept['journal']}/history?at=2026-09-07T17:00:00Z", "inspector")
    assert now.json() == grid.json()

    before_open = api.get(
        f"{V1}/journals/{kept['journal']}/history?at=2026-08-01T00:00:00Z", "inspector"
    )
    assert before_open.status_code == 404
    naive = api.get(f"{V1}/journals/{kept['journal']}/history?at=2026-09-07T12:00:00", "inspector")
    assert naive.status_code == 422
    assert api.get(f"{V1}/journals/{kept['journal']}/history", "inspector").status_code == 422


def test_what_changed_between_two_moments(api: Api) -> None:
    kept = keep_a_lesson(api)
    answer = api.get(
        f"{V1}/journals/{kept['journal']}/history/diff?start={BEFORE}&end={AFTER}", "auditor"
    )
    assert answer.status_code == 200, answer.text
    (change,) = answer.json()["changes"]
    assert (change["what"], change["change"], change["mark_id"]) == (
        "mark",
        "changed",
        kept["mark"],
    )
    assert (change["before"], change["after"], change["reason"]) == (
        "3",
        "4",
        "ошибка при выставлении",
    )
    whole = api.get(
        f"{V1}/journals/{kept['journal']}/history/diff"
        "?start=2026-09-01T00:00:00Z&end=2026-09-07T17:00:00Z",
        "deputy",
    ).json()["changes"]
    assert [(c["what"], c["change"]) for c in whole if c["what"] != "student"] == [
        ("lesson", "added"),
        ("mark", "added"),  # Алексеев's, already corrected: added as it stands
        ("mark", "added"),
    ]
    backwards = api.get(
        f"{V1}/journals/{kept['journal']}/history/diff?start={AFTER}&end={BEFORE}", "deputy"
    )
    assert backwards.status_code == 422


def test_the_story_of_a_mark(api: Api) -> None:
    kept = keep_a_lesson(api)
    path = f"{V1}/journals/{kept['journal']}/marks/{kept['mark']}/story"
    story = api.get(path, "parent")  # the parent of Алексеев, whose mark it is
    assert story.status_code == 200, story.text
    steps = story.json()["steps"]
    assert [(s["kind"], s["value"], s["previous"]) for s in steps] == [
        ("recorded", "3", None),
        ("corrected", "4", "3"),
    ]
    assert steps[1]["reason"] == "ошибка при выставлении"
    assert (steps[1]["actor_name"], steps[1]["actor_role"]) == ("Иванова Мария Петровна", "teacher")
    assert steps[0]["recorded_at"] == "2026-09-07T07:00:00Z"
    for who in ("math", "inspector", "auditor", "deputy", "director", "admin"):
        assert api.get(path, who).status_code == 200, who

    # Another child's mark, another teacher's journal, a missing mark: all answer alike.
    other = api.get(f"{V1}/journals/{kept['journal']}/marks/{kept['other']}/story", "parent")
    missing = api.get(f"{V1}/journals/{kept['journal']}/marks/{uuid4()}/story", "parent")
    no_journal = api.get(f"{V1}/journals/{uuid4()}/marks/{kept['mark']}/story", "russian")
    not_theirs = api.get(path, "russian")
    for answer in (other, missing, no_journal, not_theirs):
        assert answer.status_code == 404, answer.text
        assert answer.json()["detail"] == "no such mark"
    assert api.get(path, "student").status_code == 403
    assert api.get(path, "secretary").status_code == 403


def test_history_is_for_its_readers_only(api: Api) -> None:
    kept = keep_a_lesson(api)
    path = f"{V1}/journals/{kept['journal']}/history?at={AFTER}"
    for who in ("parent", "student", "secretary"):
        assert api.get(path, who).status_code == 403, who
    # A class teacher reads every page of their class as it stands and as it stood (Lyceum 68
    # §3.5.1); another class's journal answers as a missing one.
    assert api.get(path, "class_teacher").status_code == 200
    other = api.world.journals["math1"]
    out = api.get(f"{V1}/journals/{other}/history?at={AFTER}", "class_teacher")
    missing = api.get(f"{V1}/journals/{uuid4()}/history?at={AFTER}", "class_teacher")
    assert out.status_code == missing.status_code == 404
    assert out.json()["detail"] == missing.json()["detail"]
    assert api.get(path, None).status_code == 401
