"""What the family and class-teacher page tests record before they look: a lesson of Monday
7 September (the web school's today) with a topic, homework, a control work's mark for the
parent's child and an absence, through the core's whole-lesson command as the teacher's grid
records it; and signing in through the login form with a real HTTP client."""

from __future__ import annotations

import re
from datetime import date

from api_session import PASSWORD
from fastapi.testclient import TestClient
from web_site import MONDAY, Site

from ejournal.commands import accounts, lessons
from ejournal.commands.marking import MarkEntry
from ejournal.marks import Attendance, WorkKind
from ejournal.roles import Role

TOPIC = "Натуральные числа и шкалы"
HOMEWORK = "§ 2, № 41–43"


def record_monday_lesson(site: Site) -> int:
    """Mathematics, lesson 1 on Monday: the first student's "4" for a control work, the third
    student absent. Answers the log position, for a page to wait for."""
    world = site.world
    recorded = lessons.record_whole_lesson(
        world.school,
        world.math,
        lessons.RecordWholeLesson(
            journal_id=world.journals["math"],
            on=MONDAY,
            slot=1,
            topic=TOPIC,
            homework=HOMEWORK,
            homework_due=date(2026, 9, 8),
            attendance={world.students[2]: Attendance.ABSENT},
            marks=(MarkEntry(student_id=world.students[0], value="4", work_kind=WorkKind.CONTROL),),
        ),
    )
    return recorded.position


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page holds no form token"
    return found.group(1)


def sign_in(client: TestClient, site: Site, who: str) -> None:
    """Log in through the login form, as a browser does."""
    token = form_token(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"username": site.login_of(who), "password": PASSWORD, "csrf_token": token},
    )
    assert answer.status_code == 303, answer.text


def settle(site: Site, position: int) -> None:
    """Wait until the site's read models show ``position`` (a browser page asks for none)."""
    services = site.app.state.deployment.school(site.school)
    assert services is not None
    assert services.projector.wait_for(position, 5.0)


def parent_of_third_student(site: Site) -> None:
    """The parent of the first student becomes a recorded guardian and parent of the third
    (the one absent on Monday) too: a parent of two children."""
    world = site.world
    parent = site.actors["parent"].account_id
    world.guardian_account(world.students[2], parent, "Алексеева Ирина Олеговна")
    accounts.grant_role(
        world.school,
        world.admin,
        accounts.GrantRole(account_id=parent, role=Role.PARENT, student_id=world.students[2]),
    )
