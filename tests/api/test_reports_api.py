"""Reports over HTTP on both backends: JSON, CSV and XLSX with Russian headers; a login of a
parent or a student is recorded (a staff login is not) and shows in the activity report; the
school's readers read everything, a class teacher their class, a subject teacher their own
journals' monitoring; anything else out of scope answers exactly as a missing class or journal.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from api_session import Api
from openpyxl import load_workbook

from ejournal.aggregates.account import Account
from ejournal.commands import journals, lessons
from ejournal.commands.marking import MarkEntry
from ejournal.marks import Attendance

V1 = "/api/v1"
YEAR = "2026-2027"
MONDAY = date(2026, 9, 7)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CLASS_REPORTS = (
    "attendance",
    "marks-accumulation?period=Q1",
    "journal-monitoring?period=Q1",
    "family-activity",
)
SCHOOL_REPORTS = (
    "journal-monitoring?period=Q1",
    "class-occupancy?start=2026-09-01&end=2026-09-30",
    "family-activity",
)


def keep_a_monday(api: Api) -> int:
    """5А's mathematics on Monday 7 Sep (a KTP of 4 hours; Белова absent; Алексеев "5"),
    and the parent's login that evening; the last position."""
    world = api.world
    world.at(date(2026, 9, 1), 9)
    journals.set_ktp(
        world.school,
        world.deputy,
        journals.SetKtp(
            journal_id=world.journals["math"],
            items=(journals.KtpLine(topic="Натуральные числа", hours=4),),
        ),
    )
    world.at(MONDAY, 10)
    lessons.record_whole_lesson(
        world.school,
        world.math,
        lessons.RecordWholeLesson(
            journal_id=world.journals["math"],
            on=MONDAY,
            slot=1,
            topic="Натуральные числа",
            attendance={world.students[1]: Attendance.ABSENT},
            marks=(MarkEntry(student_id=world.students[0], value="5"),),
        ),
    )
    world.at(MONDAY, 19)
    assert api.login("parent").status_code == 200
    return world.school.position()


def report(api: Api, path: str, who: str | None, fmt: str = "json", after: int = 0) -> Any:
    joiner = "&" if "?" in path else "?"
    return api.get(f"{V1}{path}{joiner}format={fmt}&after={after}", who)


def test_a_parents_login_is_recorded_and_a_teachers_is_not(api: Api) -> None:
    world = api.world
    parent = api.actors["parent"].account_id
    math = api.actors["math"].account_id
    world.at(MONDAY, 19)
    before = world.school.position()
    assert api.login("math").status_code == 200
    assert world.school.position() == before  # staff show their work in their entries
    assert api.login("parent").status_code == 200
    assert world.school.position() == before + 1
    signed = list(world.school.events.get(parent))[-1]
    assert isinstance(signed, Account.SignedIn)
    assert (signed.actor.account_id, signed.actor.role) == (parent, "parent")
    assert signed.timestamp == world.clock.now()  # the server's clock
    assert not any(isinstance(e, Account.SignedIn) for e in world.school.events.get(math))
    # A refused login records nothing.
    assert api.login("student", "not the password").status_code == 401
    assert world.school.position() == before + 1


def test_the_family_activity_report_counts_logins(api: Api) -> None:
    after = keep_a_monday(api)
    response = report(
        api, f"/years/{YEAR}/classes/5А/reports/family-activity", "class_teacher", after=after
    )
    assert response.status_code == 200, response.text
    assert int(response.headers["x-read-position"]) >= after
    september = response.json()["classes"][0]["months"][0]
    # The parent of Алексеев and Белова's own account; the parent signed in (the fixture's
    # logins in August are before the school year).
    assert (september["parents"], september["parents_signed_in"], september["parent_sign_ins"]) == (
        1,
        1,
        1,
    )
    assert (september["students"], september["students_signed_in"]) == (1, 0)
    as_csv = report(api, f"/years/{YEAR}/reports/family-activity", "deputy", "csv", after)
    assert as_csv.status_code == 200, as_csv.text
    lines = list(csv.reader(io.StringIO(as_csv.text)))
    assert lines[0][:3] == ["Класс", "Месяц", "Родителей с доступом"]
    assert ["5А", "Сентябрь 2026", "1", "1", "100.0", "1", "1", "0", "0.0", "0"] in lines


