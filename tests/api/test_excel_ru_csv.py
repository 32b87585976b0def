"""CSV for Russian Excel (issue 14): ``?dialect=excel-ru`` on a CSV endpoint gives a UTF-8 file
with a byte order mark, ";" between cells and a decimal comma, holding the same cells as the
default file (UTF-8, comma, a decimal point), which stays as it was."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from api_session import Api

from api.tabular import BOM
from ejournal.commands import lessons
from ejournal.commands.marking import MarkEntry
from ejournal.marks import Attendance

V1 = "/api/v1"
YEAR = "2026-2027"
MONDAY = date(2026, 9, 7)


def keep_a_lesson(api: Api) -> int:
    """5А's mathematics on Monday 7 Sep: Белова absent, Алексеев "5"; the last position."""
    world = api.world
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
    return world.school.position()


def rows(response: Any, delimiter: str) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    if delimiter == ";":
        assert text.startswith(BOM)
        text = text.removeprefix(BOM)
    else:
        assert not text.startswith(BOM)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def test_a_report_for_russian_excel(api: Api) -> None:
    after = keep_a_lesson(api)
    path = f"{V1}/years/{YEAR}/classes/5А/reports/marks-accumulation?period=Q1&after={after}"
    plain = rows(api.get(f"{path}&format=csv", "inspector"), ",")
    explicit = rows(api.get(f"{path}&format=csv&dialect=rfc4180", "inspector"), ",")
    excel = rows(api.get(f"{path}&format=csv&dialect=excel-ru", "inspector"), ";")
    assert explicit == plain
    column = plain[0].index("Математика")
    assert excel[0] == plain[0]
    alekseev = next(line for line in excel if line[0] == "Алексеев Артём Игоревич")
    assert alekseev[column : column + 2] == ["1", "5,0"]
    # Every cell is the default file's, a number's point turned into a comma.
    assert excel == [[cell.replace(".", ",") for cell in line] for line in plain]
    assert any("." in cell for line in plain for cell in line)


def test_the_audit_trail_for_russian_excel(api: Api) -> None:
    keep_a_lesson(api)
    plain = rows(api.get(f"{V1}/audit.csv", "auditor"), ",")
    excel = rows(api.get(f"{V1}/audit.csv?dialect=excel-ru", "auditor"), ";")
    assert excel == plain
    assert len(plain) > 2
    assert any("Натуральные числа" in cell for line in excel for cell in line)


def test_an_unknown_dialect_is_an_invalid_request(api: Api) -> None:
    response = api.client.get(
        f"{V1}/audit.csv?dialect=excel",
        headers=api.headers("auditor", **{"Accept-Language": "ru"}),
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["type"] == "/problems/invalid-request"
    assert "параметр запроса «dialect» — допустимые значения:" in body["detail"]
