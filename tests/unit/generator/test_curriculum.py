"""The curriculum: each grade's weekly hours are those of the federal basic curriculum for a
five-day week and fit the sanitary maximum, and they spread over the school days."""

from __future__ import annotations

import pytest

from ejournal.generator.curriculum import (
    GRADES,
    MAX_LESSONS_A_DAY,
    MAX_WEEKLY_LOAD,
    curriculum,
    is_split,
    lessons_per_day,
    weekly_hours,
)
from ejournal.subjects import SUBJECTS


def hours(grade: int) -> dict[str, int]:
    return {s.code: s.hours for s in curriculum(grade)}


@pytest.mark.parametrize(
    ("grade", "total"),
    [(1, 21), (2, 23), (3, 23), (4, 23), (5, 28), (6, 30), (7, 31), (8, 32), (9, 33),
     (10, 29), (11, 29)],
)  # fmt: skip
def test_a_grade_has_its_weekly_hours_within_the_sanitary_maximum(grade: int, total: int) -> None:
    assert weekly_hours(grade) == sum(hours(grade).values()) == total
    assert total <= MAX_WEEKLY_LOAD[grade]


def test_the_federal_curriculum_hours_of_the_main_subjects() -> None:
    assert [hours(g)["russian_language"] for g in range(1, 10)] == [5, 5, 5, 5, 5, 6, 4, 3, 3]
    assert [hours(g).get("literary_reading", 0) for g in range(1, 6)] == [4, 4, 4, 3, 0]
    assert [hours(g).get("literature", 0) for g in range(4, 10)] == [0, 3, 3, 2, 2, 3]
    assert [hours(g).get("mathematics", 0) for g in range(1, 8)] == [4, 4, 4, 4, 5, 5, 0]
    assert [hours(g).get("algebra", 0) for g in range(6, 10)] == [0, 3, 3, 3]
    assert [hours(g).get("physics", 0) for g in range(6, 10)] == [0, 2, 2, 3]
    assert [hours(g).get("chemistry", 0) for g in range(7, 10)] == [0, 2, 2]
    assert [hours(g).get("foreign_language", 0) for g in range(1, 12)] == [0] + [2] * 3 + [3] * 7
    assert hours(4)["orkse"] == 1
    assert [hours(g).get("life_safety", 0) for g in range(7, 12)] == [0, 1, 1, 1, 1]


def test_every_subject_is_in_the_catalogue() -> None:
    for grade in GRADES:
        assert set(hours(grade)) <= set(SUBJECTS)


@pytest.mark.parametrize("grade", GRADES)
def test_the_week_spreads_over_five_days_within_the_daily_maximum(grade: int) -> None:
    days = lessons_per_day(grade)
    assert len(days) == 5
    assert sum(days) == weekly_hours(grade)
    assert max(days) - min(days) <= 1
    assert max(days) <= MAX_LESSONS_A_DAY[grade]


def test_the_foreign_language_and_technology_are_split_in_big_enough_classes() -> None:
    assert is_split("foreign_language", 2, 25)
    assert not is_split("foreign_language", 1, 25)
    assert is_split("technology", 5, 20)
    assert not is_split("technology", 4, 25)
    assert not is_split("technology", 10, 25)
    assert not is_split("foreign_language", 7, 12)
    assert not is_split("mathematics", 7, 30)
