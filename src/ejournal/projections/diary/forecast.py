"""The weighted average of a student's marks and the forecast of their period mark (School 77
§9.3)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from ejournal.marks import points

FORECAST_MIN_MARKS = 3
"""Fewer marks than this give no forecast: too few to say anything about the period."""

# --- the formulas -------------------------------------------------------------------------------


def weighted_average(marks: Iterable[tuple[str, float]]) -> float | None:
    """The weighted average (средневзвешенный балл) of (value, weight) marks; None when no mark
    counts.

    A "+" or "-" moves a mark by a quarter (ejournal.marks.points); pass/fail marks do not count.
    """
    total = Decimal(0)
    weights = Decimal(0)
    for value, weight in marks:
        worth = points(value)
        if worth is None:
            continue
        # Decimal, so that 4.5 stays 4.5 and the forecast's half-up rounding is exact.
        w = Decimal(str(weight))
        total += Decimal(str(worth)) * w
        weights += w
    if weights == 0:
        return None
    return float(total / weights)


def forecast(average: float | None, count: int) -> str | None:
    """The forecast period mark: the weighted average rounded half up (4.5 → "5", 4.49 → "4"),
    or None with fewer than three counted marks."""
    if average is None or count < FORECAST_MIN_MARKS:
        return None
    return str(Decimal(str(average)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def counted(values: Iterable[str]) -> int:
    """How many marks count towards the average (pass/fail marks do not)."""
    return sum(1 for value in values if points(value) is not None)
