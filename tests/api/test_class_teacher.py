"""The class teacher's routes: absence reasons, the class list, students' guardians, consent and
personal data, and family access; who may, who may not (403), what does not exist (404)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

from api_session import Api

from ejournal.aggregates.account import Account
from ejournal.aggregates.class_journal import ClassJournal
from ejournal.aggregates.student import PersonName, Student
from ejournal.commands import accounts, lessons
from ejournal.marks import Attendance
from ejournal.roles import Role

PROBLEM = "application/problem+json"
SEPT_1 = date(2026, 9, 1)
REASONS_5A = "/api/v1/classes/5А/absence-reasons?year=2026-2027"


def without_instance(body: dict[str, Any]) -> dict[str, Any]:
    """A problem's body but for the path it answers (which differs between two requests)."""
    return {k: v for k, v in body.items() if k != "instance"}


def assert_refused(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["type"] == f"/problems/{slug}"
    return body


def absent_on_sept_1(api: Api, student: UUID) -> None:
    """The student missed mathematics (lesson 1) and Russian (lesson 3) on 1 September."""
    api.world.at(SEPT_1, 13)
    for key, slot, teacher in (("math", 1, api.world.math), ("russian", 3, api.world.russian)):
        lessons.record_whole_lesson(
            api.world.school,
            teacher,
            lessons.RecordWholeLesson(
                journal_id=api.world.journals[key],
                on=SEPT_1,
                slot=slot,
                topic="Вводный урок",
                attendance={student: Attendance.ABSENT},
            ),
        )


def test_absence_reasons_are_set_in_every_journal_of_the_class(api: Api) -> None:
    student = api.world.students[0]
    absent_on_sept_1(api, student)
    body = {
        "student_id": str(student),
        "start": "2026-09-01",
        "end": "2026-09-01",
        "absence_reason": "illness",
        "note": "справка № 12",
    }
    response = api.post(REASONS_5A, "class_teacher", body)
    assert response.status_code == 201, response.text
    assert response.json()["events"] == 2
    assert response.json()["position"] == api.world.school.position()
    for key in ("math", "russian"):
        journal = api.world.school.journal(api.world.journals[key])
        [lesson] = journal.lessons.values()
        entry = journal.attendance_of(lesson.id, student)
        assert entry is not None
        assert entry.reason == "illness"
        event = list(api.world.school.events.get(journal.id))[-1]
        assert isinstance(event, ClassJournal.AbsenceReasonSet)
        assert event.actor.role == "class_teacher"
    page = api.get(f"/api/v1/journals/{api.world.journals['math']}", "class_teacher").json()
    assert [(a["reason"], a["reason_valid"]) for a in page["attendance"]] == [("illness", True)]


def test_absence_reasons_are_only_the_class_teachers_own_class(api: Api) -> None:
    student = api.world.students[0]
    absent_on_sept_1(api, student)
    body = {
        "student_id": str(student),
        "start": "2026-09-01",
        "end": "2026-09-01",
        "absence_reason": "family",
    }
    api.sign_in("parent")
    position = api.world.school.position()
    assert_refused(api.post(REASONS_5A, None, body), 401, "not-authenticated")
    for who in ("math", "deputy", "parent", "inspector"):
        assert_refused(api.post(REASONS_5A, who, body), 403, "forbidden")
    other_class = assert_refused(
        api.post("/api/v1/classes/1А/absence-reasons?year=2026-2027", "class_teacher", body),
        404,
        "not-found",
    )
    no_class = assert_refused(
        api.post("/api/v1/classes/9Я/absence-reasons?year=2026-2027", "class_teacher", body),
        404,
        "not-found",
    )
    assert without_instance(other_class) == without_instance(no_class)
    no_absence = {**body, "student_id": str(api.world.students[1])}
    assert_refused(api.post(REASONS_5A, "class_teacher", no_absence), 404, "not-found")
    assert_refused(
        api.post("/api/v1/classes/5А/absence-reasons?year=2026", "class_teacher", body),
        422,
        "invalid-request",
    )
    assert api.world.school.position() == position


def test_the_class_list_is_for_the_class_teacher_and_the_administration(api: Api) -> None:
    url = "/api/v1/classes/5А/students?year=2026-2027"
    response = api.get(url, "class_teacher")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["year"], body["class_code"], body["grade"]) == ("2026-2027", "5А", 5)
    assert body["on"] == "2026-09-01"  # asked in August: the year's first day
    assert body["class_teacher"]["full_name"] == "Васильева Елена Павловна"
    assert [row["id"] for row in body["students"]] == [str(s) for s in api.world.students]
    assert [row["subgroups"] for row in body["students"]] == [
        {"foreign_language": group} for group in ("1", "1", "1", "2", "2")
    ]
    assert body["students"][1]["name"] == {
        "last": "Белова",
        "first": "Варвара",
        "patronymic": "Дмитриевна",
        "full": "Белова Варвара Дмитриевна",
    }
    for who in ("deputy", "director", "admin"):
        assert api.get(url, who).json() == body
    first_grade = api.get("/api/v1/classes/1А/students?year=2026-2027", "deputy").json()
    assert {row["id"] for row in first_grade["students"]} == {
        str(s) for s in api.world.first_graders
    }
    assert first_grade["class_teacher"] is None
    before = api.get(f"{url}&on=2026-08-31", "class_teacher").json()
    assert before["students"] == []


