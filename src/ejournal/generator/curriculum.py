"""The curriculum: weekly hours per grade and subject, as the federal basic curriculum sets them.

The hours follow the federal education programmes' basic curricula (ФОП НОО, ФОП ООО, ФОП СОО,
2023 with the 2024 changes: «Труд (технология)», ОБЗР from grade 8) for a five-day week, first
variant (Russian as the language of instruction), and the universal profile in grades 10–11. The
part formed by the participants of education (часть, формируемая участниками образовательных
отношений) goes to a third hour of physical education in every grade, and in grades 10–11 also
to one more hour of Russian and of algebra, as many schools choose; the individual project of
grade 10 is not a timetabled subject here. Every total stays within the maximum weekly load of
the sanitary rules (СанПиН 1.2.3685-21).
"""

from __future__ import annotations

from dataclasses import dataclass

GRADES = tuple(range(1, 12))

_HOURS: dict[str, tuple[int, ...]] = {
    # grade:                1  2  3  4  5  6  7  8  9 10 11
    "russian_language":   (5, 5, 5, 5, 5, 6, 4, 3, 3, 3, 3),
    "literary_reading":   (4, 4, 4, 3, 0, 0, 0, 0, 0, 0, 0),
    "literature":         (0, 0, 0, 0, 3, 3, 2, 2, 3, 3, 3),
    "foreign_language":   (0, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3),
    "mathematics":        (4, 4, 4, 4, 5, 5, 0, 0, 0, 0, 0),
    "algebra":            (0, 0, 0, 0, 0, 0, 3, 3, 3, 3, 3),
    "geometry":           (0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2),
    "probability":        (0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1),
    "informatics":        (0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1),
    "world_around":       (2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0),
    "orkse":              (0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0),
    "history":            (0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2),
    "social_studies":     (0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2),
    "geography":          (0, 0, 0, 0, 1, 1, 2, 2, 2, 1, 1),
    "physics":            (0, 0, 0, 0, 0, 0, 2, 2, 3, 2, 2),
    "chemistry":          (0, 0, 0, 0, 0, 0, 0, 2, 2, 1, 1),
    "biology":            (0, 0, 0, 0, 1, 1, 1, 2, 2, 1, 1),
    "music":              (1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0),
    "fine_arts":          (1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0),
    "technology":         (1, 1, 1, 1, 2, 2, 2, 1, 1, 0, 0),
    "life_safety":        (0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1),
    "physical_education": (3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3),
    "odnknr":             (0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0),
}  # fmt: skip
"""Weekly hours by subject, grade 1 to 11."""

MAX_WEEKLY_LOAD: dict[int, int] = {
    1: 21, 2: 23, 3: 23, 4: 23, 5: 29, 6: 30, 7: 32, 8: 33, 9: 33, 10: 34, 11: 34,
}  # fmt: skip
"""The maximum weekly load of a five-day week (СанПиН 1.2.3685-21, table 6.6)."""

MAX_LESSONS_A_DAY: dict[int, int] = {
    1: 5, 2: 5, 3: 5, 4: 5, 5: 6, 6: 6, 7: 7, 8: 7, 9: 7, 10: 7, 11: 7,
}  # fmt: skip
"""Grade 1 has four lessons a day and one day of five with physical education; grades 2–4 five,
5–6 six, 7–11 seven (СанПиН 1.2.3685-21)."""

WEEKS_OF_STUDY: dict[int, int] = {grade: 33 if grade == 1 else 34 for grade in GRADES}
"""School weeks a year: 33 in grade 1, 34 above (the hours of the KTP are counted on these)."""

SPLIT_CLASS_SIZE = 20
"""A class of at least this many students is split in two groups for the split subjects (the
threshold regional rules set for schools outside big cities; 25 in cities)."""


def split_grades(subject: str) -> range:
    """The grades in which a subject is taught in two groups: foreign language from grade 2,
    technology (труд) in grades 5–9."""
    if subject == "foreign_language":
        return range(2, 12)
    if subject == "technology":
        return range(5, 10)
    return range(0)


@dataclass(frozen=True)
class Subject:
    """A subject of one grade's curriculum and its weekly hours."""

    code: str
    hours: int


def curriculum(grade: int) -> tuple[Subject, ...]:
    """The subjects of a grade with their weekly hours, in the order a journal lists them."""
    if grade not in GRADES:
        raise ValueError(f"grades run from 1 to 11, not {grade}")
    return tuple(
        Subject(code, hours[grade - 1]) for code, hours in _HOURS.items() if hours[grade - 1]
    )


def weekly_hours(grade: int) -> int:
    """A grade's lessons a week."""
    return sum(subject.hours for subject in curriculum(grade))


def is_split(subject: str, grade: int, class_size: int) -> bool:
    """Whether a class learns a subject in two groups."""
    return grade in split_grades(subject) and class_size >= SPLIT_CLASS_SIZE


def lessons_per_day(grade: int, weekdays: int = 5) -> tuple[int, ...]:
    """How many lessons a class of a grade has on each weekday, Monday first: the week's hours
    spread evenly, the longer days early in the week."""
    total = weekly_hours(grade)
    base, extra = divmod(total, weekdays)
    days = tuple(base + (1 if day < extra else 0) for day in range(weekdays))
    if max(days) > MAX_LESSONS_A_DAY[grade]:
        raise ValueError(f"grade {grade}: {total} hours do not fit {weekdays} school days")
    return days
