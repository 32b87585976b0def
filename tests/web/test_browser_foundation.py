"""The foundation in a real browser: log in, the home page of one's role, the 360-pixel screen,
logging out."""

from __future__ import annotations

from typing import Any

import pytest
from web_site import Site, log_in, screenshot

pytestmark = pytest.mark.xdist_group("web-browser")


def test_a_teacher_logs_in_and_out(page: Any, live: Site) -> None:
    page.goto("/")
    assert "/login" in page.url
    screenshot(page, "login")
    log_in(page, live, "math")
    assert page.url.endswith("/teacher")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("main h1").inner_text().startswith("Уроки")
    screenshot(page, "teacher-today")
    assert page.evaluate("typeof htmx") == "object"  # served by the service itself
    page.set_viewport_size({"width": 360, "height": 740})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide on a 360 px screen"
    page.click("text=Выйти")
    page.wait_for_url("**/login")
    page.goto("/teacher")
    assert "/login" in page.url


def test_a_wrong_password_is_said_in_russian(page: Any, live: Site) -> None:
    page.goto("/login")
    page.fill("#username", live.login_of("math"))
    page.fill("#password", "не тот пароль")
    page.click("button[type=submit]")
    assert "Неверный логин или пароль" in page.locator("[role=alert]").inner_text()


def test_a_parent_on_a_phone_sees_only_their_child(page: Any, live: Site) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live, "parent")
    # One child: the family's home page is that child's diary.
    assert f"/family/children/{live.world.students[0]}" in page.url
    assert page.locator("main h1").inner_text() == "Дневник: Алексеев Артём Игоревич"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "family-child")
    other = live.world.students[1]
    answer = page.goto(f"/family/children/{other}")
    assert answer is not None
    assert answer.status == 404
    assert page.locator("main h1").inner_text() == "Не найдено"
    screenshot(page, "not-found")


def test_reading_pages_work_without_javascript(browser: Any, live: Site) -> None:
    context = browser.new_context(base_url=live.base_url, java_script_enabled=False)
    try:
        tab = context.new_page()
        log_in(tab, live, "math")
        assert tab.url.endswith("/teacher")
        tab.goto("/teacher/journals")
        tab.locator("tr", has_text="5А").get_by_role("link", name="Математика").click()
        tab.wait_for_load_state()
        assert tab.locator("#journal-grid tbody tr").count() == 5
        assert "5" in tab.locator("#journal-grid tbody tr").first.inner_text()
        tab.get_by_role("link", name="октябрь →").click()  # the months around, as plain links
        tab.wait_for_load_state()
        assert "Октябрь 2026" in tab.locator("main").inner_text()
        tab.click("text=Выйти")
        tab.wait_for_url("**/login")
    finally:
        context.close()
