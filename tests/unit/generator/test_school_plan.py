"""Classes: N students make classes 1–11 with letters, about 25 a class; 1,000 students make a
school of about 40 classes."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from ejournal.generator.school_plan import LETTERS, plan_classes, students_by_grade


def test_a_thousand_students_make_about_forty_classes_of_about_twenty_five() -> None:
    classes = plan_classes(1000, random.Random(1))
    assert sum(c.size for c in classes) == 1000
    assert 38 <= len(classes) <= 42
    assert all(20 <= c.size <= 30 for c in classes)
    assert {c.grade for c in classes} == set(range(1, 12))


def test_parallels_are_lettered_in_order_and_senior_grades_are_smaller() -> None:
    classes = plan_classes(1000, random.Random(2))
    by_grade = Counter(c.grade for c in classes)
    for grade, count in by_grade.items():
        letters = [c.letter for c in classes if c.grade == grade]
        assert letters == list(LETTERS[:count])
    assert by_grade[10] < by_grade[5]
    codes = [c.code for c in classes]
    assert codes[0] == "1А"
    assert len(set(codes)) == len(codes)


@pytest.mark.parametrize("students", [1, 11, 60, 250, 999, 3000])
def test_every_student_has_a_place(students: int) -> None:
    classes = plan_classes(students, random.Random(3))
    assert sum(c.size for c in classes) == students
    assert all(1 <= c.size <= 32 for c in classes)


def test_grades_can_be_chosen() -> None:
    classes = plan_classes(60, random.Random(4), grades=(1, 5, 9))
    assert [c.code for c in classes] == ["1А", "5А", "9А"]
    assert [c.size for c in classes] == [20, 20, 20]
    assert students_by_grade(100, (10, 11)) == {10: 50, 11: 50}


def test_the_same_seed_gives_the_same_classes() -> None:
    assert plan_classes(700, random.Random(5)) == plan_classes(700, random.Random(5))
