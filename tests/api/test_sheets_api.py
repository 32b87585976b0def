"""Summary sheets and class results over HTTP: JSON, CSV and XLSX with Russian headers; the
class's own class teacher and the administration read them, others are refused or find nothing."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from api_session import Api
from openpyxl import load_workbook

from ejournal.commands import lessons, period_marks
from ejournal.commands.marking import MarkEntry
from ejournal.marks import Attendance

V1 = "/api/v1"
YEAR = "2026-2027"
MONDAY = date(2026, 9, 7)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def keep_a_day(api: Api) -> int:
    """Monday's mathematics with Белова absent, and Алексеев's Q1 mark; the last position."""
    world = api.world
    world.at(MONDAY, 10)
    lessons.record_whole_lesson(
        world.school,
        world.math,
        lessons.RecordWholeLesson(
            journal_id=world.journals["math"],
            on=MONDAY,
            slot=1,
            attendance={world.students[1]: Attendance.ABSENT},
            # The current mark his Q1 mark rests on (School 77 §5.1–5.2).
            marks=(MarkEntry(student_id=world.students[0], value="5"),),
        ),
    )
    world.at(date(2026, 10, 20), 12)
    return period_marks.record_period_mark(
        world.school,
        world.math,
        period_marks.RecordPeriodMark(
            journal_id=world.journals["math"],
            period_id="Q1",
            student_id=world.students[0],
            value="5",
        ),
    ).position


def sheet(api: Api, path: str, who: str | None, fmt: str, after: int) -> Any:
    return api.get(f"{V1}/years/{YEAR}{path}?format={fmt}&after={after}", who)


def test_the_progress_sheet_in_three_formats(api: Api) -> None:
    after = keep_a_day(api)
    path = "/classes/5А/sheets/progress"
    as_json = sheet(api, path, "class_teacher", "json", after)
    assert as_json.status_code == 200, as_json.text
    assert int(as_json.headers["x-read-position"]) >= after
    body = as_json.json()
    assert body["rows"][0]["full_name"] == "Алексеев Артём Игоревич"
    math = [s["subject"] for s in body["subjects"]].index("mathematics")
    assert body["rows"][0]["subjects"][math]["periods"][0] == "5"

    as_csv = sheet(api, path, "deputy", "csv", after)
    assert as_csv.status_code == 200, as_csv.text
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in as_csv.headers["content-disposition"]
    lines = list(csv.reader(io.StringIO(as_csv.text)))
    assert lines[0][0] == "Ученик"
    assert "Математика" in lines[0]
    assert lines[1][1] == "1 четверть"
    assert lines[2][0] == "Алексеев Артём Игоревич"

    as_xlsx = sheet(api, path, "director", "xlsx", after)
    assert as_xlsx.status_code == 200, as_xlsx.text
    assert as_xlsx.headers["content-type"] == XLSX
    assert ".xlsx" in as_xlsx.headers["content-disposition"]
    rows = list(load_workbook(io.BytesIO(as_xlsx.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "Ученик"
    column = rows[1].index("Математика")
    assert rows[3][0] == "Алексеев Артём Игоревич"
    assert rows[3][column] == "5"


def test_the_attendance_sheet_as_a_workbook(api: Api) -> None:
    after = keep_a_day(api)
    response = sheet(api, "/classes/5А/sheets/attendance", "class_teacher", "xlsx", after)
    assert response.status_code == 200, response.text
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][:3] == ("Ученик", "Сентябрь", None)
    assert rows[2][:3] == (None, "Всего пропущено", "из них по уважительной причине")
    by_name = {row[0]: row for row in rows[3:]}
    assert by_name["Белова Варвара Дмитриевна"][1:3] == (1, 0)
    assert by_name["Итого"][1] == 1


def test_the_class_results_and_the_movement_sheet(api: Api) -> None:
    after = keep_a_day(api)
    results = sheet(api, "/classes/5А/results/Q1", "deputy", "csv", after)
    assert results.status_code == 200, results.text
    lines = list(csv.reader(io.StringIO(results.text)))
    header = lines[0]
    assert ("Успеваемость, %" in header, "Качество, %" in header) == (True, True)
    math = next(line for line in lines if line[0] == "Математика")
    assert math[header.index("Аттестовано учащихся")] == "1"
    assert math[header.index("Успеваемость, %")] == "100.0"
    movement = sheet(api, "/sheets/movement", "admin", "json", after)
    assert movement.status_code == 200, movement.text
    assert len(movement.json()["rows"]) == 7  # the scenario's admissions


@pytest.mark.parametrize(
    "path",
    [
        "/classes/5А/sheets/progress",
        "/classes/5А/sheets/attendance",
        "/classes/5А/results/Q1",
        "/sheets/movement",
    ],
)
def test_who_may_not_read_the_sheets(api: Api, path: str) -> None:
    url = f"{V1}/years/{YEAR}{path}"
    assert api.get(url, None).status_code == 401
    assert api.get(url, "parent").status_code == 403
    if "/classes/" in path:
        # A teacher of the class reads them (School 77 §4.4.11); one who teaches elsewhere
        # finds nothing, as for a missing class.
        assert api.get(url, "math").status_code == 200
        refused = api.get(url, "outsider")
        missing = api.get(url.replace("5А", "9Я"), "outsider")
        assert refused.status_code == missing.status_code == 404
        assert refused.json()["detail"] == missing.json()["detail"]
        other_class = api.get(url.replace("5А", "1А"), "class_teacher")
        assert other_class.status_code == 404
        assert api.get(url.replace("5А", "1А"), "russian").status_code == 404
    else:
        assert api.get(url, "math").status_code == 403
    assert api.get(url.replace(YEAR, "2031-2032"), "deputy").status_code == 404


def test_an_unknown_period_or_format(api: Api) -> None:
    assert api.get(f"{V1}/years/{YEAR}/classes/5А/results/Z9", "deputy").status_code == 404
    bad = api.get(f"{V1}/years/{YEAR}/classes/5А/sheets/progress?format=pdf", "deputy")
    assert bad.status_code == 422


def test_a_class_teacher_reads_their_own_classs_movement(api: Api) -> None:
    # School 77 §4.3.10: «Сводная ведомость учета движения учащихся» among the class teacher's
    # reports; the whole school's is the administration's.
    url = f"{V1}/years/{YEAR}/sheets/movement"
    everything = api.get(url, "deputy").json()["rows"]
    own = api.get(url, "class_teacher").json()["rows"]
    assert {row["to_class"] for row in everything} == {"5А", "1А"}
    assert own == [row for row in everything if "5А" in (row["from_class"], row["to_class"])]
    assert own


def test_a_psychologist_reads_the_sheets_of_the_classes_assigned_only(api: Api) -> None:
    """School 77 §1.6: psychologists are users of the journal. They read the progress and the
    attendance of the class the administration assigns them; no journal, diary or other class."""
    made = api.post(
        f"{V1}/accounts",
        "admin",
        {"login": "psychologist", "full_name": "Орлова Нина Петровна"},
    )
    assert made.status_code == 201, made.text
    account_id = made.json()["ids"]["account_id"]
    unscoped = api.post(f"{V1}/accounts/{account_id}/roles", "admin", {"role": "psychologist"})
    assert unscoped.status_code in (409, 422), unscoped.text
    granted = api.post(
        f"{V1}/accounts/{account_id}/roles",
        "admin",
        {"role": "psychologist", "class_code": "5А", "year": "2026/2027"},
    )
    assert granted.status_code == 201, granted.text
    temporary = "a temporary passphrase"
    assert api.post(f"{V1}/accounts/{account_id}/password", "admin", {"password": temporary})
    password = "orlova's own passphrase"
    changed = api.client.post(
        f"{V1}/auth/password-change",
        json={
            "username": f"psychologist@{api.school}",
            "current_password": temporary,
            "new_password": password,
        },
    )
    assert changed.status_code == 204, changed.text
    token = api.client.post(
        f"{V1}/auth/token",
        data={"username": f"psychologist@{api.school}", "password": password},
    )
    assert token.status_code == 200, token.text
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    after = granted.json()["position"]

    def read(path: str) -> int:
        return int(api.client.get(f"{V1}{path}", headers=headers).status_code)

    assert read(f"/years/{YEAR}/classes/5А/sheets/progress?after={after}") == 200
    assert read(f"/years/{YEAR}/classes/5А/sheets/attendance?after={after}") == 200
    assert read(f"/years/{YEAR}/classes/1А/sheets/progress") == 404
    assert read(f"/journals/{api.world.journals['math']}/grid") == 404
    assert read(f"/family/children/{api.world.students[0]}/diary") == 403
    recorded = api.client.post(
        f"{V1}/journals/{api.world.journals['math']}/lessons",
        json={"on": "2026-09-07", "slot": 1, "topic": "Дроби"},
        headers=headers,
    )
    assert recorded.status_code in (403, 404)
