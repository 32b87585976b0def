"""The demo school: seeded through the command handlers on a real SQLite file, the same school for
the same seed, and its report says what its log holds."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from ejournal.aggregates.account import Account
from ejournal.aggregates.class_journal import ClassJournal
from ejournal.aggregates.school_year import SchoolYear
from ejournal.aggregates.student import Student
from ejournal.application import School
from ejournal.clock import MovableClock
from ejournal.demo import (
    BELLS,
    DEMO_YEAR,
    DemoReport,
    DemoSeedError,
    seed_demo,
    survey_demo,
)
from ejournal.marks import Attendance, WorkKind
from ejournal.schools import open_school
from ejournal.settings import Settings

MOSCOW = ZoneInfo("Europe/Moscow")
WRITTEN_WORK = frozenset({WorkKind.CONTROL, WorkKind.DICTATION})


@dataclass
class Seeded:
    """A demo school seeded on its own SQLite file, with its report and its whole log decoded."""

    school: School
    report: DemoReport
    events: list[Any]
    topics: list[str]


def seed(directory: Path, seed: int = 2026) -> Seeded:
    clock = MovableClock(datetime(2026, 8, 1, tzinfo=UTC))
    school = open_school(Settings(database_url=f"sqlite:///{directory}"), "demo", clock=clock)
    report = seed_demo(school, seed=seed, clock=clock)
    notifications = school.recorder.select_notifications(start=1, limit=1_000_000)
    return Seeded(
        school=school,
        report=report,
        events=[school.mapper.to_domain_event(n) for n in notifications],
        topics=[n.topic for n in notifications],
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    return seed(tmp_path_factory.mktemp("demo"))


def of(demo: Seeded, kind: type[Any]) -> list[Any]:
    return [e for e in demo.events if type(e) is kind]


def names(seeded: Seeded) -> list[tuple[str, str, str]]:
    return [
        (str(e.name), e.class_code, e.birth_date.isoformat()) for e in of(seeded, Student.Admitted)
    ]


def marks(seeded: Seeded) -> list[tuple[str, str, str]]:
    admitted = {e.originator_id: str(e.name) for e in of(seeded, Student.Admitted)}
    return [
        (admitted[e.student_id], e.value, e.work_kind.value)
        for e in of(seeded, ClassJournal.MarkRecorded)
    ]


def test_the_report_counts_what_the_log_holds(demo: Seeded) -> None:
    report = demo.report
    kinds = Counter(topic.rpartition(":")[2] for topic in demo.topics)
    attendance = Counter(e.status for e in of(demo, ClassJournal.AttendanceRecorded))
    granted = [e.grant.role.value for e in of(demo, Account.RoleGranted)]

    assert report.events == len(demo.events) == report.position == demo.school.position()
    assert report.events_by_kind == dict(kinds)
    assert report.classes == ("1А", "5А", "5Б", "9А")
    assert report.journals == len(of(demo, ClassJournal.Opened))
    assert report.students == len(of(demo, Student.Admitted))
    assert report.guardians == len(of(demo, Student.GuardianAdded))
    assert report.consents == len(of(demo, Student.ConsentRecorded)) == report.students
    assert report.parent_accounts == granted.count("parent") > 0
    assert report.lessons == len(of(demo, ClassJournal.LessonHeld))
    assert report.marks == len(of(demo, ClassJournal.MarkRecorded))
    assert report.absences == attendance[Attendance.ABSENT]
    assert report.late_arrivals == attendance[Attendance.LATE]
    assert report.absence_reasons == len(of(demo, ClassJournal.AbsenceReasonSet)) > 0
    assert report.corrections == len(of(demo, ClassJournal.MarkCorrected)) == 1
    assert report.transfers == len(of(demo, Student.Transferred)) == 1
    assert report.late_lessons == 1
    assert report.substituted_lessons == 1
    assert {role: len(names) for role, names in report.logins.items()} == Counter(granted)
    assert survey_demo(demo.school) == report


def test_the_school_is_realistic_in_size(demo: Seeded) -> None:
    report = demo.report
    per_class = Counter(e.class_code for e in of(demo, Student.Admitted))
    assert all(20 <= n <= 25 for n in per_class.values())
    # Every slot of two weeks' timetables: 1А has 4 lessons a day, 5А and 5Б 5, 9А 6, and
    # English in 5А, 5Б and 9А (3 hours a week) is held twice over, once per subgroup.
    assert report.lessons == 2 * (20 + 25 + 25 + 30 + 3 * 3)
    roles = set(report.logins)
    assert {"administrator", "deputy", "secretary", "director", "class_teacher"} <= roles
    assert {"teacher", "inspector", "auditor", "parent"} <= roles
    assert len(report.logins["teacher"]) >= 8


def test_absences_are_five_to_ten_percent_of_attendance(demo: Seeded) -> None:
    year = demo.school.year(DEMO_YEAR)
    expected = 0
    for held in of(demo, ClassJournal.LessonHeld):
        expected += len(year.roster(year.journals[held.originator_id], held.lesson.on))
    assert 0.05 <= demo.report.absences / expected <= 0.10


def test_every_lesson_is_entered_on_its_day_after_it_ends_and_by_19(demo: Seeded) -> None:
    ends = {slot: end for slot, _, end in BELLS}
    for held in of(demo, ClassJournal.LessonHeld):
        entered = held.timestamp.astimezone(MOSCOW)
        if held.lesson.late is not None:
            assert entered.date() > held.lesson.on
            continue
        assert entered.date() == held.lesson.on
        assert ends[held.lesson.slot] < entered.time() <= time(19, 0)


def test_the_log_runs_forward_in_time(demo: Seeded) -> None:
    times = [e.timestamp for e in demo.events]
    assert times == sorted(times)
    assert times[0].astimezone(MOSCOW).date().isoformat() == "2026-08-24"


def test_grade_1_gets_attendance_but_no_marks_and_no_homework(demo: Seeded) -> None:
    first_grade = {e.originator_id for e in of(demo, ClassJournal.Opened) if e.grade == 1}
    assert first_grade
    lessons = [e for e in of(demo, ClassJournal.LessonHeld) if e.originator_id in first_grade]
    assert lessons
    assert all(e.lesson.homework is None for e in lessons)
    assert not [e for e in of(demo, ClassJournal.MarkRecorded) if e.originator_id in first_grade]
    assert [e for e in of(demo, ClassJournal.AttendanceRecorded) if e.originator_id in first_grade]


def test_a_lesson_left_past_its_deadline_is_entered_late_under_a_permission(demo: Seeded) -> None:
    (late,) = [e for e in of(demo, ClassJournal.LessonHeld) if e.lesson.late is not None]
    (permitted,) = of(demo, ClassJournal.LateEntryPermitted)
    assert late.lesson.late.permission_id == permitted.permission.id
    assert late.originator_id == permitted.originator_id
    assert permitted.actor.role.value == "deputy"
    assert permitted.timestamp < late.timestamp
    assert late.timestamp > late.lesson.late.deadline
    others = [
        e
        for e in demo.events
        if isinstance(e, ClassJournal.AttendanceRecorded | ClassJournal.MarkRecorded)
        and e.lesson_id == late.lesson.id
    ]
    assert others
    # Written work has three days (School 77 §4.4.1): only same-day entries are late next morning.
    same_day = [e for e in others if getattr(e, "work_kind", None) not in WRITTEN_WORK]
    assert same_day
    assert all(e.late is not None for e in same_day)


def test_a_mark_is_corrected_with_a_reason_and_the_original_stays(demo: Seeded) -> None:
    (corrected,) = of(demo, ClassJournal.MarkCorrected)
    (original,) = [e for e in of(demo, ClassJournal.MarkRecorded) if e.mark_id == corrected.mark_id]
    assert corrected.reason.strip()
    assert corrected.previous == original.value != corrected.value
    assert corrected.actor.account_id == original.actor.account_id


def test_the_substitute_records_the_lesson_naming_the_substitution(demo: Seeded) -> None:
    (assigned,) = of(demo, ClassJournal.SubstitutionAssigned)
    substitution = assigned.substitution
    (taught,) = [
        e for e in of(demo, ClassJournal.LessonHeld) if e.lesson.substitution_id is not None
    ]
    assert taught.lesson.substitution_id == substitution.id
    assert taught.lesson.taught_by == substitution.substitute_id != substitution.replaced_id
    assert (taught.lesson.on, taught.lesson.slot) == (substitution.on, substitution.slot)
    assert assigned.actor.role.value == "deputy"


def test_a_student_moves_from_5a_to_5b(demo: Seeded) -> None:
    (transferred,) = of(demo, Student.Transferred)
    assert (transferred.from_class, transferred.to_class) == ("5А", "5Б")
    journal_class = {e.originator_id: e.class_code for e in of(demo, ClassJournal.Opened)}
    lesson_day = {e.lesson.id: e.lesson.on for e in of(demo, ClassJournal.LessonHeld)}
    entries = [
        e
        for e in demo.events
        if isinstance(e, ClassJournal.AttendanceRecorded | ClassJournal.MarkRecorded)
        and e.student_id == transferred.originator_id
    ]
    for entry in entries:
        before = lesson_day[entry.lesson_id] < transferred.on
        assert journal_class[entry.originator_id] == ("5А" if before else "5Б")


def test_the_same_seed_gives_the_same_school(demo: Seeded, tmp_path: Path) -> None:
    again = seed(tmp_path)
    assert again.topics == demo.topics
    assert [e.timestamp for e in again.events] == [e.timestamp for e in demo.events]
    assert names(again) == names(demo)
    assert marks(again) == marks(demo)
    assert again.report.model_dump(exclude={"school"}) == demo.report.model_dump(exclude={"school"})


def test_another_seed_gives_another_school(demo: Seeded, tmp_path: Path) -> None:
    other = seed(tmp_path, seed=7)
    assert names(other) != names(demo)


def test_the_demo_is_seeded_into_an_empty_log_only(demo: Seeded) -> None:
    clock = demo.school.clock
    assert isinstance(clock, MovableClock)
    with pytest.raises(DemoSeedError, match="empty log"):
        seed_demo(demo.school, clock=clock)


def test_the_demo_needs_the_clock_its_school_runs_on(demo: Seeded) -> None:
    with pytest.raises(DemoSeedError, match="clock"):
        seed_demo(demo.school, clock=MovableClock(datetime(2026, 8, 1, tzinfo=UTC)))


def test_the_year_is_set_up_in_late_august(demo: Seeded) -> None:
    (started,) = of(demo, SchoolYear.Started)
    assert started.label == DEMO_YEAR
    assert started.profile.id == "school77"
    assert started.timestamp.astimezone(MOSCOW).date().month == 8
