"""The office's pages with a real HTTP client (no browser): the deputy's monitoring and grants,
the auditor's trail and its CSV, the inspector's journal as of a moment and its differences, the
administrator's year and imports; each refused to the roles it is not for, and a journal out of
reach answered as missing."""

from __future__ import annotations

import re
from datetime import date
from uuid import uuid4

import pytest
from api_session import PASSWORD
from fastapi.testclient import TestClient
from web_office import add_office, caught_up
from web_site import Site

from ejournal.commands import period_marks
from ejournal.projections.audit_trail.csv_export import CSV_HEADER


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page holds no form token"
    return found.group(1)


def _log_in(client: TestClient, site: Site, who: str) -> str:
    """Log in through the form; the session's form token."""
    token = _token(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"username": site.login_of(who), "password": PASSWORD, "csrf_token": token},
    )
    assert answer.status_code == 303, answer.text
    return _token(client.get("/home").text)


# --- the deputy ---------------------------------------------------------------------------------


def test_the_deputy_sees_how_the_journals_are_kept(client: TestClient, site: Site) -> None:
    caught_up(site)
    _log_in(client, site, "deputy")
    assert client.get("/").headers["location"] == "/deputy"
    page = client.get("/deputy")
    assert page.status_code == 200, page.text
    assert "Ведение журналов, 2026/2027 учебный год" in page.text
    assert "Иванова Мария Петровна" in page.text  # the mathematics teacher's line
    assert '<th scope="col">Без темы</th>' in page.text
    math = site.world.journals["math"]
    assert f'href="/deputy/journals/{math}"' in page.text
    whole_year = client.get("/deputy?period=")
    assert "весь учебный год</option>" in whole_year.text


def test_the_deputy_grants_a_late_entry_permission(client: TestClient, site: Site) -> None:
    token = _log_in(client, site, "deputy")
    math = site.world.journals["math"]
    form = {
        "from_date": "2026-09-02",
        "to_date": "2026-09-04",
        "valid_days": "3",
        "reason": "учитель болел, справка № 12",
    }
    refused = client.post(f"/deputy/journals/{math}/late-entry-permissions", data=form)
    assert refused.status_code == 403
    before = site.world.school.position()
    done = client.post(
        f"/deputy/journals/{math}/late-entry-permissions", data={**form, "csrf_token": token}
    )
    assert done.status_code == 303, done.text
    assert site.world.school.position() == before + 1
    page = client.get(done.headers["location"])
    assert "Разрешение на позднее заполнение записано." in page.text
    assert "учитель болел, справка № 12" in page.text
    assert "02.09–04.09" in page.text


def test_a_refused_grant_is_said_in_russian_at_its_form(client: TestClient, site: Site) -> None:
    token = _log_in(client, site, "deputy")
    math = site.world.journals["math"]
    before = site.world.school.position()
    answer = client.post(
        f"/deputy/journals/{math}/substitutions",
        data={
            "on": "2026-09-06",  # a Sunday: 5А has no lessons
            "slot": "1",
            "substitute": "Фёдоров Илья",
            "reason": "болезнь учителя",
            "csrf_token": token,
        },
    )
    assert answer.status_code == 422, answer.text
    assert 'data-problem="rule-violation"' in answer.text or "Основание:" in answer.text
    assert 'value="болезнь учителя"' in answer.text  # the form keeps what was typed
    assert site.world.school.position() == before
    wrong = client.post(
        f"/deputy/journals/{math}/late-entry-permissions",
        data={"from_date": "вчера", "to_date": "2026-09-04", "reason": "x", "csrf_token": token},
    )
    assert wrong.status_code == 422
    assert "«С какого дня» — нужна дата в виде ГГГГ-ММ-ДД" in wrong.text


def test_the_deputy_assigns_a_substitute_found_by_name(client: TestClient, site: Site) -> None:
    token = _log_in(client, site, "deputy")
    math = site.world.journals["math"]
    done = client.post(
        f"/deputy/journals/{math}/substitutions",
        data={
            "on": "2026-09-08",
            "slot": "1",
            "substitute": "Фёдоров Илья",
            "reason": "болезнь учителя",
            "csrf_token": token,
        },
    )
    assert done.status_code == 303, done.text
    page = client.get(done.headers["location"])
    assert "Замена назначена." in page.text
    assert "Фёдоров Илья Андреевич" in page.text


