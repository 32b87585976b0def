"""Every timing rule of DESIGN.md §4, through the real handlers, at its edge: just inside is
accepted, just outside is refused with the clause; a deputy's permission lets a late entry in,
flagged late."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from datetime import date
from uuid import UUID

import pytest
from pydantic import ValidationError
from scenario import World

import ejournal.commands
from ejournal.aggregates.class_journal import ClassJournal
from ejournal.commands import lessons, marks, period_marks, substitutions, year
from ejournal.commands.command import Command
from ejournal.commands.marking import MarkEntry, MarkScaleError
from ejournal.commands.timing import NoLessonsThatDayError
from ejournal.errors import DeadlinePassedError, InvariantError, RuleViolationError
from ejournal.marks import Attendance, WorkKind

MakeWorld = Callable[[str], World]
MONDAY = date(2026, 9, 7)


def whole_lesson(world: World, journal: str, on: date, slot: int, **fields: object) -> UUID:
    teacher = {"math": world.math, "russian": world.russian, "math1": world.math}[journal]
    recorded = lessons.record_whole_lesson(
        world.school,
        teacher,
        lessons.RecordWholeLesson(journal_id=world.journals[journal], on=on, slot=slot, **fields),
    )
    return recorded.ids["lesson_id"]


def mark(
    world: World, journal: str, lesson_id: UUID, kind: WorkKind, value: str = "4", student: int = 0
) -> None:
    teacher = world.russian if journal == "russian" else world.math
    marks.record_mark(
        world.school,
        teacher,
        marks.RecordMark(
            journal_id=world.journals[journal],
            lesson_id=lesson_id,
            student_id=world.students[student],
            value=value,
            work_kind=kind,
        ),
    )


def assert_clause(error: RuleViolationError, source: str, ref: str) -> None:
    assert (error.clause.source, error.clause.ref) == (source, ref)
    assert f"({source}, {ref})" in error.detail


# --- School 77: the day of the lesson until 19:00; control work within 3 days ---------------


def test_school77_lesson_entries_close_at_1900(make_world: MakeWorld) -> None:
    world = make_world("school77")
    world.at(MONDAY, 19, 0, 0)
    whole_lesson(
        world,
        "math",
        MONDAY,
        1,
        topic="Натуральные числа",
        attendance={world.students[1]: Attendance.ABSENT},
    )
    world.at(MONDAY, 19, 0, 0, 1)
    with pytest.raises(DeadlinePassedError) as refused:
        whole_lesson(world, "math", MONDAY, 2, topic="Сложение")
    assert_clause(refused.value, "School 77", "§4.4.1")
    assert "19:00" in refused.value.detail


def test_school77_control_work_marks_within_three_days(make_world: MakeWorld) -> None:
    world = make_world("school77")
    world.at(MONDAY, 10)
    lesson = whole_lesson(world, "math", MONDAY, 1, topic="Контрольная работа № 1")
    world.at(date(2026, 9, 10), 23, 59, 59)
    mark(world, "math", lesson, WorkKind.CONTROL, student=0)
    world.at(date(2026, 9, 11), 0, 0, 1)
    with pytest.raises(DeadlinePassedError) as refused:
        mark(world, "math", lesson, WorkKind.CONTROL, student=1)
    assert_clause(refused.value, "School 77", "§4.4.1")
    with pytest.raises(DeadlinePassedError):
        mark(world, "math", lesson, WorkKind.ORAL, student=2)


# --- Lyceum 68: 10 working days for Russian and literature, 5 otherwise (§5.4) ---------------


@pytest.mark.parametrize(
    ("journal", "lesson_day", "last_day", "first_late_day"),
    [
        # Across Unity Day (Wed 4 November 2026): 10 working days for Russian language.
        ("russian", date(2026, 10, 22), date(2026, 11, 6), date(2026, 11, 7)),
        # 5 working days for mathematics, from the same lesson day.
        ("math", date(2026, 10, 22), date(2026, 10, 29), date(2026, 10, 30)),
        # Across the New Year holidays and the substituted day off of 31 December 2026.
        ("math", date(2026, 12, 28), date(2027, 1, 13), date(2027, 1, 14)),
        ("russian", date(2026, 12, 28), date(2027, 1, 20), date(2027, 1, 21)),
    ],
)
def test_lyceum68_written_work_deadlines_count_working_days(
    make_world: MakeWorld, journal: str, lesson_day: date, last_day: date, first_late_day: date
) -> None:
    world = make_world("lyceum68")
    world.at(lesson_day, 15)
    lesson = whole_lesson(
        world, journal, lesson_day, 1 if journal == "math" else 3, topic="Контрольная работа"
    )
    world.at(last_day, 23, 59, 59)
    mark(world, journal, lesson, WorkKind.CONTROL, student=0)
    world.at(first_late_day, 0, 0, 1)
    with pytest.raises(DeadlinePassedError) as refused:
        mark(world, journal, lesson, WorkKind.CONTROL, student=1)
    assert_clause(refused.value, "Lyceum 68", "§5.4")


def test_lyceum68_oral_marks_on_the_day_of_the_lesson(make_world: MakeWorld) -> None:
    world = make_world("lyceum68")
    world.at(MONDAY, 23, 59)
    lesson = whole_lesson(world, "math", MONDAY, 1, topic="Устный счёт")
    mark(world, "math", lesson, WorkKind.ORAL, student=0)
    world.at(date(2026, 9, 8), 0, 0, 1)
    with pytest.raises(DeadlinePassedError) as refused:
        mark(world, "math", lesson, WorkKind.ORAL, student=1)
    assert_clause(refused.value, "Lyceum 68", "§5.3")


# --- Belogorsk: no later than one hour after the class's last lesson -----------------------


def test_belogorsk_one_hour_after_the_class_day_ends(make_world: MakeWorld) -> None:
    world = make_world("belogorsk")
    # 5А's last lesson on a weekday is lesson 5, ending 12:45 (scenario timetable and bells).
    world.at(MONDAY, 13, 45, 0)
    whole_lesson(world, "math", MONDAY, 1, topic="Натуральные числа")
    world.at(MONDAY, 13, 45, 0, 1)
    with pytest.raises(DeadlinePassedError) as refused:
        whole_lesson(world, "math", MONDAY, 2, topic="Сложение")
    assert_clause(refused.value, "Belogorsk", "Инструкция (прил. 3), п. 4.2, «Учитель»")


# --- School 117: marks and absences within 5 days; period marks a day before the end -------


def test_school117_marks_and_absences_within_five_days(make_world: MakeWorld) -> None:
    world = make_world("school117")
    world.at(MONDAY, 10)
    lesson = whole_lesson(world, "math", MONDAY, 1, topic="Натуральные числа")
    world.at(date(2026, 9, 12), 23, 59, 59)
    mark(world, "math", lesson, WorkKind.ORAL, student=0)
    world.at(date(2026, 9, 13), 0, 0, 1)
    with pytest.raises(DeadlinePassedError) as refused:
        mark(world, "math", lesson, WorkKind.ORAL, student=1)
    assert_clause(refused.value, "School 117", "§5.2")
    with pytest.raises(DeadlinePassedError):
        whole_lesson(world, "math", MONDAY, 1, attendance={world.students[2]: Attendance.ABSENT})


def period_mark(world: World, student: int, value: str = "4") -> None:
    period_marks.record_period_mark(
        world.school,
        world.math,
        period_marks.RecordPeriodMark(
            journal_id=world.journals["math"],
            period_id="Q1",
            student_id=world.students[student],
            value=value,
        ),
    )


def test_school117_period_marks_at_least_a_day_before_the_period_ends(
    make_world: MakeWorld,
) -> None:
    world = make_world("school117")  # Q1 ends on 24 October 2026
    world.at(date(2026, 10, 23), 23, 59, 59)
    period_mark(world, 0)
    world.at(date(2026, 10, 24), 0, 0, 1)
    with pytest.raises(DeadlinePassedError) as refused:
        period_mark(world, 1)
    assert_clause(refused.value, "School 117", "§5.2")


def test_school77_period_marks_two_days_before_the_end(make_world: MakeWorld) -> None:
    world = make_world("school77")
    world.give_marks("math", 0, 1)
    world.at(date(2026, 10, 22), 23, 59, 59)
    period_mark(world, 0)
    world.at(date(2026, 10, 23), 0, 0, 1)
    with pytest.raises(DeadlinePassedError) as refused:
        period_mark(world, 1)
    assert_clause(refused.value, "School 77", "§5.4")


def test_lyceum68_period_marks_only_in_the_last_week(make_world: MakeWorld) -> None:
    world = make_world("lyceum68")
    world.at(date(2026, 10, 17), 23, 59)
    with pytest.raises(RuleViolationError) as refused:
        period_mark(world, 0)
    assert_clause(refused.value, "Lyceum 68", "§3.6.5")
    world.at(date(2026, 10, 18), 0, 0, 1)
    period_mark(world, 0)


@pytest.mark.parametrize("banned", ["н/а", "осв.", "Н/А"])
def test_school77_refuses_na_and_exempt_as_period_marks(make_world: MakeWorld, banned: str) -> None:
    world = make_world("school77")
    world.at(date(2026, 10, 20), 12)
    with pytest.raises(RuleViolationError) as refused:
        period_mark(world, 0, banned)
    assert_clause(refused.value, "School 77", "§5.3")
    assert refused.value.rule == "period_marks.forbidden_values"


@pytest.mark.parametrize("profile", ["school117", "lyceum68", "belogorsk"])
def test_na_and_exempt_are_period_entries_where_the_regulation_is_silent(
    make_world: MakeWorld, profile: str
) -> None:
    """Only School 77 §5.3 bans «н/а» and «осв.»; the other regulations do not."""
    world = make_world(profile)
    world.at(date(2026, 10, 20), 12)
    period_mark(world, 0, "Н/А")
    period_mark(world, 1, "осв")
    journal = world.school.journal(world.journals["math"])
    assert journal.period_mark("Q1", world.students[0]).value == "н/а"  # type: ignore[union-attr]
    assert journal.period_mark("Q1", world.students[1]).value == "осв."  # type: ignore[union-attr]
    with pytest.raises(MarkScaleError):
        period_mark(world, 2, "неатт")


# --- Grade 1 ----------------------------------------------------------------------------


@pytest.mark.parametrize(("profile", "ref"), [("school117", "§5.5"), ("school77", "§3.7")])
def test_grade1_gets_no_marks(make_world: MakeWorld, profile: str, ref: str) -> None:
    world = make_world(profile)
    world.at(MONDAY, 10)
    with pytest.raises(RuleViolationError) as refused:
        whole_lesson(
            world,
            "math1",
            MONDAY,
            1,
            topic="Счёт до 10",
            marks=(MarkEntry(student_id=world.first_graders[0], value="5"),),
        )
    assert refused.value.rule == "first_grade.no_marks"
    assert refused.value.clause.ref == ref
    # Attendance is still kept in grade 1.
    whole_lesson(
        world,
        "math1",
        MONDAY,
        1,
        topic="Счёт до 10",
        attendance={world.first_graders[1]: Attendance.ABSENT},
    )


def test_school77_grade1_gets_no_homework(make_world: MakeWorld) -> None:
    world = make_world("school77")
    world.at(MONDAY, 10)
    with pytest.raises(RuleViolationError) as refused:
        whole_lesson(world, "math1", MONDAY, 1, topic="Счёт до 10", homework="с. 5")
    assert refused.value.rule == "first_grade.no_homework"
    assert_clause(refused.value, "School 77", "§3.7")


def test_lyceum68_grade1_may_have_marks(make_world: MakeWorld) -> None:
    world = make_world("lyceum68")  # its regulation sets no grade-1 rule
    world.at(MONDAY, 10)
    whole_lesson(
        world,
        "math1",
        MONDAY,
        1,
        topic="Счёт до 10",
        marks=(MarkEntry(student_id=world.first_graders[0], value="5"),),
    )


# --- No backdating ------------------------------------------------------------------------


def all_commands() -> list[type[Command]]:
    for module in pkgutil.iter_modules(ejournal.commands.__path__):
        importlib.import_module(f"ejournal.commands.{module.name}")
    found: list[type[Command]] = []
    pending: list[type[Command]] = [Command]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            found.append(sub)
            pending.append(sub)
    return found


def test_no_command_takes_a_recorded_time_from_the_client() -> None:
    commands = all_commands()
    assert len(commands) > 30
    for command in commands:
        for name, info in command.model_fields.items():
            assert "datetime.datetime" not in str(info.annotation), f"{command.__name__}.{name}"
            assert name not in ("timestamp", "recorded_at", "created_at"), command.__name__
    with pytest.raises(ValidationError, match="recorded_at"):
        marks.RecordMark.model_validate(
            {
                "journal_id": UUID(int=1),
                "lesson_id": UUID(int=2),
                "student_id": UUID(int=3),
                "value": "5",
                "recorded_at": "2026-09-01T10:00:00Z",
            }
        )


def test_a_late_entry_needs_a_deputys_permission_and_is_flagged(make_world: MakeWorld) -> None:
    world = make_world("school77")
    world.at(date(2026, 9, 9), 10)
    with pytest.raises(DeadlinePassedError):
        whole_lesson(world, "math", MONDAY, 1, topic="Натуральные числа")
    permission = substitutions.permit_late_entry(
        world.school,
        world.deputy,
        substitutions.PermitLateEntry(
            journal_id=world.journals["math"],
            from_date=MONDAY,
            to_date=MONDAY,
            teacher_id=world.math.account_id,
            reason="учитель болел, журнал не заполнен",
        ),
    ).ids["permission_id"]
    lesson_id = whole_lesson(
        world,
        "math",
        MONDAY,
        1,
        topic="Натуральные числа",
        attendance={world.students[0]: Attendance.ABSENT},
        marks=(MarkEntry(student_id=world.students[1], value="5"),),
    )
    journal = world.school.journal(world.journals["math"])
    assert journal.lessons[lesson_id].late is not None
    assert journal.lessons[lesson_id].late.permission_id == permission  # type: ignore[union-attr]
    events = list(world.school.events.get(journal.id))
    held = [e for e in events if isinstance(e, ClassJournal.LessonHeld)]
    absent = [e for e in events if isinstance(e, ClassJournal.AttendanceRecorded)]
    given = [e for e in events if isinstance(e, ClassJournal.MarkRecorded)]
    assert held[0].lesson.late is not None
    assert absent[0].late is not None
    assert given[0].late is not None
    assert given[0].late.rule == "deadline.mark.oral"
    # The permission covers its dates only.
    with pytest.raises(DeadlinePassedError):
        whole_lesson(world, "math", date(2026, 9, 8), 1, topic="Сложение")


def test_a_permission_expires(make_world: MakeWorld) -> None:
    world = make_world("school77")
    world.at(date(2026, 9, 9), 10)
    substitutions.permit_late_entry(
        world.school,
        world.deputy,
        substitutions.PermitLateEntry(
            journal_id=world.journals["math"],
            from_date=MONDAY,
            to_date=MONDAY,
            valid_days=1,
            reason="сбой сети в школе",
        ),
    )
    world.at(date(2026, 9, 11), 0, 0, 1)
    with pytest.raises(DeadlinePassedError):
        whole_lesson(world, "math", MONDAY, 1, topic="Натуральные числа")


def test_a_quarantine_declared_after_the_year_was_read_takes_effect(world: World) -> None:
    world.at(MONDAY, 12)
    whole_lesson(world, "math", MONDAY, 1, topic="Натуральные числа")  # the year is read here
    world.at(date(2026, 9, 8), 12)
    year.declare_closure(
        world.school,
        world.deputy,
        year.DeclareClosure(
            year="2026/2027",
            start=date(2026, 9, 8),
            end=date(2026, 9, 14),
            kind="quarantine",
            classes=frozenset({"5А"}),
            reason="ОРВИ",
        ),
    )
    with pytest.raises(NoLessonsThatDayError, match="quarantine: ОРВИ"):
        whole_lesson(world, "math", date(2026, 9, 8), 1, topic="Сложение")
    # The quarantine is 5А's only: 1А still has lessons that day.
    whole_lesson(world, "math1", date(2026, 9, 8), 1, topic="Счёт до 10")


def test_replacing_a_timetable_needs_a_reason(world: World) -> None:
    command = year.SetTimetable(year="2026/2027", class_code="5А", entries=())
    with pytest.raises(InvariantError, match="reason"):
        year.set_timetable(world.school, world.deputy, command)
    year.set_timetable(
        world.school,
        world.deputy,
        command.model_copy(update={"reason": "изменение расписания, приказ № 5"}),
    )


# --- Results dates: a real past day, on or after the lesson, for outside results only ---------


def results_mark(
    world: World, lesson_id: UUID, kind: WorkKind, results_date: date | None, student: int = 0
) -> None:
    marks.record_mark(
        world.school,
        world.math,
        marks.RecordMark(
            journal_id=world.journals["math"],
            lesson_id=lesson_id,
            student_id=world.students[student],
            value="4",
            work_kind=kind,
            results_date=results_date,
        ),
    )


def test_school77_an_old_lesson_does_not_reopen_by_a_results_date(make_world: MakeWorld) -> None:
    """School 77 §4.4.10: results "received" today or in the future do not reopen a lesson of
    September; an oral answer carries no results date at all."""
    world = make_world("school77")
    world.at(date(2026, 9, 1), 10)
    lesson = whole_lesson(world, "math", date(2026, 9, 1), 1, topic="Диагностическая работа")
    world.at(date(2026, 12, 3), 10)
    with pytest.raises(RuleViolationError) as refused:
        results_mark(world, lesson, WorkKind.ORAL, date(2026, 12, 3))
    assert refused.value.rule == "results_date.not_for_this_kind"
    assert_clause(refused.value, "School 77", "§4.4.1")
    with pytest.raises(RuleViolationError) as refused:
        results_mark(world, lesson, WorkKind.EXTERNAL_DIAGNOSTIC, date(2027, 2, 3))
    assert refused.value.rule == "results_date.in_future"
    assert_clause(refused.value, "School 77", "§4.4.10")
    # Tomorrow in the school's zone is still the future: the edge is the school's midnight.
    world.at(date(2026, 12, 3), 23, 59, 59)
    with pytest.raises(RuleViolationError) as refused:
        results_mark(world, lesson, WorkKind.EXTERNAL_DIAGNOSTIC, date(2026, 12, 4))
    assert refused.value.rule == "results_date.in_future"
    with pytest.raises(RuleViolationError) as refused:
        results_mark(world, lesson, WorkKind.EXTERNAL_DIAGNOSTIC, date(2026, 8, 31))
    assert refused.value.rule == "results_date.before_lesson"
    # Results really received today are in time (within a day, §4.4.10).
    results_mark(world, lesson, WorkKind.EXTERNAL_DIAGNOSTIC, date(2026, 12, 3))


def test_a_state_exam_mark_without_its_results_date_is_refused_cleanly(
    make_world: MakeWorld,
) -> None:
    """Lyceum 68 §5.5 counts from the announcement: without its date the mark is refused with
    the clause, not a server error."""
    world = make_world("lyceum68")
    world.at(MONDAY, 10)
    lesson = whole_lesson(world, "math", MONDAY, 1, topic="ОГЭ")
    with pytest.raises(RuleViolationError) as refused:
        results_mark(world, lesson, WorkKind.STATE_EXAM, None)
    assert refused.value.rule == "results_date.missing"
    assert_clause(refused.value, "Lyceum 68", "§5.5")
    results_mark(world, lesson, WorkKind.STATE_EXAM, MONDAY)


def test_lyceum68_no_permission_lets_a_mark_in_backdated(make_world: MakeWorld) -> None:
    """Lyceum 68 §3.6.8 bans marks «задним числом»: a deputy's permission lets the lesson's
    topic and absentees in late (§3.6.7), never a mark."""
    world = make_world("lyceum68")
    world.at(date(2026, 9, 9), 10)
    substitutions.permit_late_entry(
        world.school,
        world.deputy,
        substitutions.PermitLateEntry(
            journal_id=world.journals["math"],
            from_date=MONDAY,
            to_date=MONDAY,
            reason="учитель болел, журнал не заполнен",
        ),
    )
    position = world.school.position()
    with pytest.raises(RuleViolationError) as refused:
        whole_lesson(
            world,
            "math",
            MONDAY,
            1,
            topic="Натуральные числа",
            marks=(MarkEntry(student_id=world.students[1], value="5"),),
        )
    assert refused.value.rule == "late_entries.permitted"
    assert_clause(refused.value, "Lyceum 68", "§3.6.8")
    assert world.school.position() == position
    lesson_id = whole_lesson(
        world,
        "math",
        MONDAY,
        1,
        topic="Натуральные числа",
        attendance={world.students[0]: Attendance.ABSENT},
    )
    assert world.school.journal(world.journals["math"]).lessons[lesson_id].late is not None
    with pytest.raises(RuleViolationError) as refused:
        mark(world, "math", lesson_id, WorkKind.ORAL, student=1)
    assert refused.value.rule == "late_entries.permitted"
    # A written work is still inside its 5 working days (§5.4): no permission is needed.
    mark(world, "math", lesson_id, WorkKind.CONTROL, student=1)


# --- A student recorded absent gave no answer in the lesson -----------------------------------


@pytest.mark.parametrize("profile", ["lyceum68", "school77"])
def test_an_absent_student_has_no_oral_mark_but_may_write_later(
    make_world: MakeWorld, profile: str
) -> None:
    """Lyceum 68 §5.3 marks "устных заданий в ходе урока": given in the lesson, so not by a
    student recorded absent from it; a written work may be written later (§5.4)."""
    world = make_world(profile)
    world.at(MONDAY, 10)
    absent = world.students[0]
    position = world.school.position()
    with pytest.raises(InvariantError if profile == "school77" else RuleViolationError) as refused:
        whole_lesson(
            world,
            "math",
            MONDAY,
            1,
            topic="Дроби",
            attendance={absent: Attendance.ABSENT},
            marks=(MarkEntry(student_id=absent, value="5"),),
        )
    if isinstance(refused.value, RuleViolationError):
        assert_clause(refused.value, "Lyceum 68", "§5.3")
    else:
        assert refused.value.slug == "absent-student-marked"
    assert world.school.position() == position
    lesson = whole_lesson(
        world, "math", MONDAY, 1, topic="Дроби", attendance={absent: Attendance.ABSENT}
    )
    with pytest.raises((RuleViolationError, InvariantError)):
        mark(world, "math", lesson, WorkKind.ORAL, student=0)
    mark(world, "math", lesson, WorkKind.CONTROL, student=0)
    # And the other way round: a student who answered was not absent.
    mark(world, "math", lesson, WorkKind.ORAL, student=1)
    with pytest.raises((RuleViolationError, InvariantError)):
        whole_lesson(world, "math", MONDAY, 1, attendance={world.students[1]: Attendance.ABSENT})
