"""Marks: over a school about 30% fives, 40% fours, 25% threes and 5% twos, a strong student's
better than a weak one's; the period mark is the weighted average rounded half up."""

from __future__ import annotations

import random
from collections import Counter

from ejournal.generator.assessment import (
    MARK_SHARES,
    draw_ability,
    draw_count,
    draw_leaning,
    draw_mark,
    period_mark,
    weighted_average,
    work_kinds,
)
from ejournal.marks import WorkKind
from ejournal.policy.profile import load_profile


def test_marks_over_a_school_have_the_usual_shares() -> None:
    rng = random.Random(1)
    counts: Counter[str] = Counter()
    for _ in range(3000):
        skill = draw_ability(rng) + draw_leaning(rng)
        counts.update(draw_mark(skill, rng) for _ in range(10))
    total = sum(counts.values())
    for value, share in MARK_SHARES.items():
        assert abs(counts[value] / total - share) < 0.02, (value, counts[value] / total)


def test_a_strong_student_does_better_than_a_weak_one() -> None:
    rng = random.Random(2)
    strong = [int(draw_mark(1.5, rng)) for _ in range(500)]
    weak = [int(draw_mark(-1.5, rng)) for _ in range(500)]
    assert sum(strong) / 500 > 4.4
    assert sum(weak) / 500 < 3.4
    assert Counter(map(str, strong))["5"] > Counter(map(str, weak))["5"] * 5


def test_period_marks_round_the_weighted_average_half_up() -> None:
    assert weighted_average([("5", 1.0), ("3", 1.0)]) == 4.0
    assert weighted_average([("5", 2.0), ("4", 1.0)]) == 14 / 3
    assert period_mark("mathematics", [("5", 1.0), ("4", 1.0)], "3") == "5"  # 4.5
    assert period_mark("mathematics", [("4", 1.0), ("4", 1.0), ("5", 1.0)], "3") == "4"
    assert period_mark("mathematics", [("2", 2.0), ("5", 1.0)], "4") == "3"
    assert period_mark("mathematics", [], "4") == "4"
    assert period_mark("odnknr", [("5", 1.0)], "4") == "зач"


def test_kinds_of_work_are_the_subjects_and_the_profiles() -> None:
    profile = load_profile("school77")
    assert WorkKind.LABORATORY in work_kinds("physics", profile)
    assert WorkKind.ESSAY in work_kinds("literature", profile)
    assert set(work_kinds("physical_education", profile)) <= {WorkKind.PRACTICAL, WorkKind.TEST}
    for subject in ("russian_language", "history", "music"):
        assert set(work_kinds(subject, profile)) <= set(profile.weights)


def test_one_to_four_students_are_marked_at_a_lesson() -> None:
    rng = random.Random(3)
    counts = Counter(draw_count(rng, "mathematics", 25) for _ in range(2000))
    assert set(counts) == {1, 2, 3, 4}
    assert draw_count(rng, "mathematics", 2) <= 2
    assert draw_count(rng, "orkse", 25) == 0
