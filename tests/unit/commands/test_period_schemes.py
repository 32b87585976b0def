"""Period schemes per grade through the real handlers: a grade 10 journal keeps half-years
beside grade 5's quarters (School 117, School 77, Belogorsk, Gymnasium 2); every lookup of "the
period of a date for a class" uses the class's grade's scheme."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from scenario import QUARTERS_AND_HALF_YEARS, World, add_class, build_world, sqlite_school

from ejournal.clock import MovableClock
from ejournal.commands import lessons, period_marks, year
from ejournal.commands.timing import NoLessonsThatDayError
from ejournal.errors import InvariantError, NotFoundError

AUTUMN_HOLIDAY = date(2026, 10, 28)
"""Between Q1 and Q2: holidays for grade 5, a school day of H1 for grade 10."""


@pytest.fixture
def world(tmp_path: Path) -> World:
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    built = build_world(
        sqlite_school(tmp_path / "schemes.sqlite", clock),
        clock,
        "school117",
        schemes=QUARTERS_AND_HALF_YEARS,
    )
    add_class(built, 10)
    return built


def period_mark(world: World, journal: str, period: str, student: int) -> None:
    period_marks.record_period_mark(
        world.school,
        world.math,
        period_marks.RecordPeriodMark(
            journal_id=world.journals[journal],
            period_id=period,
            student_id=world.students[student],
            value="4",
        ),
    )


def test_a_grade_10_journal_keeps_half_years_and_grade_5_quarters(world: World) -> None:
    world.at(date(2026, 10, 20), 12)
    period_mark(world, "math", "Q1", 0)
    with pytest.raises(NotFoundError, match="not a period of grade 10"):
        period_mark(world, "math10", "Q1", 5)
    with pytest.raises(NotFoundError, match="not a period of grade 5"):
        period_mark(world, "math", "H1", 0)
    # School 117 §5.2: no later than a day before H1 ends on 28 December.
    world.at(date(2026, 12, 27), 23, 59)
    period_mark(world, "math10", "H1", 5)
    assert world.school.journal(world.journals["math10"]).period_mark("H1", world.students[5])


def test_lessons_run_in_grade_10_while_grade_5_has_holidays(world: World) -> None:
    world.at(AUTUMN_HOLIDAY, 13)
    lessons.record_whole_lesson(
        world.school,
        world.math,
        lessons.RecordWholeLesson(
            journal_id=world.journals["math10"], on=AUTUMN_HOLIDAY, slot=1, topic="Пределы"
        ),
    )
    with pytest.raises(NoLessonsThatDayError, match="between reporting periods"):
        lessons.record_whole_lesson(
            world.school,
            world.math,
            lessons.RecordWholeLesson(
                journal_id=world.journals["math"], on=AUTUMN_HOLIDAY, slot=1, topic="Дроби"
            ),
        )


def test_closing_a_period_for_the_year_closes_the_journals_of_its_scheme(world: World) -> None:
    world.at(date(2026, 12, 29), 10)
    period_marks.close_period(
        world.school, world.deputy, period_marks.ClosePeriod(year="2026/2027", period_id="H1")
    )
    assert "H1" in world.school.journal(world.journals["math10"]).closed_periods
    assert "H1" not in world.school.journal(world.journals["math"]).closed_periods
    with pytest.raises(NotFoundError, match="not a period of grade 5"):
        period_marks.close_period(
            world.school,
            world.deputy,
            period_marks.ClosePeriod(year="2026/2027", period_id="H1", class_code="5А"),
        )


def test_periods_and_schemes_are_not_given_together(world: World) -> None:
    with pytest.raises(InvariantError, match="not both"):
        year.start_school_year(
            world.school,
            world.admin,
            year.StartSchoolYear(
                label="2027/2028",
                starts_on=date(2027, 9, 1),
                ends_on=date(2028, 5, 31),
                periods=QUARTERS_AND_HALF_YEARS[1].periods,
                schemes=QUARTERS_AND_HALF_YEARS,
                profile="school77",
            ),
        )
