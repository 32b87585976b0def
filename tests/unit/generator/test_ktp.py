"""Calendar-thematic plans: every subject of every grade has a KTP whose hours are the year's,
long sections of the subjects with control works end with one, and homework is set where it is
(never in grade 1)."""

from __future__ import annotations

from importlib import resources

import pytest

from ejournal.generator.curriculum import GRADES, WEEKS_OF_STUDY, curriculum
from ejournal.generator.ktp import (
    CONTROLLED_SUBJECTS,
    PLANS_PACKAGE,
    homework,
    is_control_work,
    ktp_item_for,
    ktp_lines,
    subject_plans,
    year_ktp,
)

PAIRS = [(s.code, grade, s.hours) for grade in GRADES for s in curriculum(grade)]


@pytest.mark.parametrize(("subject", "grade", "hours"), PAIRS)
def test_a_ktp_holds_the_years_hours(subject: str, grade: int, hours: int) -> None:
    lines = year_ktp(subject, grade, hours)
    assert sum(line.hours for line in lines) == hours * WEEKS_OF_STUDY[grade]
    assert all(line.topic.strip() for line in lines)
    controls = [line for line in lines if is_control_work(line.topic)]
    if subject in CONTROLLED_SUBJECTS and grade >= 2 and hours >= 2:
        assert controls, (subject, grade)
    if grade == 1:
        assert not [c for c in controls if c.topic.startswith("Контрольн")]


def test_the_nth_lesson_covers_the_item_its_hours_reach() -> None:
    lines = year_ktp("mathematics", 6, 5)
    assert ktp_item_for(lines, 1) == (1, lines[0].topic)
    first_section_ends = lines[0].hours + lines[1].hours
    assert ktp_item_for(lines, first_section_ends) == (2, lines[1].topic)
    assert ktp_item_for(lines, first_section_ends + 1) == (3, lines[2].topic)
    assert ktp_item_for(lines, 10_000) == (len(lines), lines[-1].topic)


def test_control_works_are_told_from_their_analysis() -> None:
    assert is_control_work("Контрольный диктант по теме «Глагол»")
    assert is_control_work("Входная контрольная работа")
    assert not is_control_work("Анализ контрольной работы")
    assert not is_control_work("Десятичные дроби")


def test_the_demos_plans_are_kept() -> None:
    lines = ktp_lines("mathematics", 5, 5)
    assert lines[0].topic == "Натуральные числа. Ряд натуральных чисел"
    assert sum(line.hours for line in lines) == 5 * 34


def test_homework_is_set_except_in_grade_1_and_the_practical_subjects() -> None:
    assert homework("russian_language", 1, 3) is None
    assert homework("physical_education", 7, 3) is None
    assert homework("russian_language", 5, 3) == "§ 3, упр. 28"
    assert homework("world_around", 3, 2) is not None


def test_the_plans_are_data_one_file_per_subject_of_the_curriculum() -> None:
    shipped = {
        p.name.removesuffix(".toml")
        for p in resources.files(PLANS_PACKAGE).iterdir()
        if p.name.endswith(".toml")
    }
    assert shipped == {subject for subject, _, _ in PAIRS}
    for subject in shipped:
        plans = subject_plans(subject)  # validated: an unknown key in a file is refused
        assert plans.grades or plans.spans, subject
    assert subject_plans("astronomy").grades == {}
    with pytest.raises(LookupError):
        year_ktp("astronomy", 11, 1)
