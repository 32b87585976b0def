"""Who teaches what: the teachers a school needs, their specialities and weekly loads, and the
class teacher of every class.

Grades 1–4 have a primary-school teacher per class (their class teacher too) for everything but
music, physical education and the foreign language; from grade 5 each subject is taught by a
specialist. A speciality gets as many teachers as keep a load near 22 hours a week (an 18-hour
rate and a bit, as is usual), the classes shared so that a teacher keeps whole parallels where
possible, and the two groups of a split class go to two teachers, since they learn at the same
time. In a small school a speciality with too few hours for a teacher of its own is taught by the
teacher of a related one (chemistry by the biologist, informatics by the physicist).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from ejournal.generator.curriculum import curriculum, is_split, lessons_per_day
from ejournal.generator.school_plan import ClassPlan

TARGET_LOAD = 22
"""Hours a week a teacher is given where the school's hours allow."""
LOAD_SLACK = 4
MAX_LOAD = 30
"""No teacher is given more (one and a half rates and a bit)."""
MIN_LOAD = 10
"""A speciality with fewer hours than this has no teacher of its own."""
DAY_SHARE = 0.75
"""At most this share of the lesson cells of a teacher's classes' days is theirs: a teacher of
first-graders only (four or five lessons a day) cannot be given 26 hours and still be placed."""

PRIMARY = "primary"
PRIMARY_SUBJECTS = frozenset(
    {
        "russian_language",
        "literary_reading",
        "mathematics",
        "world_around",
        "fine_arts",
        "technology",
        "orkse",
    }
)
"""What a primary-school teacher teaches their own class in grades 1–4."""

_SPECIALITY: dict[str, str] = {
    "russian_language": "russian",
    "literature": "russian",
    "mathematics": "mathematics",
    "algebra": "mathematics",
    "geometry": "mathematics",
    "probability": "mathematics",
    "informatics": "informatics",
    "foreign_language": "foreign_language",
    "history": "history",
    "social_studies": "history",
    "odnknr": "history",
    "geography": "geography",
    "biology": "biology",
    "chemistry": "chemistry",
    "physics": "physics",
    "music": "music",
    "fine_arts": "fine_arts",
    "technology": "technology",
    "physical_education": "physical_education",
    "life_safety": "life_safety",
}

SPECIALITY_NAMES: dict[str, str] = {
    PRIMARY: "учитель начальных классов",
    "russian": "учитель русского языка и литературы",
    "mathematics": "учитель математики",
    "informatics": "учитель информатики",
    "foreign_language": "учитель английского языка",
    "history": "учитель истории и обществознания",
    "geography": "учитель географии",
    "biology": "учитель биологии",
    "chemistry": "учитель химии",
    "physics": "учитель физики",
    "music": "учитель музыки",
    "fine_arts": "учитель изобразительного искусства",
    "technology": "учитель труда (технологии)",
    "physical_education": "учитель физической культуры",
    "life_safety": "преподаватель-организатор ОБЗР",
}

MERGES: tuple[tuple[str, str], ...] = (
    ("chemistry", "biology"),
    ("geography", "biology"),
    ("informatics", "physics"),
    ("physics", "mathematics"),
    ("life_safety", "physical_education"),
    ("fine_arts", "music"),
    ("music", "technology"),
)
"""Where a speciality's hours go when it is too small for a teacher, tried in this order."""

FEMALE_SHARE: dict[str, float] = {
    PRIMARY: 0.97,
    "physical_education": 0.4,
    "technology": 0.5,
    "life_safety": 0.2,
    "physics": 0.6,
    "informatics": 0.5,
}
"""The share of women among teachers of a speciality (0.85 for the rest)."""


def speciality_of(subject: str, grade: int) -> str:
    """The speciality of the teacher who teaches a subject in a grade."""
    if grade <= 4 and subject in PRIMARY_SUBJECTS:
        return PRIMARY
    return _SPECIALITY[subject]


@dataclass(frozen=True)
class Course:
    """A subject taught in a class: its weekly hours, and the teacher of each group (two when
    the class learns it in two groups)."""

    class_code: str
    grade: int
    subject: str
    hours: int
    teachers: tuple[str, ...]

    @property
    def groups(self) -> tuple[str | None, ...]:
        """The subgroup of each teacher: ("1", "2") for a split course, (None,) otherwise."""
        return ("1", "2") if len(self.teachers) > 1 else (None,)


@dataclass
class Teacher:
    """A teacher of the school: a key the plan names them by, their speciality and load."""

    key: str
    speciality: str
    load: int = 0
    leads: str | None = None
    """The class this teacher is class teacher of."""
    grades: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Staffing:
    """The teachers and who teaches every course of every class."""

    teachers: tuple[Teacher, ...]
    courses: dict[str, tuple[Course, ...]]
    """Each class's courses, in curriculum order."""

    def teacher(self, key: str) -> Teacher:
        return next(t for t in self.teachers if t.key == key)

    def class_teacher(self, class_code: str) -> Teacher:
        return next(t for t in self.teachers if t.leads == class_code)


@dataclass
class _Block:
    """A share of teaching that goes to one teacher: a speciality's subjects in one class (or
    one group of a split subject)."""

    class_plan: ClassPlan
    speciality: str
    subjects: list[tuple[str, int]]
    group: str | None
    teacher: str | None = None

    @property
    def hours(self) -> int:
        return sum(hours for _, hours in self.subjects)


