"""A substitute records only the lesson a deputy's substitution covers, and the lesson names it."""

from __future__ import annotations

from datetime import date

import pytest
from scenario import World

from ejournal.commands import lessons, substitutions
from ejournal.errors import AccessDeniedError, NotFoundError

TUESDAY = date(2026, 9, 8)


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
    with pytest.raises(AccessDeniedError, match="substitution covers"):
        record(world, 2)
    lesson = world.school.journal(world.journals["math"]).lessons[lesson_id]
    assert lesson.substitution_id == substitution
    assert lesson.taught_by == world.outsider.account_id
