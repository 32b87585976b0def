"""Period schemes of a school year: half-years for grades 10–11 beside quarters or trimesters
for the rest (School 117, School 77, Belogorsk, Gymnasium 2); overlaps are refused only within
a scheme, and the period of a date is the one of the class's grade's scheme."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from pathlib import Path
from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent
from scenario import build_world, sqlite_school

from ejournal.aggregates.school_year import (
    BellSlot,
    JournalRef,
    Period,
    SchoolClass,
    SchoolYear,
    SchoolYearError,
    TimetableEntry,
)
from ejournal.clock import MovableClock
from ejournal.errors import NotFoundError
from ejournal.policy.profile import load_profile
from ejournal.roles import Actor, Role

ADMIN = Actor(account_id=uuid4(), role=Role.ADMINISTRATOR)
LOWER = frozenset(range(1, 10))
UPPER = frozenset({10, 11})


def quarter(n: int, start: date, end: date, grades: frozenset[int] | None = LOWER) -> Period:
    return Period(id=f"Q{n}", name=f"{n} четверть", start=start, end=end, grades=grades)


def half(n: int, start: date, end: date, grades: frozenset[int] | None = UPPER) -> Period:
    return Period(id=f"H{n}", name=f"{n} полугодие", start=start, end=end, grades=grades)


QUARTERS = (
    quarter(1, date(2026, 9, 1), date(2026, 10, 24)),
    quarter(2, date(2026, 11, 5), date(2026, 12, 28)),
    quarter(3, date(2027, 1, 12), date(2027, 3, 20)),
    quarter(4, date(2027, 3, 30), date(2027, 5, 26)),
)
HALVES = (
    half(1, date(2026, 9, 1), date(2026, 12, 28)),
    half(2, date(2027, 1, 12), date(2027, 5, 26)),
)


def start(*periods: Period) -> SchoolYear:
    return SchoolYear.start(
        label="2026/2027",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 5, 31),
        periods=periods,
        profile=load_profile("school77"),
        actor=ADMIN,
    )


def test_half_years_for_grades_10_and_11_stand_beside_quarters() -> None:
    year = start(*QUARTERS, *HALVES)
    for code, grade in (("5А", 5), ("10А", 10)):
        year.form_class(SchoolClass(code=code, grade=grade, letter="А"), ADMIN)
    autumn_holidays = date(2026, 10, 28)
    assert year.period_of_class(autumn_holidays, "5А") is None
    assert year.period_of_class(autumn_holidays, "10А") == year.periods["H1"]
    assert year.period_of(date(2026, 12, 1), 5) == year.periods["Q2"]
    assert [p.id for p in year.periods_for(10)] == ["H1", "H2"]
    assert [p.id for p in year.periods_for(5)] == ["Q1", "Q2", "Q3", "Q4"]
    assert year.period("H1", 11).id == "H1"
    with pytest.raises(NotFoundError, match="not a period of grade 5"):
        year.period("H1", 5)


def test_overlaps_are_refused_within_a_scheme() -> None:
    overlapping = quarter(2, date(2026, 10, 20), date(2026, 12, 28))
    with pytest.raises(SchoolYearError, match="Q2 overlaps"):
        start(QUARTERS[0], overlapping, *HALVES)


def test_a_grade_has_one_scheme() -> None:
    with pytest.raises(SchoolYearError, match="grade 9 is in two period schemes"):
        start(*QUARTERS, *(h.model_copy(update={"grades": frozenset({9, 10, 11})}) for h in HALVES))


def test_periods_for_every_grade_do_not_stand_beside_schemes() -> None:
    with pytest.raises(SchoolYearError, match="every grade"):
        start(*(q.model_copy(update={"grades": None}) for q in QUARTERS), *HALVES)


def test_a_year_of_one_scheme_as_logged_before_schemes_serves_every_grade() -> None:
    """Periods without grades (every log before schemes) stay one scheme for all grades."""
    year = start(*(q.model_copy(update={"grades": None}) for q in QUARTERS))
    assert year.period_of(date(2026, 12, 1), 10) == year.periods["Q2"]
    assert Period.model_validate(
        {"id": "Q1", "name": "1 четверть", "start": "2026-09-01", "end": "2026-10-24"}
    ).applies_to(11)


def test_a_year_started_before_schemes_and_results_reads_back(tmp_path: Path) -> None:
    """An old log's SchoolYear.Started, stored before periods had grades and profiles had a
    basis for period marks and rules for results, decodes as one scheme for every grade and
    the default rules: no upcast is needed."""
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    world = build_world(sqlite_school(tmp_path / "old.sqlite", clock), clock, "lyceum68")
    stored = next(
        n
        for n in world.school.recorder.select_notifications(start=1, limit=100)
        if n.topic.endswith("SchoolYear.Started")
    )
    state = json.loads(stored.state)
    for period in state["periods"]:
        del period["grades"]
    del state["profile"]["period_mark_basis"], state["profile"]["results"]
    old = StoredEvent(
        originator_id=stored.originator_id,
        originator_version=stored.originator_version,
        topic=stored.topic,
        state=json.dumps(state).encode(),
    )
    event = world.school.mapper.to_domain_event(old)
    assert isinstance(event, SchoolYear.Started)
    assert all(p.grades is None for p in event.periods)
    assert event.profile.period_mark_basis.min_current_marks == 0
    assert event.profile.results.exam_grades == {9, 11}


# --- classes, rosters, timetable and closing -----------------------------------------------

MATH = uuid4()
ENGLISH1 = uuid4()
ENGLISH2 = uuid4()
SEPTEMBER_1 = date(2026, 9, 1)


def year_with_5a() -> SchoolYear:
    """Quarters, class 5А with mathematics and English in two subgroups, and its bells."""
    year = start(*(q.model_copy(update={"grades": None}) for q in QUARTERS))
    year.form_class(SchoolClass(code="5А", grade=5, letter="А"), ADMIN)
    year.register_journal(
        MATH, JournalRef(class_code="5А", subject="mathematics", subgroup=None), ADMIN
    )
    for journal, subgroup in ((ENGLISH1, "1"), (ENGLISH2, "2")):
        year.register_journal(
            journal,
            JournalRef(class_code="5А", subject="foreign_language", subgroup=subgroup),
            ADMIN,
        )
    year.set_bells(
        tuple(BellSlot(slot=n, start=time(7 + n), end=time(7 + n, 45)) for n in range(1, 6)),
        ADMIN,
    )
    return year


def test_a_class_is_formed_once_and_only_for_grades_1_to_11() -> None:
    year = year_with_5a()
    with pytest.raises(SchoolYearError, match="class 5А already exists"):
        year.form_class(SchoolClass(code="5А", grade=5, letter="А"), ADMIN)
    with pytest.raises(SchoolYearError, match="grades run from 1 to 11"):
        year.form_class(SchoolClass(code="12А", grade=12, letter="А"), ADMIN)
    with pytest.raises(NotFoundError, match="no class '6А'"):
        year.register_journal(
            uuid4(), JournalRef(class_code="6А", subject="mathematics", subgroup=None), ADMIN
        )
    with pytest.raises(SchoolYearError, match="already open"):
        year.register_journal(
            MATH, JournalRef(class_code="5А", subject="mathematics", subgroup=None), ADMIN
        )
    assert set(year.journals_of("5А")) == {MATH, ENGLISH1, ENGLISH2}
    assert year.grade_of("5А") == 5


def test_a_students_class_and_subgroups_are_stints_of_days() -> None:
    year = year_with_5a()
    student = uuid4()
    year.enroll(student, "5А", SEPTEMBER_1, ADMIN)
    with pytest.raises(SchoolYearError, match="already in class 5А"):
        year.enroll(student, "5А", SEPTEMBER_1, ADMIN)
    assert year.assign_subgroup(student, "foreign_language", "1", SEPTEMBER_1, ADMIN) is None
    with pytest.raises(SchoolYearError, match="already in subgroup 1"):
        year.assign_subgroup(student, "foreign_language", "1", date(2026, 9, 2), ADMIN)
    with pytest.raises(NotFoundError, match="no subgroup '3'"):
        year.assign_subgroup(student, "foreign_language", "3", date(2026, 9, 2), ADMIN)
    # Moved to the second subgroup from 1 October: September's pages keep them in the first.
    moved = date(2026, 10, 1)
    assert year.assign_subgroup(student, "foreign_language", "2", moved, ADMIN) == "1"
    english1 = year.journals[ENGLISH1]
    english2 = year.journals[ENGLISH2]
    assert year.roster(english1, date(2026, 9, 30)) == {student}
    assert year.roster(english2, date(2026, 9, 30)) == frozenset()
    assert year.roster(english2, moved) == {student}
    assert year.is_on_roster(student, year.journals[MATH], moved)
    # Leaving the class ends the subgroup too, on the same day.
    left = date(2026, 11, 20)
    assert year.leave_class(student, left, ADMIN) == "5А"
    assert year.class_of(student, left) == "5А"
    assert year.class_of(student, date(2026, 11, 21)) is None
    assert year.subgroup_of(student, "5А", "foreign_language", date(2026, 11, 21)) is None
    assert year.class_roster("5А", date(2026, 11, 21)) == frozenset()
    with pytest.raises(NotFoundError, match="in no class"):
        year.leave_class(student, date(2026, 11, 22), ADMIN)
    with pytest.raises(NotFoundError, match="in no class on that date"):
        year.assign_subgroup(student, "foreign_language", "1", date(2026, 12, 1), ADMIN)


def test_a_student_cannot_leave_a_class_before_joining_it() -> None:
    year = year_with_5a()
    student = uuid4()
    year.enroll(student, "5А", date(2026, 9, 10), ADMIN)
    with pytest.raises(SchoolYearError, match="before joining it"):
        year.leave_class(student, date(2026, 9, 1), ADMIN)
    # Left on the eve of the first day: the class never had them.
    year.leave_class(student, date(2026, 9, 9), ADMIN)
    assert year.class_of(student, date(2026, 9, 10)) is None


def test_the_timetable_names_the_classs_journals_on_school_days() -> None:
    year = year_with_5a()
    monday = TimetableEntry(weekday=1, slot=2, journal_id=MATH)
    with pytest.raises(SchoolYearError, match="weekday 7 is not a school day"):
        year.set_timetable("5А", (TimetableEntry(weekday=7, slot=1, journal_id=MATH),), ADMIN)
    with pytest.raises(SchoolYearError, match="journal of another class"):
        year.set_timetable("5А", (TimetableEntry(weekday=1, slot=1, journal_id=uuid4()),), ADMIN)
    year.set_timetable("5А", (monday,), ADMIN)
    assert year.class_day_end("5А", date(2026, 9, 7)) == time(9, 45)
    assert year.class_day_end("5А", date(2026, 9, 8)) is None
    with pytest.raises(SchoolYearError, match="replacing a class's timetable needs a reason"):
        year.set_timetable("5А", (), ADMIN)
    year.set_timetable("5А", (), ADMIN, reason="новое расписание")
    assert year.class_day_end("5А", date(2026, 9, 7)) is None


def test_bells_are_each_slot_once_and_replaced_with_a_reason() -> None:
    year = year_with_5a()
    assert year.lesson_end(1) == time(8, 45)
    assert year.lesson_end(7) is None
    slot = BellSlot(slot=1, start=time(8), end=time(8, 40))
    with pytest.raises(SchoolYearError, match="replacing the bell schedule needs a reason"):
        year.set_bells((slot,), ADMIN)
    with pytest.raises(SchoolYearError, match="each lesson slot is given once"):
        year.set_bells((slot, slot), ADMIN, reason="сокращённые уроки")
    with pytest.raises(SchoolYearError, match="must end after it starts"):
        year.set_bells(
            (BellSlot(slot=1, start=time(9), end=time(8)),), ADMIN, reason="сокращённые уроки"
        )
    year.set_bells((slot,), ADMIN, reason="сокращённые уроки")
    assert year.lesson_end(1) == time(8, 40)


def test_the_class_teacher_is_replaced_with_a_reason() -> None:
    year = year_with_5a()
    first, second = uuid4(), uuid4()
    year.assign_class_teacher("5А", first, ADMIN)
    with pytest.raises(SchoolYearError, match="already the class teacher of 5А"):
        year.assign_class_teacher("5А", first, ADMIN, reason="ошибка")
    with pytest.raises(SchoolYearError, match="replacing the class teacher needs a reason"):
        year.assign_class_teacher("5А", second, ADMIN)
    year.assign_class_teacher("5А", second, ADMIN, reason="декретный отпуск")
    assert year.school_class("5А").class_teacher_id == second
    assigned = [e for e in year.collect_events() if isinstance(e, SchoolYear.ClassTeacherAssigned)]
    assert [(e.account_id, e.previous, e.reason) for e in assigned] == [
        (first, None, None),
        (second, first, "декретный отпуск"),
    ]


def test_a_closed_year_takes_no_change() -> None:
    year = year_with_5a()
    student = uuid4()
    year.enroll(student, "5А", SEPTEMBER_1, ADMIN)
    year.close(ADMIN)
    for change in (
        lambda: year.form_class(SchoolClass(code="5Б", grade=5, letter="Б"), ADMIN),
        lambda: year.enroll(uuid4(), "5А", SEPTEMBER_1, ADMIN),
        lambda: year.leave_class(student, date(2026, 12, 1), ADMIN),
        lambda: year.set_timetable("5А", (), ADMIN, reason="r"),
        lambda: year.close(ADMIN),
    ):
        with pytest.raises(SchoolYearError, match="school year 2026/2027 is closed"):
            change()
    names = [type(e).__name__ for e in year.collect_events()]
    assert names[-2:] == ["StudentEnrolled", "Closed"]
