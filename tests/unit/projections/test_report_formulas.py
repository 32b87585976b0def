"""The reports' formulas against examples worked out by hand: attendance rates, shares of
students without marks and with one mark, averages, KTP progress, lessons due by the timetable
on the school's calendar, movements within a range, shares of parents who signed in."""

from __future__ import annotations

from datetime import date

import pytest

from ejournal.policy.calendar import Closure, SchoolCalendar
from ejournal.projections.attendance_report import attendance_rate
from ejournal.projections.class_occupancy import enrolled_on, moved_within
from ejournal.projections.family_activity import share_signed_in
from ejournal.projections.journal_monitoring import (
    plan_done,
    planned_to_date,
    share_with_one_mark,
    share_without_marks,
)
from ejournal.projections.marks_accumulation import rounded_average
from ejournal.projections.reporting.calendar import (
    Timetable,
    month_end,
    months_of,
    scheduled_lessons,
)
from ejournal.projections.reporting.queries import JournalFacts, PeriodFacts, Roster, percent

TERM = [PeriodFacts("Q1", "1 четверть", date(2026, 9, 1), date(2026, 10, 24))]
AUTUMN = [
    PeriodFacts("Q1", "1 четверть", date(2026, 9, 1), date(2026, 10, 24)),
    PeriodFacts("Q2", "2 четверть", date(2026, 11, 2), date(2026, 12, 28)),
]
MATH = "math-journal"
RUSSIAN = "russian-journal"


def test_attendance_rate() -> None:
    # 40 student-lessons, 6 missed: 34 / 40 = 85 %.
    assert attendance_rate(40, 6) == 85.0
    # 3 lessons, 1 missed: 2 / 3 = 66.666… %, to a tenth.
    assert attendance_rate(3, 1) == 66.7
    assert attendance_rate(5, 5) == 0.0
    assert attendance_rate(0, 0) is None
    assert percent(1, 8) == 12.5
    assert percent(1, 0) is None


def test_shares_of_students_without_marks_and_with_one() -> None:
    # Five students with 0, 0, 1, 3 and 5 marks: two without (40 %), one with one (20 %).
    marks = [0, 0, 1, 3, 5]
    assert share_without_marks(marks) == 40.0
    assert share_with_one_mark(marks) == 20.0
    # Three students, one of each: a third each.
    assert share_without_marks([0, 1, 2]) == 33.3
    assert share_with_one_mark([0, 1, 2]) == 33.3
    assert share_without_marks([]) is None
    assert share_with_one_mark([]) is None


def test_the_reports_average_is_the_diarys_to_two_decimals() -> None:
    # An oral "5" and a control work "3" of weight 2: (5 + 6) / 3 = 3.666…
    assert rounded_average([("5", 1.0), ("3", 2.0)]) == 3.67
    # (4·1.5 + 5·1.5 + 2·1) / 4 = 15.5 / 4 = 3.875; pass/fail marks do not count.
    assert rounded_average([("4", 1.5), ("5", 1.5), ("2", 1.0), ("зач", 1.0)]) == 3.88
    assert rounded_average([("зач", 1.0)]) is None
    assert rounded_average([]) is None


def test_ktp_progress() -> None:
    # A plan of 34 hours, 10 lessons due by the timetable so far, 9 held: 90 % to date.
    planned = planned_to_date(34, 10)
    assert planned == 10
    assert plan_done(9, planned) == 90.0
    assert plan_done(9, 34) == 26.5  # 9 / 34 = 26.47… % of the whole plan
    # The timetable has given more lessons than the plan holds: the plan is due in full.
    assert planned_to_date(34, 50) == 34
    # Ahead of the plan, the share goes past 100.
    assert plan_done(12, 10) == 120.0
    assert planned_to_date(None, 10) is None
    assert plan_done(5, None) is None


def test_lessons_due_by_the_timetable_in_september() -> None:
    # Mathematics on Mondays (lesson 1) and Wednesdays (lessons 2 and 3), Russian on Tuesdays.
    timetable = Timetable(
        versions=((date(2026, 8, 25), ((1, 1, MATH), (2, 1, RUSSIAN), (3, 2, MATH), (3, 3, MATH))),)
    )
    calendar = SchoolCalendar(week_length=5)
    due = scheduled_lessons(calendar, TERM, timetable, "5А", date(2026, 9, 1), date(2026, 9, 30))
    # September 2026: Mondays 7, 14, 21, 28 (4); Wednesdays 2, 9, 16, 23, 30 (5, two lessons
    # each); Tuesdays 1, 8, 15, 22, 29 (5).
    assert due == {MATH: 4 + 2 * 5, RUSSIAN: 5}


