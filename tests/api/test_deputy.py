"""The deputy's grants through the API: substitutions, late-entry permissions, correction
authorisations. Only a deputy gives them (DESIGN.md §5)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from uuid import UUID, uuid4

import pytest
from api_session import Api

from ejournal.aggregates.class_journal import ClassJournal
from ejournal.commands import lessons, marks
from ejournal.errors import DeadlinePassedError

V1 = "/api/v1"
PROBLEM = "application/problem+json"
MONDAY = date(2026, 9, 14)


def problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["type"] == f"/problems/{slug}"
    return body


def recorded(api: Api, response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    assert body["events"] == 1
    assert body["position"] == api.world.school.position()
    return body


def without_instance(response: Any) -> dict[str, Any]:
    return {k: v for k, v in response.json().items() if k != "instance"}


def substitution(api: Api, slot: int = 1, replaced: str = "math") -> dict[str, Any]:
    return {
        "on": MONDAY.isoformat(),
        "slot": slot,
        "substitute_id": str(api.actors["outsider"].account_id),
        "replaced_id": str(api.actors[replaced].account_id),
        "reason": "болезнь учителя",
    }


def test_a_deputy_assigns_and_cancels_a_substitution(api: Api) -> None:
    school = api.world.school
    math = api.world.journals["math"]
    api.world.at(date(2026, 9, 11), 15)
    made = recorded(
        api, api.post(f"{V1}/journals/{math}/substitutions", "deputy", substitution(api))
    )
    substitution_id = UUID(made["ids"]["substitution_id"])
    granted = school.journal(math).substitutions[substitution_id]
    assert (granted.on, granted.slot, granted.substitute_id, granted.cancelled) == (
        MONDAY,
        1,
        api.actors["outsider"].account_id,
        False,
    )
    event = list(school.events.get(math))[-1]
    assert isinstance(event, ClassJournal.SubstitutionAssigned)
    assert event.actor == api.actors["deputy"]

    cancellation = f"{V1}/journals/{math}/substitutions/{substitution_id}/cancellation"
    recorded(api, api.post(cancellation, "deputy", {"reason": "учитель вышел на работу"}))
    assert school.journal(math).substitutions[substitution_id].cancelled
    problem(api.post(cancellation, "deputy", {"reason": "ещё раз"}), 404, "not-found")


def test_a_lesson_has_one_substitute(api: Api) -> None:
    school = api.world.school
    math = api.world.journals["math"]
    recorded(api, api.post(f"{V1}/journals/{math}/substitutions", "deputy", substitution(api)))
    before = school.position()
    again = api.post(f"{V1}/journals/{math}/substitutions", "deputy", substitution(api))
    assert problem(again, 409, "journal-invariant")["detail"] == (
        "this lesson already has a substitute"
    )
    assert school.position() == before


def test_only_a_deputy_gives_grants(api: Api) -> None:
    school = api.world.school
    math = api.world.journals["math"]
    before = school.position()
    grants = [
        (f"{V1}/journals/{math}/substitutions", substitution(api)),
        (f"{V1}/journals/{math}/substitutions/{uuid4()}/cancellation", {"reason": "r"}),
        (
            f"{V1}/journals/{math}/late-entry-permissions",
            {"from_date": "2026-09-14", "to_date": "2026-09-14", "reason": "болезнь"},
        ),
        (
            f"{V1}/journals/{math}/correction-authorizations",
            {"mark_id": str(uuid4()), "action": "void", "remark": "не тот ученик"},
        ),
    ]
    for who in ("admin", "director", "secretary", "math", "class_teacher", "inspector", "parent"):
        for path, body in grants:
            problem(api.post(path, who, body), 403, "forbidden")
    assert school.position() == before


def test_grants_need_a_token(api: Api) -> None:
    math = api.world.journals["math"]
    refused = api.post(f"{V1}/journals/{math}/substitutions", None, substitution(api))
    problem(refused, 401, "not-authenticated")
    assert refused.headers["www-authenticate"] == "Bearer"
    problem(
        api.post(
            f"{V1}/journals/{math}/late-entry-permissions",
            None,
            {"from_date": "2026-09-14", "to_date": "2026-09-14", "reason": "болезнь"},
        ),
        401,
        "not-authenticated",
    )


def test_unknown_journals_and_substitutions_are_not_found_alike(api: Api) -> None:
    missing = api.post(f"{V1}/journals/{uuid4()}/substitutions", "deputy", substitution(api))
    problem(missing, 404, "not-found")
    # The id of a student is no journal: the answer is the same as for no id at all.
    student = api.world.students[0]
    not_a_journal = api.post(f"{V1}/journals/{student}/substitutions", "deputy", substitution(api))
    assert without_instance(not_a_journal) == without_instance(missing)
    # A substitution of another journal does not exist on this one.
    english = api.world.journals["english1"]
    made = recorded(
        api,
        api.post(
            f"{V1}/journals/{english}/substitutions",
            "deputy",
            substitution(api, slot=4, replaced="english1"),
        ),
    )
    math = api.world.journals["math"]
    elsewhere = api.post(
        f"{V1}/journals/{math}/substitutions/{made['ids']['substitution_id']}/cancellation",
        "deputy",
        {"reason": "отмена"},
    )
    nowhere = api.post(
        f"{V1}/journals/{math}/substitutions/{uuid4()}/cancellation", "deputy", {"reason": "r"}
    )
    problem(elsewhere, 404, "not-found")
    assert without_instance(elsewhere) == without_instance(nowhere)


def test_a_late_entry_permission_lets_the_teacher_enter_past_lessons(api: Api) -> None:
    school = api.world.school
    world = api.world
    math = world.journals["math"]
    api.world.at(date(2026, 9, 17), 10)
    hold = lessons.HoldLesson(journal_id=math, on=MONDAY, slot=1, topic="Натуральные числа")
    with pytest.raises(DeadlinePassedError):
        lessons.hold_lesson(school, world.math, hold)
    made = recorded(
        api,
        api.post(
            f"{V1}/journals/{math}/late-entry-permissions",
            "deputy",
            {
                "from_date": "2026-09-14",
                "to_date": "2026-09-15",
                "teacher_id": str(world.math.account_id),
                "valid_days": 2,
                "reason": "больничный лист учителя",
            },
        ),
    )
    permission = school.journal(math).late_permissions[UUID(made["ids"]["permission_id"])]
    assert (permission.from_date, permission.to_date, permission.teacher_id) == (
        date(2026, 9, 14),
        date(2026, 9, 15),
        world.math.account_id,
    )
    assert permission.valid_until == datetime.combine(date(2026, 9, 19), time.max, world.zone)
    lesson_id = lessons.hold_lesson(school, world.math, hold).ids["lesson_id"]
    assert school.journal(math).lesson(lesson_id).late is not None
    # A permission is for a teacher of the journal.
    before = school.position()
    problem(
        api.post(
            f"{V1}/journals/{math}/late-entry-permissions",
            "deputy",
            {
                "from_date": "2026-09-14",
                "to_date": "2026-09-14",
                "teacher_id": str(world.outsider.account_id),
                "reason": "болезнь",
            },
        ),
        409,
        "journal-invariant",
    )
    problem(
        api.post(
            f"{V1}/journals/{math}/late-entry-permissions",
            "deputy",
            {"from_date": "2026-09-14", "to_date": "2026-09-14", "valid_days": 31, "reason": "r"},
        ),
        422,
        "invalid-request",
    )
    assert school.position() == before


def test_a_deputy_authorises_a_correction_by_a_remark(api: Api) -> None:
    school = api.world.school
    world = api.world
    math = world.journals["math"]
    api.world.at(MONDAY, 12)
    lesson_id = lessons.hold_lesson(
        school, world.math, lessons.HoldLesson(journal_id=math, on=MONDAY, slot=1, topic="Числа")
    ).ids["lesson_id"]
    mark_id = marks.record_mark(
        school,
        world.math,
        marks.RecordMark(
            journal_id=math, lesson_id=lesson_id, student_id=world.students[0], value="2"
        ),
    ).ids["mark_id"]
    made = recorded(
        api,
        api.post(
            f"{V1}/journals/{math}/correction-authorizations",
            "deputy",
            {"mark_id": str(mark_id), "action": "void", "remark": "отметка не тому ученику"},
        ),
    )
    authorization = school.journal(math).authorizations[UUID(made["ids"]["authorization_id"])]
    assert (authorization.mark_id, authorization.action, authorization.used) == (
        mark_id,
        "void",
        False,
    )
    event = list(school.events.get(math))[-1]
    assert isinstance(event, ClassJournal.CorrectionAuthorized)
    assert event.actor == world.deputy
    problem(
        api.post(
            f"{V1}/journals/{math}/correction-authorizations",
            "deputy",
            {"mark_id": str(uuid4()), "action": "void", "remark": "ошибка"},
        ),
        404,
        "not-found",
    )
    problem(
        api.post(
            f"{V1}/journals/{math}/correction-authorizations",
            "deputy",
            {"mark_id": str(mark_id), "action": "erase", "remark": "ошибка"},
        ),
        422,
        "invalid-request",
    )
