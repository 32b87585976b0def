"""The school generator on both backends: a small school generated through the command handlers
holds exactly what its report says, keeps the rules (no marks in grade 1, entries in time or
under a deputy's permission), has its substitutions, corrections and late entries, 5–10% of
absences, period marks from the weighted average; the same seed gives the same log, the read
models can be built from it, and ``ejournal demo --students`` makes it from the command line."""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from ejournal.aggregates.account import Account
from ejournal.aggregates.class_journal import ClassJournal
from ejournal.aggregates.school_year import SchoolYear
from ejournal.aggregates.student import Student
from ejournal.application import School
from ejournal.cli import app
from ejournal.database import open_database
from ejournal.generator.assessment import period_mark
from ejournal.generator.seeding import GeneratorOptions, GeneratorReport, generate
from ejournal.generator.year_calendar import BELLS, DEMO_YEAR
from ejournal.marks import Attendance
from ejournal.policy.profile import load_profile
from ejournal.projections.journal_grid.queries import LessonColumn, grid
from ejournal.projections.projector import open_projector
from ejournal.schools import open_school
from ejournal.settings import Settings
from ejournal.storage import drop_school

MOSCOW = ZoneInfo("Europe/Moscow")
SMALL = GeneratorOptions(students=60, weeks=2, grades=(1, 5, 9), seed=11)
"""Three classes of twenty (5А and 9А learn English, 5А and 9А technology, in two groups), the
first two school weeks: 1–11 September 2026."""
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


@dataclass
class Generated:
    """A generated school, its report, and its whole log decoded."""

    settings: Settings
    school_id: str
    report: GeneratorReport
    events: list[Any]
    topics: list[str]

    def of(self, kind: type[Any]) -> list[Any]:
        return [e for e in self.events if type(e) is kind]

    def open(self) -> School:
        return open_school(self.settings, self.school_id, migrate=False)


