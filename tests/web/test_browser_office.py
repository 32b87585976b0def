"""The office's daily work in a real browser: the deputy grants a late-entry permission, the
auditor finds a teacher's change by name, the inspector sees a journal before a change and the
change highlighted, and the administrator's dry run of an import shows a row's error in Russian.
Each main page is kept as a screenshot."""

from __future__ import annotations

from typing import Any

import pytest
from web_office import add_office, caught_up
from web_site import Site, log_in, screenshot

pytestmark = pytest.mark.xdist_group("web-browser")


def test_the_deputy_grants_a_late_entry_permission(page: Any, live: Site) -> None:
    caught_up(live)
    log_in(page, live, "deputy")
    assert page.url.endswith("/deputy")
    assert page.locator("main h1").inner_text().startswith("Ведение журналов")
    screenshot(page, "deputy-monitoring")
    page.locator("table[aria-labelledby=journals] a", has_text="5А, Математика").click()
    page.wait_for_url("**/deputy/journals/*")
    form = page.locator("form[aria-label='Разрешить позднее заполнение']")
    form.locator("#late-from").fill("2026-09-02")
    form.locator("#late-to").fill("2026-09-04")
    form.locator("#late-reason").fill("учитель болел, справка № 12")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    said = page.locator("[role=status]").inner_text()
    assert "Разрешение на позднее заполнение записано." in said
    granted = page.locator("section[aria-labelledby=late-title] table tbody tr")
    assert granted.count() == 1
    assert "учитель болел, справка № 12" in granted.inner_text()
    screenshot(page, "deputy-journal")


def test_the_auditor_finds_a_change_by_the_persons_name(page: Any, live: Site) -> None:
    add_office(live, "auditor")
    log_in(page, live, "auditor")
    assert page.url.endswith("/audit")
    page.fill("#who", "Иванова Мария")
    page.click("form[aria-label='Отбор изменений'] button[type=submit]")
    page.wait_for_load_state()
    rows = page.locator("table.audit tbody tr")
    assert rows.count() >= 1
    marks = rows.filter(has_text="Выставлена отметка")
    assert marks.count() == 2  # to the first two students on 3 September
    cells = [
        c.strip()
        for c in marks.filter(has_text="Алексеев Артём Игоревич").locator("td").all_inner_texts()
    ]
    assert cells[0].startswith("Иванова Мария Петровна")
    assert "03.09.2026" in cells  # the lesson's day
    assert cells[-2] == "5"  # the value after
    screenshot(page, "audit")


def test_the_inspector_sees_a_journal_before_a_change(page: Any, live: Site) -> None:
    add_office(live, "inspector")
    log_in(page, live, "inspector")
    assert page.url.endswith("/inspector")
    page.locator("tr", has=page.locator("th", has_text="5А")).filter(has_text="Математика").locator(
        "a"
    ).click()
    page.wait_for_url("**/inspector/journals/*")
    page.fill("#at", "2026-09-03T12:00")
    page.click("form[aria-label='Выбор моментов'] button[type=submit]")
    page.wait_for_load_state()
    assert "на 03.09.2026 12:00" in page.locator("main h1").inner_text()
    assert page.locator("table.history td span", has_text="5").count() == 0
    page.fill("#since", "2026-09-03T12:00")
    page.fill("#at", "2026-09-07T10:00")
    page.click("form[aria-label='Выбор моментов'] button[type=submit]")
    page.wait_for_load_state()
    assert "отметка: добавлено" in page.locator("table.diff").inner_text()
    changed = page.locator("table.history td.changed")
    assert changed.count() == 2  # the two marks given on 3 September
    assert [c.strip() for c in changed.all_inner_texts()] == ["5", "5"]
    screenshot(page, "inspector")


STUDENTS_CSV = (
    "Фамилия;Имя;Отчество;Дата рождения;Класс;Приказ о зачислении\r\nПетров;;;31.02.2015;7Б;№ 1\r\n"
)


def test_the_administrators_dry_run_shows_a_row_error(page: Any, live: Site) -> None:
    log_in(page, live, "admin")
    assert page.url.endswith("/administration")
    assert "2026/2027 учебный год" in page.locator("main h1").inner_text()
    screenshot(page, "administration-year")
    page.click("nav >> text=Импорт")
    page.wait_for_url("**/administration/imports")
    page.select_option("#kind", "students")
    page.set_input_files(
        "#file",
        {"name": "ученики.csv", "mimeType": "text/csv", "buffer": STUDENTS_CSV.encode()},
    )
    assert page.is_checked("input[name=dry_run]")
    page.click("form[aria-labelledby=upload-title] button[type=submit]")
    page.wait_for_load_state()
    problems = page.locator("table.problems tbody tr")
    first = problems.filter(has_text="Имя").first
    assert first.locator("th").inner_text() == "2"
    assert "не заполнено" in first.inner_text()
    assert "Файл не импортирован" in page.locator("[role=status]").inner_text()
    screenshot(page, "administration-import")
