"""The teacher's pages with a real HTTP client: today's lessons, the journals, the month's
grid, a whole lesson saved in one request, a refusal at its cell, corrections with a reason."""

from __future__ import annotations

import re
from datetime import date

import pytest
from api_session import PASSWORD
from fastapi.testclient import TestClient
from web_site import MONDAY, Site

from ejournal.commands import substitutions


def _form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page holds no form token"
    return found.group(1)


def _hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert found, f"the page holds no {name}"
    return found.group(1)


@pytest.fixture
def teacher(client: TestClient, site: Site) -> TestClient:
    token = _form_token(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"username": site.login_of("math"), "password": PASSWORD, "csrf_token": token},
    )
    assert answer.status_code == 303
    return client


def _lesson_path(site: Site, on: date, slot: int) -> str:
    return f"/teacher/journals/{site.world.journals['math']}/lessons/{on}/{slot}"


def test_todays_lessons_say_what_is_open_until_when(teacher: TestClient, site: Site) -> None:
    page = teacher.get("/teacher")
    assert page.status_code == 200
    assert "7 сентября 2026" in page.text
    assert page.text.count("Заполнить урок") == 2  # mathematics, lessons 1 and 2
    assert "07.09.2026 19:00" in page.text  # School 77 §4.4.1: the day of the lesson, to 19:00
    assert _lesson_path(site, MONDAY, 1) in page.text


def test_my_journals_are_the_teachers_own(teacher: TestClient, site: Site) -> None:
    page = teacher.get("/teacher/journals")
    assert page.status_code == 200
    assert page.text.count("/grid") == 2 * 2  # 5А and 1А mathematics, two links each
    assert "Русский язык" not in page.text


def test_a_whole_lesson_is_saved_in_one_request(teacher: TestClient, site: Site) -> None:
    form = teacher.get(_lesson_path(site, MONDAY, 1))
    assert form.status_code == 200
    s = site.world.students
    answer = teacher.post(
        _lesson_path(site, MONDAY, 1),
        data={
            "csrf_token": _form_token(form.text),
            "idempotency_key": _hidden(form.text, "idempotency_key"),
            "topic": "Натуральные числа",
            "homework": "№ 12, 14",
            f"att.{s[2]}": "н",
            f"att.{s[3]}": "оп",
            f"mark.{s[0]}.1": "5",
            f"kind.{s[0]}.1": "oral",
            f"mark.{s[1]}.1": "4",
            f"kind.{s[1]}.1": "classwork",
            f"mark.{s[4]}.1": "3",
            f"kind.{s[4]}.1": "oral",
        },
    )
    assert answer.status_code == 303, answer.text
    grid_path = answer.headers["location"]
    assert "/grid?month=2026-09&after=" in grid_path
    grid = teacher.get(grid_path)
    assert grid.status_code == 200
    assert "Натуральные числа" in grid.text
    row = grid.text[grid.text.index("Гусев Глеб") :]
    assert '<span class="att">н</span>' in row[: row.index("</tr>")]
    # One save: the lesson, its details, two attendance entries and three marks.
    lesson = site.world.school.journal(site.world.journals["math"]).lesson_at(MONDAY, 1)
    assert lesson is not None
    assert lesson.topic == "Натуральные числа"
    # The same form sent again (a reload) records nothing twice.
    again = teacher.post(
        _lesson_path(site, MONDAY, 1),
        data={
            "csrf_token": _form_token(form.text),
            "idempotency_key": _hidden(form.text, "idempotency_key"),
            "topic": "Натуральные числа",
            "homework": "№ 12, 14",
            f"att.{s[2]}": "н",
            f"att.{s[3]}": "оп",
            f"mark.{s[0]}.1": "5",
            f"kind.{s[0]}.1": "oral",
            f"mark.{s[1]}.1": "4",
            f"kind.{s[1]}.1": "classwork",
            f"mark.{s[4]}.1": "3",
            f"kind.{s[4]}.1": "oral",
        },
    )
    assert again.status_code == 303
    journal = site.world.school.journal(site.world.journals["math"])
    assert sum(1 for m in journal.marks.values() if m.lesson_id == lesson.id) == 3


def _refused_in_cell(html: str, field: str) -> str:
    """The refusal shown in the table cell (or field box) of the input named ``field``."""
    rest = html[html.index(f'name="{field}"') :]
    end = min(i for i in (rest.find("</td>"), rest.find("</div>\n    <label")) if i >= 0)
    box = rest[:end]
    assert 'role="alert"' in box, f"no refusal at {field}"
    return box


def test_a_deadline_refusal_is_shown_at_its_cell_with_the_clause(
    teacher: TestClient, site: Site
) -> None:
    thursday = date(2026, 9, 3)  # lesson 1 was held that day, with marks; its day is over
    form = teacher.get(_lesson_path(site, thursday, 1))
    assert "срок истёк" in form.text
    s = site.world.students
    answer = teacher.post(
        _lesson_path(site, thursday, 1),
        data={
            "csrf_token": _form_token(form.text),
            "idempotency_key": _hidden(form.text, "idempotency_key"),
            f"att.{s[2]}": "н",
        },
    )
    assert answer.status_code == 422
    box = _refused_in_cell(answer.text, f"att.{s[2]}")
    assert "Срок для этой записи истёк" in box
    assert "Посещаемость вносится в срок" in box
    assert "School 77, §4.4.1" in box
    assert 'value="н"' in box  # what was typed stays
    journal = site.world.school.journal(site.world.journals["math"])
    assert not any(key.endswith(str(s[2])) for key in journal.attendance)  # nothing recorded