def url_for(backend: str, request: pytest.FixtureRequest, directory: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{directory}"
    url: str = request.getfixturevalue("postgres_url")
    return url


def build(settings: Settings, school_id: str, options: GeneratorOptions) -> Generated:
    report = generate(settings, school_id, options)
    school = open_school(settings, school_id, migrate=False)
    try:
        notifications = school.recorder.select_notifications(start=1, limit=1_000_000)
        events = [school.mapper.to_domain_event(n) for n in notifications]
    finally:
        school.close()
    return Generated(settings, school_id, report, events, [n.topic for n in notifications])


@pytest.fixture(scope="module", params=BACKENDS)
def small(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Generated]:
    settings = Settings(
        database_url=url_for(request.param, request, tmp_path_factory.mktemp("generated"))
    )
    school_id = f"gen_{uuid.uuid4().hex[:12]}"
    try:
        yield build(settings, school_id, SMALL)
    finally:
        drop_school(settings, school_id)


def test_the_report_counts_what_the_log_holds(small: Generated) -> None:
    report = small.report
    kinds = Counter(topic.rpartition(":")[2] for topic in small.topics)
    statuses = Counter(e.status for e in small.of(ClassJournal.AttendanceRecorded))
    assert report.events == len(small.events)
    assert report.classes == ("1А", "5А", "9А")
    assert report.students == kinds["Student.Admitted"] == 60
    assert report.journals == kinds["ClassJournal.Opened"]
    assert report.guardians == kinds["Student.GuardianAdded"]
    assert report.consents == kinds["Student.ConsentRecorded"] == 60
    assert report.subgroup_placements == kinds["Student.SubgroupMoved"] > 0
    assert report.lessons == kinds["ClassJournal.LessonHeld"]
    assert report.marks == kinds["ClassJournal.MarkRecorded"]
    assert report.absences == statuses[Attendance.ABSENT]
    assert report.late_arrivals == statuses[Attendance.LATE]
    assert report.absence_reasons == kinds["ClassJournal.AbsenceReasonSet"] > 0
    assert report.substitutions == kinds["ClassJournal.SubstitutionAssigned"] > 0
    assert report.corrections == (
        kinds["ClassJournal.MarkCorrected"] + kinds["ClassJournal.MarkVoided"]
    )
    assert report.late_lessons == kinds["ClassJournal.LateEntryPermitted"] > 0
    granted = Counter(e.grant.role.value for e in small.of(Account.RoleGranted))
    assert {role: len(logins) for role, logins in report.logins.items()} == dict(granted)
    assert report.parent_accounts == granted["parent"] > 0
    assert report.teachers == granted["teacher"]
    assert (report.first_day, report.last_day) == (date(2026, 9, 1), date(2026, 9, 11))


def test_the_school_is_set_up_in_late_august_and_the_log_runs_forward(small: Generated) -> None:
    (started,) = small.of(SchoolYear.Started)
    assert started.label == DEMO_YEAR
    assert started.timestamp.astimezone(MOSCOW).date() == date(2026, 8, 24)
    times = [e.timestamp for e in small.events]
    assert times == sorted(times)
    first_lesson = min(e.timestamp for e in small.of(ClassJournal.LessonHeld))
    assert all(e.timestamp < first_lesson for e in small.of(Student.Admitted))


def test_every_lesson_is_entered_on_its_day_by_19_or_late_under_a_permission(
    small: Generated,
) -> None:
    ends = {slot: end for slot, _, end in BELLS}
    permissions = {e.permission.id: e for e in small.of(ClassJournal.LateEntryPermitted)}
    for held in small.of(ClassJournal.LessonHeld):
        entered = held.timestamp.astimezone(MOSCOW)
        if held.lesson.late is not None:
            permitted = permissions[held.lesson.late.permission_id]
            assert permitted.actor.role.value == "deputy"
            assert permitted.timestamp < held.timestamp
            assert entered.date() > held.lesson.on
            continue
        assert entered.date() == held.lesson.on
        assert ends[held.lesson.slot] < entered.time() <= time(19, 0)


def test_grade_1_has_attendance_but_no_marks_and_no_homework(small: Generated) -> None:
    first_grade = {e.originator_id for e in small.of(ClassJournal.Opened) if e.grade == 1}
    lessons = [e for e in small.of(ClassJournal.LessonHeld) if e.originator_id in first_grade]
    assert lessons
    assert all(e.lesson.homework is None for e in lessons)
    assert not [e for e in small.of(ClassJournal.MarkRecorded) if e.originator_id in first_grade]
    assert [e for e in small.of(ClassJournal.AttendanceRecorded) if e.originator_id in first_grade]
    others = [e for e in small.of(ClassJournal.LessonHeld) if e.originator_id not in first_grade]
    assert sum(e.lesson.homework is not None for e in others) > len(others) / 2


def test_absences_are_five_to_ten_percent_and_mostly_explained(small: Generated) -> None:
    school = small.open()
    try:
        year = school.year(DEMO_YEAR)
        expected = sum(
            len(year.roster(year.journals[held.originator_id], held.lesson.on))
            for held in small.of(ClassJournal.LessonHeld)
        )
    finally:
        school.close()
    assert expected == small.report.attendances
    assert 0.05 <= small.report.absences / expected <= 0.10
    assert small.report.absence_reasons > small.report.absences / 2
    reasons = Counter(e.absence_reason.value for e in small.of(ClassJournal.AbsenceReasonSet))
    assert reasons.most_common(1)[0][0] == "illness"
    assert all(
        e.actor.role.value == "class_teacher" for e in small.of(ClassJournal.AbsenceReasonSet)
    )


def test_marks_are_one_to_four_a_lesson_with_the_usual_shares(small: Generated) -> None:
    recorded = small.of(ClassJournal.MarkRecorded)
    values = Counter(e.value for e in recorded)
    total = sum(values.values())
    assert 0.15 < values["5"] / total < 0.45
    assert 0.25 < values["4"] / total < 0.55
    assert values["2"] / total < 0.12
    per_lesson = Counter(e.lesson_id for e in recorded)
    assert max(per_lesson.values()) <= 20  # a control work marks the whole group present


def test_substitutes_record_the_lessons_the_deputy_assigned(small: Generated) -> None:
    assigned = {e.substitution.id: e for e in small.of(ClassJournal.SubstitutionAssigned)}
    taught = [e for e in small.of(ClassJournal.LessonHeld) if e.lesson.substitution_id]
    assert len(taught) == len(assigned) == small.report.substituted_lessons > 0
    for lesson in taught:
        substitution = assigned[lesson.lesson.substitution_id].substitution
        assert lesson.lesson.taught_by == substitution.substitute_id != substitution.replaced_id
        assert assigned[lesson.lesson.substitution_id].actor.role.value == "deputy"


def test_a_corrected_mark_keeps_its_original_in_the_log(small: Generated) -> None:
    corrected = small.of(ClassJournal.MarkCorrected)
    assert corrected
    originals = {e.mark_id: e for e in small.of(ClassJournal.MarkRecorded)}
    for correction in corrected:
        assert correction.previous == originals[correction.mark_id].value != correction.value
        assert correction.reason.strip()


def test_the_read_models_are_built_from_the_generated_log(small: Generated) -> None:
    school = small.open()
    database = open_database(small.settings, small.school_id)
    try:
        projector = open_projector(school, database)
        projector.catch_up()
        assert all(status.lag == 0 for status in projector.status())
        opened = next(
            e for e in small.of(ClassJournal.Opened) if e.grade == 5 and e.subgroup == "1"
        )
        held = [
            e for e in small.of(ClassJournal.LessonHeld) if e.originator_id == opened.originator_id
        ]
        with database.transaction(write=False) as cursor:
            page = grid(cursor, opened.originator_id)
        assert len([c for c in page.columns if isinstance(c, LessonColumn)]) == len(held)
        assert len(page.rows) == 10
    finally:
        database.close()
        school.close()


UUID_PATTERN = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def log_shape(settings: Settings, school_id: str) -> list[bytes]:
    """The log's events in order, each id replaced by the order it first appears in: the ids
    handlers mint at random (students, lessons, marks) differ between runs, nothing else may."""
    seen: dict[bytes, bytes] = {}

    def number(found: re.Match[bytes]) -> bytes:
        return seen.setdefault(found.group(0), b"#%d" % len(seen))

    school = open_school(settings, school_id, migrate=False)
    try:
        return [
            UUID_PATTERN.sub(number, f"{n.topic} {n.originator_id} ".encode() + bytes(n.state))
            for n in school.recorder.select_notifications(start=1, limit=1_000_000)
        ]
    finally:
        school.close()


def test_the_same_seed_gives_the_same_school(database_url: str, school_id: str) -> None:
    settings = Settings(database_url=database_url)
    options = GeneratorOptions(students=24, weeks=1, grades=(1, 5), seed=3)
    again = f"{school_id}_again"
    try:
        first = generate(settings, school_id, options)
        second = generate(settings, again, options)
        assert first.model_dump(exclude={"school", "seconds"}) == second.model_dump(
            exclude={"school", "seconds"}
        )
        assert log_shape(settings, school_id) == log_shape(settings, again)
    finally:
        drop_school(settings, again)


def test_another_seed_gives_another_school(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path}")
    options = GeneratorOptions(students=24, weeks=1, grades=(1, 5), seed=3)
    first = build(settings, "first", options)
    other = build(settings, "other", options.model_copy(update={"seed": 4}))
    names = [str(e.name) for e in first.of(Student.Admitted)]
    assert names != [str(e.name) for e in other.of(Student.Admitted)]


@pytest.fixture(scope="module")
def quarter(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """One grade-5 class through the first quarter and into the second (SQLite)."""
    settings = Settings(database_url=f"sqlite:///{tmp_path_factory.mktemp('quarter')}")
    return build(settings, "quarter", GeneratorOptions(students=25, weeks=9, grades=(5,)))


def test_period_marks_are_the_weighted_average_entered_in_their_window(quarter: Generated) -> None:
    profile = load_profile("school77")
    given = quarter.of(ClassJournal.PeriodMarkRecorded)
    # School 77 §5.1–5.2: a period mark rests on current marks; a course the generator never
    # marks (ОДНКНР) gets none.
    journals = {e.originator_id for e in quarter.of(ClassJournal.MarkRecorded)}
    assert journals
    assert {e.originator_id for e in given} == journals
    assert len(given) == quarter.report.period_marks
    for mark in given:
        # School 77 §5.4: no later than two days before the quarter ends on 23 October.
        assert mark.timestamp.astimezone(MOSCOW).date() <= date(2026, 10, 21)
        assert mark.period_id == "Q1"
        values: dict[Any, tuple[str, float]] = {}
        for event in quarter.events:
            if event.timestamp > mark.timestamp or event.originator_id != mark.originator_id:
                continue
            if isinstance(event, ClassJournal.MarkRecorded) and event.student_id == mark.student_id:
                values[event.mark_id] = (event.value, profile.weight(event.work_kind))
            elif isinstance(event, ClassJournal.MarkCorrected) and event.mark_id in values:
                values[event.mark_id] = (event.value, values[event.mark_id][1])
            elif isinstance(event, ClassJournal.MarkVoided):
                values.pop(event.mark_id, None)
        subject = next(
            e.subject
            for e in quarter.of(ClassJournal.Opened)
            if e.originator_id == mark.originator_id
        )
        if values or subject == "odnknr":
            assert mark.value == period_mark(subject, list(values.values()), "?")


def test_a_quarter_is_closed_class_by_class_after_it_ends(quarter: Generated) -> None:
    closed = quarter.of(ClassJournal.PeriodClosed)
    assert {e.originator_id for e in closed} == {
        e.originator_id for e in quarter.of(ClassJournal.Opened)
    }
    assert quarter.report.closed_periods == 1
    for event in closed:
        assert event.timestamp.astimezone(MOSCOW).date() == date(2026, 11, 5)
        assert event.actor.role.value == "deputy"
    assert quarter.report.control_works > 0


runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)
    return {
        "EJOURNAL_DATABASE_URL": f"sqlite:///{tmp_path}/db",
        "EJOURNAL_PASSWORD_HASHING": "cheapest",
        "EJOURNAL_SCHOOL": "gen",
        "EJOURNAL_PROFILE": "school77",
    }


def test_the_command_generates_schools_and_says_what_it_made(env: dict[str, str]) -> None:
    made = runner.invoke(
        app, ["demo", "--students", "30", "--weeks", "1", "--schools", "2"], env=env
    )
    assert made.exit_code == 0, made.output
    assert "School 'gen':" in made.output
    assert "School 'gen_2':" in made.output
    assert "events/s" in made.output
    settings = Settings(database_url=env["EJOURNAL_DATABASE_URL"])
    for school_id in ("gen", "gen_2"):
        school = open_school(settings, school_id, migrate=False)
        try:
            assert school.position() > 1000
            admin = school.account_by_login("orlova.np")
            assert "password" in admin.credentials.values()
        finally:
            school.close()

    again = runner.invoke(app, ["demo", "--students", "30", "--weeks", "1"], env=env)
    assert again.exit_code == 1
    assert "already holds a journal" in again.output

    reset = runner.invoke(
        app, ["demo", "--students", "30", "--weeks", "1", "--seed", "9", "--reset"], env=env
    )
    assert reset.exit_code == 0, reset.output
    assert "seed 9" in reset.output
