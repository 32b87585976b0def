"""The audit trail over HTTP: a correction made through the API shows in the trail with its old
and new value, actor, role, reason, approval and the request it came from; pages follow their
cursor; the CSV file holds the same rows; each reader sees their scope and nothing else."""

from __future__ import annotations

import base64
import csv
import io
from datetime import date
from typing import Any
from uuid import uuid4

from api_session import Api

MONDAY = date(2026, 9, 7)
V1 = "/api/v1"


def keep_a_lesson(api: Api) -> dict[str, Any]:
    """Monday's mathematics over HTTP: a lesson with three marks, then one corrected under the
    deputy's remark and one voided."""
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
            "attendance": {str(world.students[1]): "absent"},
            "marks": [
                {"student_id": str(world.students[0]), "value": "3"},
                {"student_id": str(world.students[2]), "value": "5"},
                {"student_id": str(world.students[3]), "value": "4"},
            ],
        },
    )
    assert held.status_code == 201, held.text
    ids = held.json()["ids"]
    world.at(MONDAY, 15)
    authorized = api.post(
        f"{V1}/journals/{journal}/correction-authorizations",
        "deputy",
        {"mark_id": ids["mark_0"], "action": "correct", "remark": "исправить по работе"},
    )
    assert authorized.status_code == 201, authorized.text
    corrected = api.client.post(
        f"{V1}/journals/{journal}/marks/{ids['mark_0']}/corrections",
        json={
            "value": "4",
            "reason": "ошибка при выставлении",
            "authorization_id": authorized.json()["ids"]["authorization_id"],
        },
        headers=api.headers("math", **{"X-Request-ID": "correction-42"}),
    )
    assert corrected.status_code == 201, corrected.text
    voided = api.post(
        f"{V1}/journals/{journal}/marks/{ids['mark_1']}/voiding",
        "math",
        {"reason": "отметка выставлена не тому ученику"},
    )
    assert voided.status_code == 201, voided.text
    return {
        "journal": str(journal),
        "corrected": ids["mark_0"],
        "voided": ids["mark_1"],
        "authorization": authorized.json()["ids"]["authorization_id"],
        "position": voided.json()["position"],
    }


def test_a_correction_made_over_http_is_in_the_trail(api: Api) -> None:
    kept = keep_a_lesson(api)
    answer = api.get(
        f"{V1}/audit?journal_id={kept['journal']}&kind=mark_corrected&after={kept['position']}",
        "auditor",
    )
    assert answer.status_code == 200, answer.text
    assert int(answer.headers["x-read-position"]) >= kept["position"]
    (row,) = answer.json()["rows"]
    assert (row["value_before"], row["value_after"], row["reason"]) == (
        "3",
        "4",
        "ошибка при выставлении",
    )
    assert (row["actor_id"], row["actor_role"], row["actor_name"]) == (
        str(api.actors["math"].account_id),
        "teacher",
        "Иванова Мария Петровна",
    )
    assert (row["authorization_id"], row["approved_by"], row["approval_remark"]) == (
        kept["authorization"],
        str(api.actors["deputy"].account_id),
        "исправить по работе",
    )
    assert row["request_id"] == "correction-42"
    assert (row["class_code"], row["subject"], row["lesson_date"]) == (
        "5А",
        "mathematics",
        MONDAY.isoformat(),
    )
    assert row["recorded_at"] == "2026-09-07T12:00:00Z"
    assert answer.json()["next_cursor"] is None


def test_pages_follow_their_cursor(api: Api) -> None:
    kept = keep_a_lesson(api)
    query = f"journal_id={kept['journal']}&after={kept['position']}"
    everything = api.get(f"{V1}/audit?{query}&limit=500", "deputy").json()["rows"]
    assert len(everything) > 5
    walked: list[int] = []
    cursor = ""
    for _ in range(len(everything)):
        page = api.get(f"{V1}/audit?{query}&limit=2{cursor}", "deputy")
        assert page.status_code == 200, page.text
        walked += [r["position"] for r in page.json()["rows"]]
        if page.json()["next_cursor"] is None:
            break
        cursor = f"&cursor={page.json()['next_cursor']}"
    assert walked == [r["position"] for r in everything]
    assert walked == sorted(walked, reverse=True)

    huge = base64.urlsafe_b64encode(f"{2**64}.{2**64}.".encode()).decode().rstrip("=")
    negative = base64.urlsafe_b64encode(b"-1.-1.").decode().rstrip("=")
    given = cursor.removeprefix("&cursor=")
    truncated = [given[:-cut] for cut in (1, 2, 3, 4)]
    for forged in ("not-a-cursor", huge, negative, *truncated, f"{given}%3D%3D"):
        wrong = api.get(f"{V1}/audit?cursor={forged}", "deputy")
        assert wrong.status_code == 422, (forged, wrong.text)
        assert wrong.headers["content-type"] == "application/problem+json"
        assert wrong.json()["type"] == "/problems/invalid-cursor"
    # A control character is refused at the edge, before any parameter is read.
    nul = api.get(f"{V1}/audit?cursor=%00", "deputy")
    assert (nul.status_code, nul.json()["type"]) == (422, "/problems/invalid-request")
    unknown = api.get(f"{V1}/audit?colour=green", "deputy")
    assert unknown.status_code == 422
    naive = api.get(f"{V1}/audit?recorded_from=2026-09-07T10:00:00", "deputy")
    assert naive.status_code == 422
    too_many = api.get(f"{V1}/audit?limit=501", "deputy")
    assert too_many.status_code == 422