def test_a_class_list_out_of_scope_answers_as_a_missing_one(api: Api) -> None:
    missing = assert_refused(
        api.get("/api/v1/classes/9Я/students?year=2026-2027", "deputy"), 404, "not-found"
    )
    for who, code in (
        ("class_teacher", "1А"),
        ("class_teacher", "9Я"),
        ("math", "5А"),
        ("inspector", "5А"),
    ):
        hidden = assert_refused(
            api.get(f"/api/v1/classes/{code}/students?year=2026-2027", who), 404, "not-found"
        )
        assert without_instance(hidden) == without_instance(missing)
    url = "/api/v1/classes/5А/students?year=2026-2027"
    assert_refused(api.get(url, None), 401, "not-authenticated")
    for who in ("parent", "student", "secretary"):
        assert_refused(api.get(url, who), 403, "forbidden")
    assert_refused(api.get("/api/v1/classes/5А/students", "deputy"), 422, "invalid-request")
    assert_refused(
        api.get("/api/v1/classes/5А/students?year=2030-2031", "deputy"), 404, "not-found"
    )


def test_guardians_are_added_and_removed(api: Api) -> None:
    student = api.world.students[2]
    guardian = {
        "name": {"last": "Гусева", "first": "Ольга", "patronymic": "Петровна"},
        "relation": "mother",
        "phone": "+7 900 000-00-00",
    }
    added = api.post(f"/api/v1/students/{student}/guardians", "class_teacher", guardian)
    assert added.status_code == 201, added.text
    guardian_id = added.json()["ids"]["guardian_id"]
    assert added.json()["position"] == api.world.school.position()
    recorded = api.world.school.student(student).guardians[UUID(guardian_id)]
    assert (str(recorded.name), recorded.relation, recorded.phone) == (
        "Гусева Ольга Петровна",
        "mother",
        "+7 900 000-00-00",
    )
    removal = f"/api/v1/students/{student}/guardians/{guardian_id}/removal"
    removed = api.post(removal, "class_teacher", {"reason": "лишена родительских прав"})
    assert removed.status_code == 201, removed.text
    assert api.world.school.student(student).guardians == {}
    position = api.world.school.position()
    assert_refused(api.post(removal, "class_teacher", {"reason": "ещё раз"}), 404, "not-found")
    assert api.world.school.position() == position


