"""Printouts through the API: a class teacher prints a fortnight of a student's results (a real
PDF, read back) and it is recorded as issued; another class's student, a missing one and a
family are refused before anything is rendered; the administration prints an annulment notice."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date
from typing import Any
from urllib.parse import quote
from uuid import UUID, uuid4

import pypdf
from api_session import Api

from ejournal.aggregates.student import Student
from ejournal.commands import lessons
from ejournal.commands.marking import MarkEntry
from ejournal.marks import Attendance

V1 = "/api/v1"
PROBLEM = "application/problem+json"
SEPT_1 = date(2026, 9, 1)
FORTNIGHT = {"start": "2026-09-01", "end": "2026-09-14"}


def text_of(response: Any) -> str:
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def printouts_of(api: Api, student: UUID) -> list[Student.ProgressPrintoutIssued]:
    events = api.world.school.events.get(student)
    return [e for e in events if isinstance(e, Student.ProgressPrintoutIssued)]


def assert_refused(response: Any, status: int, slug: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == f"/problems/{slug}"


def test_a_class_teacher_prints_a_fortnight_with_marks_and_absences(api: Api) -> None:
    student = api.world.students[0]
    api.world.at(SEPT_1, 13)
    for key, slot, teacher, fields in (
        ("math", 1, api.world.math, {"attendance": {student: Attendance.ABSENT}}),
        ("russian", 3, api.world.russian, {"marks": (MarkEntry(student_id=student, value="4"),)}),
    ):
        lessons.record_whole_lesson(
            api.world.school,
            teacher,
            lessons.RecordWholeLesson(
                journal_id=api.world.journals[key],
                on=SEPT_1,
                slot=slot,
                topic=f"Вводный урок {slot}",
                **fields,
            ),
        )
    api.world.at(date(2026, 9, 14), 16)

    path = f"{V1}/students/{student}/printouts"
    response = api.post(path, "class_teacher", FORTNIGHT, **{"Idempotency-Key": "fortnight-1"})

    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == "application/pdf"
    disposition = response.headers["content-disposition"]
    assert f'filename="progress-report-5A-{student}.pdf"' in disposition
    assert f"filename*=UTF-8''{quote('Сведения о результатах обучения')}" in disposition
    text = text_of(response)
    name = str(api.world.school.student(student).name)
    assert name in text
    assert "Период: 01.09.2026 – 14.09.2026" in text
    assert "Вводный урок 1" in text
    assert "Вводный урок 3" in text
    assert "4 (" in text  # the mark, with its kind of work
    assert "отсутствовал(а)" in text
    [issued] = printouts_of(api, student)
    assert (issued.start, issued.end) == (SEPT_1, date(2026, 9, 14))
    assert issued.actor == api.actors["class_teacher"]
    assert int(response.headers["X-Log-Position"]) == api.world.school.position()
    trail = api.get(
        f"{V1}/audit",
        "auditor",
        params={
            "student_id": str(student),
            "kind": "progress_printout_issued",
            "after": response.headers["X-Log-Position"],
        },
    )
    assert trail.status_code == 200, trail.text
    [row] = trail.json()["rows"]  # the audit trail shows who gave which printout
    assert (row["actor_name"], row["actor_role"]) == ("Васильева Елена Павловна", "class_teacher")
    assert (row["class_code"], row["value_after"]) == ("5А", "01.09.2026 – 14.09.2026")
    # A retry with the same key gets the printout again and records nothing twice.
    again = api.post(path, "class_teacher", FORTNIGHT, **{"Idempotency-Key": "fortnight-1"})
    assert again.status_code == 201, again.text
    assert again.headers["content-type"] == "application/pdf"
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert len(printouts_of(api, student)) == 1


def test_who_may_not_print_is_refused_and_nothing_is_recorded(api: Api) -> None:
    student, first_grader = api.world.students[0], api.world.first_graders[0]
    api.sign_in("class_teacher", "parent", "math")
    before = api.world.school.position()

    another_class = api.post(f"{V1}/students/{first_grader}/printouts", "class_teacher", FORTNIGHT)
    missing = api.post(f"{V1}/students/{uuid4()}/printouts", "class_teacher", FORTNIGHT)
    assert_refused(another_class, 404, "not-found")
    assert_refused(missing, 404, "not-found")
    assert another_class.json()["detail"] == missing.json()["detail"]
    # A family reads the diary: the printout is for those without electronic access.
    assert_refused(
        api.post(f"{V1}/students/{student}/printouts", "parent", FORTNIGHT), 403, "forbidden"
    )
    assert_refused(
        api.post(f"{V1}/students/{student}/printouts", "math", FORTNIGHT), 403, "forbidden"
    )
    backwards = {"start": "2026-09-14", "end": "2026-09-01"}
    assert_refused(
        api.post(f"{V1}/students/{student}/printouts", "class_teacher", backwards),
        422,
        "invalid-span",
    )
    assert api.post(f"{V1}/students/{student}/printouts", None, FORTNIGHT).status_code == 401
    assert api.world.school.position() == before


def test_the_administration_prints_the_annulment_notice(api: Api) -> None:
    outsider = api.actors["outsider"].account_id
    notice = f"{V1}/accounts/{outsider}/annulment-notice"
    api.sign_in("deputy", "class_teacher")
    assert_refused(api.get(notice, "deputy"), 404, "not-found")  # not annulled: no notice
    api.world.at(date(2026, 9, 10), 11)
    annulled = api.post(
        f"{V1}/accounts/{outsider}/annulment",
        "admin",
        {"reason": "отказ от услуги по заявлению", "address": "fedorov@example.ru"},
    )
    assert annulled.status_code == 201, annulled.text

    assert_refused(api.get(notice, "class_teacher"), 403, "forbidden")
    response = api.get(notice, "deputy")

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert f'filename="annulment-notice-{outsider}.pdf"' in response.headers["content-disposition"]
    text = text_of(response)
    assert "Уведомление о прекращении предоставления услуги" in text
    assert "Заявитель: Фёдоров Илья Андреевич" in text
    assert "fedorov@example.ru" in text
    assert "отказ от услуги по заявлению" in text
    assert "Дата прекращения: 10.09.2026" in text
    assert "пункты 10.1–10.2" in text
    assert "Руководитель учреждения" in text


def test_the_api_renders_through_the_printer_without_importing_the_archive() -> None:
    """The arrows point down: the API finds the PDF renderer through its entry point only when
    something is printed, so serving loads neither the archive nor WeasyPrint."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, api.app; from ejournal.printing import printer;"
            " print(sorted(m for m in sys.modules if m.split('.')[0] in {'archive', 'weasyprint'}))"
            ";"
            " print(type(printer()).__name__)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.split("\n")[:2] == ["[]", "PdfPrinter"]
