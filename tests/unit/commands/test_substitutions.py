"""A substitute records only the lesson a deputy's substitution covers, and the lesson names it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from scenario import World

from ejournal.commands import lessons, marks, substitutions
from ejournal.commands.access import SubstitutionNotGrantedError
from ejournal.errors import AccessDeniedError, NotFoundError

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
