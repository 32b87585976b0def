"""The schedule of control and laboratory works (Gymnasium 2 §6.3) through the API: the teacher
plans, the deputy agrees, the administration sees the agreed works whose results are not
entered; out-of-scope journals are 404 as missing ones."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

from api_session import Api

from ejournal.commands import lessons
from ejournal.commands.marking import MarkEntry
from ejournal.marks import WorkKind

V1 = "/api/v1"
MONITOR = f"{V1}/years/2026-2027/reports/control-works-without-results"


def schedule(api: Api, journal: str = "math") -> str:
    return f"{V1}/journals/{api.world.journals[journal]}/control-works"


def plan(api: Api, on: str, kind: str = "control", who: str = "math") -> Any:
    return api.post(schedule(api), who, {"on": on, "kind": kind, "topic": "Натуральные числа"})


def test_agreed_works_without_results_are_listed(api: Api) -> None:
    api.world.at(date(2026, 9, 7), 15)
    first = plan(api, "2026-09-16")
    assert first.status_code == 201, first.text
    second = plan(api, "2026-09-23", "laboratory")
    unagreed = plan(api, "2026-09-21")
    ids = [r.json()["ids"]["work_id"] for r in (first, second, unagreed)]
    for work in ids[:2]:
        agreed = api.post(f"{schedule(api)}/{work}/agreement", "deputy")
        assert agreed.status_code == 201, agreed.text
    assert api.post(f"{schedule(api)}/{ids[0]}/agreement", "deputy").status_code == 409
    # The control work's results are entered on its day.
    api.world.at(date(2026, 9, 16), 13)
    lessons.record_whole_lesson(
        api.world.school,
        api.world.math,
        lessons.RecordWholeLesson(
            journal_id=api.world.journals["math"],
            on=date(2026, 9, 16),
            slot=1,
            marks=(
                MarkEntry(student_id=api.world.students[0], value="5", work_kind=WorkKind.CONTROL),
            ),
        ),
    )
    after = api.world.school.position()
    listed = api.get(schedule(api), "class_teacher").json()
    assert [(w["on"], w["agreed"], w["results"]) for w in listed] == [
        ("2026-09-16", True, 1),
        ("2026-09-21", False, 0),
        ("2026-09-23", True, 0),
    ]
    api.world.at(date(2026, 9, 30), 12)
    missing = api.get(MONITOR, "deputy", params={"before": "2026-09-30", "after": after})
    assert missing.status_code == 200, missing.text
    assert [(w["on"], w["kind"], w["class_code"]) for w in missing.json()] == [
        ("2026-09-23", "laboratory", "5А")
    ]
    assert api.get(MONITOR, "director", params={"before": "2026-09-20"}).json() == []
    cancelled = api.post(
        f"{schedule(api)}/{ids[1]}/cancellation", "deputy", {"reason": "карантин в классе"}
    )
    assert cancelled.status_code == 201, cancelled.text
    assert api.get(MONITOR, "admin", params={"before": "2026-09-30"}).json() == []
    trail = api.get(
        f"{V1}/audit?kind=work_agreed&kind=work_cancelled&after={api.world.school.position()}",
        "auditor",
    ).json()["rows"]
    assert sorted((r["kind"], r["subject"], r["lesson_date"]) for r in trail) == [
        ("work_agreed", "mathematics", "2026-09-16"),
        ("work_agreed", "mathematics", "2026-09-23"),
        ("work_cancelled", "mathematics", "2026-09-23"),
    ]


def test_the_schedule_is_refused_out_of_scope(api: Api) -> None:
    api.world.at(date(2026, 9, 7), 15)
    work = plan(api, "2026-09-16").json()["ids"]["work_id"]
    api.sign_in("parent", "student")
    position = api.world.school.position()
    # Another teacher's journal does not exist for them, exactly as a missing one.
    out = plan(api, "2026-09-16", who="russian")
    missing = api.post(
        f"{V1}/journals/{uuid4()}/control-works",
        "russian",
        {"on": "2026-09-16", "kind": "control", "topic": "x"},
    )
    assert (out.status_code, missing.status_code) == (404, 404)
    assert api.get(schedule(api), "russian").status_code == 404
    assert api.post(f"{schedule(api)}/{work}/agreement", "math").status_code == 403
    assert api.post(f"{schedule(api)}/{work}/agreement", "director").status_code == 403
    assert plan(api, "2026-09-04").status_code == 409  # a day already past
    assert plan(api, "2026-09-16", kind="oral").status_code == 409  # not a frontal work
    for who in ("math", "class_teacher", "secretary", "parent"):
        assert api.get(MONITOR, who, params={"before": "2026-09-30"}).status_code == 403
    assert api.world.school.position() == position
