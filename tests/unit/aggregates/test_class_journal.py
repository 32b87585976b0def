"""ClassJournal: invariants refuse without emitting, and changes are new events that name
what they supersede."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import orjson
import pytest

from ejournal import clock
from ejournal.aggregates.class_journal import (
    ClassJournal,
    ClassJournalError,
    ClosedPeriod,
    CorrectionAuthorization,
    Lesson,
    PeriodClosedError,
    StudentNotOnRosterError,
    Substitution,
)
from ejournal.marks import Attendance, WorkKind
from ejournal.roles import Actor, Role
from ejournal.transcoding import OrjsonTranscoder, PydanticMapper

TEACHER = Actor(account_id=uuid4(), role=Role.TEACHER)
DEPUTY = Actor(account_id=uuid4(), role=Role.DEPUTY)
STUDENT = uuid4()
ROSTER = frozenset({STUDENT})


def new_journal() -> ClassJournal:
    journal = ClassJournal.open(
        year="2026/2027",
        class_code="5А",
        grade=5,
        subject="mathematics",
        subject_name="Математика",
        subgroup=None,
        teachers=(TEACHER.account_id,),
        actor=DEPUTY,
    )
    journal.collect_events()
    return journal


def held(journal: ClassJournal, on: date = date(2026, 9, 7), slot: int = 1) -> Lesson:
    lesson = Lesson(id=uuid4(), on=on, slot=slot, topic="Дроби", taught_by=TEACHER.account_id)
    journal.hold_lesson(lesson, TEACHER)
    return lesson


def mark(journal: ClassJournal, lesson: Lesson, value: str = "4") -> UUID:
    mark_id = uuid4()
    journal.record_mark(
        mark_id, lesson.id, STUDENT, value, WorkKind.ORAL, 1.0, None, ROSTER, TEACHER
    )
    return mark_id


def test_opening_records_the_actor_and_a_deterministic_id() -> None:
    journal = ClassJournal.open(
        year="2026/2027",
        class_code="5А",
        grade=5,
        subject="mathematics",
        subject_name="Математика",
        subgroup=None,
        teachers=(),
        actor=DEPUTY,
    )
    (opened,) = journal.collect_events()
    assert isinstance(opened, ClassJournal.Opened)
    assert opened.actor == DEPUTY
    assert journal.id == ClassJournal.create_id("2026/2027", "5А", "mathematics", None)


def test_a_refused_entry_emits_nothing() -> None:
    journal = new_journal()
    lesson = held(journal)
    journal.collect_events()
    with pytest.raises(StudentNotOnRosterError):
        journal.record_mark(
            uuid4(), lesson.id, uuid4(), "5", WorkKind.ORAL, 1.0, None, ROSTER, TEACHER
        )
    with pytest.raises(ClassJournalError, match="already recorded on"):
        held(journal, lesson.on, lesson.slot)
    assert journal.collect_events() == []


def test_a_lesson_is_taught_by_the_journals_teacher_or_its_substitute() -> None:
    journal = new_journal()
    stranger = uuid4()
    with pytest.raises(ClassJournalError, match="substitute"):
        journal.hold_lesson(
            Lesson(id=uuid4(), on=date(2026, 9, 8), slot=1, taught_by=stranger), TEACHER
        )
    substitution = Substitution(
        id=uuid4(),
        on=date(2026, 9, 8),
        slot=1,
        substitute_id=stranger,
        replaced_id=None,
        reason="болезнь учителя",
    )
    journal.assign_substitution(substitution, DEPUTY)
    with pytest.raises(ClassJournalError, match="does not cover"):
        journal.hold_lesson(
            Lesson(
                id=uuid4(),
                on=date(2026, 9, 8),
                slot=2,
                taught_by=stranger,
                substitution_id=substitution.id,
            ),
            TEACHER,
        )
    lesson = Lesson(
        id=uuid4(), on=date(2026, 9, 8), slot=1, taught_by=stranger, substitution_id=substitution.id
    )
    journal.hold_lesson(lesson, Actor(account_id=stranger, role=Role.TEACHER))
    assert journal.lessons[lesson.id].substitution_id == substitution.id
    assert journal.substitutions[substitution.id].lesson_id == lesson.id


def test_a_correction_is_a_new_event_naming_the_mark_and_its_previous_value() -> None:
    journal = new_journal()
    lesson = held(journal)
    mark_id = mark(journal, lesson, "3")
    with pytest.raises(ClassJournalError, match="reason"):
        journal.correct_mark(mark_id, "4", "  ", None, TEACHER)
    journal.correct_mark(mark_id, "4", "ошибка при вводе", None, TEACHER)
    events = journal.collect_events()
    recorded, corrected = events[-2], events[-1]
    assert isinstance(recorded, ClassJournal.MarkRecorded)
    assert recorded.value == "3"
    assert isinstance(corrected, ClassJournal.MarkCorrected)
    assert (corrected.mark_id, corrected.previous, corrected.value) == (mark_id, "3", "4")
    assert corrected.reason == "ошибка при вводе"
    assert journal.marks[mark_id].value == "4"
    assert journal.marks[mark_id].corrected


def test_a_voided_mark_does_not_change_again() -> None:
    journal = new_journal()
    mark_id = mark(journal, held(journal))
    journal.void_mark(mark_id, "отметка не тому ученику", None, TEACHER)
    with pytest.raises(ClassJournalError, match="voided"):
        journal.correct_mark(mark_id, "5", "ещё раз", None, TEACHER)
    with pytest.raises(ClassJournalError, match="voided"):
        journal.void_mark(mark_id, "ещё раз", None, TEACHER)


def test_a_closed_period_takes_nothing_new_and_corrections_need_an_authorisation() -> None:
    journal = new_journal()
    lesson = held(journal, date(2026, 10, 20))
    mark_id = mark(journal, lesson)
    journal.close_period(
        ClosedPeriod(id="Q1", start=date(2026, 9, 1), end=date(2026, 10, 24)), DEPUTY
    )
    with pytest.raises(PeriodClosedError):
        held(journal, date(2026, 10, 21))
    with pytest.raises(PeriodClosedError):
        mark(journal, lesson)
    with pytest.raises(PeriodClosedError, match="authorisation"):
        journal.correct_mark(mark_id, "5", "пересчёт", None, TEACHER)
    authorization = CorrectionAuthorization(
        id=uuid4(), mark_id=mark_id, action="correct", remark="ошибка в отметке"
    )
    journal.authorize_correction(authorization, DEPUTY)
    journal.correct_mark(mark_id, "5", "по замечанию заместителя", authorization.id, TEACHER)
    assert journal.authorizations[authorization.id].used
    with pytest.raises(ClassJournalError, match="authorisation"):
        journal.correct_mark(mark_id, "4", "снова", authorization.id, TEACHER)


def test_attendance_is_corrected_not_rerecorded_and_reasons_need_an_absence() -> None:
    journal = new_journal()
    lesson = held(journal)
    journal.record_attendance(lesson.id, STUDENT, Attendance.ABSENT, None, ROSTER, TEACHER)
    with pytest.raises(ClassJournalError, match="correction"):
        journal.record_attendance(lesson.id, STUDENT, Attendance.LATE, None, ROSTER, TEACHER)
    journal.correct_attendance(
        lesson.id, STUDENT, Attendance.LATE, "опоздал, а не отсутствовал", TEACHER
    )
    assert journal.attendance_of(lesson.id, STUDENT).status is Attendance.LATE  # type: ignore[union-attr]


def test_mark_recorded_at_is_the_server_time_of_its_event() -> None:
    journal = new_journal()
    moment = datetime(2026, 9, 7, 9, 30, tzinfo=UTC)
    with clock.using(clock.MovableClock(moment)):
        mark_id = mark(journal, held(journal))
    assert journal.marks[mark_id].recorded_at == moment


def test_a_snapshot_restores_the_same_state() -> None:
    journal = new_journal()
    lesson = held(journal)
    mark_id = mark(journal, lesson)
    journal.record_attendance(lesson.id, STUDENT, Attendance.ABSENT, None, ROSTER, TEACHER)
    journal.correct_mark(mark_id, "5", "пересчёт", None, TEACHER)
    snapshot = ClassJournal.Snapshot.take(journal)
    stored = ClassJournal.Snapshot.model_validate(snapshot.model_dump(mode="json"))
    restored = stored.mutate(None)
    assert isinstance(restored, ClassJournal)
    assert restored.marks == journal.marks
    assert restored.lessons == journal.lessons
    assert restored.attendance == journal.attendance
    assert restored.version == journal.version


def test_current_marks_of_a_period_count_neither_voided_marks_nor_other_periods() -> None:
    """What a period mark rests on (School 77 §5.1–5.2): the student's marks not voided, of
    lessons from the period's first to its last day."""
    journal = new_journal()
    mark(journal, held(journal, date(2026, 9, 7)))
    voided = mark(journal, held(journal, date(2026, 11, 9)))
    journal.void_mark(voided, "не тому ученику", None, TEACHER)
    assert journal.current_marks_of(STUDENT, date(2026, 11, 5), date(2026, 12, 28)) == 0
    mark(journal, held(journal, date(2026, 12, 28)))
    assert journal.current_marks_of(STUDENT, date(2026, 11, 5), date(2026, 12, 28)) == 1
    assert journal.current_marks_of(uuid4(), date(2026, 9, 1), date(2026, 12, 28)) == 0