def test_filters_over_http(api: Api) -> None:
    kept = keep_a_lesson(api)
    wait = f"after={kept['position']}"
    revised = api.get(f"{V1}/audit?{wait}&revised_only=true", "director").json()["rows"]
    assert {r["kind"] for r in revised} == {"mark_corrected", "mark_voided"}
    by_kind = api.get(
        f"{V1}/audit?{wait}&kind=mark_voided&kind=correction_authorized", "director"
    ).json()["rows"]
    assert [r["kind"] for r in by_kind] == ["mark_voided", "correction_authorized"]
    by_role = api.get(f"{V1}/audit?{wait}&role=deputy&year=2026-2027", "director").json()["rows"]
    assert {r["kind"] for r in by_role} >= {"correction_authorized", "timetable_set"}
    in_time = api.get(
        f"{V1}/audit?{wait}&recorded_from=2026-09-07T15:00:00%2B03:00"
        "&recorded_until=2026-09-07T16:00:00%2B03:00",
        "director",
    ).json()["rows"]
    assert [r["kind"] for r in in_time] == [
        "mark_voided",
        "mark_corrected",
        "correction_authorized",
    ]
    student = api.world.students[1]
    absences = api.get(
        f"{V1}/audit?{wait}&student_id={student}&lesson_from=2026-09-07&lesson_until=2026-09-07",
        "director",
    ).json()["rows"]
    assert [r["kind"] for r in absences] == ["attendance_recorded"]
    assert api.get(f"{V1}/audit?{wait}&late_only=true", "director").json()["rows"] == []


def test_the_csv_file_holds_the_same_rows(api: Api) -> None:
    kept = keep_a_lesson(api)
    query = f"journal_id={kept['journal']}&after={kept['position']}"
    rows = api.get(f"{V1}/audit?{query}&limit=500", "auditor").json()["rows"]
    exported = api.get(f"{V1}/audit.csv?{query}", "auditor")
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"] == "text/csv; charset=utf-8"
    assert "audit.csv" in exported.headers["content-disposition"]
    table = list(csv.reader(io.StringIO(exported.text)))
    header = table[0]
    assert [int(line[0]) for line in table[1:]] == [r["position"] for r in rows]
    corrected = next(
        dict(zip(header, line, strict=True))
        for line in table[1:]
        if line[2] == "Исправлена отметка"
    )
    assert (corrected["Было"], corrected["Стало"], corrected["Кто"]) == (
        "3",
        "4",
        "Иванова Мария Петровна",
    )
    assert corrected["Время записи"] == "2026-09-07T15:00:00+03:00"
    assert corrected["Запрос"] == "correction-42"


def test_each_reader_sees_their_scope(api: Api) -> None:
    kept = keep_a_lesson(api)
    wait = f"after={kept['position']}"
    world = api.world
    family = api.get(f"{V1}/audit?{wait}", "parent")
    assert family.status_code == 200, family.text
    rows = family.json()["rows"]
    assert {r["student_id"] for r in rows} == {str(world.students[0])}
    assert {r["kind"] for r in rows} == {
        "mark_recorded",
        "correction_authorized",
        "mark_corrected",
    }
    teacher = api.get(f"{V1}/audit?{wait}&limit=500", "math").json()["rows"]
    assert {r["journal_id"] for r in teacher} == {
        str(world.journals["math"]),
        str(world.journals["math1"]),
    }
    russian = api.get(f"{V1}/audit?{wait}", "russian").json()["rows"]
    assert {r["journal_id"] for r in russian} == {
        str(world.journals["russian"]),
        str(world.journals["literature"]),
    }
    # Out of scope answers exactly as missing does.
    out = api.get(f"{V1}/audit?journal_id={kept['journal']}", "russian")
    missing = api.get(f"{V1}/audit?journal_id={uuid4()}", "russian")
    assert out.status_code == missing.status_code == 404
    assert out.json()["detail"] == missing.json()["detail"]
    other_child = api.get(f"{V1}/audit?student_id={world.students[1]}", "parent")
    no_child = api.get(f"{V1}/audit?student_id={uuid4()}", "parent")
    assert other_child.status_code == no_child.status_code == 404
    assert other_child.json()["detail"] == no_child.json()["detail"]
    # The administration reads everything (DESIGN.md §5), the administrator too.
    assert api.get(f"{V1}/audit", "admin").status_code == 200
    for who in ("secretary", "inspector", "student"):
        assert api.get(f"{V1}/audit", who).status_code == 403, who
        assert api.get(f"{V1}/audit.csv", who).status_code == 403, who
    assert api.get(f"{V1}/audit", None).status_code == 401


def test_the_csv_file_prints_times_in_the_schools_zone(api: Api) -> None:
    """EJOURNAL_TIMEZONE is only the zone of years set up later: the school's times print in
    the zone its year was set up with (School 77: Moscow)."""
    deployment = api.client.app.state.deployment
    deployment.settings = deployment.settings.model_copy(update={"timezone": "Asia/Vladivostok"})
    kept = keep_a_lesson(api)
    query = f"journal_id={kept['journal']}&after={kept['position']}"
    exported = api.get(f"{V1}/audit.csv?{query}", "auditor")
    assert exported.status_code == 200, exported.text
    table = list(csv.reader(io.StringIO(exported.text)))
    times = {line[1][-6:] for line in table[1:]}
    assert times == {"+03:00"}
