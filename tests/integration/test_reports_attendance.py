"""The monthly attendance report on both backends: five weeks of 5А through the real commands
give the lessons, student-lessons, misses and rates the class teacher counts by hand
(tests/report_term.py tells what happened)."""

from __future__ import annotations

from datetime import date

import pytest
from report_term import NAMES, Term
from scenario import YEAR

from ejournal.projections.attendance_report import class_attendance
from ejournal.projections.reporting.queries import ReportNotProjectedError

SEPTEMBER = date(2026, 9, 1)
OCTOBER = date(2026, 10, 1)


def test_the_class_month_by_month(term: Term) -> None:
    with term.database.transaction(write=False) as cursor:
        view = class_attendance(cursor, YEAR, "5А")
    assert [m.month for m in view.months][:2] == [SEPTEMBER, OCTOBER]
    assert len(view.months) == 9  # September to May
    september, october = view.months[0], view.months[1]
    # Lessons: 7 Sep mathematics, Russian, English 1 and English 2; 8 and 9 Sep mathematics.
    assert september.lessons == 6
    # Student-lessons: 5 on each whole-class lesson (four of them), 3 + 2 on the subgroups'.
    assert (september.student_lessons, september.missed, september.valid) == (25, 4, 2)
    assert september.rate == 84.0  # 21 of 25
    # 5 Oct: Егоров has left, Морозов has come; Белова is away without a reason yet.
    assert (october.lessons, october.student_lessons, october.missed, october.valid) == (1, 5, 1, 0)
    assert october.rate == 80.0
    assert all(m.lessons == 0 and m.rate is None for m in view.months[2:])
    assert view.lessons == 7
    assert view.total.model_dump() == {
        "student_lessons": 30,
        "missed": 5,
        "valid": 2,
        "rate": 83.3,  # 25 of 30
    }


def test_each_student_month_by_month(term: Term) -> None:
    with term.database.transaction(write=False) as cursor:
        view = class_attendance(cursor, YEAR, "5А")
    # Everyone who was in the class this year, alphabetical: Егоров left, Морозов came.
    assert [s.full_name for s in view.students] == NAMES
    months = {
        s.full_name: [(m.student_lessons, m.missed, m.valid, m.rate) for m in s.months[:2]]
        for s in view.students
    }
    assert months == {
        NAMES[0]: [(5, 1, 0, 80.0), (1, 0, 0, 100.0)],  # unexcused on 8 Sep
        NAMES[1]: [(5, 2, 2, 60.0), (1, 1, 0, 0.0)],  # ill on 7 Sep; away on 5 Oct
        NAMES[2]: [(5, 0, 0, 100.0), (1, 0, 0, 100.0)],  # late is not missed
        NAMES[3]: [(5, 0, 0, 100.0), (1, 0, 0, 100.0)],  # corrected to present
        NAMES[4]: [(5, 1, 0, 80.0), (0, 0, 0, None)],  # English group 2; left on 14 Sep
        NAMES[5]: [(0, 0, 0, None), (1, 0, 0, 100.0)],  # admitted on 5 Oct
    }
    totals = {
        s.full_name: (s.total.student_lessons, s.total.missed, s.total.rate) for s in view.students
    }
    assert totals[NAMES[1]] == (6, 3, 50.0)
    assert sum(t[0] for t in totals.values()) == view.total.student_lessons


def test_a_first_grade_and_an_unknown_class(term: Term) -> None:
    with term.database.transaction(write=False) as cursor:
        first = class_attendance(cursor, YEAR, "1А")
        with pytest.raises(ReportNotProjectedError):
            class_attendance(cursor, YEAR, "9Я")
        with pytest.raises(ReportNotProjectedError):
            class_attendance(cursor, "2031/2032", "5А")
    # 7 Sep: Жаров absent of two first-graders.
    assert (first.months[0].lessons, first.months[0].student_lessons) == (1, 2)
    assert (first.total.missed, first.total.rate) == (1, 50.0)
