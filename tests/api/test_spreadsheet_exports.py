"""What people typed is exported as text (issue 11, findings 5 and 6): a name ``=1+2`` or a reason
``+1+1`` is no formula in any CSV or XLSX file, and a control character already in the log (from
before the journal refused them) never makes an export fail."""

from __future__ import annotations

import csv
import io
from typing import Any

from api_session import Api
from openpyxl import load_workbook

from ejournal.aggregates.student import PersonName

V1 = "/api/v1"
YEAR = "2026-2027"


def csv_cells(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.text)))


def workbook_cells(response: Any) -> list[Any]:
    assert response.status_code == 200, response.text
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [cell for row in sheet.iter_rows() for cell in row]


def test_a_formula_typed_as_a_name_or_a_reason_is_exported_as_text(api: Api) -> None:
    admitted = api.post(
        f"{V1}/years/{YEAR}/students",
        "secretary",
        {
            "name": {"last": "=1+2", "first": "Артём"},
            "birth_date": "2015-02-01",
            "class_code": "5А",
            "on": "2026-09-01",
            "order": "№ 5-у",
        },
    )
    assert admitted.status_code == 201, admitted.text
    student = admitted.json()["ids"]["student_id"]
    withdrawn = api.post(
        f"{V1}/students/{student}/withdrawal",
        "secretary",
        {"year": YEAR, "on": "2026-09-10", "reason": "+1+1", "order": "@SUM(A1)"},
    )
    assert withdrawn.status_code == 201, withdrawn.text
    after = withdrawn.json()["position"]
    movement = f"{V1}/years/{YEAR}/sheets/movement?after={after}&format="

    rows = csv_cells(api.get(movement + "csv", "admin"))
    (withdrawal,) = [row for row in rows if "'+1+1" in row]
    assert withdrawal[0] == "'=1+2 Артём"
    assert "'@SUM(A1)" in withdrawal
    audit = [row for row in csv_cells(api.get(f"{V1}/audit.csv", "auditor")) if "'+1+1" in row]
    assert audit
    assert "'=1+2 Артём" in audit[0]

    cells = workbook_cells(api.get(movement + "xlsx", "admin"))
    typed = {cell.value: cell for cell in cells if cell.value in ("=1+2 Артём", "+1+1", "@SUM(A1)")}
    assert set(typed) == {"=1+2 Артём", "+1+1", "@SUM(A1)"}
    for cell in typed.values():
        assert (cell.data_type, cell.quotePrefix) == ("s", True)
    assert not any(cell.data_type == "f" for cell in cells)


def test_a_control_character_already_in_the_log_still_exports(api: Api) -> None:
    world = api.world
    # Written below the edge, as the log of an older version of the journal may hold it.
    student = world.school.student(world.students[0])
    student.correct_personal_data(
        PersonName(last="Алек\x01сеев", first="Артём\x0b", patronymic="Игоревич"),
        student.birth_date,
        "паспорт\x1f",
        world.secretary,
    )
    after = world.school.record(student).position
    stored = "Алек\ufffdсеев Артём\ufffd Игоревич"
    progress = f"{V1}/years/{YEAR}/classes/5А/sheets/progress?after={after}&format="

    assert stored in {row[0] for row in csv_cells(api.get(progress + "csv", "deputy"))}
    assert stored in {cell.value for cell in workbook_cells(api.get(progress + "xlsx", "deputy"))}
    audit = csv_cells(api.get(f"{V1}/audit.csv", "auditor"))
    assert any("паспорт\ufffd" in row for row in audit)