def test_class_reports_in_three_formats(api: Api) -> None:
    after = keep_a_monday(api)
    attendance = report(
        api, f"/years/{YEAR}/classes/5А/reports/attendance", "class_teacher", after=after
    )
    assert attendance.status_code == 200, attendance.text
    september = attendance.json()["months"][0]
    assert (september["lessons"], september["student_lessons"], september["missed"]) == (1, 5, 1)
    assert september["rate"] == 80.0

    accumulation = report(
        api,
        f"/years/{YEAR}/classes/5А/reports/marks-accumulation?period=Q1",
        "inspector",
        "csv",
        after,
    )
    assert accumulation.status_code == 200, accumulation.text
    assert accumulation.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in accumulation.headers["content-disposition"]
    lines = list(csv.reader(io.StringIO(accumulation.text)))
    assert lines[0][0] == "Ученик"
    assert "Математика" in lines[0]
    assert lines[1][1:3] == ["Отметок", "Средний балл"]
    column = lines[0].index("Математика")
    alekseev = next(line for line in lines if line[0] == "Алексеев Артём Игоревич")
    assert alekseev[column : column + 2] == ["1", "5.0"]

    monitoring = report(
        api,
        f"/years/{YEAR}/classes/5А/reports/journal-monitoring?period=Q1",
        "auditor",
        "xlsx",
        after,
    )
    assert monitoring.status_code == 200, monitoring.text
    assert monitoring.headers["content-type"] == XLSX
    sheet = load_workbook(io.BytesIO(monitoring.content)).active
    assert sheet.title == "Отчёт"
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[1]
    math = next(r for r in rows[2:] if r[1] == "Математика")
    # Four of five students without a mark; one lesson held against a 4-hour plan.
    assert math[header.index("Без отметок")] == 4
    assert math[header.index("Без отметок, %")] == 80.0
    assert math[header.index("Выполнение КТП, %")] == 25.0


def test_the_school_reports(api: Api) -> None:
    after = keep_a_monday(api)
    monitoring = report(
        api,
        f"/years/{YEAR}/reports/journal-monitoring?start=2026-09-01&end=2026-09-07",
        "director",
        after=after,
    )
    assert monitoring.status_code == 200, monitoring.text
    body = monitoring.json()
    assert (body["start"], body["end"], body["period_id"]) == ("2026-09-01", "2026-09-07", None)
    # The clock stands on Monday evening: "to date" is the range's end.
    assert body["as_of"] == "2026-09-07"
    assert [c["class_code"] for c in body["classes"]] == ["1А", "5А"]
    math = next(
        j for j in body["journals"] if j["subject"] == "mathematics" and j["class_code"] == "5А"
    )
    # Tue 1 – Fri 4 and Mon 7 Sep: five school days, two mathematics lessons each.
    assert (math["timetabled_to_date"], math["ktp_planned_to_date"], math["held_to_date"]) == (
        10,
        4,
        1,
    )
    occupancy = report(
        api, f"/years/{YEAR}/reports/class-occupancy?period=Q1", "admin", "xlsx", after
    )
    assert occupancy.status_code == 200, occupancy.text
    rows = list(load_workbook(io.BytesIO(occupancy.content)).active.iter_rows(values_only=True))
    assert rows[1][:2] == ("Класс", "На 01.09.2026")
    assert rows[2][:2] == ("1А", 2)
    assert rows[3][:2] == ("5А", 5)


def test_a_journals_monitoring_for_its_teacher(api: Api) -> None:
    after = keep_a_monday(api)
    math = api.world.journals["math"]
    path = f"/journals/{math}/reports/journal-monitoring?start=2026-09-01&end=2026-09-30"
    own = report(api, path, "math", after=after)
    assert own.status_code == 200, own.text
    assert [j["journal_id"] for j in own.json()["journals"]] == [str(math)]
    assert report(api, path, "class_teacher").status_code == 200
    # Another teacher finds nothing, exactly as for a journal that does not exist.
    refused = report(api, path, "russian")
    missing = report(
        api, path.replace(str(math), "00000000-0000-4000-8000-000000000000"), "russian"
    )
    assert refused.status_code == missing.status_code == 404
    assert refused.json()["detail"] == missing.json()["detail"]
    assert report(api, path, "parent").status_code == 403


