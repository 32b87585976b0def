"""A substitute records only the lesson a deputy's substitution covers, and the lesson names it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from scenario import YEAR, World

from ejournal.access import SubstitutionNotGrantedError
from ejournal.commands import journals, lessons, marks, substitutions, year
from ejournal.commands.year import TeacherDoubleBookedError
from ejournal.errors import AccessDeniedError, NotFoundError, RuleViolationError

TUESDAY = date(2026, 9, 8)
MakeWorld = Callable[[str], World]


def record(world: World, slot: int) -> object:
    return lessons.record_whole_lesson(
        world.school,
        world.outsider,
        lessons.RecordWholeLesson(
            journal_id=world.journals["math"], on=TUESDAY, slot=slot, topic="Сравнение чисел"
        ),
    )


def test_substitute_records_only_the_covered_lesson(world: World) -> None:
    world.at(TUESDAY, 7, 30)
    with pytest.raises(NotFoundError):
        record(world, 1)  # not their journal, no substitution: it does not exist for them
    with pytest.raises(AccessDeniedError):
        substitutions.assign_substitution(
            world.school,
            world.math,
            substitutions.AssignSubstitution(
                journal_id=world.journals["math"],
                on=TUESDAY,
                slot=1,
                substitute_id=world.outsider.account_id,
                reason="болезнь",
            ),
        )
    substitution = substitutions.assign_substitution(
        world.school,
        world.deputy,
        substitutions.AssignSubstitution(
            journal_id=world.journals["math"],
            on=TUESDAY,
            slot=1,
            substitute_id=world.outsider.account_id,
            replaced_id=world.math.account_id,
            reason="болезнь учителя (больничный лист)",
        ),
    ).ids["substitution_id"]
    world.at(TUESDAY, 12)
    lesson_id = record(world, 1).ids["lesson_id"]  # type: ignore[attr-defined]
    with pytest.raises(SubstitutionNotGrantedError, match="substitution covers") as refused:
        record(world, 2)
    # School 77 §4.4.3: the substitute fills in the journal for the lesson replaced, no other.
    assert refused.value.rule == "substitution.requires_grant"
    assert (refused.value.clause.source, refused.value.clause.ref) == ("School 77", "§4.4.3")
    lesson = world.school.journal(world.journals["math"]).lessons[lesson_id]
    assert lesson.substitution_id == substitution
    assert lesson.taught_by == world.outsider.account_id


@pytest.mark.parametrize(
    ("profile", "ref"), [("lyceum68", "§5.1"), ("school77", "§4.4.3"), ("gymnasium2", "§8.3")]
)
def test_a_substitutes_refusal_names_the_rule_and_clause(
    make_world: MakeWorld, profile: str, ref: str
) -> None:
    world = make_world(profile)
    world.at(TUESDAY, 7, 30)
    substitutions.assign_substitution(
        world.school,
        world.deputy,
        substitutions.AssignSubstitution(
            journal_id=world.journals["math"],
            on=TUESDAY,
            slot=1,
            substitute_id=world.outsider.account_id,
            reason="болезнь учителя",
        ),
    )
    world.at(TUESDAY, 8, 30)
    lesson_id = record(world, 1).ids["lesson_id"]  # type: ignore[attr-defined]
    world.at(TUESDAY, 9, 30)
    held_by_teacher = lessons.record_whole_lesson(
        world.school,
        world.math,
        lessons.RecordWholeLesson(
            journal_id=world.journals["math"], on=TUESDAY, slot=2, topic="Дроби"
        ),
    ).ids["lesson_id"]
    position = world.school.position()
    with pytest.raises(SubstitutionNotGrantedError) as refused:
        marks.record_mark(
            world.school,
            world.outsider,
            marks.RecordMark(
                journal_id=world.journals["math"],
                lesson_id=held_by_teacher,
                student_id=world.students[0],
                value="5",
            ),
        )
    assert refused.value.rule == "substitution.requires_grant"
    assert refused.value.clause.ref == ref
    assert f"({refused.value.clause.source}, {ref})" in refused.value.detail
    assert world.school.position() == position
    assert lesson_id is not None


def test_a_substitution_is_for_a_lesson_the_timetable_holds(world: World) -> None:
    """A substitute teaches "вместо основного преподавателя" (School 77 §4.4.3): only a lesson
    the timetable gives the journal, on a school day, can be substituted."""
    world.at(TUESDAY, 7, 30)
    position = world.school.position()
    for on, slot in ((TUESDAY, 3), (date(2026, 9, 12), 1)):  # Russian's lesson; a Saturday
        with pytest.raises(RuleViolationError) as refused:
            substitutions.assign_substitution(
                world.school,
                world.deputy,
                substitutions.AssignSubstitution(
                    journal_id=world.journals["math"],
                    on=on,
                    slot=slot,
                    substitute_id=world.outsider.account_id,
                    reason="болезнь учителя",
                ),
            )
        assert refused.value.rule == "substitution.lesson_in_timetable"
        assert refused.value.clause.ref == "§4.4.3"
    assert world.school.position() == position


def test_a_teacher_is_not_timetabled_in_two_classes_at_once(world: World) -> None:
    year.form_class(world.school, world.admin, year.FormClass(year=YEAR, grade=5, letter="Б"))
    math_5b = journals.open_journal(
        world.school,
        world.admin,
        journals.OpenJournal(
            year=YEAR,
            class_code="5Б",
            subject="mathematics",
            teachers=(world.math.account_id,),
        ),
    ).ids["journal_id"]
    position = world.school.position()
    with pytest.raises(TeacherDoubleBookedError) as refused:
        year.set_timetable(
            world.school,
            world.deputy,
            year.SetTimetable(
                year=YEAR,
                class_code="5Б",
                entries=(year.TimetableSpec(weekday=1, slot=2, journal_id=math_5b),),
            ),
        )
    assert "5А" in refused.value.detail
    assert world.school.position() == position
    year.set_timetable(
        world.school,
        world.deputy,
        year.SetTimetable(
            year=YEAR,
            class_code="5Б",
            entries=(year.TimetableSpec(weekday=1, slot=6, journal_id=math_5b),),
        ),
    )