def test_a_year_mark_is_kept_with_the_time_it_was_recorded() -> None:
    """Year, exam and final marks are kept beside the period marks under "Y", "E", "F"."""
    journal = new_journal()
    with clock.using(clock.MovableClock(datetime(2027, 5, 20, 9, tzinfo=UTC))):
        journal.record_period_mark("Y", STUDENT, "5", None, ROSTER, TEACHER)
    year_mark = journal.period_mark("Y", STUDENT)
    assert year_mark is not None
    assert (year_mark.value, year_mark.recorded_at) == ("5", datetime(2027, 5, 20, 9, tzinfo=UTC))


# --- homework due dates (issue 14) ------------------------------------------------------------


def test_homework_is_due_on_a_later_day_and_only_with_homework() -> None:
    journal = new_journal()
    lesson = held(journal)
    journal.collect_events()
    with pytest.raises(ClassJournalError, match="later day"):
        journal.record_lesson_details(lesson.id, None, "№ 1", None, TEACHER, homework_due=lesson.on)
    with pytest.raises(ClassJournalError, match="goes with homework"):
        journal.hold_lesson(
            Lesson(
                id=uuid4(),
                on=date(2026, 9, 7),
                slot=2,
                taught_by=TEACHER.account_id,
                homework_due=date(2026, 9, 8),
            ),
            TEACHER,
        )
    assert journal.collect_events() == []
    journal.record_lesson_details(
        lesson.id, None, "№ 1", None, TEACHER, homework_due=date(2026, 9, 8)
    )
    (recorded,) = journal.collect_events()
    assert isinstance(recorded, ClassJournal.LessonDetailsRecorded)
    assert recorded.homework_due == date(2026, 9, 8)
    assert journal.lesson(lesson.id).homework_due == date(2026, 9, 8)


