"""Russian names next to the codes in answers meant for display (issue 14): a role's
``role_name``, a mark's ``work_kind_name``, a period mark's and a closed period's
``period_name``/``name``, a year's ``period_kind_name``. The codes stay as they are."""

from __future__ import annotations

from datetime import date

from api_session import Api

from ejournal.commands import period_marks
from ejournal.marks import PeriodKind, WorkKind
from ejournal.roles import ROLE_NAMES_RU, Role

V1 = "/api/v1"
MONDAY = date(2026, 9, 7)


def test_every_code_has_a_russian_name() -> None:
    assert set(ROLE_NAMES_RU) == set(Role)
    for names in (
        [role.title_ru for role in Role],
        [kind.title_ru for kind in WorkKind],
        [kind.title_ru for kind in PeriodKind],
    ):
        assert all(name and not name.isascii() for name in names)
        assert len(set(names)) == len(names)


def test_roles_are_named_in_russian(api: Api) -> None:
    me = api.get(f"{V1}/me", "class_teacher")
    assert me.status_code == 200, me.text
    roles = {(g["role"], g["role_name"]) for g in me.json()["roles"]}
    assert ("class_teacher", "классный руководитель") in roles
    account = api.get(f"{V1}/accounts/{api.actors['parent'].account_id}", "admin")
    assert account.status_code == 200, account.text
    assert [(g["role"], g["role_name"]) for g in account.json()["roles"]] == [
        ("parent", "родитель")
    ]


def test_kinds_of_work_and_periods_are_named_in_russian(api: Api) -> None:
    world = api.world
    journal = world.journals["math"]
    world.at(MONDAY, 10)
    recorded = api.post(
        f"{V1}/journals/{journal}/lessons",
        "math",
        {
            "on": MONDAY.isoformat(),
            "slot": 1,
            "topic": "Натуральные числа",
            "marks": [
                {"student_id": str(world.students[0]), "value": "5", "work_kind": "control"},
                {"student_id": str(world.students[2]), "value": "4", "work_kind": "oral"},
            ],
        },
    )
    assert recorded.status_code == 201, recorded.text
    world.at(date(2026, 10, 20), 12)
    mark = {"period_id": "Q1", "student_id": str(world.students[0]), "value": "5"}
    given = api.post(f"{V1}/journals/{journal}/period-marks", "math", mark)
    assert given.status_code == 201, given.text
    period_marks.close_period(
        world.school,
        world.deputy,
        period_marks.ClosePeriod(year="2026/2027", period_id="Q1", class_code="5А"),
    )

    page = api.get(f"{V1}/journals/{journal}", "math")
    assert page.status_code == 200, page.text
    body = page.json()
    assert sorted((m["work_kind"], m["work_kind_name"]) for m in body["marks"]) == [
        ("control", "Контрольная работа"),
        ("oral", "Устный ответ"),
    ]
    assert [(p["period_id"], p["period_name"]) for p in body["period_marks"]] == [
        ("Q1", "1 четверть")
    ]
    assert [(p["id"], p["name"]) for p in body["closed_periods"]] == [("Q1", "1 четверть")]

    year = api.get(f"{V1}/years/2026-2027", "deputy")
    assert year.status_code == 200, year.text
    assert (year.json()["period_kind"], year.json()["period_kind_name"]) == (
        "quarters",
        "Четверти",
    )

    diary = api.get(
        f"{V1}/family/children/{world.students[0]}/diary?start={MONDAY}"
        f"&after={world.school.position()}",
        "parent",
    )
    assert diary.status_code == 200, diary.text
    marks = [m for day in diary.json()["days"] for x in day["lessons"] for m in x["marks"]]
    assert [(m["work_kind"], m["work_kind_name"]) for m in marks] == [
        ("control", "Контрольная работа")
    ]