def test_consent_is_recorded_and_withdrawn(api: Api) -> None:
    student = api.world.students[3]
    base = f"/api/v1/students/{student}"
    guardian_id = api.post(
        f"{base}/guardians",
        "class_teacher",
        {"name": {"last": "Денисов", "first": "Сергей"}, "relation": "father"},
    ).json()["ids"]["guardian_id"]
    consent = {"given_by": guardian_id, "given_on": "2026-08-20", "document": "согласие № 41"}
    recorded = api.post(f"{base}/consents", "class_teacher", consent)
    assert recorded.status_code == 201, recorded.text
    consent_id = recorded.json()["ids"]["consent_id"]
    assert api.world.school.student(student).has_consent(date(2026, 9, 1))
    withdrawn = api.post(
        f"{base}/consents/{consent_id}/withdrawal",
        "class_teacher",
        {"on": "2026-09-10", "reason": "заявление отца"},
    )
    assert withdrawn.status_code == 201, withdrawn.text
    assert not api.world.school.student(student).has_consent(date(2026, 9, 10))
    stranger = {**consent, "given_by": str(uuid4())}
    assert_refused(
        api.post(f"{base}/consents", "class_teacher", stranger), 409, "student-invariant"
    )


def test_personal_data_is_corrected_with_a_reason(api: Api) -> None:
    student = api.world.students[4]
    correction = {
        "name": {"last": "Егоров", "first": "Егор", "patronymic": "Петрович"},
        "birth_date": "2015-03-15",
        "reason": "по свидетельству о рождении",
    }
    response = api.post(
        f"/api/v1/students/{student}/personal-data-corrections", "class_teacher", correction
    )
    assert response.status_code == 201, response.text
    record = api.world.school.student(student)
    assert (str(record.name), record.birth_date) == ("Егоров Егор Петрович", date(2015, 3, 15))
    event = list(api.world.school.events.get(student))[-1]
    assert isinstance(event, Student.PersonalDataCorrected)
    assert event.previous_name == PersonName(last="Егоров", first="Егор", patronymic="Павлович")


def test_students_records_are_the_class_teachers_own_class(api: Api) -> None:
    first_grader = api.world.first_graders[0]
    guardian = {"name": {"last": "Жарова", "first": "Анна"}, "relation": "mother"}
    position = api.world.school.position()
    for path, body in (
        ("guardians", guardian),
        (f"guardians/{uuid4()}/removal", {"reason": "x"}),
        ("consents", {"given_on": "2026-08-20", "document": "№ 1"}),
        (f"consents/{uuid4()}/withdrawal", {"on": "2026-09-01", "reason": "x"}),
        (
            "personal-data-corrections",
            {"name": guardian["name"], "birth_date": "2019-05-02", "reason": "x"},
        ),
    ):
        ours = f"/api/v1/students/{api.world.students[0]}/{path}"
        assert_refused(api.post(ours, None, body), 401, "not-authenticated")
        for who in ("math", "parent", "inspector"):
            assert_refused(api.post(ours, who, body), 403, "forbidden")
        # A student of a class one does not lead is out of scope: exactly like a missing one.
        theirs = f"/api/v1/students/{first_grader}/{path}"
        out_of_scope = assert_refused(api.post(theirs, "class_teacher", body), 404, "not-found")
        missing = f"/api/v1/students/{uuid4()}/{path}"
        absent = assert_refused(api.post(missing, "class_teacher", body), 404, "not-found")
        assert without_instance(out_of_scope) == without_instance(absent)
    assert api.world.school.position() == position


