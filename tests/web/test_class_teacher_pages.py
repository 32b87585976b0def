"""The class teacher's pages with a real HTTP client (no browser): the week's absences and a
reason set from the page, the students and guardians, the sheets and their XLSX download
(read back with openpyxl), and nobody else's class."""

from __future__ import annotations

import io
from urllib.parse import quote

import openpyxl
from fastapi.testclient import TestClient
from web_family import form_token, parent_of_third_student, record_monday_lesson, sign_in
from web_site import MONDAY, Site

from ejournal.marks import AbsenceReason, Attendance

CLASS = quote("5А")
ABSENCES = f"/class-teacher/classes/{CLASS}/absences?year=2026-2027"


def _class_teacher(client: TestClient, site: Site) -> None:
    sign_in(client, site, "class_teacher")


def test_the_class_teacher_sets_an_absences_reason(client: TestClient, site: Site) -> None:
    position = record_monday_lesson(site)
    _class_teacher(client, site)
    # The account also teaches: the class teacher's pages are theirs whatever role they act in.
    assert client.get("/class-teacher").headers["location"] == ABSENCES
    page = client.get(f"{ABSENCES}&after={position}")
    assert page.status_code == 200
    absent = site.world.students[2]
    assert f'id="absence-{absent}-{MONDAY.isoformat()}-1"' in page.text
    assert "Гусев Глеб Андреевич" in page.text
    assert "не указана" in page.text
    for reason in AbsenceReason:
        assert f'<option value="{reason.value}">{reason.title_ru}</option>' in page.text
    answer = client.post(
        f"/class-teacher/classes/{CLASS}/absences",
        data={
            "year": "2026-2027",
            "student_id": str(absent),
            "on": MONDAY.isoformat(),
            "slot": "1",
            "absence_reason": "illness",
            "note": "справка № 12",
            "csrf_token": form_token(page.text),
        },
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"].startswith(f"{ABSENCES}&week=2026-09-07&after=")
    shown = client.get(answer.headers["location"])
    assert "Болезнь" in shown.text
    assert "уважительная" in shown.text
    journal = site.world.school.journal(site.world.journals["math"])
    lesson = journal.lesson_at(MONDAY, 1)
    assert lesson is not None
    entry = journal.attendance_of(lesson.id, absent)
    assert entry is not None
    assert (entry.status, entry.reason) == (Attendance.ABSENT, AbsenceReason.ILLNESS)


def test_changing_a_reason_without_saying_why_is_refused_at_the_absence(
    client: TestClient, site: Site
) -> None:
    position = record_monday_lesson(site)
    _class_teacher(client, site)
    absent = site.world.students[2]
    page = client.get(f"{ABSENCES}&after={position}")
    form = {
        "year": "2026-2027",
        "student_id": str(absent),
        "on": MONDAY.isoformat(),
        "slot": "1",
        "csrf_token": form_token(page.text),
    }
    first = client.post(
        f"/class-teacher/classes/{CLASS}/absences", data={**form, "absence_reason": "family"}
    )
    assert first.status_code == 303
    refused = client.post(
        f"/class-teacher/classes/{CLASS}/absences", data={**form, "absence_reason": "unexcused"}
    )
    assert refused.status_code == 409
    assert 'role="alert"' in refused.text
    # Said at the absence's row, in Russian; nothing recorded.
    row = refused.text[refused.text.index(f'id="absence-{absent}-') :]
    row = row[: row.index("</tr>")]
    assert 'role="alert"' in row
    assert "ничего не записано" in row
    journal = site.world.school.journal(site.world.journals["math"])
    lesson = journal.lesson_at(MONDAY, 1)
    assert lesson is not None
    entry = journal.attendance_of(lesson.id, absent)
    assert entry is not None
    assert entry.reason is AbsenceReason.FAMILY
    changed = client.post(
        f"/class-teacher/classes/{CLASS}/absences",
        data={**form, "absence_reason": "unexcused", "reason": "справка не принесена"},
    )
    assert changed.status_code == 303
    assert "Без уважительной причины" in client.get(changed.headers["location"]).text


def test_a_parents_notice_is_shown_at_the_absence_it_covers(client: TestClient, site: Site) -> None:
    position = record_monday_lesson(site)
    parent_of_third_student(site)
    absent = site.world.students[2]
    # The parent says so through their own page (lesson 1 of Monday)...
    sign_in(client, site, "parent")
    form = client.get(f"/family/children/{absent}/absence-notice")
    given = client.post(
        f"/family/children/{absent}/absence-notice",
        data={
            "start": MONDAY.isoformat(),
            "end": MONDAY.isoformat(),
            "first_slot": "1",
            "last_slot": "1",
            "text": "плановый приём у стоматолога",
            "csrf_token": form_token(form.text),
        },
    )
    assert "Уведомление отправлено" in given.text
    # ... and the class teacher reads it at the absence.
    client.cookies.clear()
    _class_teacher(client, site)
    page = client.get(f"{ABSENCES}&after={position}")
    row = page.text[page.text.index(f'id="absence-{absent}-') :]
    row = row[: row.index("</tr>")]
    assert "Уведомление родителей: «плановый приём у стоматолога»" in row
    # Taken as the reason of the absences it covers, in one go.
    notice = page.text[page.text.index('id="notice-') :]
    action = notice[notice.index('action="') + len('action="') :]
    action = action[: action.index('"')]
    taken = client.post(
        action,
        data={
            "year": "2026-2027",
            "week": MONDAY.isoformat(),
            "student_id": str(absent),
            "absence_reason": "medical_group",
            "csrf_token": form_token(page.text),
        },
    )
    assert taken.status_code == 303, taken.text
    after = client.get(taken.headers["location"])
    row = after.text[after.text.index(f'id="absence-{absent}-') :]
    assert "Освобождён (медицинская группа)" in row[: row.index("</tr>")]
    # Nothing left without a reason this week.
    bare = client.get(f"{ABSENCES}&week={MONDAY.isoformat()}&without_reason=1")
    assert "нет пропусков без причины" in bare.text
    # Taken twice, it is refused at the notice: every absence it covers has that reason.
    again = client.post(
        action,
        data={
            "year": "2026-2027",
            "week": MONDAY.isoformat(),
            "student_id": str(absent),
            "absence_reason": "medical_group",
            "csrf_token": form_token(page.text),
        },
    )
    assert again.status_code == 404
    at_notice = again.text[again.text.index('id="notice-') :]
    assert 'role="alert"' in at_notice[: at_notice.index("</li>")]


def test_the_students_and_their_guardians(client: TestClient, site: Site) -> None:
    _class_teacher(client, site)
    assert client.get("/class-teacher/students").status_code == 303
    page = client.get(f"/class-teacher/classes/{CLASS}/students?year=2026-2027")
    assert page.status_code == 200
    for name in ("Алексеев Артём Игоревич", "Белова Варвара Дмитриевна", "Егоров Егор Павлович"):
        assert name in page.text
    assert "Алексеева Ирина Олеговна (мать)" in page.text
    assert "подгруппа 1" in page.text
    assert "подгруппа 2" in page.text


def test_the_sheets_download_as_a_real_workbook(client: TestClient, site: Site) -> None:
    record_monday_lesson(site)
    _class_teacher(client, site)
    page = client.get(f"/class-teacher/classes/{CLASS}/sheets?year=2026-2027")
    assert page.status_code == 200
    assert "Сводная ведомость учёта успеваемости" in page.text
    assert "Сводная ведомость учёта посещаемости" in page.text
    for kind in ("progress", "attendance"):
        link = f"/class-teacher/classes/{CLASS}/sheets/{kind}.xlsx?year=2026-2027"
        assert link in page.text
        answer = client.get(link)
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        assert f"{kind}-2026-2027-" in answer.headers["content-disposition"]
        book = openpyxl.load_workbook(io.BytesIO(answer.content), read_only=True)
        cells = [c for row in book.active.iter_rows(values_only=True) for c in row if c]
        assert "Алексеев Артём Игоревич" in cells
        # The API's download of the same sheet is the same workbook's content.
        token = client.cookies["ej_session"]
        api = client.get(
            f"/api/v1/years/2026-2027/classes/{CLASS}/sheets/{kind}?format=xlsx",
            headers={"Authorization": f"Bearer {token}"},
        )
        api_book = openpyxl.load_workbook(io.BytesIO(api.content), read_only=True)
        assert [c for row in api_book.active.iter_rows(values_only=True) for c in row if c] == cells


def test_another_class_does_not_exist_for_the_class_teacher(client: TestClient, site: Site) -> None:
    _class_teacher(client, site)
    other = quote("1А")
    for path in (
        f"/class-teacher/classes/{other}/absences?year=2026-2027",
        f"/class-teacher/classes/{other}/students?year=2026-2027",
        f"/class-teacher/classes/{other}/sheets?year=2026-2027",
        f"/class-teacher/classes/{other}/sheets/progress.xlsx?year=2026-2027",
        f"/class-teacher/classes/{quote('7Ж')}/absences?year=2026-2027",
    ):
        assert client.get(path).status_code == 404, path


def test_a_parent_has_no_class_teachers_pages(client: TestClient, site: Site) -> None:
    sign_in(client, site, "parent")
    assert client.get(ABSENCES).status_code == 403
