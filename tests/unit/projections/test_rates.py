"""Success rate (успеваемость) and quality rate (качество знаний), checked against results
worked out by hand."""

from __future__ import annotations

import pytest

from ejournal.projections.summary_sheets.queries import results_line
from ejournal.projections.summary_sheets.rates import (
    counts_for_quality,
    is_successful,
    quality_rate,
    success_rate,
)


@pytest.mark.parametrize(
    ("marks", "successful", "quality"),
    [
        (["5", "4", "5"], True, True),
        (["5", "3"], True, False),
        (["4", "2"], False, False),
        (["1"], False, False),
        (["4-", "5+"], True, True),
        (["3+"], True, False),
        (["5", "зач"], True, True),  # a pass neither earns nor spoils quality
        (["зач"], True, None),  # pass/fail marks only: not judged for quality
        (["5", "незач"], False, False),
    ],
)
def test_one_students_marks(marks: list[str], successful: bool, quality: bool | None) -> None:
    assert is_successful(marks) is successful
    assert counts_for_quality(marks) is quality


def test_a_subject_of_eight_students() -> None:
    # 5, 5, 4, 4, 4, 3, 3, 2: seven of eight pass (87.5 %), five of eight on 4 and 5 (62.5 %).
    students = [["5"], ["5"], ["4"], ["4"], ["4"], ["3"], ["3"], ["2"]]
    assert success_rate(students) == 87.5
    assert quality_rate(students) == 62.5


def test_shares_are_rounded_to_a_tenth() -> None:
    # 2 of 3 = 66.666… %; 1 of 3 = 33.333… %.
    students = [["5"], ["3"], ["2"]]
    assert success_rate(students) == 66.7
    assert quality_rate(students) == 33.3


def test_a_class_as_a_whole_judges_each_student_by_all_their_marks() -> None:
    students = [
        ["5", "5", "4", "зач"],  # successful, quality
        ["5", "4", "3", "зач"],  # successful, one "3" spoils quality
        ["4", "2", "5", "зач"],  # a "2": neither
        ["5", "5", "5", "незач"],  # a fail: neither
    ]
    assert success_rate(students) == 50.0
    assert quality_rate(students) == 25.0


def test_a_pass_fail_subject_has_success_but_no_quality() -> None:
    students = [["зач"], ["зач"], ["зач"], ["незач"]]
    assert success_rate(students) == 75.0
    # Three passes are not judged; the fail is: 0 of 1.
    assert quality_rate(students) == 0.0
    assert quality_rate([["зач"], ["зач"]]) is None


def test_students_without_marks_are_not_counted() -> None:
    assert success_rate([]) is None
    assert quality_rate([[], []]) is None
    assert success_rate([[], ["5"], ["2"]]) == 50.0


def test_a_line_of_the_results() -> None:
    line = results_line("mathematics", "Математика", [["5"], ["4+"], ["4"], ["3"], ["2"], []])
    assert (line.students, line.fives, line.fours, line.threes, line.twos) == (5, 1, 2, 1, 1)
    assert (line.passed, line.failed) == (0, 0)
    assert (line.success_rate, line.quality_rate) == (80.0, 60.0)


def test_not_attested_is_a_debt_and_exempt_is_left_out() -> None:
    """«н/а» (where a school allows it) is an academic debt like a "2"; «осв.» neither earns
    nor spoils success or quality."""
    assert success_rate([["5", "н/а"], ["4", "осв."]]) == 50.0
    assert quality_rate([["5", "н/а"], ["4", "осв."]]) == 50.0