def test_family_access_is_granted_to_students_of_the_class(api: Api) -> None:
    parent = accounts.register_account(
        api.world.school,
        api.world.admin,
        accounts.RegisterAccount(login="guseva", full_name="Гусева Ольга Петровна"),
    ).ids["account_id"]
    url = f"/api/v1/accounts/{parent}/family-roles"
    child = api.world.students[2]
    # An account no guardian record names gets no parent role (Gymnasium 2 §3.7), from the
    # class teacher or the administrator, and nothing is recorded.
    position = api.world.school.position()
    for who in ("class_teacher", "admin"):
        path = url if who == "class_teacher" else f"/api/v1/accounts/{parent}/roles"
        stranger = assert_refused(
            api.post(path, who, {"role": "parent", "student_id": str(child)}),
            422,
            "rule-violated",
        )
        assert (stranger["rule"], stranger["clause"]["source"], stranger["clause"]["ref"]) == (
            "parent-is-guardian",
            "Gymnasium 2",
            "§3.7",
        )
    assert api.world.school.position() == position
    api.world.guardian_account(child, parent, "Гусева Ольга Петровна")
    granted = api.post(url, "class_teacher", {"role": "parent", "student_id": str(child)})
    assert granted.status_code == 201, granted.text
    grant_id = UUID(granted.json()["ids"]["grant_id"])
    grant = api.world.school.account(parent).grants[grant_id]
    assert (grant.role, grant.student_id) == (Role.PARENT, child)
    event = list(api.world.school.events.get(parent))[-1]
    assert isinstance(event, Account.RoleGranted)
    assert event.actor.role == "class_teacher"
    position = api.world.school.position()
    out_of_class = assert_refused(
        api.post(
            url, "class_teacher", {"role": "parent", "student_id": str(api.world.first_graders[0])}
        ),
        404,
        "not-found",
    )
    no_student = assert_refused(
        api.post(url, "class_teacher", {"role": "parent", "student_id": str(uuid4())}),
        404,
        "not-found",
    )
    assert without_instance(out_of_class) == without_instance(no_student)
    assert_refused(
        api.post(
            f"/api/v1/accounts/{uuid4()}/family-roles",
            "class_teacher",
            {"role": "parent", "student_id": str(child)},
        ),
        404,
        "not-found",
    )
    body = {"role": "parent", "student_id": str(child)}
    assert_refused(api.post(url, None, body), 401, "not-authenticated")
    for who in ("math", "parent", "deputy"):
        assert_refused(api.post(url, who, body), 403, "forbidden")
    assert_refused(
        api.post(url, "class_teacher", {"role": "teacher", "student_id": str(child)}),
        422,
        "invalid-request",
    )
    assert api.world.school.position() == position


def test_the_class_teacher_corrects_attendance_in_the_classs_journals(api: Api) -> None:
    # School 77 §4.3.8: the class teacher checks the class's absences daily and corrects them;
    # Lyceum 68 §3.5.1: every page of the class «с правом редактирования».
    student = api.world.students[0]
    absent_on_sept_1(api, student)
    world = api.world
    for key in ("math", "russian"):
        journal = world.school.journal(world.journals[key])
        (lesson_id,) = journal.lessons
        response = api.post(
            f"/api/v1/journals/{journal.id}/lessons/{lesson_id}/attendance/{student}/corrections",
            "class_teacher",
            {"status": "late", "reason": "пришёл ко второму уроку, справка от врача"},
        )
        assert response.status_code == 201, response.text
        event = list(world.school.events.get(journal.id))[-1]
        assert isinstance(event, ClassJournal.AttendanceCorrected)
        assert (event.actor.role, event.status, event.previous) == (
            "class_teacher",
            Attendance.LATE,
            Attendance.ABSENT,
        )
    # Another class's journal answers as a missing one, and records nothing.
    lessons.record_whole_lesson(
        world.school,
        world.math,
        lessons.RecordWholeLesson(
            journal_id=world.journals["math1"],
            on=SEPT_1,
            slot=2,
            topic="Счёт до десяти",
            attendance={world.first_graders[0]: Attendance.ABSENT},
        ),
    )
    position = world.school.position()
    (other_lesson,) = world.school.journal(world.journals["math1"]).lessons
    body = {"status": "present", "reason": "ошибка"}
    other = assert_refused(
        api.post(
            f"/api/v1/journals/{world.journals['math1']}/lessons/{other_lesson}/attendance/"
            f"{world.first_graders[0]}/corrections",
            "class_teacher",
            body,
        ),
        404,
        "not-found",
    )
    missing = assert_refused(
        api.post(
            f"/api/v1/journals/{uuid4()}/lessons/{other_lesson}/attendance/"
            f"{world.first_graders[0]}/corrections",
            "class_teacher",
            body,
        ),
        404,
        "not-found",
    )
    assert other["detail"] == missing["detail"]
    assert world.school.position() == position


