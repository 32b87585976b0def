"""Staffing: every course of every class has its teacher (one per group of a split subject),
loads stay near a teacher's rate, and every class has one class teacher."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from ejournal.generator.curriculum import curriculum
from ejournal.generator.school_plan import plan_classes
from ejournal.generator.staffing import MAX_LOAD, PRIMARY, Staffing, staff_school


@pytest.fixture(scope="module", params=[60, 1000])
def staffing(request: pytest.FixtureRequest) -> Staffing:
    return staff_school(plan_classes(request.param, random.Random(1)))


def test_every_course_has_its_hours_and_teachers(staffing: Staffing) -> None:
    keys = {t.key for t in staffing.teachers}
    for code, courses in staffing.courses.items():
        grade = courses[0].grade
        assert {c.subject: c.hours for c in courses} == {
            s.code: s.hours for s in curriculum(grade)
        }, code
        for course in courses:
            assert set(course.teachers) <= keys
            assert len(set(course.teachers)) == len(course.teachers) == len(course.groups)


def test_loads_are_what_the_courses_add_up_to_and_within_the_maximum(staffing: Staffing) -> None:
    hours: Counter[str] = Counter()
    for courses in staffing.courses.values():
        for course in courses:
            for teacher in course.teachers:
                hours[teacher] += course.hours
    for teacher in staffing.teachers:
        assert teacher.load == hours[teacher.key]
        assert 0 < teacher.load <= MAX_LOAD


def test_every_class_has_one_class_teacher(staffing: Staffing) -> None:
    leaders = [t.leads for t in staffing.teachers if t.leads]
    assert sorted(leaders) == sorted(staffing.courses)


def test_a_primary_class_is_taught_by_its_own_class_teacher(staffing: Staffing) -> None:
    for code, courses in staffing.courses.items():
        if courses[0].grade > 4:
            continue
        leader = staffing.class_teacher(code)
        assert leader.speciality == PRIMARY
        russian = next(c for c in courses if c.subject == "russian_language")
        assert russian.teachers == (leader.key,)
        english = [c for c in courses if c.subject == "foreign_language"]
        assert all(leader.key not in c.teachers for c in english)


def test_a_school_of_a_thousand_has_a_realistic_staff() -> None:
    staffing = staff_school(plan_classes(1000, random.Random(1)))
    assert 55 <= len(staffing.teachers) <= 80
    split = [c for cs in staffing.courses.values() for c in cs if len(c.teachers) == 2]
    assert {c.subject for c in split} == {"foreign_language", "technology"}
