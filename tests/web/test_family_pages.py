"""The family's pages with a real HTTP client (no browser): the diary week by week, the
period's averages, a parent's children and nobody else's, the notice of absence."""

from __future__ import annotations

from datetime import date

from api_session import PASSWORD
from fastapi.testclient import TestClient
from web_family import (
    HOMEWORK,
    TOPIC,
    form_token,
    parent_of_third_student,
    record_monday_lesson,
    sign_in,
)
from web_site import Site

from ejournal.aggregates.student import Student
from ejournal.commands import accounts
from ejournal.roles import Actor, Role

NO_CHILD = "00000000-0000-0000-0000-000000000000"


def test_the_diary_shows_the_weeks_lessons_marks_and_absences(
    client: TestClient, site: Site
) -> None:
    position = record_monday_lesson(site)
    sign_in(client, site, "parent")
    child = site.world.students[0]
    assert client.get("/family").headers["location"] == f"/family/children/{child}"
    page = client.get(f"/family/children/{child}?after={position}")
    assert page.status_code == 200
    html = page.text
    assert "Дневник: Алексеев Артём Игоревич" in html
    assert "07.09–13.09.2026" in html
    assert TOPIC in html
    assert HOMEWORK in html
    # Monday's control work: the mark with its kind of work and the profile's weight (2).
    assert (
        '<span class="mark">4</span> <span class="muted">Контрольная работа, вес 2</span>' in html
    )
    # The homework is due on Tuesday: that day lists it.
    assert "Задание на этот день" in html
    # Averages of the first quarter: 3 September's "5" (weight 1) and the "4" (weight 2).
    assert "Средний балл и прогноз: 1 четверть" in html
    assert "4,33" in html
    # The week before holds 3 September's "5"; the links lead there and back.
    assert f'href="?week={date(2026, 8, 31).isoformat()}"' in html
    before = client.get(f"/family/children/{child}?week=2026-08-31")
    assert '<span class="mark">5</span>' in before.text
    assert "Текущая неделя" in before.text
    assert TOPIC not in before.text


def test_the_absent_childs_diary_shows_the_absence(client: TestClient, site: Site) -> None:
    position = record_monday_lesson(site)
    world = site.world
    parent_of_third_student(site)
    sign_in(client, site, "parent")
    roll = client.get("/family")
    assert roll.status_code == 200
    assert "Алексеев Артём Игоревич" in roll.text
    assert "Гусев Глеб Андреевич" in roll.text
    page = client.get(f"/family/children/{world.students[2]}?after={position}")
    assert page.status_code == 200
    assert "отсутствие" in page.text
    assert "причина не указана" in page.text
    # The other child is one link away.
    assert f'href="/family/children/{world.students[0]}"' in page.text


def test_a_parent_cannot_open_another_childs_diary(client: TestClient, site: Site) -> None:
    sign_in(client, site, "parent")
    other = site.world.students[1]
    theirs = client.get(f"/family/children/{other}?week=2026-08-31")
    missing = client.get(f"/family/children/{NO_CHILD}?week=2026-08-31")
    assert theirs.status_code == missing.status_code == 404
    assert "Не найдено" in theirs.text
    assert "Белова" not in theirs.text
    notice = client.get(f"/family/children/{other}/absence-notice")
    assert notice.status_code == 404
    token = form_token(client.get("/family", follow_redirects=True).text)
    posted = client.post(
        f"/family/children/{other}/absence-notice",
        data={"start": "2026-09-08", "end": "2026-09-08", "text": "к врачу", "csrf_token": token},
    )
    assert posted.status_code == 404
    assert not site.world.school.view(Student, other, "student").absence_notices()


def test_a_parent_gives_notice_of_an_absence(client: TestClient, site: Site) -> None:
    sign_in(client, site, "parent")
    child = site.world.students[0]
    form = client.get(f"/family/children/{child}/absence-notice")
    assert form.status_code == 200
    answer = client.post(
        f"/family/children/{child}/absence-notice",
        data={
            "start": "2026-09-09",
            "end": "2026-09-09",
            "first_slot": "1",
            "last_slot": "2",
            "text": "приём у врача",
            "csrf_token": form_token(form.text),
        },
    )
    assert answer.status_code == 200, answer.text
    assert "Уведомление отправлено" in answer.text
    assert "9 сентября 2026, ср" in answer.text
    notices = list(site.world.school.view(Student, child, "student").absence_notices().values())
    assert [(n.start, n.first_slot, n.last_slot, n.text) for n in notices] == [
        (date(2026, 9, 9), 1, 2, "приём у врача")
    ]
    # A day outside the school year is refused in Russian on the form; nothing is recorded.
    refused = client.post(
        f"/family/children/{child}/absence-notice",
        data={
            "start": "2027-07-01",
            "end": "2027-07-02",
            "text": "каникулы",
            "csrf_token": form_token(form.text),
        },
    )
    assert refused.status_code >= 400
    assert 'role="alert"' in refused.text
    assert len(site.world.school.view(Student, child, "student").absence_notices()) == 1


def test_a_student_reads_their_own_diary_and_gives_no_notice(
    client: TestClient, site: Site
) -> None:
    world = site.world
    me = world.students[1]
    account = accounts.register_account(
        world.school,
        world.admin,
        accounts.RegisterAccount(login="belova", full_name="Белова Варвара Дмитриевна"),
    ).ids["account_id"]
    accounts.grant_role(
        world.school,
        world.admin,
        accounts.GrantRole(account_id=account, role=Role.STUDENT, student_id=me),
    )
    services = site.app.state.deployment.school(site.school)
    credential = services.credentials.set_password(account, PASSWORD)
    accounts.set_credential(
        world.school,
        world.admin,
        accounts.SetCredential(account_id=account, credential_id=credential, kind="password"),
    )
    site.actors["student"] = Actor(account_id=account, role=Role.STUDENT)
    sign_in(client, site, "student")
    assert client.get("/").headers["location"] == "/family"
    assert client.get("/family").headers["location"] == f"/family/children/{me}"
    diary = client.get(f"/family/children/{me}?week=2026-08-31")
    assert diary.status_code == 200
    assert "Мой дневник" in diary.text
    assert "Дневник: Белова Варвара Дмитриевна" in diary.text
    # 3 September's "5" for the second student too.
    assert '<span class="mark">5</span>' in diary.text
    assert "Предупредить классного руководителя" not in diary.text
    # A notice is a parent's (Gymnasium 2 §3.7): for a student the form does not exist.
    assert client.get(f"/family/children/{me}/absence-notice").status_code == 403
    assert client.get(f"/family/children/{world.students[0]}").status_code == 404
