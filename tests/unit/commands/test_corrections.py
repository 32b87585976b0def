"""A recorded mark changes only by a correction or voiding event with a reason, as the profile
allows; the original stays in the log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

import pytest
from pydantic import ValidationError
from scenario import World

from ejournal.aggregates.class_journal import ClassJournal, ClassJournalError
from ejournal.commands import attendance, lessons, marks, period_marks
from ejournal.commands.marking import MarkEntry
from ejournal.errors import AccessDeniedError, DeadlinePassedError, RuleViolationError
from ejournal.marks import Attendance
from ejournal.roles import Role

MakeWorld = Callable[[str], World]
MONDAY = date(2026, 9, 7)


def marked(world: World, value: str = "3") -> UUID:
    world.at(MONDAY, 10)
    recorded = lessons.record_whole_lesson(
        world.school,
        world.math,
        lessons.RecordWholeLesson(
            journal_id=world.journals["math"],
            on=MONDAY,
            slot=1,
            topic="Дроби",
            marks=(MarkEntry(student_id=world.students[0], value=value),),
        ),
    )
    return recorded.ids["mark_0"]


def correct(world: World, mark_id: UUID, value: str, authorization: UUID | None = None) -> None:
    marks.correct_mark(
        world.school,
        world.math,
        marks.CorrectMark(
            journal_id=world.journals["math"],
            mark_id=mark_id,
            value=value,
            reason="ошибка при выставлении",
            authorization_id=authorization,
        ),
    )


def void(world: World, mark_id: UUID, authorization: UUID | None = None) -> None:
    marks.void_mark(
        world.school,
        world.math,
        marks.VoidMark(
            journal_id=world.journals["math"],
            mark_id=mark_id,
            reason="отметка выставлена не тому ученику",
            authorization_id=authorization,
        ),
    )


def journal_events(world: World) -> list[object]:
    return list(world.school.events.get(world.journals["math"]))


def test_school77_correction_keeps_the_original_in_the_history(make_world: MakeWorld) -> None:
    world = make_world("school77")
    mark_id = marked(world, "3")
    world.at(MONDAY, 15)
    correct(world, mark_id, "4")
    journal = world.school.journal(world.journals["math"])
    assert journal.marks[mark_id].value == "4"
    events = journal_events(world)
    recorded = [e for e in events if isinstance(e, ClassJournal.MarkRecorded)]
    corrected = [e for e in events if isinstance(e, ClassJournal.MarkCorrected)]
    assert [(e.mark_id, e.value) for e in recorded] == [(mark_id, "3")]
    assert [(e.previous, e.value, e.reason) for e in corrected] == [
        ("3", "4", "ошибка при выставлении")
    ]
    assert corrected[0].actor == world.math
    # The state as it stood before the correction is still there to replay.
    before = world.school.repository.get(journal.id, version=corrected[0].originator_version - 1)
    assert before.marks[mark_id].value == "3"


def test_a_correction_without_a_reason_is_refused_at_the_edge() -> None:
    with pytest.raises(ValidationError, match="reason"):
        marks.CorrectMark.model_validate(
            {"journal_id": UUID(int=1), "mark_id": UUID(int=2), "value": "4", "reason": ""}
        )


@pytest.mark.parametrize(("profile", "ref"), [("lyceum68", "§3.6.8"), ("gymnasium2", "§8.6")])
def test_changing_a_marks_value_is_refused(make_world: MakeWorld, profile: str, ref: str) -> None:
    world = make_world(profile)
    mark_id = marked(world)
    with pytest.raises(RuleViolationError) as refused:
        correct(world, mark_id, "5")
    assert refused.value.rule == "corrections.value_change"
    assert refused.value.clause.ref == ref
    assert world.school.journal(world.journals["math"]).marks[mark_id].value == "3"


def test_lyceum68_voids_only_on_a_deputys_remark(make_world: MakeWorld) -> None:
    world = make_world("lyceum68")
    mark_id = marked(world)
    with pytest.raises(RuleViolationError) as refused:
        void(world, mark_id)
    assert refused.value.clause.ref == "§3.6.7, §3.10.5"
    with pytest.raises(AccessDeniedError):
        marks.authorize_correction(
            world.school,
            world.math,
            marks.AuthorizeCorrection(
                journal_id=world.journals["math"], mark_id=mark_id, action="void", remark="сам себе"
            ),
        )
    authorization = marks.authorize_correction(
        world.school,
        world.deputy,
        marks.AuthorizeCorrection(
            journal_id=world.journals["math"],
            mark_id=mark_id,
            action="void",
            remark="отметка выставлена не тому ученику",
        ),
    ).ids["authorization_id"]
    void(world, mark_id, authorization)
    journal = world.school.journal(world.journals["math"])
    assert journal.marks[mark_id].voided
    voided = [e for e in journal_events(world) if isinstance(e, ClassJournal.MarkVoided)]
    assert voided[0].authorization_id == authorization
    assert voided[0].previous == "3"


def test_lyceum68_director_authorises_a_voiding_like_a_deputy(make_world: MakeWorld) -> None:
    """Lyceum 68 §3.9.2: the director views every page «с правом их редактирования»."""
    world = make_world("lyceum68")
    director = world.account("director", "Ковалёва Галина Викторовна", Role.DIRECTOR)
    mark_id = marked(world)
    authorization = marks.authorize_correction(
        world.school,
        director,
        marks.AuthorizeCorrection(
            journal_id=world.journals["math"],
            mark_id=mark_id,
            action="void",
            remark="отметка выставлена не тому ученику",
        ),
    ).ids["authorization_id"]
    void(world, mark_id, authorization)
    assert world.school.journal(world.journals["math"]).marks[mark_id].voided


def test_director_remarks_only_where_the_profile_names_the_director(
    make_world: MakeWorld,
) -> None:
    world = make_world("school77")
    director = world.account("director", "Ковалёва Галина Викторовна", Role.DIRECTOR)
    mark_id = marked(world)
    with pytest.raises(AccessDeniedError):
        marks.authorize_correction(
            world.school,
            director,
            marks.AuthorizeCorrection(
                journal_id=world.journals["math"], mark_id=mark_id, action="void", remark="нет"
            ),
        )


def test_gymnasium2_voids_within_seven_days_only(make_world: MakeWorld) -> None:
    world = make_world("gymnasium2")
    first = marked(world)
    world.at(date(2026, 9, 14), 9, 59)  # 7 days less a minute after the entry at 10:00
    void(world, first)
    second = marks.record_mark(
        world.school,
        world.math,
        marks.RecordMark(
            journal_id=world.journals["math"],
            lesson_id=world.school.journal(world.journals["math"]).lesson_at(MONDAY, 1).id,  # type: ignore[union-attr]
            student_id=world.students[1],
            value="4",
        ),
    ).ids["mark_id"]
    world.at(date(2026, 9, 21), 9, 59, 1)
    with pytest.raises(RuleViolationError) as refused:
        void(world, second)
    assert refused.value.clause.ref == "§8.6"


def test_a_voided_mark_cannot_be_voided_again(make_world: MakeWorld) -> None:
    world = make_world("school77")
    mark_id = marked(world)
    void(world, mark_id)
    with pytest.raises(ClassJournalError, match="voided"):
        void(world, mark_id)


def test_only_the_journals_teacher_corrects(make_world: MakeWorld) -> None:
    world = make_world("school77")
    mark_id = marked(world)
    with pytest.raises(AccessDeniedError):
        marks.correct_mark(
            world.school,
            world.class_teacher,
            marks.CorrectMark(
                journal_id=world.journals["math"],
                mark_id=mark_id,
                value="5",
                reason="по просьбе родителей",
            ),
        )


def test_a_period_mark_is_corrected_with_a_reason(make_world: MakeWorld) -> None:
    world = make_world("school77")
    world.give_marks("math", 0)
    world.at(date(2026, 10, 20), 12)
    command = period_marks.RecordPeriodMark(
        journal_id=world.journals["math"], period_id="Q1", student_id=world.students[0], value="4"
    )
    period_marks.record_period_mark(world.school, world.math, command)
    with pytest.raises(ClassJournalError, match="correction"):
        period_marks.record_period_mark(world.school, world.math, command)
    period_marks.correct_period_mark(
        world.school,
        world.math,
        period_marks.CorrectPeriodMark(
            journal_id=world.journals["math"],
            period_id="Q1",
            student_id=world.students[0],
            value="5",
            reason="учтена контрольная работа",
        ),
    )
    journal = world.school.journal(world.journals["math"])
    assert journal.period_mark("Q1", world.students[0]).value == "5"  # type: ignore[union-attr]


# --- Corrections of attendance, topic and homework: the profile's window (Gymnasium 2 §8.6) --


def lesson_with_absence(world: World) -> UUID:
    world.at(MONDAY, 10)
    recorded = lessons.record_whole_lesson(
        world.school,
        world.math,
        lessons.RecordWholeLesson(
            journal_id=world.journals["math"],
            on=MONDAY,
            slot=1,
            topic="Дроби",
            homework="№ 1",
            attendance={world.students[0]: Attendance.ABSENT},
        ),
    )
    lesson_id: UUID = recorded.ids["lesson_id"]
    return lesson_id


def correct_attendance(world: World, lesson_id: UUID, status: Attendance) -> None:
    attendance.correct_attendance(
        world.school,
        world.math,
        attendance.CorrectAttendance(
            journal_id=world.journals["math"],
            lesson_id=lesson_id,
            student_id=world.students[0],
            status=status,
            reason="ученик пришёл ко второй половине урока",
        ),
    )


def correct_details(world: World, lesson_id: UUID, **fields: str) -> None:
    lessons.correct_lesson_details(
        world.school,
        world.math,
        lessons.CorrectLessonDetails(
            journal_id=world.journals["math"], lesson_id=lesson_id, reason="опечатка", **fields
        ),
    )


def test_gymnasium2_corrects_lesson_records_within_seven_days(make_world: MakeWorld) -> None:
    world = make_world("gymnasium2")
    lesson_id = lesson_with_absence(world)
    world.at(date(2026, 9, 14), 23, 59, 59)  # the seventh day after the lesson, its last second
    correct_attendance(world, lesson_id, Attendance.LATE)
    correct_details(world, lesson_id, topic="Обыкновенные дроби")
    world.at(date(2026, 9, 15), 0, 0, 1)
    position = world.school.position()
    for attempt, record in (
        (lambda: correct_attendance(world, lesson_id, Attendance.ABSENT), "attendance"),
        (lambda: correct_details(world, lesson_id, topic="Десятичные дроби"), "topic"),
        (lambda: correct_details(world, lesson_id, homework="№ 2"), "homework"),
    ):
        with pytest.raises(DeadlinePassedError) as refused:
            attempt()
        assert refused.value.rule == f"corrections.{record}_window"
        assert (refused.value.clause.source, refused.value.clause.ref) == ("Gymnasium 2", "§8.6")
    assert world.school.position() == position


def test_a_school_without_a_term_corrects_lesson_records_later(make_world: MakeWorld) -> None:
    world = make_world("school77")
    lesson_id = lesson_with_absence(world)
    world.at(date(2026, 10, 14), 12)
    correct_attendance(world, lesson_id, Attendance.LATE)
    correct_details(world, lesson_id, homework="№ 2")


# --- No remark changes a mark where the regulation forbids it (Lyceum 68 §3.6.8, G2 §8.6) ----


def authorize(world: World, action: str, **target: object) -> UUID:
    recorded = marks.authorize_correction(
        world.school,
        world.deputy,
        marks.AuthorizeCorrection(
            journal_id=world.journals["math"],
            action=action,  # type: ignore[arg-type]
            remark="ошибка при выставлении отметки",
            **target,  # type: ignore[arg-type]
        ),
    )
    authorization: UUID = recorded.ids["authorization_id"]
    return authorization


@pytest.mark.parametrize(("profile", "ref"), [("lyceum68", "§3.6.8"), ("gymnasium2", "§8.6")])
def test_no_remark_authorises_a_change_of_value(
    make_world: MakeWorld, profile: str, ref: str
) -> None:
    world = make_world(profile)
    mark_id = marked(world)
    world.at(date(2026, 10, 20), 12)
    period_marks.record_period_mark(
        world.school,
        world.math,
        period_marks.RecordPeriodMark(
            journal_id=world.journals["math"],
            period_id="Q1" if profile == "lyceum68" else "T1",
            student_id=world.students[0],
            value="4",
        ),
    )
    period_id = "Q1" if profile == "lyceum68" else "T1"
    position = world.school.position()
    for target in (
        {"mark_id": mark_id},
        {"period_id": period_id, "student_id": world.students[0]},
    ):
        with pytest.raises(RuleViolationError) as refused:
            authorize(world, "correct", **target)
        assert refused.value.rule == "corrections.value_change"
        assert refused.value.clause.ref == ref
    with pytest.raises(RuleViolationError) as refused:
        period_marks.correct_period_mark(
            world.school,
            world.math,
            period_marks.CorrectPeriodMark(
                journal_id=world.journals["math"],
                period_id=period_id,
                student_id=world.students[0],
                value="5",
                reason="учтена контрольная работа",
            ),
        )
    assert refused.value.clause.ref == ref
    assert world.school.position() == position


def test_gymnasium2_voids_a_wrong_mark_past_seven_days_on_a_remark(make_world: MakeWorld) -> None:
    """Gymnasium 2 §8.6: remarks of the deputy or the journal's administrator are put right
    within seven days of the remark, whenever the error was made."""
    world = make_world("gymnasium2")
    first, second = marked(world), None
    second = marks.record_mark(
        world.school,
        world.math,
        marks.RecordMark(
            journal_id=world.journals["math"],
            lesson_id=world.school.journal(world.journals["math"]).marks[first].lesson_id,
            student_id=world.students[1],
            value="4",
        ),
    ).ids["mark_id"]
    world.at(date(2026, 10, 1), 10)
    with pytest.raises(RuleViolationError) as refused:
        void(world, first)
    assert refused.value.rule == "corrections.voiding"
    assert refused.value.clause.ref == "§8.6"
    assert "remark" in refused.value.detail
    by_deputy = authorize(world, "void", mark_id=first)
    by_admin = marks.authorize_correction(
        world.school,
        world.admin,
        marks.AuthorizeCorrection(
            journal_id=world.journals["math"],
            mark_id=second,
            action="void",
            remark="отметка выставлена не тому ученику",
        ),
    ).ids["authorization_id"]
    world.at(date(2026, 10, 8), 9, 59)  # 7 days less a minute after the remark
    void(world, first, by_deputy)
    world.at(date(2026, 10, 8), 10, 0, 1)
    position = world.school.position()
    with pytest.raises(RuleViolationError) as refused:
        void(world, second, by_admin)
    assert refused.value.rule == "corrections.voiding.on_remark"
    assert world.school.position() == position
    journal = world.school.journal(world.journals["math"])
    assert journal.marks[first].voided
    assert not journal.marks[second].voided
    voided = [e for e in journal_events(world) if isinstance(e, ClassJournal.MarkVoided)]
    assert [e.authorization_id for e in voided] == [by_deputy]
