"""Refusals by regulation rules, as a client sees them: problem+json with the type, a detail,
the rule and the clause it comes from, and nothing recorded (School 77 is the API's school)."""

from __future__ import annotations

from datetime import date
from typing import Any

from api_session import Api

from ejournal.commands import substitutions

PROBLEM = "application/problem+json"
SEPT_1 = date(2026, 9, 1)


def journal_url(api: Api, key: str, *rest: object) -> str:
    return "/".join(["/api/v1/journals", str(api.world.journals[key]), *map(str, rest)])


def refused_by_rule(response: Any, status: int, slug: str, rule: str, ref: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["type"] == f"/problems/{slug}"
    assert body["rule"] == rule
    assert (body["clause"]["source"], body["clause"]["ref"]) == ("School 77", ref)
    assert ref in body["detail"]
    return body


def held_lesson(api: Api, on: date = SEPT_1, slot: int = 1) -> str:
    api.world.at(on, 10)
    response = api.post(
        journal_url(api, "math", "lessons"),
        "math",
        {"on": on.isoformat(), "slot": slot, "topic": "Дроби"},
    )
    assert response.status_code == 201, response.text
    lesson_id: str = response.json()["ids"]["lesson_id"]
    return lesson_id


def test_a_results_date_in_the_future_is_refused(api: Api) -> None:
    lesson_id = held_lesson(api)
    api.world.at(date(2026, 12, 3), 10)
    position = api.world.school.position()
    mark = {
        "lesson_id": lesson_id,
        "student_id": str(api.world.students[0]),
        "value": "5",
        "work_kind": "external_diagnostic",
        "results_date": "2027-02-03",
    }
    response = api.post(journal_url(api, "math", "marks"), "math", mark)
    refused_by_rule(response, 422, "rule-violated", "results_date.in_future", "§4.4.10")
    oral = {**mark, "work_kind": "oral", "results_date": "2026-12-03"}
    response = api.post(journal_url(api, "math", "marks"), "math", oral)
    refused_by_rule(response, 422, "rule-violated", "results_date.not_for_this_kind", "§4.4.1")
    assert api.world.school.position() == position


def test_a_substitutes_refusal_is_a_403_naming_the_rule(api: Api) -> None:
    substitutions.assign_substitution(
        api.world.school,
        api.world.deputy,
        substitutions.AssignSubstitution(
            journal_id=api.world.journals["math"],
            on=SEPT_1,
            slot=1,
            substitute_id=api.actors["outsider"].account_id,
            reason="болезнь учителя",
        ),
    )
    api.world.at(SEPT_1, 10)
    position = api.world.school.position()
    response = api.post(
        journal_url(api, "math", "lessons"),
        "outsider",
        {"on": SEPT_1.isoformat(), "slot": 2, "topic": "Дроби"},
    )
    body = refused_by_rule(
        response, 403, "substitution-not-granted", "substitution.requires_grant", "§4.4.3"
    )
    assert body["title"] == "No substitution grants this lesson"
    assert api.world.school.position() == position
    documented = api.get("/problems/substitution-not-granted", None)
    assert documented.status_code == 200, documented.text
