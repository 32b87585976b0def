"""The school year 2026/2027 the demo and the generated schools live through: its reporting
periods, the education department's holidays, and the bells."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time

from ejournal.commands import year
from ejournal.marks import PeriodKind

DEMO_YEAR = "2026/2027"
FIRST_DAY = date(2026, 9, 1)
LAST_DAY_OF_YEAR = date(2027, 5, 31)
SET_UP_DAY = date(2026, 8, 24)
"""The Monday the administrator starts setting the year up."""

PERIODS: dict[PeriodKind, tuple[year.PeriodSpec, ...]] = {
    PeriodKind.QUARTERS: (
        year.PeriodSpec(id="Q1", name="1 четверть", start=date(2026, 9, 1), end=date(2026, 10, 23)),
        year.PeriodSpec(
            id="Q2", name="2 четверть", start=date(2026, 11, 5), end=date(2026, 12, 26)
        ),
        year.PeriodSpec(id="Q3", name="3 четверть", start=date(2027, 1, 12), end=date(2027, 3, 19)),
        year.PeriodSpec(id="Q4", name="4 четверть", start=date(2027, 3, 29), end=date(2027, 5, 26)),
    ),
    PeriodKind.TRIMESTERS: (
        year.PeriodSpec(id="T1", name="1 триместр", start=date(2026, 9, 1), end=date(2026, 11, 27)),
        year.PeriodSpec(id="T2", name="2 триместр", start=date(2026, 12, 1), end=date(2027, 2, 26)),
        year.PeriodSpec(id="T3", name="3 триместр", start=date(2027, 3, 1), end=date(2027, 5, 26)),
    ),
    PeriodKind.HALF_YEARS: (
        year.PeriodSpec(
            id="H1", name="1 полугодие", start=date(2026, 9, 1), end=date(2026, 12, 26)
        ),
        year.PeriodSpec(
            id="H2", name="2 полугодие", start=date(2027, 1, 12), end=date(2027, 5, 26)
        ),
    ),
}

Holiday = tuple[date, date, str, frozenset[str] | None]
"""First day, last day, the reason, and the classes it is for (None: the whole school)."""


def holidays_for(first_grade_classes: Iterable[str]) -> tuple[Holiday, ...]:
    """The year's school holidays; first-graders get a week more in February (СанПиН)."""
    first_graders = frozenset(first_grade_classes)
    extra: tuple[Holiday, ...] = (
        (
            (
                date(2027, 2, 15),
                date(2027, 2, 21),
                "Дополнительные каникулы для 1-х классов",
                first_graders,
            ),
        )
        if first_graders
        else ()
    )
    return (
        (date(2026, 10, 24), date(2026, 11, 3), "Осенние каникулы", None),
        (date(2026, 12, 27), date(2027, 1, 11), "Зимние каникулы", None),
        *extra,
        (date(2027, 3, 20), date(2027, 3, 28), "Весенние каникулы", None),
    )


BELLS: tuple[tuple[int, time, time], ...] = (
    (1, time(8, 0), time(8, 45)),
    (2, time(8, 55), time(9, 40)),
    (3, time(10, 0), time(10, 45)),
    (4, time(11, 5), time(11, 50)),
    (5, time(12, 0), time(12, 45)),
    (6, time(12, 55), time(13, 40)),
    (7, time(13, 50), time(14, 35)),
)
"""Slot, start, end: 45-minute lessons with two long breaks for meals."""
