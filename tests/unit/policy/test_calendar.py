"""The working-day calendar on real Russian calendar data (the ``holidays`` package)."""

from __future__ import annotations

from datetime import date

import pytest
from holidays import country_holidays

from ejournal.policy.calendar import Closure, SchoolCalendar

FIVE_DAY = SchoolCalendar(week_length=5)
SIX_DAY = SchoolCalendar(week_length=6)


def test_the_state_calendar_is_what_these_tests_assume() -> None:
    ru_2025 = country_holidays("RU", years=2025)
    ru_2026 = country_holidays("RU", years=2026)
    assert date(2025, 11, 1) in ru_2025.weekend_workdays  # a Saturday worked for Monday 3 Nov
    assert date(2025, 11, 3) in ru_2025
    assert date(2025, 11, 4) in ru_2025  # Unity Day
    assert date(2026, 11, 4) in ru_2026  # Unity Day, a Wednesday
    assert date(2026, 11, 4).weekday() == 2
    assert date(2025, 12, 31) in ru_2025  # substituted from 5 January 2025
    assert all(date(2026, 1, d) in ru_2026 for d in range(1, 10))  # 9 Jan substituted from 3 Jan


def test_weekdays_are_working_days_and_sunday_never_is() -> None:
    assert FIVE_DAY.is_working_day(date(2026, 10, 14))
    assert SIX_DAY.is_working_day(date(2026, 10, 14))
    assert not FIVE_DAY.is_working_day(date(2026, 10, 18))
    assert not SIX_DAY.is_working_day(date(2026, 10, 18))


def test_saturday_is_a_working_day_only_in_a_six_day_week() -> None:
    saturday = date(2026, 10, 17)
    assert SIX_DAY.is_working_day(saturday)
    assert not FIVE_DAY.is_working_day(saturday)
    assert SIX_DAY.add_working_days(date(2026, 10, 16), 1) == saturday
    assert FIVE_DAY.add_working_days(date(2026, 10, 16), 1) == date(2026, 10, 19)


def test_public_holidays_and_substituted_days_off_are_not_working_days() -> None:
    assert not FIVE_DAY.is_working_day(date(2026, 11, 4))
    assert not SIX_DAY.is_working_day(date(2026, 11, 4))
    assert not FIVE_DAY.is_working_day(date(2026, 1, 9))  # substituted from Saturday 3 January
    assert not FIVE_DAY.is_working_day(date(2025, 12, 31))
    assert not SIX_DAY.is_working_day(date(2026, 1, 3))  # a Saturday, but a New Year holiday


def test_a_saturday_transferred_into_a_working_day_counts_even_in_a_five_day_week() -> None:
    assert FIVE_DAY.is_working_day(date(2025, 11, 1))
    assert not FIVE_DAY.is_working_day(date(2025, 11, 3))
    assert FIVE_DAY.add_working_days(date(2025, 10, 31), 1) == date(2025, 11, 1)
    assert FIVE_DAY.add_working_days(date(2025, 10, 31), 2) == date(2025, 11, 5)


def test_school_holidays_do_not_count() -> None:
    autumn = Closure(date(2026, 10, 26), date(2026, 11, 3), "holidays", None, "осенние каникулы")
    calendar = SchoolCalendar(week_length=5, closures=[autumn])
    assert not calendar.is_working_day(date(2026, 10, 27), "7Б")
    assert not calendar.is_working_day(date(2026, 10, 27))
    assert calendar.closure_on(date(2026, 10, 27), "7Б") == autumn
    # Fri 23 Oct + 1: the holidays, then Unity Day, then Thursday 5 November.
    assert calendar.add_working_days(date(2026, 10, 23), 1) == date(2026, 11, 5)


def test_a_quarantine_of_one_class_closes_only_that_class() -> None:
    quarantine = Closure(
        date(2026, 10, 19), date(2026, 10, 23), "quarantine", frozenset({"5А"}), "ОРВИ"
    )
    calendar = SchoolCalendar(week_length=5, closures=[quarantine])
    tuesday = date(2026, 10, 20)
    assert not calendar.is_working_day(tuesday, "5А")
    assert calendar.is_working_day(tuesday, "5Б")
    assert calendar.is_working_day(tuesday)
    assert calendar.closure_on(tuesday, "5А") == quarantine
    assert calendar.closure_on(tuesday, "5Б") is None
    assert calendar.closure_on(tuesday) is None
    assert calendar.add_working_days(date(2026, 10, 16), 1, "5А") == date(2026, 10, 26)
    assert calendar.add_working_days(date(2026, 10, 16), 1, "5Б") == date(2026, 10, 19)


def test_a_schools_own_days_off_and_working_days() -> None:
    republic_day = date(2026, 10, 12)  # a Monday; a regional day off the federal list lacks
    saturday = date(2026, 10, 17)
    calendar = SchoolCalendar(
        week_length=5, extra_days_off=[republic_day], extra_working_days=[saturday]
    )
    assert not calendar.is_working_day(republic_day)
    assert calendar.is_working_day(saturday)


def test_a_closure_beats_a_school_ordered_working_day() -> None:
    saturday = date(2026, 10, 17)
    quarantine = Closure(saturday, saturday, "quarantine", frozenset({"9В"}))
    calendar = SchoolCalendar(week_length=5, closures=[quarantine], extra_working_days=[saturday])
    assert calendar.is_working_day(saturday, "9А")
    assert not calendar.is_working_day(saturday, "9В")


def test_add_working_days_from_a_day_off_and_zero() -> None:
    sunday = date(2026, 10, 18)
    assert FIVE_DAY.add_working_days(sunday, 0) == sunday
    assert FIVE_DAY.add_working_days(sunday, 1) == date(2026, 10, 19)
    with pytest.raises(ValueError, match="-1"):
        FIVE_DAY.add_working_days(sunday, -1)


def test_working_days_across_new_year() -> None:
    days = list(FIVE_DAY.working_days(date(2025, 12, 26), date(2026, 1, 14)))
    assert days == [
        date(2025, 12, 26),
        date(2025, 12, 29),
        date(2025, 12, 30),
        date(2026, 1, 12),
        date(2026, 1, 13),
        date(2026, 1, 14),
    ]


def test_a_closure_must_make_sense() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        Closure(date(2026, 11, 3), date(2026, 10, 26), "holidays", None)
    with pytest.raises(ValueError, match="whole school"):
        Closure(date(2026, 10, 26), date(2026, 11, 3), "holidays", frozenset())