@pytest.mark.parametrize("tail", CLASS_REPORTS)
def test_out_of_scope_classes_answer_as_missing(api: Api, tail: str) -> None:
    path = f"/years/{YEAR}/classes/5А/reports/{tail}"
    assert report(api, path, None).status_code == 401
    assert report(api, path, "parent").status_code == 403
    assert report(api, path, "inspector").status_code == 200
    for who, other in (("math", "5А"), ("class_teacher", "1А"), ("outsider", "5А")):
        refused = report(api, path.replace("5А", other), who)
        missing = report(api, path.replace("5А", "9Я"), who)
        assert refused.status_code == missing.status_code == 404, (who, refused.text)
        assert refused.json()["detail"] == missing.json()["detail"]
    assert report(api, path.replace(YEAR, "2031-2032"), "deputy").status_code == 404


@pytest.mark.parametrize("tail", SCHOOL_REPORTS)
def test_school_reports_are_for_the_schools_readers(api: Api, tail: str) -> None:
    path = f"/years/{YEAR}/reports/{tail}"
    for who in ("deputy", "director", "admin", "inspector", "auditor"):
        assert report(api, path, who).status_code == 200, who
    for who in ("class_teacher", "math", "secretary", "parent", "student"):
        assert report(api, path, who).status_code == 403, who
    assert report(api, path.replace(YEAR, "2031-2032"), "deputy").status_code == 404


def test_the_days_asked_for(api: Api) -> None:
    base = f"{V1}/years/{YEAR}/reports/journal-monitoring"
    both = api.get(f"{base}?period=Q1&start=2026-09-01", "deputy")
    assert both.status_code == 422
    assert both.headers["content-type"] == "application/problem+json"
    assert api.get(f"{base}?start=2026-10-01&end=2026-09-01", "deputy").status_code == 422
    assert api.get(f"{base}?start=2026-08-01", "deputy").status_code == 422  # before the year
    assert api.get(f"{base}?period=Z9", "deputy").status_code == 404
    accumulation = f"{V1}/years/{YEAR}/classes/5А/reports/marks-accumulation"
    assert api.get(accumulation, "deputy").status_code == 422  # the period is required
    assert api.get(f"{accumulation}?period=Z9", "deputy").status_code == 404
    assert api.get(f"{base}?format=pdf", "deputy").status_code == 422


def test_the_class_teachers_report_for_a_period(api: Api) -> None:
    # School 77 §4.3.10: «Отчет классного руководителя за учебный период», the class's results
    # beside its attendance over the period's days.
    after = keep_a_monday(api)
    path = f"/years/{YEAR}/classes/5А/reports/class-teacher"
    q1 = api.get(f"{V1}{path}?period=Q1&after={after}", "class_teacher")
    assert q1.status_code == 200, q1.text
    assert int(q1.headers["x-read-position"]) >= after
    body = q1.json()
    assert (body["period_id"], body["start"], body["end"]) == ("Q1", "2026-09-01", "2026-10-24")
    results = api.get(f"{V1}/years/{YEAR}/classes/5А/results/Q1", "class_teacher").json()
    assert body["results"] == results
    attendance = body["attendance"]
    assert [m["month"] for m in attendance["months"]] == ["2026-09-01", "2026-10-01"]
    assert (attendance["lessons"], attendance["total"]["missed"]) == (1, 1)
    absent = api.world.students[1]
    (row,) = [s for s in attendance["students"] if s["student_id"] == str(absent)]
    assert (row["total"]["missed"], row["total"]["valid"]) == (1, 0)
    # The September absence is not the second quarter's.
    q2 = api.get(f"{V1}{path}?period=Q2", "class_teacher").json()["attendance"]
    assert [m["month"] for m in q2["months"]] == ["2026-11-01", "2026-12-01"]
    assert (q2["lessons"], q2["total"]["missed"]) == (0, 0)
    # The school's readers read it too; a subject teacher or another class's does not exist.
    assert api.get(f"{V1}{path}?period=Q1", "deputy").status_code == 200
    for who, code in (("math", "5А"), ("class_teacher", "1А")):
        out = api.get(f"{V1}/years/{YEAR}/classes/{code}/reports/class-teacher?period=Q1", who)
        missing = api.get(f"{V1}/years/{YEAR}/classes/9Я/reports/class-teacher?period=Q1", who)
        assert out.status_code == missing.status_code == 404
        assert out.json()["detail"] == missing.json()["detail"]
    assert api.get(f"{V1}{path}?period=Z9", "class_teacher").status_code == 404
