"""The timetable: each class's week filled with its courses' hours, no class and no teacher in
two lessons at once, and the same seed gives the same week."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from ejournal.generator.curriculum import lessons_per_day
from ejournal.generator.school_plan import ClassPlan, plan_classes
from ejournal.generator.staffing import Staffing, staff_school
from ejournal.generator.timetable import Slot, build_timetable, daily_limit


def school(students: int, seed: int) -> tuple[tuple[ClassPlan, ...], Staffing, tuple[Slot, ...]]:
    classes = plan_classes(students, random.Random(seed))
    staffing = staff_school(classes)
    return classes, staffing, build_timetable(classes, staffing.courses, random.Random(seed))


@pytest.fixture(scope="module", params=[(1000, 1), (1000, 2), (60, 3), (2500, 4)])
def built(
    request: pytest.FixtureRequest,
) -> tuple[tuple[ClassPlan, ...], Staffing, tuple[Slot, ...]]:
    return school(*request.param)


def test_no_class_has_two_lessons_at_once(built: tuple) -> None:  # type: ignore[type-arg]
    _, _, timetable = built
    cells = Counter((s.class_code, s.weekday, s.slot) for s in timetable)
    assert max(cells.values()) == 1


def test_no_teacher_is_in_two_places_at_once(built: tuple) -> None:  # type: ignore[type-arg]
    _, _, timetable = built
    booked = Counter((t, s.weekday, s.slot) for s in timetable for t in s.course.teachers)
    assert max(booked.values()) == 1


def test_every_course_gets_its_weekly_hours_spread_over_the_week(built: tuple) -> None:  # type: ignore[type-arg]
    classes, staffing, timetable = built
    for plan in classes:
        mine = [s for s in timetable if s.class_code == plan.code]
        weekly = Counter(s.course.subject for s in mine)
        assert weekly == {c.subject: c.hours for c in staffing.courses[plan.code]}
        daily = Counter((s.course.subject, s.weekday) for s in mine)
        for (subject, _), count in daily.items():
            hours = next(c.hours for c in staffing.courses[plan.code] if c.subject == subject)
            assert count <= daily_limit(hours)


def test_a_class_day_starts_at_the_first_lesson_without_gaps(built: tuple) -> None:  # type: ignore[type-arg]
    classes, _, timetable = built
    for plan in classes:
        for weekday, length in enumerate(lessons_per_day(plan.grade), start=1):
            slots = sorted(
                s.slot for s in timetable if s.class_code == plan.code and s.weekday == weekday
            )
            assert slots == list(range(1, length + 1))


def test_teachers_keep_their_loads(built: tuple) -> None:  # type: ignore[type-arg]
    _, staffing, timetable = built
    taught = Counter(t for s in timetable for t in s.course.teachers)
    assert {t.key: t.load for t in staffing.teachers} == dict(taught)


def test_the_same_seed_gives_the_same_week_and_another_seed_another() -> None:
    assert school(300, 5)[2] == school(300, 5)[2]
    classes, staffing, first = school(300, 5)
    assert build_timetable(classes, staffing.courses, random.Random(6)) != first