def staff_school(classes: Sequence[ClassPlan]) -> Staffing:
    """The teachers a school with these classes needs and what each of them teaches."""
    blocks = _blocks(classes)
    _merge_small_specialities(blocks)
    teachers: list[Teacher] = []
    for speciality in _SPECIALITY_ORDER:
        mine = [b for b in blocks if b.speciality == speciality]
        if mine:
            teachers += _share(speciality, mine)
    _choose_class_teachers(classes, blocks, teachers)
    courses = {plan.code: _courses(plan, blocks) for plan in classes}
    return Staffing(teachers=tuple(teachers), courses=courses)


_SPECIALITY_ORDER = (PRIMARY, *dict.fromkeys(_SPECIALITY.values()))


def _blocks(classes: Sequence[ClassPlan]) -> list[_Block]:
    blocks: list[_Block] = []
    for plan in classes:
        if plan.grade <= 4:
            primary = [
                (s.code, s.hours) for s in curriculum(plan.grade) if s.code in PRIMARY_SUBJECTS
            ]
            blocks.append(_Block(plan, PRIMARY, primary, None))
        shared: dict[str, _Block] = {}
        for subject in curriculum(plan.grade):
            speciality = speciality_of(subject.code, plan.grade)
            if speciality == PRIMARY:
                continue
            if is_split(subject.code, plan.grade, plan.size):
                blocks += [
                    _Block(plan, speciality, [(subject.code, subject.hours)], group)
                    for group in ("1", "2")
                ]
                continue
            block = shared.get(speciality)
            if block is None:
                block = shared[speciality] = _Block(plan, speciality, [], None)
                blocks.append(block)
            block.subjects.append((subject.code, subject.hours))
    return blocks


def _merge_small_specialities(blocks: list[_Block]) -> None:
    for small, into in MERGES:
        hours = sum(b.hours for b in blocks if b.speciality == small)
        if 0 < hours < MIN_LOAD:
            for block in blocks:
                if block.speciality == small:
                    block.speciality = into


def _share(speciality: str, blocks: list[_Block]) -> list[Teacher]:
    """Share a speciality's blocks among as few teachers as keep loads near the target."""
    if speciality == PRIMARY:
        teachers = []
        for n, block in enumerate(blocks, start=1):
            teacher = Teacher(key=f"{PRIMARY}{n}", speciality=PRIMARY)
            _give(block, teacher)
            teachers.append(teacher)
        return teachers
    total = sum(b.hours for b in blocks)
    count = math.ceil(total / TARGET_LOAD)
    if any(b.group is not None for b in blocks):
        count = max(count, 2)
    teachers = [Teacher(key=f"{speciality}{n}", speciality=speciality) for n in range(1, count + 1)]
    quota = total / count + LOAD_SLACK
    for block in blocks:
        options = [t for t in teachers if not _teaches_other_group(t, block, blocks)]
        fitting = [
            t for t in options if t.load + block.hours <= min(quota, DAY_SHARE * _cells(t, block))
        ]
        if not fitting:
            # Nobody can take it on: the school takes on one more teacher of the speciality.
            teachers.append(Teacher(key=f"{speciality}{len(teachers) + 1}", speciality=speciality))
            fitting = teachers[-1:]
        # Keep a teacher on the parallels of a grade they already teach, then the least loaded.
        best = min(
            fitting,
            key=lambda t: (-t.grades.count(block.class_plan.grade), t.load, t.key),
        )
        _give(block, best)
    return teachers


def _cells(teacher: Teacher, block: _Block) -> int:
    """The lesson cells of a week in which a teacher with this block could teach: on each day,
    as many as the longest day of their classes."""
    days = [lessons_per_day(g) for g in {*teacher.grades, block.class_plan.grade}]
    return sum(max(day) for day in zip(*days, strict=True))


def _teaches_other_group(teacher: Teacher, block: _Block, blocks: list[_Block]) -> bool:
    if block.group is None:
        return False
    return any(
        other.teacher == teacher.key
        and other.class_plan == block.class_plan
        and other.subjects == block.subjects
        and other.group != block.group
        for other in blocks
    )


def _give(block: _Block, teacher: Teacher) -> None:
    block.teacher = teacher.key
    teacher.load += block.hours
    teacher.grades.append(block.class_plan.grade)


def _choose_class_teachers(
    classes: Sequence[ClassPlan], blocks: list[_Block], teachers: list[Teacher]
) -> None:
    """Primary teachers lead their own class; from grade 5 the teacher with the most hours in
    a class who leads no other class."""
    by_key = {t.key: t for t in teachers}
    for plan in classes:
        hours: dict[str, int] = {}
        for block in blocks:
            if block.class_plan == plan and block.teacher is not None:
                hours[block.teacher] = hours.get(block.teacher, 0) + block.hours
        free = [key for key in hours if by_key[key].leads is None]
        if not free:
            free = [t.key for t in teachers if t.leads is None]
        if not free:
            raise ValueError(f"no teacher is left to lead class {plan.code}")
        leader = min(free, key=lambda key: (-hours.get(key, 0), key))
        by_key[leader].leads = plan.code


def _courses(plan: ClassPlan, blocks: list[_Block]) -> tuple[Course, ...]:
    teachers: dict[str, list[str]] = {}
    for block in blocks:
        if block.class_plan != plan or block.teacher is None:
            continue
        for subject, _ in block.subjects:
            teachers.setdefault(subject, []).append(block.teacher)
    return tuple(
        Course(
            class_code=plan.code,
            grade=plan.grade,
            subject=s.code,
            hours=s.hours,
            teachers=tuple(teachers[s.code]),
        )
        for s in curriculum(plan.grade)
    )
