"""A class teacher's scope is a class of one school year (DESIGN.md §5): the 5А class teacher of
2026/2027 does not read 2027/2028's 5А, which answers exactly as a missing class or journal."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest
from api_session import Api

from ejournal.commands import journals, year

V1 = "/api/v1"
PROBLEM = "application/problem+json"
NEXT = "2027-2028"
THIS = "2026-2027"


def _next_year_5a(api: Api) -> dict[str, Any]:
    """2027/2028 with its own 5А, led by another teacher, and a mathematics journal for it."""
    school, admin = api.world.school, api.world.admin
    year.start_school_year(
        school,
        admin,
        year.StartSchoolYear(
            label="2027/2028",
            starts_on=date(2027, 9, 1),
            ends_on=date(2028, 5, 31),
            periods=(
                year.PeriodSpec(
                    id="H1", name="1 полугодие", start=date(2027, 9, 1), end=date(2027, 12, 28)
                ),
                year.PeriodSpec(
                    id="H2", name="2 полугодие", start=date(2028, 1, 11), end=date(2028, 5, 31)
                ),
            ),
            profile="school77",
        ),
    )
    year.form_class(
        school,
        admin,
        year.FormClass(
            year="2027/2028",
            grade=5,
            letter="А",
            class_teacher_id=api.actors["outsider"].account_id,
        ),
    )
    opened = journals.open_journal(
        school,
        admin,
        journals.OpenJournal(
            year="2027/2028",
            class_code="5А",
            subject="mathematics",
            teachers=(api.actors["math"].account_id,),
        ),
    )
    return {"journal": opened.ids["journal_id"], "position": opened.position}


def _class_paths(year_label: str, class_code: str) -> list[str]:
    base = f"{V1}/years/{year_label}/classes/{class_code}"
    return [
        f"{V1}/classes/{class_code}/students?year={year_label}",
        f"{base}/sheets/progress",
        f"{base}/sheets/attendance",
        f"{base}/results/H1" if year_label == NEXT else f"{base}/results/Q1",
        f"{base}/reports/attendance",
        f"{base}/reports/marks-accumulation?period={'H1' if year_label == NEXT else 'Q1'}",
        f"{base}/reports/journal-monitoring",
        f"{base}/reports/family-activity",
    ]


def _journal_paths(journal_id: UUID) -> list[str]:
    return [
        f"{V1}/journals/{journal_id}",
        f"{V1}/journals/{journal_id}/grid",
        f"{V1}/journals/{journal_id}/reports/journal-monitoring",
        f"{V1}/audit?journal_id={journal_id}",
    ]


def _problem(response: Any) -> dict[str, Any]:
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == PROBLEM
    return {k: v for k, v in response.json().items() if k != "instance"}


@pytest.fixture
def next_year(api: Api) -> dict[str, Any]:
    return _next_year_5a(api)


def test_last_years_class_teacher_does_not_read_this_years_class(
    api: Api, next_year: dict[str, Any]
) -> None:
    for hidden, missing in zip(_class_paths(NEXT, "5А"), _class_paths(NEXT, "9Я"), strict=True):
        assert _problem(api.get(hidden, "class_teacher")) == _problem(
            api.get(missing, "class_teacher")
        ), hidden
    journal = next_year["journal"]
    for hidden, missing in zip(_journal_paths(journal), _journal_paths(uuid4()), strict=True):
        assert _problem(api.get(hidden, "class_teacher")) == _problem(
            api.get(missing, "class_teacher")
        ), hidden


def test_last_years_class_teacher_sees_no_audit_rows_of_this_years_class(
    api: Api, next_year: dict[str, Any]
) -> None:
    after = next_year["position"]
    mine = api.get(f"{V1}/audit?after={after}&limit=500", "class_teacher")
    assert mine.status_code == 200, mine.text
    assert mine.json()["rows"], "the class teacher reads the rows of their own year"
    assert {row["year"] for row in mine.json()["rows"]} == {"2026/2027"}
    theirs = api.get(f"{V1}/audit?after={after}&journal_id={next_year['journal']}", "outsider")
    assert theirs.status_code == 200, theirs.text
    assert {row["year"] for row in theirs.json()["rows"]} == {"2027/2028"}


def test_each_class_teacher_reads_their_own_year(api: Api, next_year: dict[str, Any]) -> None:
    for path in _class_paths(THIS, "5А") + _journal_paths(api.world.journals["math"]):
        assert api.get(path, "class_teacher").status_code == 200, path
    # "outsider" leads 2027/2028's 5А (and teaches nothing); 2026/2027's 5А is not theirs.
    for path in _class_paths(NEXT, "5А") + _journal_paths(next_year["journal"]):
        assert api.get(path, "outsider").status_code == 200, path
    for path in _class_paths(THIS, "5А"):
        assert api.get(path, "outsider").status_code == 404, path
