"""The classes of a generated school: grades 1–11 with letters, about 25 students a class.

N students are shared among the grades the way Russian schools fill them (grades 10–11 hold about
half a grade 1–9 cohort, since many leave after grade 9), and each grade gets as many parallel
classes (5А, 5Б, 5В, …) as keep a class near 25: a 1,000-student school has about 40 classes.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from ejournal.generator.curriculum import GRADES

CLASS_SIZE = 25
"""The size a school aims at (the usual norm for a city class)."""
MAX_CLASS_SIZE = 32
LETTERS = "АБВГДЕЖЗИКЛМНОПРСТУФ"
"""Class letters in the order parallels are opened (no Ё or Й)."""
SENIOR_SHARE = 0.55
"""A grade 10–11 cohort against a grade 1–9 one."""


@dataclass(frozen=True)
class ClassPlan:
    """One class of the school: its grade, letter and how many students it takes in."""

    grade: int
    letter: str
    size: int

    @property
    def code(self) -> str:
        return f"{self.grade}{self.letter}"


def grade_weight(grade: int) -> float:
    return SENIOR_SHARE if grade >= 10 else 1.0


def students_by_grade(students: int, grades: Sequence[int] = GRADES) -> dict[int, int]:
    """How many of the school's students are in each grade (largest-remainder shares)."""
    if students < 1:
        raise ValueError("a school needs at least one student")
    if not grades or any(g not in GRADES for g in grades):
        raise ValueError(f"grades run from 1 to 11: {tuple(grades)}")
    total = sum(grade_weight(g) for g in grades)
    exact = {g: students * grade_weight(g) / total for g in grades}
    shares = {g: math.floor(n) for g, n in exact.items()}
    left = students - sum(shares.values())
    by_remainder = sorted(grades, key=lambda g: (-(exact[g] - shares[g]), g))
    for grade in by_remainder[:left]:
        shares[grade] += 1
    return {g: shares[g] for g in sorted(grades)}


def parallels(cohort: int) -> int:
    """How many classes a grade of this many students is taught in."""
    if cohort == 0:
        return 0
    return max(1, round(cohort / CLASS_SIZE), math.ceil(cohort / MAX_CLASS_SIZE))


def plan_classes(
    students: int, rng: random.Random, grades: Sequence[int] = GRADES
) -> tuple[ClassPlan, ...]:
    """The school's classes, grade by grade and letter by letter, their sizes adding up to
    ``students``; parallels differ by a student or two, as real classes do."""
    plans: list[ClassPlan] = []
    for grade, cohort in students_by_grade(students, grades).items():
        count = parallels(cohort)
        if count == 0:
            continue
        base, extra = divmod(cohort, count)
        sizes = [base + (1 if i < extra else 0) for i in range(count)]
        # A student or two move between parallels; the grade's total stays.
        for _ in range(count):
            giver, taker = rng.randrange(count), rng.randrange(count)
            if giver != taker and sizes[giver] > 1 and sizes[taker] < MAX_CLASS_SIZE:
                sizes[giver] -= 1
                sizes[taker] += 1
        plans += [
            ClassPlan(grade=grade, letter=LETTERS[i], size=size) for i, size in enumerate(sizes)
        ]
    return tuple(plans)
