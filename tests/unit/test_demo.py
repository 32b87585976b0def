"""The demo school: a small plan and a storyline on the school generator, seeded through the
command handlers on a real SQLite file, living in the present (its fortnight ends on the school
day before the clock's today), the same school for the same seed and day, and its report says
what its log holds."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from ejournal.aggregates.account import Account
from ejournal.aggregates.class_journal import ClassJournal
from ejournal.aggregates.school_year import SchoolYear
from ejournal.aggregates.student import Student
from ejournal.application import School
from ejournal.clock import MovableClock
from ejournal.commands import lessons
from ejournal.demo import (
    DEMO_PASSWORD,
    DEMO_YEAR,
    SCHOOL_DAYS,
    DemoReport,
    DemoSeedError,
    demo_days,
    ensure_demo,
    seed_demo,
    survey_demo,
)
from ejournal.generator.year_calendar import BELLS
from ejournal.marks import Attendance, WorkKind
from ejournal.policy.profile import load_profile
from ejournal.roles import Actor, Role
from ejournal.schools import open_school
from ejournal.settings import Settings

MOSCOW = ZoneInfo("Europe/Moscow")
WRITTEN_WORK = frozenset({WorkKind.CONTROL, WorkKind.DICTATION})
TODAY = date(2026, 12, 9)
"""A Wednesday: the demo's fortnight is the ten school days up to Tuesday 8 December."""
MORNING = datetime.combine(TODAY, time(7, 0), tzinfo=MOSCOW)


@dataclass
class Seeded:
    """A demo school seeded on its own SQLite file, with its report and its whole log decoded."""

    school: School
    clock: MovableClock
    report: DemoReport
    events: list[Any]
    topics: list[str]


