"""A closure of no class, once accepted and now refused, may still stand in an old log (a log is
never rewritten): on both backends it closes no class, in the commands' calendar and in the
reports' one, and nothing that consults the calendar fails on it."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

from report_term import reporting_school
from scenario import YEAR

from ejournal.aggregates.school_year import ClosureRecord
from ejournal.commands import lessons
from ejournal.projections.reporting.calendar import school_calendar
from ejournal.projections.reporting.queries import year_facts

MONDAY = date(2026, 10, 5)


def test_an_old_closure_of_no_class_closes_no_class(database_url: str, school_id: str) -> None:
    with reporting_school(database_url, school_id) as term:
        world = term.world
        school_year = world.school.year(YEAR)
        # As the old command recorded it: its guard is bypassed, the event is the old one.
        school_year._closure_declared(
            closure=ClosureRecord(
                id=uuid4(),
                start=MONDAY,
                end=date(2026, 10, 9),
                kind="quarantine",
                classes=frozenset(),
                reason="",
            ),
            actor=world.deputy,
        )
        world.school.record(school_year)

        calendar = world.school.year_view(YEAR).calendar()
        assert calendar.closures == ()
        assert calendar.is_working_day(MONDAY, "5А")
        world.at(MONDAY, 10)
        held = lessons.record_whole_lesson(
            world.school,
            world.math,
            lessons.RecordWholeLesson(
                journal_id=world.journals["math"], on=MONDAY, slot=1, topic="Делимость чисел"
            ),
        )
        assert held.ids["lesson_id"]

        term.catch_up()
        with term.database.transaction(write=False) as cursor:
            reported = school_calendar(cursor, year_facts(cursor, YEAR))
        assert reported.is_working_day(MONDAY)
        assert reported.is_working_day(MONDAY, "5А")
