"""The diary's weighted average and forecast (School 77 §9.3) against averages worked out by
hand."""

from __future__ import annotations

import pytest

from ejournal.projections.diary.forecast import counted, forecast, weighted_average


def test_plain_marks_of_equal_weight_average_arithmetically() -> None:
    # (5 + 4 + 4) / 3
    assert weighted_average([("5", 1.0), ("4", 1.0), ("4", 1.0)]) == pytest.approx(13 / 3)


def test_weights_are_the_ones_recorded_on_each_mark() -> None:
    # A control work of weight 2 and two oral answers: (3·2 + 5 + 5) / 4 = 16 / 4
    assert weighted_average([("3", 2.0), ("5", 1.0), ("5", 1.0)]) == 4.0
    # (2·1.5 + 5·0.5) / 2 = 5.5 / 2
    assert weighted_average([("2", 1.5), ("5", 0.5)]) == 2.75


def test_a_plus_or_minus_moves_a_mark_by_a_quarter() -> None:
    # (4.25 + 3.75 + 5) / 3 = 13 / 3
    assert weighted_average([("4+", 1.0), ("4-", 1.0), ("5", 1.0)]) == pytest.approx(13 / 3)
    # (4.75·2 + 4) / 3 = 13.5 / 3 = 4.5
    assert weighted_average([("5-", 2.0), ("4", 1.0)]) == 4.5


def test_pass_fail_marks_do_not_count() -> None:
    assert weighted_average([("зач", 1.0), ("5", 1.0), ("незач", 3.0), ("3", 1.0)]) == 4.0
    assert weighted_average([("зач", 1.0), ("незач", 1.0)]) is None
    assert weighted_average([]) is None
    assert counted(["зач", "5", "4-", "незач"]) == 2


def test_the_forecast_rounds_half_up() -> None:
    assert forecast(4.5, 3) == "5"
    assert forecast(4.49, 3) == "4"
    assert forecast(3.5, 4) == "4"
    assert forecast(2.5, 5) == "3"  # half up, not to even
    assert forecast(13 / 3, 3) == "4"
    assert forecast(5.0, 10) == "5"


def test_no_forecast_from_fewer_than_three_marks() -> None:
    assert forecast(4.5, 2) is None
    assert forecast(5.0, 0) is None
    assert forecast(None, 5) is None


def test_forecast_from_marks_end_to_end() -> None:
    # 4.75·2 + 4 + 4.25 = 17.75 over a weight of 4 = 4.4375: forecast 4.
    marks = [("5-", 2.0), ("4", 1.0), ("4+", 1.0), ("зач", 1.0)]
    average = weighted_average(marks)
    assert average == 4.4375
    assert forecast(average, counted(v for v, _ in marks)) == "4"
    # One more 5: 22.75 over 5 = 4.55: forecast 5.
    marks.append(("5", 1.0))
    average = weighted_average(marks)
    assert average == pytest.approx(4.55)
    assert forecast(average, counted(v for v, _ in marks)) == "5"
