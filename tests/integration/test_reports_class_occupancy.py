"""Class occupancy on both backends: per class the students at the start and end of a range,
at each month's start, who came and who left, and subgroup sizes, as counted by hand from
tests/report_term.py."""

from __future__ import annotations

from datetime import date

import pytest
from report_term import Term
from scenario import YEAR

from ejournal.projections.class_occupancy import ClassOccupancyView, class_occupancy
from ejournal.projections.reporting.queries import ReportNotProjectedError


def occupancy(term: Term, start: date, end: date) -> ClassOccupancyView:
    with term.database.transaction(write=False) as cursor:
        return class_occupancy(cursor, YEAR, start, end, period_id="Q1")


def test_the_first_quarter(term: Term) -> None:
    view = occupancy(term, date(2026, 9, 1), date(2026, 10, 24))
    lines = {
        c.class_code: (
            c.at_start,
            c.admitted,
            c.transferred_in,
            c.transferred_out,
            c.withdrawn,
            c.at_end,
            [m.students for m in c.month_starts],
        )
        for c in view.classes
    }
    assert lines == {
        # Зайцева withdrawn on 1 Oct (still there that day).
        "1А": (2, 0, 0, 0, 1, 1, [2, 2]),
        # Admissions of 1 Sep are the count at the start; Егоров to 5Б from 14 Sep; Морозов
        # admitted on 5 Oct.
        "5А": (5, 1, 0, 1, 0, 5, [5, 4]),
        "5Б": (0, 0, 1, 0, 0, 1, [0, 1]),
    }
    for c in view.classes:
        assert c.at_start + c.admitted + c.transferred_in - c.transferred_out - c.withdrawn == (
            c.at_end
        )
    assert [m.month for m in view.total.month_starts] == [date(2026, 9, 1), date(2026, 10, 1)]
    assert (view.total.at_start, view.total.at_end) == (7, 7)
    groups = {(g.subject_name, g.subgroup): g.students for g in view.classes[1].subgroups}
    # Морозов is in no subgroup yet; Егоров left group 2.
    assert groups == {
        ("Иностранный язык (английский)", "1"): 3,
        ("Иностранный язык (английский)", "2"): 1,
    }


def test_a_range_ending_on_a_withdrawal_still_counts_the_student(term: Term) -> None:
    view = occupancy(term, date(2026, 9, 14), date(2026, 10, 1))
    first = view.classes[0]
    assert (first.at_start, first.withdrawn, first.at_end) == (2, 0, 2)
    five_a = view.classes[1]
    # Егоров's transfer takes effect on the range's first day: he is already in 5Б.
    assert (five_a.at_start, five_a.transferred_out, five_a.at_end) == (4, 0, 4)
    assert (view.classes[2].at_start, view.classes[2].transferred_in) == (1, 0)


def test_an_unknown_year_is_not_found(term: Term) -> None:
    with term.database.transaction(write=False) as cursor, pytest.raises(ReportNotProjectedError):
        class_occupancy(cursor, "2031/2032", date(2031, 9, 1), date(2031, 9, 30))