def seed(directory: Path, seed: int = 2026, now: datetime = MORNING) -> Seeded:
    clock = MovableClock(now)
    school = open_school(Settings(database_url=f"sqlite:///{directory}"), "demo", clock=clock)
    report = seed_demo(school, seed=seed, clock=clock)
    notifications = school.recorder.select_notifications(start=1, limit=1_000_000)
    return Seeded(
        school=school,
        clock=clock,
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
    held = of(demo, ClassJournal.LessonHeld)

    assert report.events == len(demo.events) == report.position == demo.school.position()
    assert report.events_by_kind == dict(kinds)
    assert report.classes == ("1А", "5А", "5Б", "9А")
    assert report.journals == len(of(demo, ClassJournal.Opened))
    assert report.students == len(of(demo, Student.Admitted))
    assert report.guardians == len(of(demo, Student.GuardianAdded))
    assert report.consents == len(of(demo, Student.ConsentRecorded)) == report.students
    assert report.parent_accounts == granted.count("parent") > 0
    assert report.lessons == len(held)
    assert (report.first_day, report.last_day) == (
        min(e.lesson.on for e in held),
        max(e.lesson.on for e in held),
    )
    assert report.marks == len(of(demo, ClassJournal.MarkRecorded))
    assert report.absences == attendance[Attendance.ABSENT]
    assert report.late_arrivals == attendance[Attendance.LATE]
    assert report.absence_reasons == len(of(demo, ClassJournal.AbsenceReasonSet)) > 0
    assert {role: len(names) for role, names in report.logins.items()} == Counter(granted)
    assert survey_demo(demo.school) == report


def test_the_storyline_holds_one_of_each(demo: Seeded) -> None:
    report = demo.report
    assert report.corrections == len(of(demo, ClassJournal.MarkCorrected)) == 1
    assert report.transfers == len(of(demo, Student.Transferred)) == 1
    assert report.late_lessons == len(of(demo, ClassJournal.LateEntryPermitted)) == 1
    assigned = of(demo, ClassJournal.SubstitutionAssigned)
    assert report.substituted_lessons == len(assigned) >= 1
    # The mishaps are the storyline's, all about its second school day.
    second = sorted({e.lesson.on for e in of(demo, ClassJournal.LessonHeld)})[1]
    assert {e.substitution.on for e in assigned} == {second}
    (permitted,) = of(demo, ClassJournal.LateEntryPermitted)
    assert permitted.permission.from_date == second


def test_the_fortnight_ends_on_the_school_day_before_today(demo: Seeded) -> None:
    days = sorted({e.lesson.on for e in of(demo, ClassJournal.LessonHeld)})
    assert days == demo_days(load_profile("school77"), TODAY)
    assert len(days) == SCHOOL_DAYS
    assert (days[0], days[-1]) == (date(2026, 11, 25), date(2026, 12, 8))
    assert all(e.timestamp.astimezone(MOSCOW).date() < TODAY for e in demo.events)


@pytest.mark.parametrize(
    ("today", "last"),
    [
        (date(2026, 12, 7), date(2026, 12, 4)),  # a Monday: the Friday before
        (date(2026, 12, 6), date(2026, 12, 4)),  # a Sunday
        (date(2026, 10, 30), date(2026, 10, 23)),  # the autumn holidays: the last day before
        (date(2026, 11, 5), date(2026, 10, 23)),  # the first day after the holidays
        (date(2027, 7, 1), date(2027, 5, 26)),  # the summer: the year's last school day
    ],
)
def test_the_fortnight_is_the_ten_school_days_before_today(today: date, last: date) -> None:
    days = demo_days(load_profile("school77"), today)
    assert len(days) == SCHOOL_DAYS
    assert days[-1] == last
    assert all(d.isoweekday() <= 5 for d in days)


def test_in_the_holidays_the_period_just_over_is_left_open(tmp_path: Path) -> None:
    """The fortnight ends on the quarter's last day: the deputies close it on the next school
    day, which is still to come, so its late entries can still be made."""
    holidays = seed(tmp_path, now=datetime(2026, 10, 28, 10, 0, tzinfo=MOSCOW))
    assert holidays.report.last_day == date(2026, 10, 23)
    assert not of(holidays, ClassJournal.PeriodClosed)


def test_before_the_year_has_its_fortnight_the_demo_takes_the_first_one() -> None:
    days = demo_days(load_profile("school77"), date(2026, 8, 1))
    assert (days[0], days[-1]) == (date(2026, 9, 1), date(2026, 9, 14))


def test_a_newcomers_teacher_records_todays_lesson_within_its_deadline(tmp_path: Path) -> None:
    """README's teacher (morozova.ev) records her first lesson of today once it ends, and it is
    in time: the demo left today to the newcomer."""
    demo = seed(tmp_path)
    school = demo.school
    teacher = school.account_by_login("morozova.ev")
    year = school.year(DEMO_YEAR)
    own = {j for j in year.journals if teacher.id in school.journal(j).teachers}
    today = sorted(
        (entry.slot, entry.journal_id, code)
        for code, entries in year.timetable.items()
        for entry in entries
        if entry.weekday == TODAY.isoweekday() and entry.journal_id in own
    )
    assert today, "the teacher of README's login teaches on the demo's today"
    slot, journal_id, _ = today[0]
    ends = year.lesson_end(slot)
    assert ends is not None
    demo.clock.set(datetime.combine(TODAY, ends, tzinfo=MOSCOW) + timedelta(minutes=5))
    recorded = lessons.record_whole_lesson(
        school,
        Actor(account_id=teacher.id, role=Role.TEACHER),
        lessons.RecordWholeLesson(journal_id=journal_id, on=TODAY, slot=slot, topic="Повторение"),
    )
    held = school.mapper.to_domain_event(
        school.recorder.select_notifications(start=recorded.position, limit=1)[0]
    )
    assert isinstance(held, ClassJournal.LessonHeld)
    assert held.lesson.on == TODAY
    assert held.lesson.late is None


def test_a_student_signs_in_to_their_own_account(demo: Seeded) -> None:
    (login,) = demo.report.logins["student"]
    registered = {e.originator_id: e.login for e in of(demo, Account.Registered)}
    (grant,) = [e for e in of(demo, Account.RoleGranted) if e.grant.role is Role.STUDENT]
    assert registered[grant.originator_id] == login
    admitted = {e.originator_id: e for e in of(demo, Student.Admitted)}
    assert admitted[grant.grant.student_id].class_code == "9А"


def test_the_printed_student_signs_in_and_reads_their_own_diary(tmp_path: Path) -> None:
    """``ensure_demo`` on the injected clock, then the real app: the student login it reports
    signs in with the demo password and reads the diary of the fortnight."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path}", school="demo", password_hashing="cheapest"
    )
    outcome = ensure_demo(settings, clock=MovableClock(MORNING))
    assert outcome.seeded
    (login,) = outcome.report.logins["student"]
    app = create_app(settings, clock=MovableClock(MORNING + timedelta(hours=2)))
    with TestClient(app) as client:
        token = client.post(
            "/api/v1/auth/token", data={"username": login, "password": DEMO_PASSWORD}
        )
        assert token.status_code == 200, token.text
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        me = client.get("/api/v1/me", headers=headers).json()
        ((role, student_id),) = [(g["role"], g["student_id"]) for g in me["roles"]]
        assert role == "student"
        day_shown = {"start": str(outcome.report.last_day), "end": str(outcome.report.last_day)}
        # The read models build from the whole log first: ask until they show the seeded log.
        for _ in range(60):
            diary = client.get(
                f"/api/v1/family/children/{student_id}/diary",
                headers=headers,
                params={**day_shown, "after": outcome.report.position},
            )
            assert diary.status_code == 200, diary.text
            if int(diary.headers["X-Read-Position"]) >= outcome.report.position:
                break
        (day,) = diary.json()["days"]
        assert day["lessons"], "the student's last school day of the fortnight had lessons"


def test_the_school_is_realistic_in_size(demo: Seeded) -> None:
    report = demo.report
    per_class = Counter(e.class_code for e in of(demo, Student.Admitted))
    assert all(21 <= n <= 25 for n in per_class.values())
    # Every slot of every class's timetable on each of the fortnight's days is held.
    year = demo.school.year(DEMO_YEAR)
    days = demo_days(load_profile("school77"), TODAY)
    timetabled = sum(
        1
        for day in days
        for entries in year.timetable.values()
        for entry in entries
        if entry.weekday == day.isoweekday()
    )
    assert report.lessons == timetabled
    roles = set(report.logins)
    assert {"administrator", "deputy", "secretary", "director", "class_teacher"} <= roles
    assert {"teacher", "inspector", "auditor", "parent", "student"} <= roles
    assert len(report.logins["teacher"]) >= 8
    assert "morozova.ev" in report.logins["teacher"]


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
    taught = {
        e.lesson.substitution_id: e
        for e in of(demo, ClassJournal.LessonHeld)
        if e.lesson.substitution_id is not None
    }
    assigned = of(demo, ClassJournal.SubstitutionAssigned)
    assert assigned
    assert {e.substitution.id for e in assigned} == set(taught)
    for each in assigned:
        substitution, lesson = each.substitution, taught[each.substitution.id].lesson
        assert lesson.taught_by == substitution.substitute_id != substitution.replaced_id
        assert (lesson.on, lesson.slot) == (substitution.on, substitution.slot)
        assert each.actor.role.value == "deputy"
        assert each.timestamp < taught[each.substitution.id].timestamp


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
