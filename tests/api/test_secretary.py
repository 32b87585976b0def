"""The student roll through the API: admission, a student's record, transfer, withdrawal and
subgroup moves (School 77 §4.4.9: only the administrator, only at a period's end)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest
from api_session import Api
from scenario import YEAR

from ejournal.access import system_actor
from ejournal.aggregates.student import PersonName, Student
from ejournal.commands import accounts, students, year
from ejournal.roles import Actor, Role
from ejournal.storage import drop_school

V1 = "/api/v1"
PROBLEM = "application/problem+json"


def problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["type"] == f"/problems/{slug}"
    return body


def recorded(api: Api, response: Any, events: int) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    assert body["events"] == events
    assert body["position"] == api.world.school.position()
    return body


def without_instance(response: Any) -> dict[str, Any]:
    return {k: v for k, v in response.json().items() if k != "instance"}


ADMISSION = {
    "name": {"last": "Морозов", "first": "Максим", "patronymic": "Олегович"},
    "birth_date": "2015-06-02",
    "class_code": "5А",
    "on": "2026-09-07",
    "order": "№ 115-у от 04.09.2026",
}


def move(api: Api, who: str | None, on: date, subgroup: str = "2", student: int = 0) -> Any:
    return api.post(
        f"{V1}/years/2026-2027/students/{api.world.students[student]}/subgroups",
        who,
        {"subject": "foreign_language", "subgroup": subgroup, "on": on.isoformat()},
    )


def test_admitting_a_student_and_reading_the_record(api: Api) -> None:
    school = api.world.school
    made = recorded(api, api.post(f"{V1}/years/2026-2027/students", "secretary", ADMISSION), 2)
    student_id = UUID(made["ids"]["student_id"])
    assert school.year_view(YEAR).class_of(student_id, date(2026, 9, 7)) == "5А"
    admitted = next(iter(school.events.get(student_id)))
    assert isinstance(admitted, Student.Admitted)
    assert admitted.actor == api.actors["secretary"]
    for who in ("secretary", "admin", "deputy", "director"):
        read = api.get(f"{V1}/students/{student_id}", who)
        assert read.status_code == 200
        assert read.json() == {
            "student_id": str(student_id),
            "name": {
                "last": "Морозов",
                "first": "Максим",
                "patronymic": "Олегович",
                "full": "Морозов Максим Олегович",
            },
            "birth_date": "2015-06-02",
            "class_code": "5А",
            "year": YEAR,
            "withdrawn": False,
            "guardians": 0,
            "movements": [
                {
                    "kind": "admitted",
                    "on": "2026-09-07",
                    "year": YEAR,
                    "from_place": None,
                    "to_place": "5А",
                    "order": "№ 115-у от 04.09.2026",
                    "reason": None,
                }
            ],
        }
    # The administrator keeps the roll too.
    recorded(api, api.post(f"{V1}/years/2026-2027/students", "admin", ADMISSION), 2)


def test_an_admission_the_year_refuses_records_nothing(api: Api) -> None:
    school = api.world.school
    before = school.position()
    outside = ADMISSION | {"on": "2027-06-15"}
    problem(
        api.post(f"{V1}/years/2026-2027/students", "secretary", outside), 409, "outside-school-year"
    )
    no_class = ADMISSION | {"class_code": "7Я"}
    problem(api.post(f"{V1}/years/2026-2027/students", "secretary", no_class), 404, "not-found")
    problem(api.post(f"{V1}/years/2030-2031/students", "secretary", ADMISSION), 404, "not-found")
    unnamed = ADMISSION | {"name": {"last": " ", "first": "Максим"}}
    problem(
        api.post(f"{V1}/years/2026-2027/students", "secretary", unnamed), 422, "invalid-request"
    )
    assert school.position() == before


def test_the_roll_is_kept_by_the_secretary_and_the_administrator(api: Api) -> None:
    school = api.world.school
    before = school.position()
    student = api.world.students[2]
    attempts: list[tuple[str, dict[str, Any]]] = [
        (f"{V1}/years/2026-2027/students", ADMISSION),
        (
            f"{V1}/students/{student}/transfer",
            {"year": YEAR, "to_class": "1А", "on": "2026-10-05", "order": "№ 1", "reason": "r"},
        ),
        (
            f"{V1}/students/{student}/withdrawal",
            {"year": YEAR, "on": "2026-10-05", "order": "№ 1", "reason": "r"},
        ),
    ]
    for path, body in attempts:
        for who in ("deputy", "director", "class_teacher", "math", "inspector", "parent"):
            problem(api.post(path, who, body), 403, "forbidden")
        problem(api.post(path, None, body), 401, "not-authenticated")
    assert school.position() == before


def test_a_student_record_is_for_the_roll_keepers_and_the_administration(api: Api) -> None:
    student = api.world.students[0]
    for who in ("inspector", "auditor", "parent", "student"):
        problem(api.get(f"{V1}/students/{student}", who), 403, "forbidden")
        problem(api.get(f"{V1}/students/{student}/family", who), 403, "forbidden")
    # A teacher reads a student's record only where the profile grants it (Gymnasium 2 §3.1);
    # in this school the record answers a teacher as a missing one.
    for tail in ("", "/family"):
        problem(api.get(f"{V1}/students/{student}{tail}", "math"), 404, "not-found")
    problem(api.get(f"{V1}/students/{student}", None), 401, "not-authenticated")


def test_a_class_teacher_reads_their_own_students_records_and_families(api: Api) -> None:
    # Lyceum 68 §3.5.2, School 77 §4.3.7, Gymnasium 2 §3.1/§7.1: the class teacher keeps the
    # students' and parents' data current, so reads them; another class's student is missing.
    student = api.world.students[0]
    record = api.get(f"{V1}/students/{student}", "class_teacher")
    assert record.status_code == 200, record.text
    assert (record.json()["class_code"], record.json()["guardians"]) == ("5А", 1)
    family = api.get(f"{V1}/students/{student}/family", "class_teacher")
    assert family.status_code == 200, family.text
    (guardian,) = family.json()["guardians"]
    assert (guardian["relation"], guardian["account_id"]) == (
        "mother",
        str(api.actors["parent"].account_id),
    )
    assert (family.json()["consents"], family.json()["consent_in_force"]) == ([], False)
    for tail in ("", "/family"):
        other = api.get(f"{V1}/students/{api.world.first_graders[0]}{tail}", "class_teacher")
        missing = api.get(f"{V1}/students/{uuid.uuid4()}{tail}", "class_teacher")
        assert other.status_code == missing.status_code == 404
        assert other.json()["detail"] == missing.json()["detail"]


@pytest.fixture
def other_school(api: Api) -> Iterator[UUID]:
    """A student of another school of the same deployment."""
    deployment = api.client.app.state.deployment  # type: ignore[attr-defined]
    school_id = "t" + uuid.uuid4().hex[:12]
    other = deployment.create_school(school_id).app
    system = system_actor()
    admin_id = accounts.register_account(
        other, system, accounts.RegisterAccount(login="admin", full_name="Другой Админ")
    ).ids["account_id"]
    accounts.grant_role(
        other, system, accounts.GrantRole(account_id=admin_id, role=Role.ADMINISTRATOR)
    )
    admin = Actor(account_id=admin_id, role=Role.ADMINISTRATOR)
    year.start_school_year(
        other,
        admin,
        year.StartSchoolYear(
            label=YEAR,
            starts_on=date(2026, 9, 1),
            ends_on=date(2027, 5, 31),
            periods=(
                year.PeriodSpec(id="Y1", name="год", start=date(2026, 9, 1), end=date(2027, 5, 31)),
            ),
            profile="school77",
        ),
    )
    year.form_class(other, admin, year.FormClass(year=YEAR, grade=5, letter="А"))
    yield students.admit_student(
        other,
        admin,
        students.AdmitStudent(
            year=YEAR,
            name=PersonName(last="Чужой", first="Ученик"),
            birth_date=date(2015, 1, 1),
            class_code="5А",
            on=date(2026, 9, 1),
            order="№ 1",
        ),
    ).ids["student_id"]
    drop_school(deployment.settings, school_id)


def test_unknown_students_and_students_of_another_school_look_the_same(
    api: Api, other_school: UUID
) -> None:
    missing = api.get(f"{V1}/students/{uuid4()}", "secretary")
    problem(missing, 404, "not-found")
    elsewhere = api.get(f"{V1}/students/{other_school}", "secretary")
    an_account = api.get(f"{V1}/students/{api.actors['math'].account_id}", "secretary")
    assert without_instance(elsewhere) == without_instance(missing)
    assert without_instance(an_account) == without_instance(missing)
    moved = api.post(
        f"{V1}/students/{other_school}/withdrawal",
        "secretary",
        {"year": YEAR, "on": "2026-10-05", "order": "№ 1", "reason": "переезд"},
    )
    nowhere = api.post(
        f"{V1}/students/{uuid4()}/withdrawal",
        "secretary",
        {"year": YEAR, "on": "2026-10-05", "order": "№ 1", "reason": "переезд"},
    )
    problem(moved, 404, "not-found")
    assert without_instance(moved) == without_instance(nowhere)


def test_transferring_a_student_to_another_class(api: Api) -> None:
    school = api.world.school
    recorded(
        api, api.post(f"{V1}/years/2026-2027/classes", "admin", {"grade": 5, "letter": "Б"}), 1
    )
    student = api.world.students[2]
    transfer = {
        "year": "2026-2027",
        "to_class": "5Б",
        "on": "2026-10-05",
        "order": "№ 130-у от 02.10.2026",
        "reason": "заявление родителей",
    }
    recorded(api, api.post(f"{V1}/students/{student}/transfer", "secretary", transfer), 3)
    roll = school.year_view(YEAR)
    assert roll.class_of(student, date(2026, 10, 2)) == "5А"
    assert roll.class_of(student, date(2026, 10, 5)) == "5Б"
    record = api.get(f"{V1}/students/{student}", "secretary").json()
    assert record["class_code"] == "5Б"
    assert record["movements"][-1] | {"on": None} == {
        "kind": "transferred",
        "on": None,
        "year": YEAR,
        "from_place": "5А",
        "to_place": "5Б",
        "order": "№ 130-у от 02.10.2026",
        "reason": "заявление родителей",
    }
    before = school.position()
    problem(
        api.post(f"{V1}/students/{student}/transfer", "secretary", transfer),
        409,
        "student-invariant",
    )
    problem(
        api.post(f"{V1}/students/{student}/transfer", "secretary", transfer | {"to_class": "9Я"}),
        404,
        "not-found",
    )
    problem(
        api.post(f"{V1}/students/{student}/transfer", "secretary", transfer | {"year": "2026"}),
        422,
        "invalid-request",
    )
    assert school.position() == before


def test_withdrawing_a_student(api: Api) -> None:
    school = api.world.school
    student = api.world.students[3]
    withdrawal = {
        "year": YEAR,
        "on": "2026-10-09",
        "reason": "переезд в другой город",
        "destination": "МБОУ СОШ № 5 г. Тверь",
        "order": "№ 131-у от 09.10.2026",
    }
    recorded(api, api.post(f"{V1}/students/{student}/withdrawal", "secretary", withdrawal), 2)
    assert school.year_view(YEAR).class_of(student, date(2026, 10, 12)) is None
    record = api.get(f"{V1}/students/{student}", "deputy").json()
    assert (record["withdrawn"], record["class_code"]) == (True, None)
    assert record["movements"][-1]["to_place"] == "МБОУ СОШ № 5 г. Тверь"
    before = school.position()
    problem(
        api.post(f"{V1}/students/{student}/withdrawal", "secretary", withdrawal),
        409,
        "student-invariant",
    )
    assert school.position() == before


def test_a_subgroup_move_mid_period_is_refused_with_its_clause(api: Api) -> None:
    school = api.world.school
    api.world.at(date(2026, 9, 28), 10)
    before = school.position()
    body = problem(move(api, "admin", date(2026, 9, 28)), 422, "rule-violated")
    assert body["rule"] == "subgroups.only_at_period_end"
    assert (body["clause"]["source"], body["clause"]["ref"]) == ("School 77", "§4.4.9")
    assert school.position() == before
    assert (
        school.year_view(YEAR).subgroup_of(
            api.world.students[0], "5А", "foreign_language", date(2026, 9, 28)
        )
        == "1"
    )


def test_a_subgroup_move_at_the_period_end_by_the_administrator(api: Api) -> None:
    school = api.world.school
    student = api.world.students[0]
    api.world.at(date(2026, 10, 26), 10)  # School 77 §4.4.9: after Q1 ended on 24 October
    recorded(api, move(api, "admin", date(2026, 10, 26)), 2)
    roll = school.year_view(YEAR)
    assert roll.subgroup_of(student, "5А", "foreign_language", date(2026, 10, 25)) == "1"
    assert roll.subgroup_of(student, "5А", "foreign_language", date(2026, 10, 26)) == "2"
    moved = list(school.events.get(student))[-1]
    assert isinstance(moved, Student.SubgroupMoved)
    assert (moved.from_subgroup, moved.to_subgroup, moved.actor) == ("1", "2", api.actors["admin"])
    record = api.get(f"{V1}/students/{student}", "secretary").json()
    assert record["movements"][-1]["to_place"] == "foreign_language/2"
    # Never backdated, and never into a subgroup the class does not have.
    before = school.position()
    problem(move(api, "admin", date(2026, 10, 25), "1"), 409, "invariant-violated")
    problem(move(api, "admin", date(2026, 10, 27), "3"), 404, "not-found")
    assert school.position() == before


def test_who_may_move_a_student_between_subgroups(api: Api) -> None:
    school = api.world.school
    api.world.at(date(2026, 10, 19), 10)
    api.sign_in("parent")
    before = school.position()
    # School 77 §4.4.9: only the administrator, even at the period's end.
    for who in ("class_teacher", "deputy"):
        body = problem(move(api, who, date(2026, 10, 19)), 422, "rule-violated")
        assert (body["rule"], body["clause"]["ref"]) == ("subgroups.by_roles", "§4.4.9")
    for who in ("secretary", "math", "director", "inspector", "parent"):
        problem(move(api, who, date(2026, 10, 19)), 403, "forbidden")
    problem(move(api, None, date(2026, 10, 19)), 401, "not-authenticated")
    missing = api.post(
        f"{V1}/years/2026-2027/students/{uuid4()}/subgroups",
        "admin",
        {"subject": "foreign_language", "subgroup": "2", "on": "2026-10-19"},
    )
    problem(missing, 404, "not-found")
    assert school.position() == before