def test_an_unknown_substitute_is_said_at_the_form(client: TestClient, site: Site) -> None:
    token = _log_in(client, site, "deputy")
    math = site.world.journals["math"]
    answer = client.post(
        f"/deputy/journals/{math}/substitutions",
        data={
            "on": "2026-09-08",
            "slot": "1",
            "substitute": "Никто Никакой",
            "reason": "болезнь учителя",
            "csrf_token": token,
        },
    )
    assert answer.status_code == 404
    assert "Учётной записи с таким ФИО или логином нет: «Никто Никакой»" in answer.text
    assert 'value="Никто Никакой"' in answer.text


def test_the_deputy_authorises_a_correction(client: TestClient, site: Site) -> None:
    token = _log_in(client, site, "deputy")
    math = site.world.journals["math"]
    page = client.get(f"/deputy/journals/{math}?on=2026-09-03")
    assert "Отметки за 3 сентября 2026" in page.text
    mark_id = re.search(r'name="mark_id" value="([^"]+)"', page.text)
    assert mark_id
    done = client.post(
        f"/deputy/journals/{math}/correction-authorizations",
        data={
            "mark_id": mark_id.group(1),
            "action": "void",
            "remark": "отметка выставлена не тому ученику",
            "on_page": "2026-09-03",
            "csrf_token": token,
        },
    )
    assert done.status_code == 303, done.text
    after = client.get(done.headers["location"])
    assert "«отметка выставлена не тому ученику» — ещё не использовано" in after.text


def test_the_deputy_authorises_a_period_marks_correction(client: TestClient, site: Site) -> None:
    world = site.world
    world.give_marks("math", 0, on=date(2026, 10, 20))  # what the Q1 mark rests on
    period_marks.record_period_mark(
        world.school,
        world.math,
        period_marks.RecordPeriodMark(
            journal_id=world.journals["math"],
            period_id="Q1",
            student_id=world.students[0],
            value="5",
        ),
    )
    token = _log_in(client, site, "deputy")
    math = world.journals["math"]
    page = client.get(f"/deputy/journals/{math}")
    assert "<caption>Отметки за период</caption>" in page.text
    done = client.post(
        f"/deputy/journals/{math}/correction-authorizations",
        data={
            "period_id": "Q1",
            "student_id": str(world.students[0]),
            "action": "correct",
            "remark": "ошибка при выставлении",
            "csrf_token": token,
        },
    )
    assert done.status_code == 303, done.text
    after = client.get(done.headers["location"])
    assert "исправить отметку за период (Алексеев Артём Игоревич): «ошибка при выставлении»" in (
        after.text
    )


def test_the_deputys_pages_are_the_deputys(client: TestClient, site: Site) -> None:
    _log_in(client, site, "math")
    assert client.get("/deputy").status_code == 403
    math = site.world.journals["math"]
    assert client.get(f"/deputy/journals/{math}").status_code == 403


def test_a_missing_journal_is_missing(client: TestClient, site: Site) -> None:
    _log_in(client, site, "deputy")
    assert client.get(f"/deputy/journals/{uuid4()}").status_code == 404
    assert client.get("/deputy/journals/not-an-id").status_code == 404


# --- the auditor --------------------------------------------------------------------------------


def test_the_auditor_finds_a_teachers_changes_by_name(client: TestClient, site: Site) -> None:
    add_office(site, "auditor")
    _log_in(client, site, "auditor")
    assert client.get("/").headers["location"] == "/audit"
    page = client.get("/audit", params={"who": "Иванова Мария"})
    assert page.status_code == 200, page.text
    assert "Выставлена отметка" in page.text
    assert "Алексеев Артём Игоревич" in page.text
    assert "Смирнова Ольга" not in page.text  # the deputy's changes are not hers
    marks = client.get("/audit", params={"who": "ivanova", "kind": ["mark_recorded"]})
    assert marks.text.count("Выставлена отметка</td>") == 2
    assert "<td>Записан урок" not in marks.text
    assert '<option value="mark_recorded" selected>' in marks.text
    late = client.get("/audit", params={"who": "Иванова Мария", "late_only": "true"})
    assert "Изменений, подходящих под отбор, нет." in late.text


def test_the_trail_pages_by_its_cursor(client: TestClient, site: Site) -> None:
    add_office(site, "auditor")
    _log_in(client, site, "auditor")
    first = client.get("/audit")
    link = re.search(r'href="/audit\?([^"]*cursor=[^"]+)" rel="next"', first.text)
    assert link, "the first page links the next"
    second = client.get("/audit?" + link.group(1).replace("&amp;", "&"))
    assert second.status_code == 200
    assert "Более ранние изменения" in second.text
    assert "К последним изменениям" in second.text
    forged = client.get("/audit", params={"cursor": "not-a-cursor"})
    assert forged.status_code == 422
    assert 'data-problem="invalid-cursor"' in forged.text