def test_the_class_teacher_gives_and_controls_a_familys_access(api: Api) -> None:
    """Lyceum 68 §3.5.6 «предоставляют реквизиты доступа родителям … и учащимся», §3.5.10
    «осуществляют контроль доступа»: the class teacher creates the parent's account, gives it
    the parent role, sets its password, and blocks and unblocks it, for their own class only."""
    child = api.world.students[3]
    made = api.post(
        "/api/v1/accounts", "class_teacher", {"login": "zueva", "full_name": "Зуева Анна Ильинична"}
    )
    assert made.status_code == 201, made.text
    parent = UUID(made.json()["ids"]["account_id"])
    password_url = f"/api/v1/accounts/{parent}/password"
    # No password for an account that is nobody's family yet: it is not the class teacher's.
    before = api.world.school.position()
    assert_refused(
        api.post(password_url, "class_teacher", {"password": "a family passphrase"}),
        404,
        "not-found",
    )
    assert api.world.school.position() == before
    api.world.guardian_account(child, parent, "Зуева Анна Ильинична")
    granted = api.post(
        f"/api/v1/accounts/{parent}/family-roles",
        "class_teacher",
        {"role": "parent", "student_id": str(child)},
    )
    assert granted.status_code == 201, granted.text
    set_ = api.post(password_url, "class_teacher", {"password": "a one-time passphrase"})
    assert set_.status_code == 201, set_.text
    event = list(api.world.school.events.get(parent))[-1]
    assert isinstance(event, Account.CredentialSet)
    assert (event.actor, event.temporary) == (api.actors["class_teacher"], True)
    # The class teacher knows it: the parent replaces it before the first login (Gymnasium 2
    # §3.2, §5.4).
    first = api.client.post(
        "/api/v1/auth/token",
        data={"username": f"zueva@{api.school}", "password": "a one-time passphrase"},
    )
    assert_refused(first, 403, "password-change-required")
    changed = api.client.post(
        "/api/v1/auth/password-change",
        json={
            "username": f"zueva@{api.school}",
            "current_password": "a one-time passphrase",
            "new_password": "a family passphrase",
        },
    )
    assert changed.status_code == 204, changed.text

    def login(password: str) -> int:
        return int(
            api.client.post(
                "/api/v1/auth/token",
                data={"username": f"zueva@{api.school}", "password": password},
            ).status_code
        )

    assert login("a family passphrase") == 200
    blocked = api.post(
        f"/api/v1/accounts/{parent}/blocking", "class_teacher", {"reason": "утерян телефон"}
    )
    assert blocked.status_code == 201, blocked.text
    assert login("a family passphrase") != 200
    unblocked = api.post(
        f"/api/v1/accounts/{parent}/unblocking", "class_teacher", {"reason": "новый телефон"}
    )
    assert unblocked.status_code == 201, unblocked.text
    assert login("a family passphrase") == 200

    # Staff accounts and other classes' families are not the class teacher's: they answer as
    # missing ones, and a refused password leaves the old one working.
    first_grader_parent = accounts.register_account(
        api.world.school,
        api.world.admin,
        accounts.RegisterAccount(login="lapina", full_name="Лапина Ольга Юрьевна"),
    ).ids["account_id"]
    api.world.guardian_account(
        api.world.first_graders[0], first_grader_parent, "Лапина Ольга Юрьевна"
    )
    accounts.grant_role(
        api.world.school,
        api.world.admin,
        accounts.GrantRole(
            account_id=first_grader_parent, role=Role.PARENT, student_id=api.world.first_graders[0]
        ),
    )
    position = api.world.school.position()
    for account_id in (api.actors["math"].account_id, first_grader_parent, uuid4()):
        for path, body in (
            ("password", {"password": "taken over passphrase"}),
            ("blocking", {"reason": "r"}),
            ("unblocking", {"reason": "r"}),
        ):
            assert_refused(
                api.post(f"/api/v1/accounts/{account_id}/{path}", "class_teacher", body),
                404,
                "not-found",
            )
    assert api.world.school.position() == position
    assert api.login("math").status_code == 200
    for who in ("math", "parent", "secretary"):
        assert_refused(
            api.post(password_url, who, {"password": "another passphrase"}), 403, "forbidden"
        )