def test_closures_holidays_and_the_gaps_between_periods_are_not_due() -> None:
    timetable = Timetable(versions=((date(2026, 8, 25), ((1, 1, MATH), (3, 1, MATH))),))
    quarantine = Closure(
        start=date(2026, 9, 14),
        end=date(2026, 9, 18),
        kind="quarantine",
        classes=frozenset({"5А"}),
    )
    calendar = SchoolCalendar(week_length=5, closures=[quarantine])
    september = (date(2026, 9, 1), date(2026, 9, 30))
    # Monday 14 and Wednesday 16 fall in 5А's quarantine: 9 - 2 = 7; 5Б is not quarantined.
    assert scheduled_lessons(calendar, TERM, timetable, "5А", *september) == {MATH: 7}
    assert scheduled_lessons(calendar, TERM, timetable, "5Б", *september) == {MATH: 9}
    # 26 Oct – 1 Nov: the autumn holidays between the quarters; nothing is due.
    holidays = (date(2026, 10, 26), date(2026, 11, 1))
    assert scheduled_lessons(calendar, AUTUMN, timetable, "5А", *holidays) == {}
    # 2–11 Nov: Mondays 2 and 9, Wednesday 11; Wednesday 4 Nov is the Day of National Unity.
    november = (date(2026, 11, 2), date(2026, 11, 11))
    assert scheduled_lessons(calendar, AUTUMN, timetable, "5А", *november) == {MATH: 3}


def test_a_replaced_timetable_counts_from_the_day_it_was_set() -> None:
    first = ((1, 1, MATH),)  # Mondays
    second = ((1, 1, MATH), (5, 1, MATH))  # Mondays and Fridays, from 14 Sep
    timetable = Timetable(versions=((date(2026, 9, 3), first), (date(2026, 9, 14), second)))
    calendar = SchoolCalendar(week_length=5)
    # Before the first version was set it stands for the days before it too (1–13 Sep: Monday
    # 7); from 14 Sep: Mondays 14, 21, 28 and Fridays 18, 25.
    due = scheduled_lessons(calendar, TERM, timetable, "5А", date(2026, 9, 1), date(2026, 9, 30))
    assert due == {MATH: 1 + 3 + 2}
    assert timetable.weekly_hours(MATH, date(2026, 9, 10)) == 1
    assert timetable.weekly_hours(MATH, date(2026, 9, 14)) == 2
    assert Timetable(versions=()).weekly_hours(MATH, date(2026, 9, 14)) == 0


def test_a_subgroup_page_is_the_days_in_both_class_and_subgroup() -> None:
    roster = Roster(
        classes={
            "5А": {"a": [(date(2026, 9, 1), date(2026, 9, 13))], "b": [(date(2026, 9, 1), None)]}
        },
        subgroups={
            ("5А", "english", "1"): {
                "a": [(date(2026, 9, 1), None)],
                "b": [(date(2026, 10, 1), None)],
            }
        },
    )
    group = JournalFacts("j", "5А", 5, "english", "Английский", "1", None)
    whole = JournalFacts("k", "5А", 5, "math", "Математика", None, None)
    assert roster.page(group) == {
        "a": [(date(2026, 9, 1), date(2026, 9, 13))],
        "b": [(date(2026, 10, 1), None)],
    }
    assert roster.page(whole) == roster.classes["5А"]


def test_students_in_a_class_on_a_day_and_movements_within_a_range() -> None:
    students = {
        "stayed": [(date(2026, 9, 1), None)],
        "left": [(date(2026, 9, 1), date(2026, 9, 13))],
        "came": [(date(2026, 10, 5), None)],
    }
    assert enrolled_on(students, date(2026, 9, 1)) == 2
    assert enrolled_on(students, date(2026, 9, 13)) == 2
    assert enrolled_on(students, date(2026, 9, 14)) == 1
    assert enrolled_on(students, date(2026, 10, 5)) == 2
    start, end = date(2026, 9, 1), date(2026, 10, 24)
    # An admission on the first day is in the count at the start, not a coming.
    assert moved_within("admitted", start, start, end) is False
    assert moved_within("admitted", end, start, end) is True
    assert moved_within("transferred", date(2026, 9, 14), start, end) is True
    # A withdrawal on the last day leaves the student in the count at the end.
    assert moved_within("withdrawn", start, start, end) is True
    assert moved_within("withdrawn", end, start, end) is False


def test_months_of_a_school_year() -> None:
    months = months_of(date(2026, 9, 1), date(2027, 5, 31))
    assert [(m.year, m.month) for m in months] == [
        (2026, 9),
        (2026, 10),
        (2026, 11),
        (2026, 12),
        (2027, 1),
        (2027, 2),
        (2027, 3),
        (2027, 4),
        (2027, 5),
    ]
    assert month_end(date(2027, 2, 1)) == date(2027, 2, 28)
    assert month_end(date(2026, 12, 1)) == date(2026, 12, 31)


@pytest.mark.parametrize(
    ("with_access", "signed_in", "share"),
    [(12, 9, 75.0), (3, 1, 33.3), (2, 2, 100.0), (0, 0, None)],
)
def test_the_share_who_signed_in(with_access: int, signed_in: int, share: float | None) -> None:
    assert share_signed_in(with_access, signed_in) == share
