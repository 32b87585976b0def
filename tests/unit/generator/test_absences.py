"""Absences: spells of illness over a year keep students away from 5–10% of their lessons, most
of them for illness, and each spell lies inside the days it was planned on."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

from ejournal.generator.absences import (
    attendance_at,
    draw_proneness,
    plan_spells,
)
from ejournal.marks import AbsenceReason, Attendance

YEAR = [
    date(2026, 9, 1) + timedelta(days=n)
    for n in range(270)
    if (date(2026, 9, 1) + timedelta(days=n)).weekday() < 5
]


def test_a_year_of_spells_and_single_absences_is_five_to_ten_percent() -> None:
    rng = random.Random(1)
    away = absent = lessons = 0
    reasons: Counter[AbsenceReason] = Counter()
    for _ in range(400):
        spells = plan_spells(YEAR, draw_proneness(rng), rng)
        days = {d for s in spells for d in s.days}
        assert len(days) == sum(len(s.days) for s in spells)
        assert days <= set(YEAR)
        reasons.update(s.reason for s in spells)
        away += len(days)
        for day in YEAR:
            for slot in range(1, 7):
                lessons += 1
                if day in days or attendance_at(slot, rng) is Attendance.ABSENT:
                    absent += 1
    assert 0.05 <= absent / lessons <= 0.10
    assert reasons.most_common(1)[0][0] is AbsenceReason.ILLNESS
    assert set(reasons) <= {AbsenceReason.ILLNESS, AbsenceReason.FAMILY, AbsenceReason.OFFICIAL}


def test_a_spell_is_consecutive_school_days() -> None:
    rng = random.Random(2)
    for _ in range(200):
        for spell in plan_spells(YEAR, 2.0, rng):
            indexes = [YEAR.index(d) for d in spell.days]
            assert indexes == list(range(indexes[0], indexes[0] + len(indexes)))


def test_late_arrivals_are_mostly_at_the_first_lesson() -> None:
    rng = random.Random(3)
    first = Counter(attendance_at(1, rng) for _ in range(20_000))
    later = Counter(attendance_at(4, rng) for _ in range(20_000))
    assert first[Attendance.LATE] > 3 * later[Attendance.LATE]