def test_a_due_date_is_corrected_by_a_new_event_naming_the_one_it_supersedes() -> None:
    journal = new_journal()
    lesson = held(journal)
    journal.record_lesson_details(
        lesson.id, None, "№ 1", None, TEACHER, homework_due=date(2026, 9, 8)
    )
    journal.collect_events()
    journal.correct_lesson_details(
        lesson.id, "Дроби", "№ 1", "перенос урока", TEACHER, homework_due=date(2026, 9, 9)
    )
    (corrected,) = journal.collect_events()
    assert isinstance(corrected, ClassJournal.LessonDetailsCorrected)
    assert (corrected.previous_homework_due, corrected.homework_due) == (
        date(2026, 9, 8),
        date(2026, 9, 9),
    )


def test_homework_recorded_before_due_dates_were_kept_still_decodes() -> None:
    """Old events have no ``homework_due`` in their stored form; they decode with none."""
    mapper = PydanticMapper(transcoder=OrjsonTranscoder())
    journal = new_journal()
    lesson = held(journal)
    journal.record_lesson_details(
        lesson.id, None, "№ 1", None, TEACHER, homework_due=date(2026, 9, 8)
    )
    held_event, details = journal.collect_events()
    for event, field in ((held_event, "lesson"), (details, None)):
        stored = mapper.to_stored_event(event)
        state = orjson.loads(stored.state)
        if field is None:
            del state["homework_due"]
        else:
            del state[field]["homework_due"]
        old = mapper.to_domain_event(dataclasses.replace(stored, state=orjson.dumps(state)))
        replayed = old.lesson.homework_due if field else old.homework_due  # type: ignore[attr-defined]
        assert replayed is None