def test_a_late_lesson_is_refused_at_its_topic(teacher: TestClient, site: Site) -> None:
    friday = date(2026, 9, 4)
    form = teacher.get(_lesson_path(site, friday, 2))
    answer = teacher.post(
        _lesson_path(site, friday, 2),
        data={
            "csrf_token": _form_token(form.text),
            "idempotency_key": _hidden(form.text, "idempotency_key"),
            "topic": "Сложение",
            f"att.{site.world.students[0]}": "н",
        },
    )
    assert answer.status_code == 422
    box = _refused_in_cell(answer.text, "topic")
    assert "Тема урока вносится в срок" in box
    assert "School 77, §4.4.1" in box
    assert site.world.school.journal(site.world.journals["math"]).lesson_at(friday, 2) is None


def test_a_typo_is_refused_at_its_cell_and_nothing_is_saved(
    teacher: TestClient, site: Site
) -> None:
    form = teacher.get(_lesson_path(site, MONDAY, 2))
    s = site.world.students
    answer = teacher.post(
        _lesson_path(site, MONDAY, 2),
        data={
            "csrf_token": _form_token(form.text),
            "idempotency_key": _hidden(form.text, "idempotency_key"),
            "topic": "Сложение",
            f"mark.{s[0]}.1": "7",
            f"att.{s[1]}": "x",
        },
    )
    assert answer.status_code == 422
    assert "Такой отметки нет" in answer.text
    assert "«н» (отсутствовал) или «оп»" in answer.text
    assert site.world.school.journal(site.world.journals["math"]).lesson_at(MONDAY, 2) is None


def test_a_mark_is_corrected_only_with_a_reason(teacher: TestClient, site: Site) -> None:
    thursday = date(2026, 9, 3)  # marks were given at lesson 1
    page = teacher.get(_lesson_path(site, thursday, 1))
    mark = re.search(r'id="mark-([0-9a-f-]+)"', page.text)
    assert mark, "no recorded mark to correct"
    path = f"{_lesson_path(site, thursday, 1)}/marks/{mark.group(1)}/voiding"
    refused = teacher.post(path, data={"csrf_token": _form_token(page.text), "reason": ""})
    assert refused.status_code == 422
    assert "Запрос составлен неверно" in refused.text
    voided = teacher.post(
        path,
        data={
            "csrf_token": _form_token(page.text),
            "reason": "Отметка поставлена не тому ученику",
            "idempotency_key": "web-void-1",
        },
    )
    # School 77 lets an entry made in error be voided (its profile: corrections.voiding).
    assert voided.status_code == 303, voided.text
    lesson = teacher.get(voided.headers["location"])
    assert "<s>5</s>" in lesson.text  # the voided mark stays, struck through
    grid = teacher.get(f"/teacher/journals/{site.world.journals['math']}/grid?month=2026-09")
    assert 'class="voided"' in grid.text


def test_another_day_is_a_link_away(teacher: TestClient, site: Site) -> None:
    page = teacher.get("/teacher?day=2026-09-03")
    assert page.status_code == 200
    assert "3 сентября 2026" in page.text
    assert "Открыть урок" in page.text  # lesson 1 was held, with marks
    assert "отметок: 2" in page.text
    assert 'href="/teacher?day=2026-09-04"' in page.text
    assert teacher.get("/teacher?day=2027-07-01").status_code == 404  # after the year
    assert teacher.get("/teacher?day=вчера").status_code == 422


def test_a_held_lesson_sent_unchanged_records_nothing(teacher: TestClient, site: Site) -> None:
    thursday = date(2026, 9, 3)
    form = teacher.get(_lesson_path(site, thursday, 1))
    position = site.world.school.position()
    answer = teacher.post(
        _lesson_path(site, thursday, 1),
        data={
            "csrf_token": _form_token(form.text),
            "idempotency_key": _hidden(form.text, "idempotency_key"),
        },
    )
    assert answer.status_code == 303
    assert answer.headers["location"].endswith("/grid?month=2026-09")
    assert site.world.school.position() == position


def test_a_late_entry_under_a_permission_is_marked_in_the_grid(
    teacher: TestClient, site: Site
) -> None:
    friday = date(2026, 9, 4)
    substitutions.permit_late_entry(
        site.world.school,
        site.world.deputy,
        substitutions.PermitLateEntry(
            journal_id=site.world.journals["math"],
            from_date=friday,
            to_date=friday,
            reason="Учитель болел, журнал заполняется после выхода",
        ),
    )
    form = teacher.get(_lesson_path(site, friday, 2))
    s = site.world.students
    answer = teacher.post(
        _lesson_path(site, friday, 2),
        data={
            "csrf_token": _form_token(form.text),
            "idempotency_key": _hidden(form.text, "idempotency_key"),
            "topic": "Сложение",
            f"mark.{s[0]}.1": "4",
        },
    )
    assert answer.status_code == 303, answer.text
    grid = teacher.get(answer.headers["location"])
    header = re.search(
        r'<th scope="col" id="lesson-[^"]+" class="([^"]*)">\s*<a [^>]*>04\.09', grid.text
    )
    assert header is not None
    assert "late" in header.group(1)
    row = grid.text[grid.text.index("Алексеев Артём") :]
    assert re.search(r'<span class="late"[^>]*>4\*</span>', row[: row.index("</tr>")])
