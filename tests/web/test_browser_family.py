"""The family's and the class teacher's pages in a real browser (Debian's Chromium through
Playwright): the parent reads a mark in the diary, on a 360-pixel phone too, and cannot open
another child's; the class teacher sets an absence's reason and sees it, reads the class's
students and sheets and downloads a sheet's workbook. Screenshots go to var/screenshots/."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from web_family import TOPIC, record_monday_lesson, settle
from web_site import MONDAY, Site, log_in, screenshot

from ejournal.aggregates.student import Student

pytestmark = pytest.mark.xdist_group("web-browser")


def _page_width(page: Any) -> int:
    width: int = page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
    )
    return width


def test_the_parent_sees_the_mark_in_the_diary_on_a_phone(page: Any, live: Site) -> None:
    settle(live, record_monday_lesson(live))
    log_in(page, live, "parent")
    child = live.world.students[0]
    assert page.url.endswith(f"/family/children/{child}")
    assert page.locator("main h1").inner_text() == "Дневник: Алексеев Артём Игоревич"
    monday = page.locator("section.day").filter(has_text="7 сентября 2026")
    assert TOPIC in monday.inner_text()
    mark = monday.locator(".mark-line").first
    assert mark.locator(".mark").inner_text() == "4"
    assert "Контрольная работа, вес 2" in mark.inner_text()
    assert "4,33" in page.locator("table.averages").inner_text()
    screenshot(page, "family-diary")
    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    width = _page_width(page)
    assert width <= 360, f"the diary is {width} px wide on a 360 px screen"
    screenshot(page, "family-diary-360")
    # The week before, by its link: 3 September's "5".
    page.click("text=← Предыдущая неделя")
    page.wait_for_url("**week=2026-08-31")
    assert (
        page.locator("section.day")
        .filter(has_text="3 сентября 2026")
        .locator(".mark")
        .first.inner_text()
        == "5"
    )
    assert _page_width(page) <= 360
    # The parent warns the class teacher of Wednesday's absence, on the phone.
    page.click("text=Предупредить классного руководителя об отсутствии")
    page.fill("#start", "2026-09-09")
    page.fill("#end", "2026-09-09")
    page.fill("#text", "приём у врача")
    assert _page_width(page) <= 360
    page.click("main button[type=submit]")
    assert "Уведомление отправлено" in page.locator("[role=status]").inner_text()
    screenshot(page, "family-absence-notice")
    student = live.world.school.view(Student, child, "student")
    assert [n.text for n in student.absence_notices().values()] == ["приём у врача"]


def test_a_parent_cannot_open_another_childs_diary(page: Any, live: Site) -> None:
    log_in(page, live, "parent")
    other = live.world.students[1]
    answer = page.goto(f"/family/children/{other}")
    assert answer is not None
    assert answer.status == 404
    assert page.locator("main h1").inner_text() == "Не найдено"
    assert "Белова" not in page.content()


def test_the_class_teacher_sets_a_reason_and_sees_it(page: Any, live: Site) -> None:
    settle(live, record_monday_lesson(live))
    log_in(page, live, "class_teacher")  # a class teacher who also teaches: the teacher's home
    page.select_option("#role-switch", "class_teacher")
    page.click("text=Сменить")
    page.wait_for_url("**/class-teacher/classes/**/absences?year=2026-2027")
    absent = live.world.students[2]
    row = page.locator(f"#absence-{absent}-{MONDAY.isoformat()}-1")
    assert "Гусев Глеб Андреевич" in row.inner_text()
    assert "не указана" in row.inner_text()
    row.locator("select").select_option("illness")
    row.locator("input[name=note]").fill("справка № 12")
    row.locator("button[type=submit]").click()
    page.wait_for_url("**after=*")
    row = page.locator(f"#absence-{absent}-{MONDAY.isoformat()}-1")
    assert "Болезнь" in row.locator(".reason-cell").inner_text()
    assert "уважительная" in row.locator(".reason-cell").inner_text()
    screenshot(page, "class-teacher-absences")
    page.click("nav >> text=Ученики и родители")
    page.wait_for_url("**/students?year=2026-2027")
    assert "Алексеева Ирина Олеговна (мать)" in page.locator("table.roster").inner_text()
    screenshot(page, "class-teacher-students")
    page.click("nav >> text=Ведомости")
    page.wait_for_url("**/sheets?year=2026-2027")
    screenshot(page, "class-teacher-sheets")
    with page.expect_download() as download:
        page.locator("section:has(#progress) a[download]").click()
    assert download.value.suggested_filename == "progress-2026-2027-5А.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    cells = [c for line in book.active.iter_rows(values_only=True) for c in line if c]
    assert "Алексеев Артём Игоревич" in cells


def test_the_diary_reads_without_javascript(browser: Any, live: Site) -> None:
    settle(live, record_monday_lesson(live))
    context = browser.new_context(
        base_url=live.base_url,
        viewport={"width": 360, "height": 740},
        locale="ru-RU",
        java_script_enabled=False,
    )
    context.set_default_timeout(10_000)
    try:
        tab = context.new_page()
        log_in(tab, live, "parent")
        assert tab.locator("main h1").inner_text() == "Дневник: Алексеев Артём Игоревич"
        assert "Контрольная работа, вес 2" in tab.locator("section.day").first.inner_text()
        tab.click("text=Следующая неделя →")
        tab.wait_for_url("**week=2026-09-14")
        assert "14 сентября 2026" in tab.locator("main").inner_text()
        assert _page_width(tab) <= 360
    finally:
        context.close()
