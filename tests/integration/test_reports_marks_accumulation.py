"""Accumulation of marks on both backends: per student and subject the current marks of the
period and their weighted average, as worked out by hand from tests/report_term.py."""

from __future__ import annotations

import pytest
from report_term import NAMES, Term
from scenario import YEAR

from ejournal.projections.marks_accumulation import marks_accumulation
from ejournal.projections.reporting.queries import ReportNotProjectedError


def test_marks_and_averages_per_student_and_subject(term: Term) -> None:
    with term.database.transaction(write=False) as cursor:
        view = marks_accumulation(cursor, YEAR, "5А", "Q1")
    assert (view.period_name, view.marks_expected) == ("1 четверть", True)
    assert [s.subject_name for s in view.subjects] == [
        "Иностранный язык (английский)",
        "Литература",
        "Математика",
        "Русский язык",
    ]
    assert [row.full_name for row in view.rows] == NAMES
    math = {row.full_name: row.cells[2] for row in view.rows}
    assert {n: (c.marks, c.counted, c.average) for n, c in math.items()} == {
        # "5" oral (weight 1) and "3" for a control work (weight 2): (5 + 6) / 3 = 3.67
        NAMES[0]: (2, 2, 3.67),
        NAMES[1]: (1, 1, 4.0),  # entered late, counted all the same
        NAMES[2]: (0, 0, None),
        NAMES[3]: (1, 1, 5.0),  # Monday's "4" was voided
        NAMES[4]: (1, 1, 4.0),  # "3" corrected to "4"
        NAMES[5]: (1, 1, 5.0),
    }
    english = {row.full_name: row.cells[0] for row in view.rows}
    assert (english[NAMES[0]].marks, english[NAMES[0]].average) == (1, 4.0)
    # Морозов is in no English subgroup: not on its pages, no cell to fill.
    assert [english[n].on_page for n in NAMES] == [True] * 5 + [False]


def test_each_subjects_column(term: Term) -> None:
    with term.database.transaction(write=False) as cursor:
        view = marks_accumulation(cursor, YEAR, "5А", "Q1")
    columns = {
        s.subject: (s.weekly_hours, s.students, s.without_marks, s.one_mark, s.marks)
        for s in view.subjects
    }
    assert columns == {
        "foreign_language": (5, 5, 4, 1, 1),
        "literature": (5, 6, 6, 0, 0),
        "mathematics": (10, 6, 1, 4, 6),  # two lessons a day in the timetable
        "russian_language": (5, 6, 6, 0, 0),
    }


def test_a_first_grade_gets_no_marks_and_unknowns_are_not_found(term: Term) -> None:
    with term.database.transaction(write=False) as cursor:
        first = marks_accumulation(cursor, YEAR, "1А", "Q1")
        with pytest.raises(ReportNotProjectedError):
            marks_accumulation(cursor, YEAR, "5А", "Z9")
        with pytest.raises(ReportNotProjectedError):
            marks_accumulation(cursor, YEAR, "9Я", "Q1")
    # School 77 §3.7: no marks in grade 1.
    assert first.marks_expected is False
    assert [c.marks for row in first.rows for c in row.cells] == [0, 0]