def test_the_trail_downloads_as_the_apis_csv(client: TestClient, site: Site) -> None:
    add_office(site, "auditor")
    _log_in(client, site, "auditor")
    answer = client.get("/audit.csv", params={"who": "ivanova"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    lines = answer.text.splitlines()
    assert lines[0] == ",".join(CSV_HEADER)
    assert any("Выставлена отметка" in line for line in lines[1:])
    excel = client.get("/audit.csv", params={"who": "ivanova", "dialect": "excel-ru"})
    assert excel.text.startswith("\ufeff")
    assert ";" in excel.text.splitlines()[0]


def test_an_unknown_person_or_a_bad_moment_is_said(client: TestClient, site: Site) -> None:
    add_office(site, "auditor")
    _log_in(client, site, "auditor")
    nobody = client.get("/audit", params={"who": "Никто Никакой"})
    assert nobody.status_code == 404
    assert "Учётной записи с таким ФИО или логином нет: «Никто Никакой»" in nobody.text
    bad = client.get("/audit", params={"recorded_from": "завтра"})
    assert bad.status_code == 422
    assert "нужны дата и время" in bad.text


def test_the_trail_is_not_a_teachers_page(client: TestClient, site: Site) -> None:
    _log_in(client, site, "math")
    assert client.get("/audit").status_code == 403
    assert client.get("/audit.csv").status_code == 403


# --- the inspector ------------------------------------------------------------------------------


def test_the_inspector_sees_a_journal_before_a_change(client: TestClient, site: Site) -> None:
    add_office(site, "inspector")
    _log_in(client, site, "inspector")
    assert client.get("/").headers["location"] == "/inspector"
    math = site.world.journals["math"]
    assert f'href="/inspector/journals/{math}"' in client.get("/inspector").text
    now = client.get(f"/inspector/journals/{math}")
    assert now.status_code == 200, now.text
    assert re.search(r'<span class="[^"]*"[^>]*>5</span>', now.text)
    before = client.get(f"/inspector/journals/{math}", params={"at": "2026-09-03T12:00"})
    assert "на 03.09.2026 12:00" in before.text
    assert not re.search(r'<span class="[^"]*"[^>]*>5</span>', before.text)
    diff = client.get(
        f"/inspector/journals/{math}",
        params={"since": "2026-09-03T12:00", "at": "2026-09-07T10:00"},
    )
    assert "Изменения с 03.09.2026 12:00 по 07.09.2026 10:00" in diff.text
    assert "отметка: добавлено" in diff.text
    assert '<td class="changed">' in diff.text  # the new mark's cell, highlighted


def test_a_journal_before_it_was_opened_is_said_so(client: TestClient, site: Site) -> None:
    add_office(site, "inspector")
    _log_in(client, site, "inspector")
    math = site.world.journals["math"]
    answer = client.get(f"/inspector/journals/{math}", params={"at": "2026-08-01T10:00"})
    assert answer.status_code == 200
    assert "этот журнал ещё не был открыт" in answer.text


def test_the_inspector_refuses_moments_out_of_order(client: TestClient, site: Site) -> None:
    add_office(site, "inspector")
    _log_in(client, site, "inspector")
    math = site.world.journals["math"]
    answer = client.get(
        f"/inspector/journals/{math}",
        params={"since": "2026-09-07T10:00", "at": "2026-09-03T12:00"},
    )
    assert answer.status_code == 422
    assert "должен быть раньше" in answer.text


@pytest.mark.parametrize(
    ("chosen", "home"), [("deputy", "/deputy"), ("administrator", "/administration")]
)
def test_a_page_keeps_the_role_one_chose(
    client: TestClient, site: Site, chosen: str, home: str
) -> None:
    # A deputy who also administers, acting as the deputy, replays a journal as the deputy
    # (the deputy's navigation), not as the first role of the page's list that they hold.
    add_office(site, "deputy-administrator")
    token = _log_in(client, site, "deputy-administrator")
    switched = client.post("/role", data={"role": chosen, "csrf_token": token})
    assert switched.status_code == 303
    assert client.get("/").headers["location"] == home
    page = client.get("/inspector")
    assert page.status_code == 200
    nav = page.text.partition('<nav aria-label="Разделы">')[2].partition("</nav>")[0]
    assert f'href="{home}"' in nav
    other = ({"/deputy", "/administration"} - {home}).pop()
    assert f'href="{other}"' not in nav


def test_a_parent_replays_no_journal(client: TestClient, site: Site) -> None:
    _log_in(client, site, "parent")
    math = site.world.journals["math"]
    assert client.get(f"/inspector/journals/{math}").status_code == 403


# --- the administrator --------------------------------------------------------------------------


def test_the_administrator_reads_the_year_and_forms_a_class(client: TestClient, site: Site) -> None:
    token = _log_in(client, site, "admin")
    assert client.get("/").headers["location"] == "/administration"
    page = client.get("/administration")
    assert "2026/2027 учебный год" in page.text
    assert "Васильева Елена Павловна" in page.text  # 5А's class teacher
    done = client.post(
        "/administration/years/2026-2027/classes",
        data={"grade": "6", "letter": "Б", "csrf_token": token},
    )
    assert done.status_code == 303, done.text
    assert '<th scope="row">6Б</th>' in client.get(done.headers["location"]).text
    again = client.post(
        "/administration/years/2026-2027/classes",
        data={"grade": "6", "letter": "Б", "csrf_token": token},
    )
    assert again.status_code in (409, 422), again.text
    assert 'role="alert"' in again.text


def test_the_administrator_starts_a_year(client: TestClient, site: Site) -> None:
    token = _log_in(client, site, "admin")
    form = {
        "label": "2027/2028",
        "starts_on": "2027-09-01",
        "ends_on": "2028-05-31",
        "profile": "school77",
        "csrf_token": token,
    }
    for n, (start, end) in enumerate(
        (("2027-09-01", "2027-10-24"), ("2027-11-05", "2027-12-28")),
    ):
        form |= {
            f"period_id_{n}": f"H{n + 1}",
            f"period_name_{n}": f"{n + 1} полугодие",
            f"period_start_{n}": start,
            f"period_end_{n}": end,
        }
    done = client.post("/administration/years", data=form)
    assert done.status_code == 303, done.text
    assert "year=2027-2028" in done.headers["location"]
    page = client.get(done.headers["location"])
    assert "2027/2028 учебный год" in page.text
    assert "1 полугодие" in page.text


STUDENTS_CSV = (
    "Фамилия;Имя;Отчество;Дата рождения;Класс;Приказ о зачислении\r\nПетров;;;31.02.2015;7Б;№ 1\r\n"
)


def test_an_import_dry_run_shows_each_row_error_in_russian(client: TestClient, site: Site) -> None:
    token = _log_in(client, site, "admin")
    page = client.get("/administration/imports")
    assert "/administration/imports/templates/students.xlsx" in page.text
    before = site.world.school.position()
    answer = client.post(
        "/administration/imports",
        data={"kind": "students", "year": "2026/2027", "dry_run": "true", "csrf_token": token},
        files={"file": ("ученики.csv", STUDENTS_CSV.encode("utf-8-sig"), "text/csv")},
    )
    assert answer.status_code == 200, answer.text
    rows = re.findall(
        r'<tr><th scope="row">(\d+)</th><td>([^<]*)</td><td>([^<]*)</td>', answer.text
    )
    assert ("2", "Имя", "не заполнено") in rows
    assert any(row == "2" and column == "Класс" for row, column, _ in rows)
    assert site.world.school.position() == before


def test_a_checked_file_is_applied(client: TestClient, site: Site) -> None:
    token = _log_in(client, site, "admin")
    good = (
        "Фамилия;Имя;Отчество;Дата рождения;Класс;Приказ о зачислении\r\n"
        "Новиков;Олег;Петрович;14.03.2015;5А;№ 105-у от 07.09.2026\r\n"
    ).encode("utf-8-sig")
    fields = {"kind": "students", "year": "2026/2027", "csrf_token": token}
    before = site.world.school.position()
    checked = client.post(
        "/administration/imports",
        data={**fields, "dry_run": "true"},
        files={"file": ("ученики.csv", good, "text/csv")},
    )
    assert "проверен" in checked.text
    assert "ученики: 1 будет создано" in checked.text
    assert site.world.school.position() == before
    applied = client.post(
        "/administration/imports", data=fields, files={"file": ("ученики.csv", good, "text/csv")}
    )
    assert "импортирован" in applied.text
    assert "ученики: 1 создано" in applied.text
    assert site.world.school.position() > before


def test_an_import_template_downloads(client: TestClient, site: Site) -> None:
    _log_in(client, site, "admin")
    answer = client.get("/administration/imports/templates/students.csv")
    assert answer.status_code == 200
    assert "Фамилия" in answer.content.decode("utf-8-sig")
    assert client.get("/administration/imports/templates/nothing.csv").status_code == 404


@pytest.mark.parametrize("path", ["/administration", "/administration/imports"])
def test_the_administrators_pages_are_the_administrators(
    client: TestClient, site: Site, path: str
) -> None:
    _log_in(client, site, "deputy")
    assert client.get(path).status_code == 403
