"""Every kind of activity has its journal (Belogorsk order п.5: "уроки, факультативы, кружки,
элективные курсы"): a school's own subject, outside the catalogue, is opened under its Russian
name and kept like any other."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from pydantic import ValidationError
from scenario import World

from ejournal.commands import journals, lessons
from ejournal.commands.marking import MarkEntry
from ejournal.marks import WorkKind

MakeWorld = Callable[[str], World]
CLUB_DAY = date(2026, 9, 16)


def test_a_club_is_opened_under_its_own_name_and_kept_like_a_lesson(make_world: MakeWorld) -> None:
    world = make_world("belogorsk")
    journal_id = journals.open_journal(
        world.school,
        world.deputy,
        journals.OpenJournal(
            year="2026/2027",
            class_code="5А",
            subject="robotics_club",
            subject_name="Кружок «Робототехника»",
            teachers=(world.math.account_id,),
        ),
    ).ids["journal_id"]
    # Lesson 6 (13:00–13:45), after the class's timetabled day (lesson 5 ends 12:45): written within
    # the hour Belogorsk gives after the class's last lesson (Instr. 4.2 «Учитель»).
    world.at(CLUB_DAY, 13, 40)
    lessons.record_whole_lesson(
        world.school,
        world.math,
        lessons.RecordWholeLesson(
            journal_id=journal_id,
            on=CLUB_DAY,
            slot=6,
            topic="Сборка первой модели",
            marks=(
                MarkEntry(student_id=world.students[0], value="5", work_kind=WorkKind.PRACTICAL),
            ),
        ),
    )
    journal = world.school.journal(journal_id)
    assert (journal.subject, journal.subject_name) == ("robotics_club", "Кружок «Робототехника»")
    assert [(m.student_id, m.value) for m in journal.marks.values()] == [(world.students[0], "5")]
    year = world.school.year("2026/2027")
    assert "robotics_club" in {ref.subject for ref in year.journals.values()}


def test_a_subject_code_is_a_code_not_a_name() -> None:
    with pytest.raises(ValidationError):
        journals.OpenJournal(year="2026/2027", class_code="5А", subject="Кружок")
