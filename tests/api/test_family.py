"""Parents and students, read-only: the children they follow; anyone else's child does not exist
for them (404 as for a missing id), and staff are not family (403)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

from api_session import Api

from ejournal.commands import students

V1 = "/api/v1"

PROBLEM = "application/problem+json"


def assert_refused(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["type"] == f"/problems/{slug}"
    return body


def test_a_parent_follows_their_child_and_a_student_themself(api: Api) -> None:
    s = api.world.students
    for who, child, name in (
        ("parent", s[0], "Алексеев Артём Игоревич"),
        ("student", s[1], "Белова Варвара Дмитриевна"),
    ):
        response = api.get("/api/v1/family/children", who)
        assert response.status_code == 200, response.text
        [row] = response.json()
        assert (row["id"], row["name"]["full"], row["class_code"], row["year"]) == (
            str(child),
            name,
            "5А",
            "2026-2027",
        )


def test_one_child_with_guardians_and_consent(api: Api) -> None:
    child = api.world.students[0]
    # The parent's account is the child's recorded mother (the parent role goes to a recorded
    # guardian only, Gymnasium 2 §3.7).
    (guardian_id,) = api.world.school.student(child).guardians
    url = f"/api/v1/family/children/{child}"
    assert api.get(url, "parent").json()["consent_in_force"] is False
    students.record_consent(
        api.world.school,
        api.world.secretary,
        students.RecordConsent(
            student_id=child, given_by=guardian_id, given_on=date(2026, 8, 20), document="№ 7"
        ),
    )
    response = api.get(url, "parent")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["id"], body["class_code"], body["year"]) == (str(child), "5А", "2026-2027")
    assert body["guardians"] == [
        {
            "name": {
                "last": "Алексеева",
                "first": "Ирина",
                "patronymic": "Олеговна",
                "full": "Алексеева Ирина Олеговна",
            },
            "relation": "mother",
        }
    ]
    assert body["consent_in_force"] is True
    themself = api.get(f"/api/v1/family/children/{api.world.students[1]}", "student").json()
    assert (themself["guardians"], themself["consent_in_force"]) == ([], False)


def test_another_child_answers_as_a_missing_one(api: Api) -> None:
    missing = assert_refused(
        api.get(f"/api/v1/family/children/{uuid4()}", "parent"), 404, "not-found"
    )
    for who, other in (
        ("parent", api.world.students[1]),
        ("student", api.world.students[0]),
        ("parent", api.world.first_graders[0]),
    ):
        hidden = assert_refused(api.get(f"/api/v1/family/children/{other}", who), 404, "not-found")
        assert {k: v for k, v in hidden.items() if k != "instance"} == {
            k: v for k, v in missing.items() if k != "instance"
        }


def test_family_routes_are_for_family_only(api: Api) -> None:
    child = api.world.students[0]
    for url in ("/api/v1/family/children", f"/api/v1/family/children/{child}"):
        assert_refused(api.get(url, None), 401, "not-authenticated")
        for who in ("class_teacher", "math", "deputy", "admin", "inspector"):
            assert_refused(api.get(url, who), 403, "forbidden")


def test_the_diary_needs_written_consent_where_the_regulation_requires_it(api: Api) -> None:
    # Gymnasium 2 §1.5: a student is in the journal and diary only with the parents' written
    # consent. Under that profile the diary and averages are refused until a consent is in
    # force, with the rule and the clause; the child's own card says why.
    child = api.world.students[0]
    adopt = {"profile": "gymnasium2", "reason": "положение гимназии"}
    assert api.post(f"{V1}/years/2026-2027/profile", "admin", adopt).status_code == 201
    api.world.at(date(2026, 9, 7), 18)
    diary = f"{V1}/family/children/{child}/diary?start=2026-09-07"
    averages = f"{V1}/family/children/{child}/averages?period=Q1"
    for url in (diary, averages):
        refused = assert_refused(api.get(url, "parent"), 403, "consent-required")
        assert (refused["rule"], refused["clause"]["source"], refused["clause"]["ref"]) == (
            "consent",
            "Gymnasium 2",
            "§1.5",
        )
    # The history of the child's marks in the audit trail follows the same rule.
    trail = assert_refused(api.get(f"{V1}/audit", "parent"), 403, "consent-required")
    assert trail["clause"]["ref"] == "§1.5"
    card = api.get(f"{V1}/family/children/{child}", "parent")
    assert (card.status_code, card.json()["consent_in_force"]) == (200, False)
    # Another family's child still looks missing, consent or not.
    assert_refused(api.get(diary.replace(str(child), str(uuid4())), "parent"), 404, "not-found")
    (guardian_id,) = api.world.school.student(child).guardians
    consent = {"given_by": str(guardian_id), "given_on": "2026-09-07", "document": "№ 7"}
    recorded = api.post(f"{V1}/students/{child}/consents", "class_teacher", consent)
    assert recorded.status_code == 201, recorded.text
    # The consent is an event naming who recorded it and the document's date.
    event = list(api.world.school.events.get(child))[-1]
    assert (event.actor.role, event.consent.given_on, event.consent.document) == (
        "class_teacher",
        date(2026, 9, 7),
        "№ 7",
    )
    for url in (diary, averages, f"{V1}/audit"):
        assert api.get(url, "parent").status_code == 200


def test_no_consent_is_asked_where_the_regulation_asks_none(api: Api) -> None:
    # School 77 sets no such rule: the diary answers without a consent on record.
    child = api.world.students[0]
    assert not api.world.school.student(child).consents
    api.world.at(date(2026, 9, 7), 18)
    response = api.get(f"{V1}/family/children/{child}/diary?start=2026-09-07", "parent")
    assert response.status_code == 200, response.text
