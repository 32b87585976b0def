"""Marks: how a generated teacher marks, and the period mark a student's marks add up to.

Each student has an ability and a leaning for or against each subject; a mark is their ability
plus the leaning plus the luck of the day, cut at thresholds chosen so that over a school the
marks come out about 5: 30%, 4: 40%, 3: 25%, 2: 5% (the shares Russian schools report), while a
strong student mostly gets fives and a weak one threes. A control work is a little harder. The
kind of work is one of those a teacher of the subject gives, among the kinds the profile weighs.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from statistics import NormalDist

from ejournal.marks import PASS_MARK, WorkKind, points
from ejournal.policy.profile import RegulationProfile
from ejournal.subjects import PASS_FAIL_SUBJECTS

MARK_SHARES: dict[str, float] = {"2": 0.05, "3": 0.25, "4": 0.40, "5": 0.30}
"""The share of each mark over a school, lowest first."""

ABILITY_SD = 1.0
SUBJECT_SD = 0.5
LUCK_SD = 1.0
_SPREAD = (ABILITY_SD**2 + SUBJECT_SD**2 + LUCK_SD**2) ** 0.5


def _thresholds() -> tuple[float, ...]:
    cumulative, cuts = 0.0, []
    for share in list(MARK_SHARES.values())[:-1]:
        cumulative += share
        cuts.append(NormalDist(0, _SPREAD).inv_cdf(cumulative))
    return tuple(cuts)


THRESHOLDS = _thresholds()
"""The scores at which a 2 becomes a 3, a 3 a 4 and a 4 a 5."""
CONTROL_WORK_SHIFT = -0.3
"""A control work is harder than the day's oral answers."""

UNMARKED_SUBJECTS = PASS_FAIL_SUBJECTS
"""Taught without marks (безотметочное обучение); the period closes with a pass."""

MARKS_PER_LESSON: dict[int, float] = {1: 0.25, 2: 0.35, 3: 0.25, 4: 0.15}
"""How many students a teacher marks at an ordinary lesson."""

_ORAL_CLASS_HOME: tuple[WorkKind, ...] = (WorkKind.ORAL,) * 5 + (
    WorkKind.CLASSWORK,
    WorkKind.CLASSWORK,
    WorkKind.CLASSWORK,
    WorkKind.HOMEWORK,
    WorkKind.HOMEWORK,
)

WORK_KINDS: dict[str, tuple[WorkKind, ...]] = {
    "russian_language": (*_ORAL_CLASS_HOME, WorkKind.INDEPENDENT, WorkKind.WRITTEN),
    "literary_reading": (*_ORAL_CLASS_HOME, WorkKind.TEST),
    "literature": (*_ORAL_CLASS_HOME, WorkKind.ESSAY, WorkKind.TEST),
    "mathematics": (*_ORAL_CLASS_HOME, WorkKind.INDEPENDENT, WorkKind.TEST),
    "algebra": (*_ORAL_CLASS_HOME, WorkKind.INDEPENDENT, WorkKind.TEST),
    "geometry": (*_ORAL_CLASS_HOME, WorkKind.INDEPENDENT, WorkKind.TEST),
    "probability": (*_ORAL_CLASS_HOME, WorkKind.PRACTICAL),
    "informatics": (WorkKind.PRACTICAL, WorkKind.PRACTICAL, WorkKind.CLASSWORK, WorkKind.TEST),
    "foreign_language": (*_ORAL_CLASS_HOME, WorkKind.WRITTEN, WorkKind.TEST),
    "world_around": (*_ORAL_CLASS_HOME, WorkKind.TEST, WorkKind.PRACTICAL),
    "history": (*_ORAL_CLASS_HOME, WorkKind.TEST),
    "social_studies": (*_ORAL_CLASS_HOME, WorkKind.TEST),
    "geography": (*_ORAL_CLASS_HOME, WorkKind.PRACTICAL),
    "biology": (*_ORAL_CLASS_HOME, WorkKind.LABORATORY, WorkKind.TEST),
    "physics": (*_ORAL_CLASS_HOME, WorkKind.LABORATORY, WorkKind.TEST),
    "chemistry": (*_ORAL_CLASS_HOME, WorkKind.LABORATORY, WorkKind.PRACTICAL),
    "life_safety": (WorkKind.ORAL, WorkKind.ORAL, WorkKind.PRACTICAL, WorkKind.TEST),
    "music": (WorkKind.CLASSWORK, WorkKind.ORAL),
    "fine_arts": (WorkKind.PRACTICAL, WorkKind.CLASSWORK),
    "technology": (WorkKind.PRACTICAL, WorkKind.PRACTICAL, WorkKind.PROJECT),
    "physical_education": (WorkKind.PRACTICAL, WorkKind.PRACTICAL, WorkKind.TEST),
}
"""The kinds of work a teacher of each subject marks, as often as they come up."""


def draw_ability(rng: random.Random) -> float:
    """A student's general ability."""
    return rng.gauss(0, ABILITY_SD)


def draw_leaning(rng: random.Random) -> float:
    """A student's leaning for (or against) one subject."""
    return rng.gauss(0, SUBJECT_SD)


def draw_mark(skill: float, rng: random.Random, shift: float = 0.0) -> str:
    """A mark for a student of this skill (ability plus leaning) on a given day."""
    score = skill + rng.gauss(0, LUCK_SD) + shift
    value = 2 + sum(score >= cut for cut in THRESHOLDS)
    return str(value)


def draw_count(rng: random.Random, subject: str, present: int) -> int:
    """How many students a teacher marks at an ordinary lesson."""
    if subject in UNMARKED_SUBJECTS:
        return 0
    count = rng.choices(list(MARKS_PER_LESSON), weights=list(MARKS_PER_LESSON.values()))[0]
    if subject in ("music", "fine_arts"):
        count = max(0, count - 1)
    return min(count, present)


def work_kinds(subject: str, profile: RegulationProfile) -> tuple[WorkKind, ...]:
    """The kinds of work marked in a subject that the profile weighs (oral answers always)."""
    kinds = tuple(k for k in WORK_KINDS.get(subject, (WorkKind.ORAL,)) if k in profile.weights)
    return kinds or (WorkKind.ORAL,)


def control_kind(topic: str) -> WorkKind:
    """A control dictation or a control work."""
    return WorkKind.DICTATION if "диктант" in topic.lower() else WorkKind.CONTROL


def weighted_average(marks: Iterable[tuple[str, float]]) -> float | None:
    """The weighted average (средневзвешенный балл) of point marks; None when there are none."""
    total = weight_sum = 0.0
    for value, weight in marks:
        worth = points(value)
        if worth is None:
            continue
        total += worth * weight
        weight_sum += weight
    return total / weight_sum if weight_sum else None


def period_mark(subject: str, marks: Sequence[tuple[str, float]], fallback: str) -> str:
    """The period mark a teacher gives: the weighted average rounded half up (4.5 makes a 5),
    a pass in subjects taught without marks; ``fallback`` for a student with no marks yet."""
    if subject in UNMARKED_SUBJECTS:
        return PASS_MARK
    average = weighted_average(marks)
    if average is None:
        return fallback
    rounded = int(Decimal(str(average)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return str(min(5, max(2, rounded)))
