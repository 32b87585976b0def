"""Monitoring of journal keeping on both backends: per journal, per teacher, per class and for
the school, the shares of students without marks and with one mark, lessons without topic or
homework, late entries and KTP progress, as worked out by hand from tests/report_term.py."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from report_term import TODAY, Term
from scenario import QUARTERS_AND_HALF_YEARS, YEAR, add_class, build_world

from ejournal.clock import MovableClock
from ejournal.commands import year
from ejournal.database import open_database
from ejournal.projections.journal_monitoring import (
    JournalMonitoringView,
    KeepingCounts,
    journal_monitoring,
)
from ejournal.projections.projector import Projector
from ejournal.projections.reporting.projection import Reporting
from ejournal.projections.reporting.queries import ReportNotProjectedError
from ejournal.schools import open_school
from ejournal.settings import Settings

Q1 = (date(2026, 9, 1), date(2026, 10, 24))
FIELDS = (
    "students",
    "without_marks",
    "without_marks_share",
    "one_mark",
    "one_mark_share",
    "lessons",
    "without_topic",
    "without_homework",
    "late_entries",
    "late_lessons",
)


def monitoring(term: Term, start: date, end: date, **scope: Any) -> JournalMonitoringView:
    with term.database.transaction(write=False) as cursor:
        return journal_monitoring(cursor, YEAR, start, end, TODAY, **scope)


def counts(line: KeepingCounts) -> tuple[Any, ...]:
    return tuple(getattr(line, name) for name in FIELDS)


def test_each_journal_of_the_first_quarter(term: Term) -> None:
    view = monitoring(term, *Q1, period_id="Q1")
    assert view.as_of == TODAY  # the quarter runs on past today
    lines = {(j.class_code, j.subject, j.subgroup): j for j in view.journals}
    assert list(lines) == [
        ("1А", "mathematics", None),
        ("5А", "foreign_language", "1"),
        ("5А", "foreign_language", "2"),
        ("5А", "literature", None),
        ("5А", "mathematics", None),
        ("5А", "russian_language", None),
    ]
    assert {key: counts(line) for key, line in lines.items()} == {
        # Grade 1 gets neither marks nor homework (School 77 §3.7): nothing to miss.
        ("1А", "mathematics", None): (2, None, None, None, None, 1, 0, None, 0, 0),
        ("5А", "foreign_language", "1"): (3, 2, 66.7, 1, 33.3, 1, 0, 0, 0, 0),
        # Егоров was in group 2 until he left on 13 Sep.
        ("5А", "foreign_language", "2"): (2, 2, 100.0, 0, 0.0, 1, 0, 0, 0, 0),
        ("5А", "literature", None): (6, 6, 100.0, 0, 0.0, 0, 0, 0, 0, 0),
        # Гусев has no mark, four have one, Алексеев two; 8 Sep has no topic (its homework
        # was filled in later); 9 Sep went in late: the lesson and a mark.
        ("5А", "mathematics", None): (6, 1, 16.7, 4, 66.7, 4, 1, 0, 2, 1),
        ("5А", "russian_language", None): (6, 6, 100.0, 0, 0.0, 1, 0, 1, 0, 0),
    }
    literature = lines[("5А", "literature", None)]
    # The outsider was relieved of literature on 15 Sep.
    assert [t.full_name for t in literature.teachers] == ["Петрова Светлана Юрьевна"]


def test_ktp_progress_against_the_timetable(term: Term) -> None:
    view = monitoring(term, *Q1, period_id="Q1")
    lines = {(j.class_code, j.subject, j.subgroup): j for j in view.journals}
    math = lines[("5А", "mathematics", None)]
    # School days of 5А from 1 Sep to 6 Oct: 17 in September (the quarantine of 21–25 Sep
    # takes five) and four in October; mathematics has two lessons on each.
    assert math.timetabled_to_date == 42
    assert (math.ktp_hours, math.ktp_planned_to_date, math.held_to_date) == (10, 10, 4)
    assert (math.ktp_done_to_date, math.ktp_done_total) == (40.0, 40.0)
    russian = lines[("5А", "russian_language", None)]
    assert (russian.timetabled_to_date, russian.ktp_hours, russian.ktp_planned_to_date) == (
        21,
        None,
        None,
    )
    assert (russian.ktp_done_to_date, russian.ktp_done_total) == (None, None)
    # 1А has no timetable: nothing is due by it.
    assert lines[("1А", "mathematics", None)].timetabled_to_date == 0


def test_teachers_classes_and_the_school(term: Term) -> None:
    view = monitoring(term, *Q1, period_id="Q1")
    teachers = {t.full_name: (t.journals, *counts(t)) for t in view.teachers}
    assert teachers == {
        "Жукова Дарья Олеговна": (1, 2, 2, 100.0, 0, 0.0, 1, 0, 0, 0, 0),
        # 5А and 1А mathematics; the shares are of 5А's six students only (1А gets no marks).
        "Иванова Мария Петровна": (2, 8, 1, 16.7, 4, 66.7, 5, 1, 0, 2, 1),
        "Петрова Светлана Юрьевна": (2, 12, 12, 100.0, 0, 0.0, 1, 0, 1, 0, 0),
        "Сидорова Алла Викторовна": (1, 3, 2, 66.7, 1, 33.3, 1, 0, 0, 0, 0),
    }
    classes = {c.class_code: (c.journals, *counts(c)) for c in view.classes}
    assert classes == {
        "1А": (1, 2, None, None, None, None, 1, 0, None, 0, 0),
        # 17 of 23 students-on-pages have no mark, 5 have one.
        "5А": (5, 23, 17, 73.9, 5, 21.7, 7, 1, 1, 2, 1),
    }
    assert counts(view.total) == (25, 17, 73.9, 5, 21.7, 8, 1, 1, 2, 1)


def test_a_range_and_one_class_or_journal(term: Term) -> None:
    september = monitoring(term, date(2026, 9, 1), date(2026, 9, 30), class_code="5А")
    assert september.as_of == date(2026, 9, 30)
    assert [c.class_code for c in september.classes] == ["5А"]
    math = next(j for j in september.journals if j.subject == "mathematics")
    # Three lessons; Морозов was not yet on the page; Гусев has no mark, the other four one.
    assert counts(math) == (5, 1, 20.0, 4, 80.0, 3, 1, 0, 2, 1)
    assert (math.timetabled_to_date, math.held_to_date, math.ktp_done_to_date) == (34, 3, 30.0)
    journal_id = term.world.journals["english1"]
    one = monitoring(term, *Q1, journal_id=journal_id)
    assert [j.journal_id for j in one.journals] == [journal_id]
    assert [t.full_name for t in one.teachers] == ["Сидорова Алла Викторовна"]
    assert counts(one.total) == counts(one.journals[0])


def test_an_unknown_year_or_journal_is_not_found(term: Term) -> None:
    with term.database.transaction(write=False) as cursor:
        with pytest.raises(ReportNotProjectedError):
            journal_monitoring(cursor, "2031/2032", *Q1, TODAY)
        with pytest.raises(ReportNotProjectedError):
            journal_monitoring(cursor, YEAR, *Q1, TODAY, journal_id=term.students[0])


def test_lessons_scheduled_follow_the_grades_periods(database_url: str, school_id: str) -> None:
    """Grade 10's first half-year runs through grade 5's autumn holidays (25 October to
    4 November): its timetabled lessons count those school days, grade 5's do not."""
    settings = Settings(database_url=database_url)
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    world = build_world(
        open_school(settings, school_id, clock=clock),
        clock,
        "school77",
        schemes=QUARTERS_AND_HALF_YEARS,
    )
    add_class(world, 10, pupils=1)
    year.set_timetable(
        world.school,
        world.deputy,
        year.SetTimetable(
            year=YEAR,
            class_code="10А",
            entries=tuple(
                year.TimetableSpec(weekday=day, slot=6, journal_id=world.journals["math10"])
                for day in range(1, 6)
            ),
        ),
    )
    database = open_database(settings, school_id)
    try:
        projector = Projector(world.school, database, [Reporting()], batch_size=50)
        projector.set_up()
        projector.catch_up()
        end = date(2026, 11, 6)
        with database.transaction(write=False) as cursor:
            view = journal_monitoring(cursor, YEAR, date(2026, 9, 1), end, end)
    finally:
        database.close()
    timetabled = {(j.class_code, j.subject): j.timetabled_to_date for j in view.journals}
    # Monday 26 October to Tuesday 3 November: 7 school days (4 November is a public holiday).
    assert timetabled[("10А", "mathematics")] - timetabled[("5А", "russian_language")] == 7
