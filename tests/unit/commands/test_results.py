"""The year's results through the real handlers, each rule at its edge with its clause: a year
mark after the last period's mark and within that period's window, exam and final marks in
grades 9 and 11 only, a final mark after the year mark and (Lyceum 68 §5.6) within 3 working
days of the exam mark; and the basis a period mark rests on (School 77 §5.1–5.2,
Gymnasium 2 §8.4)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

import pytest
from scenario import World, add_class

from ejournal.commands import marks, period_marks, results
from ejournal.errors import DeadlinePassedError, NotFoundError, RuleViolationError
from ejournal.marks import ResultKind

MakeWorld = Callable[[str], World]
Q4_MONDAY = date(2027, 5, 17)


def assert_clause(error: RuleViolationError, rule: str, source: str, ref: str) -> None:
    assert error.rule == rule
    assert (error.clause.source, error.clause.ref) == (source, ref)
    assert f"({source}, {ref})" in error.detail


def period_mark(world: World, student: UUID, period: str, journal: str = "math") -> None:
    period_marks.record_period_mark(
        world.school,
        world.math,
        period_marks.RecordPeriodMark(
            journal_id=world.journals[journal], period_id=period, student_id=student, value="4"
        ),
    )


def result(
    world: World,
    kind: ResultKind,
    student: UUID,
    journal: str = "math",
    value: str = "4",
    results_date: date | None = None,
) -> None:
    results.record_result_mark(
        world.school,
        world.math,
        results.RecordResultMark(
            journal_id=world.journals[journal],
            kind=kind,
            student_id=student,
            value=value,
            results_date=results_date,
        ),
    )


# --- the year mark -----------------------------------------------------------------------------


def test_school77_year_mark_after_the_last_period_mark_within_its_window(
    make_world: MakeWorld,
) -> None:
    world = make_world("school77")
    s = world.students
    world.give_marks("math", 0, 1, 2, on=Q4_MONDAY)
    world.at(date(2027, 5, 20), 12)
    with pytest.raises(RuleViolationError) as refused:
        result(world, ResultKind.YEAR, s[0])
    assert_clause(refused.value, "results.year_after_last_period", "School 77", "§4.4.6, §6.5")
    assert "4 четверть" in refused.value.detail
    for student in s[:3]:
        period_mark(world, student, "Q4")
    result(world, ResultKind.YEAR, s[0], value="5")
    journal = world.school.journal(world.journals["math"])
    year_mark = journal.period_mark("Y", s[0])
    assert year_mark is not None
    assert (year_mark.value, year_mark.late) == ("5", None)
    # Q4 ends on 26 May; School 77 §5.4: marks no later than two days before, so by 24 May.
    world.at(date(2027, 5, 24), 23, 59, 59)
    result(world, ResultKind.YEAR, s[1])
    world.at(date(2027, 5, 25), 0, 0, 1)
    with pytest.raises(DeadlinePassedError) as late:
        result(world, ResultKind.YEAR, s[2])
    assert late.value.rule == "deadline.period_mark"


@pytest.mark.parametrize("banned", ["н/а", "осв."])
def test_school77_refuses_na_and_exempt_as_year_marks(make_world: MakeWorld, banned: str) -> None:
    world = make_world("school77")
    world.give_marks("math", 0, on=Q4_MONDAY)
    world.at(date(2027, 5, 20), 12)
    period_mark(world, world.students[0], "Q4")
    with pytest.raises(RuleViolationError) as refused:
        result(world, ResultKind.YEAR, world.students[0], value=banned)
    assert_clause(refused.value, "period_marks.forbidden_values", "School 77", "§5.3")


def test_a_year_mark_is_corrected_with_a_reason(make_world: MakeWorld) -> None:
    world = make_world("school117")
    world.at(date(2027, 5, 20), 12)
    period_mark(world, world.students[0], "Q4")
    result(world, ResultKind.YEAR, world.students[0], value="4")
    period_marks.correct_period_mark(
        world.school,
        world.math,
        period_marks.CorrectPeriodMark(
            journal_id=world.journals["math"],
            period_id=ResultKind.YEAR.period_id,
            student_id=world.students[0],
            value="5",
            reason="пересчёт по итогам четвертей",
        ),
    )
    year_mark = world.school.journal(world.journals["math"]).period_mark("Y", world.students[0])
    assert year_mark is not None
    assert (year_mark.value, year_mark.corrected) == ("5", True)


def test_a_year_period_beside_the_quarters_is_not_a_period(make_world: MakeWorld) -> None:
    """The year mark is recorded as a result, never as a period "Y" the year does not have."""
    world = make_world("school117")
    world.at(date(2027, 5, 20), 12)
    with pytest.raises(NotFoundError):
        period_mark(world, world.students[0], "Y")


# --- exam and final marks ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "rule"),
    [(ResultKind.EXAM, "results.exam_grades"), (ResultKind.FINAL, "results.final_grades")],
)
def test_exam_and_final_marks_only_in_grades_9_and_11(
    make_world: MakeWorld, kind: ResultKind, rule: str
) -> None:
    world = make_world("school77")
    world.at(date(2027, 5, 20), 12)
    with pytest.raises(RuleViolationError) as refused:
        result(world, kind, world.students[0], results_date=date(2027, 5, 19))
    assert_clause(refused.value, rule, "School 77", "§4.4.6")
    assert "grade 5" in refused.value.detail


def test_lyceum68_final_mark_after_the_year_mark_within_3_working_days_of_the_exam(
    make_world: MakeWorld,
) -> None:
    world = make_world("lyceum68")
    ninth = add_class(world, 9, pupils=3)
    world.at(date(2027, 5, 21), 12)  # Lyceum 68 §3.6.5: the last week of Q4 (20–26 May)
    for student in ninth:
        period_mark(world, student, "Q4", journal="math9")
    with pytest.raises(RuleViolationError) as refused:
        result(world, ResultKind.FINAL, ninth[0], journal="math9")
    assert_clause(refused.value, "results.final_after_year_mark", "Lyceum 68", "§5.6")
    for student in ninth:
        result(world, ResultKind.YEAR, student, journal="math9")
    # The exam's results were announced on Friday 28 May; entered on Monday 31 May, the first
    # of 3 working days (Lyceum 68 §5.5).
    world.at(date(2027, 5, 31), 10)
    for student in ninth:
        result(world, ResultKind.EXAM, student, journal="math9", results_date=date(2027, 5, 28))
    # §5.6: the final marks within 3 working days after the exam's results are entered:
    # Tuesday 1, Wednesday 2, Thursday 3 June.
    world.at(date(2027, 6, 3), 23, 59, 59)
    result(world, ResultKind.FINAL, ninth[0], journal="math9", value="5")
    world.at(date(2027, 6, 4), 0, 0, 1)
    with pytest.raises(DeadlinePassedError) as late:
        result(world, ResultKind.FINAL, ninth[1], journal="math9")
    assert_clause(late.value, "results.final_after_exam", "Lyceum 68", "§5.6")
    journal = world.school.journal(world.journals["math9"])
    assert [journal.period_mark(p, ninth[0]).value for p in ("Y", "E", "F")] == ["4", "4", "5"]  # type: ignore[union-attr]


def test_lyceum68_exam_results_within_3_working_days_of_their_announcement(
    make_world: MakeWorld,
) -> None:
    world = make_world("lyceum68")
    ninth = add_class(world, 9, pupils=2)
    world.at(date(2027, 6, 2), 23, 59)  # announced Friday 28 May: Mon 31, Tue 1, Wed 2 June
    result(world, ResultKind.EXAM, ninth[0], journal="math9", results_date=date(2027, 5, 28))
    world.at(date(2027, 6, 3), 0, 1)
    with pytest.raises(DeadlinePassedError) as late:
        result(world, ResultKind.EXAM, ninth[1], journal="math9", results_date=date(2027, 5, 28))
    assert (late.value.clause.source, late.value.clause.ref) == ("Lyceum 68", "§5.5")


# --- the basis of a period mark (finding 10) ---------------------------------------------------


def test_school77_a_period_mark_rests_on_current_marks_of_the_period(
    make_world: MakeWorld,
) -> None:
    """A Q2 mark for a student with no marks in Q2, three weeks before the end, is refused; a
    Q1 mark or a voided Q2 mark is no basis; one current Q2 mark is."""
    world = make_world("school77")
    s = world.students
    world.give_marks("math", 0, on=date(2026, 9, 16))  # Q1: no basis for Q2
    world.give_marks("math", 0, on=date(2026, 11, 9))
    voided = world.school.journal(world.journals["math"])
    mark_id = next(
        m.id for m in voided.marks.values() if voided.lessons[m.lesson_id].on.month == 11
    )
    marks.void_mark(
        world.school,
        world.math,
        marks.VoidMark(journal_id=world.journals["math"], mark_id=mark_id, reason="не тому"),
    )
    world.at(date(2026, 12, 7), 12)  # Q2 ends on 28 December
    with pytest.raises(RuleViolationError) as refused:
        period_mark(world, s[0], "Q2")
    assert_clause(refused.value, "period_mark_basis.min_current_marks", "School 77", "§5.1–5.2")
    assert "has 0" in refused.value.detail
    world.give_marks("math", 0, on=date(2026, 12, 8))
    world.at(date(2026, 12, 9), 12)
    period_mark(world, s[0], "Q2")


def test_gymnasium2_a_trimester_mark_rests_on_current_marks(make_world: MakeWorld) -> None:
    world = make_world("gymnasium2")
    world.at(date(2026, 11, 20), 12)
    with pytest.raises(RuleViolationError) as refused:
        period_mark(world, world.students[0], "T1")
    assert_clause(refused.value, "period_mark_basis.min_current_marks", "Gymnasium 2", "§8.4")


def test_school117_sets_no_number_of_current_marks(make_world: MakeWorld) -> None:
    world = make_world("school117")
    world.at(date(2026, 10, 20), 12)
    period_mark(world, world.students[0], "Q1")
