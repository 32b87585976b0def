"""A teacher's day in a real browser: today's lesson entered from the keyboard as in a
spreadsheet, seen in the month's grid; a deadline refusal shown at its cell with the clause."""

from __future__ import annotations

from typing import Any

import pytest
from web_site import Site, contrast_failures, log_in, screenshot

pytestmark = pytest.mark.xdist_group("web-browser")


def _cell(page: Any, student: str, column: int) -> Any:
    """A cell of the month's grid: the student's row, the ``column``-th data cell."""
    return page.locator("#journal-grid tbody tr", has_text=student).locator("td").nth(column)


def test_a_teacher_enters_todays_lesson_from_the_keyboard(page: Any, live: Site) -> None:
    log_in(page, live, "math")
    page.get_by_role("link", name="Заполнить урок").first.click()
    page.wait_for_load_state()
    assert "урок 1" in page.locator("h1").inner_text()
    screenshot(page, "teacher-lesson")
    keys = page.keyboard
    page.focus("#topic")
    keys.type("Натуральные числа")
    keys.press("Tab")
    keys.type("№ 12, 14")
    keys.press("Tab")  # into the grid: the first student's attendance
    keys.press("ArrowDown")
    keys.press("ArrowDown")
    keys.type("н")  # Гусев: absent
    keys.press("Enter")  # down, as in a spreadsheet
    keys.type("оп")  # Денисова: late
    for _ in range(3):
        keys.press("ArrowUp")
    keys.press("ArrowRight")  # the first student's first mark
    keys.type("5")
    keys.press("Enter")
    keys.type("4")  # Белова
    keys.press("Tab")
    for _ in range(6):  # its kind: up and down change a list cell's value
        keys.press("ArrowDown")
    keys.press("ArrowLeft")
    for _ in range(3):
        keys.press("ArrowDown")
    keys.type("3")  # Егоров
    screenshot(page, "teacher-lesson-typed")
    assert contrast_failures(page) == []
    keys.press("Control+Enter")
    page.wait_for_url("**/grid?month=2026-09*")
    screenshot(page, "teacher-grid")
    assert contrast_failures(page) == []
    header = page.locator("#journal-grid thead th").nth(2)  # 03.09, then 07.09
    assert "07.09" in header.inner_text()
    column = 1  # the data cells: 03.09 (lesson 1), 07.09 (lesson 1)
    assert _cell(page, "Алексеев", column).inner_text().strip() == "5"
    assert _cell(page, "Белова", column).inner_text().strip() == "4"
    assert "Контрольная работа" in (
        _cell(page, "Белова", column).locator("span").get_attribute("title") or ""
    )
    assert _cell(page, "Гусев", column).inner_text().strip() == "н"
    assert _cell(page, "Денисова", column).inner_text().strip() == "оп"
    assert _cell(page, "Егоров", column).inner_text().strip() == "3"
    assert "Натуральные числа" in page.locator("main").inner_text()


def test_a_deadline_refusal_shows_the_clause_at_the_cell(page: Any, live: Site) -> None:
    log_in(page, live, "math")
    page.get_by_role("navigation").get_by_role("link", name="Мои журналы").click()
    page.locator("tr", has_text="5А").get_by_role("link", name="Математика").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="03.09").first.click()  # Thursday's lesson: its day is over
    page.wait_for_load_state()
    assert "срок истёк" in page.locator("main").inner_text()
    attendance = page.get_by_label("Посещаемость: Гусев Глеб Андреевич")
    attendance.focus()
    page.keyboard.type("н")
    page.keyboard.press("Control+Enter")
    page.wait_for_load_state()
    refusal = page.locator("td [role=alert]").first
    text = refusal.inner_text()
    assert "Срок для этой записи истёк" in text
    assert "School 77, §4.4.1" in text
    assert page.get_by_label("Посещаемость: Гусев Глеб Андреевич").input_value() == "н"
    screenshot(page, "teacher-lesson-refused")
    assert contrast_failures(page) == []
