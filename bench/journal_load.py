"""Benchmark: how long a command waits to load one full-year class journal.

Every journal command starts by loading its ClassJournal: from the School's aggregate cache once
it holds the journal, from the log (a repository get) the first time after a start or after the
cache let the journal go; both are timed here. A full year of one subject in one class is
thousands of events, so the School snapshots journals every 200 versions (DESIGN.md §12). This
script builds such a journal through the real command path and times the load with and without
snapshots, on SQLite and on PostgreSQL, and the time of one ``record_mark`` command on it.

The journal: 5А mathematics (5 lessons a week), ~30 students, every lesson of the 2026/2027
quarters recorded on its day with ``record_whole_lesson`` (topic, homework, absences, marks; an
entrance or control work now and then marks everyone), and the quarter marks of every student.

"Without snapshots" is a School subclass with no snapshotting intervals, opened on the same
database with IS_SNAPSHOTTING_ENABLED=n: it has no snapshot store, so its repository replays
every event of the journal from version 1. "With snapshots" is the School as shipped: it reads
the newest snapshot and replays the events after it (fewer than 200).

Run:  uv run python bench/journal_load.py --backend both --repeat 200
This is a benchmark, not a test: it asserts nothing about time and is never run by pytest.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import random
import shlex
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from typing import Any, ClassVar
from uuid import UUID
from zoneinfo import ZoneInfo

from ejournal import storage
from ejournal.access import system_actor
from ejournal.application import School
from ejournal.clock import MovableClock
from ejournal.commands import accounts, journals, lessons, marks, period_marks, students, year
from ejournal.commands.marking import MarkEntry
from ejournal.generator.ktp import ktp_item_for, ktp_lines
from ejournal.generator.people import PeopleMaker
from ejournal.generator.year_calendar import BELLS, PERIODS, holidays_for
from ejournal.marks import Attendance, PeriodKind, WorkKind
from ejournal.roles import Actor, Role
from ejournal.settings import Settings

YEAR = "2026/2027"
CLASS = "5А"
SLOT = 2
"""Mathematics is the second lesson every weekday; it ends at 09:40."""
ZONE = ZoneInfo("Europe/Moscow")
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/ejournal_test"
MARKS_PER_LESSON = 13
PERIOD_MARKS_DAYS_BEFORE_END = 2
"""School 77 §5.4: quarter marks no later than two days before the quarter ends."""


class UnsnapshottedSchool(School):
    """The School with snapshotting switched off: every load replays the whole journal."""

    name = School.name  # the same tables: their names derive from the application's name
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {}


@dataclass
class Built:
    """The benchmark's school and the journal it timed."""

    journal_id: UUID
    teacher: Actor
    students: list[UUID]
    last_lesson: UUID
    events: int
    build_seconds: float


@dataclass
class Row:
    backend: str
    what: str
    samples: list[float]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples) * 1000

    @property
    def p95_ms(self) -> float:
        if len(self.samples) < 2:
            return self.samples[0] * 1000
        return statistics.quantiles(self.samples, n=20, method="inclusive")[18] * 1000


def at(clock: MovableClock, day: date, hour: int, minute: int = 0) -> None:
    clock.set(datetime.combine(day, clock_time(hour, minute), tzinfo=ZONE))


def build_journal(
    school: School, clock: MovableClock, students_count: int, rng: random.Random
) -> Built:
    """Set the class up in late August and live through the year, one lesson a school day."""
    started = time.perf_counter()
    at(clock, date(2026, 8, 24), 9)
    admin, teacher = set_up_staff(school)
    set_up_year(school, admin)
    journal_id = journals.open_journal(
        school,
        admin,
        journals.OpenJournal(
            year=YEAR, class_code=CLASS, subject="mathematics", teachers=(teacher.account_id,)
        ),
    ).ids["journal_id"]
    year.set_timetable(
        school,
        admin,
        year.SetTimetable(
            year=YEAR,
            class_code=CLASS,
            entries=tuple(
                year.TimetableSpec(weekday=d, slot=SLOT, journal_id=journal_id) for d in range(1, 6)
            ),
        ),
    )
    ktp = ktp_lines("mathematics", 5, 5)
    journals.set_ktp(school, teacher, journals.SetKtp(journal_id=journal_id, items=ktp))
    roster = admit(school, admin, students_count, rng)
    last_lesson = live_through_year(school, clock, journal_id, teacher, roster, ktp, rng)
    events = sum(1 for _ in school.events.get(journal_id))
    return Built(journal_id, teacher, roster, last_lesson, events, time.perf_counter() - started)


def set_up_staff(school: School) -> tuple[Actor, Actor]:
    admin_id = accounts.register_account(
        school,
        system_actor(),
        accounts.RegisterAccount(login="admin", full_name="Орлова Нина Петровна"),
    ).ids["account_id"]
    accounts.grant_role(
        school, system_actor(), accounts.GrantRole(account_id=admin_id, role=Role.ADMINISTRATOR)
    )
    admin = Actor(account_id=admin_id, role=Role.ADMINISTRATOR)
    teacher_id = accounts.register_account(
        school,
        admin,
        accounts.RegisterAccount(login="lebedev.as", full_name="Лебедев Андрей Сергеевич"),
    ).ids["account_id"]
    accounts.grant_role(school, admin, accounts.GrantRole(account_id=teacher_id, role=Role.TEACHER))
    return admin, Actor(account_id=teacher_id, role=Role.TEACHER)


def set_up_year(school: School, admin: Actor) -> None:
    year.start_school_year(
        school,
        admin,
        year.StartSchoolYear(
            label=YEAR,
            starts_on=date(2026, 9, 1),
            ends_on=date(2027, 5, 31),
            periods=PERIODS[PeriodKind.QUARTERS],
            profile="school77",
        ),
    )
    year.set_bell_schedule(
        school,
        admin,
        year.SetBellSchedule(
            year=YEAR, slots=tuple(year.BellSpec(slot=n, start=s, end=e) for n, s, e in BELLS)
        ),
    )
    year.form_class(school, admin, year.FormClass(year=YEAR, grade=5, letter="А"))
    for start, end, reason, classes in holidays_for(()):
        if classes is None:
            year.declare_closure(
                school,
                admin,
                year.DeclareClosure(
                    year=YEAR, start=start, end=end, kind="holidays", reason=reason
                ),
            )


def admit(school: School, admin: Actor, count: int, rng: random.Random) -> list[UUID]:
    roster = []
    people = PeopleMaker(rng.getrandbits(64))
    for _ in range(count):
        name = people.family(5, 2026).child
        roster.append(
            students.admit_student(
                school,
                admin,
                students.AdmitStudent(
                    year=YEAR,
                    name=name,
                    birth_date=date(2015, 1, 1) + timedelta(days=rng.randrange(365)),
                    class_code=CLASS,
                    on=date(2026, 9, 1),
                    order="№ 88-у от 28.08.2026",
                ),
            ).ids["student_id"]
        )
    return roster


def live_through_year(
    school: School,
    clock: MovableClock,
    journal_id: UUID,
    teacher: Actor,
    roster: list[UUID],
    ktp: tuple[journals.KtpLine, ...],
    rng: random.Random,
) -> UUID:
    calendar = school.year(YEAR).calendar()
    number = 0
    given: dict[UUID, list[int]] = {s: [] for s in roster}
    lesson_id = UUID(int=0)
    for period in PERIODS[PeriodKind.QUARTERS]:
        marks_day = period.end - timedelta(days=PERIOD_MARKS_DAYS_BEFORE_END)
        while not calendar.is_working_day(marks_day, CLASS):
            marks_day -= timedelta(days=1)
        for day in calendar.working_days(period.start, period.end, CLASS):
            number += 1
            at(clock, day, 10, rng.randint(0, 50))
            lesson_id = record_lesson(
                school, journal_id, teacher, day, number, roster, ktp, given, rng
            )
            if day == marks_day:
                at(clock, day, 16)
                record_period_marks(school, journal_id, teacher, period.id, given)
    return lesson_id


def record_lesson(
    school: School,
    journal_id: UUID,
    teacher: Actor,
    day: date,
    number: int,
    roster: list[UUID],
    ktp: tuple[journals.KtpLine, ...],
    given: dict[UUID, list[int]],
    rng: random.Random,
) -> UUID:
    item, topic = ktp_item_for(ktp, number)
    absent = {s for s in roster if rng.random() < 0.07}
    present = [s for s in roster if s not in absent]
    control = number % 8 == 0
    marked = present if control else rng.sample(present, min(MARKS_PER_LESSON, len(present)))
    entries = []
    for student in marked:
        value = min(5, max(2, round(rng.gauss(3.9, 0.8))))
        given[student].append(value)
        kind = WorkKind.CONTROL if control else rng.choice((WorkKind.ORAL, WorkKind.CLASSWORK))
        entries.append(MarkEntry(student_id=student, value=str(value), work_kind=kind))
    return lessons.record_whole_lesson(
        school,
        teacher,
        lessons.RecordWholeLesson(
            journal_id=journal_id,
            on=day,
            slot=SLOT,
            topic=topic,
            homework=f"№ {10 + 6 * number}, {12 + 6 * number}",
            ktp_item=item,
            attendance=dict.fromkeys(absent, Attendance.ABSENT),
            marks=tuple(entries),
        ),
    ).ids["lesson_id"]


def record_period_marks(
    school: School, journal_id: UUID, teacher: Actor, period_id: str, given: dict[UUID, list[int]]
) -> None:
    for student, values in given.items():
        average = statistics.mean(values) if values else 3.0
        period_marks.record_period_mark(
            school,
            teacher,
            period_marks.RecordPeriodMark(
                journal_id=journal_id,
                period_id=period_id,
                student_id=student,
                value=str(round(average)),
            ),
        )
        values.clear()


def timed(repeat: int, action: Callable[[], object], warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return samples


def measure(
    backend: str, settings: Settings, repeat: int, students_count: int, seed: int
) -> tuple[Built, list[Row], str]:
    school_id = f"bench_{uuid.uuid4().hex[:10]}"
    clock = MovableClock(datetime(2026, 8, 24, 9, tzinfo=ZONE))
    with school_storage(settings, school_id):
        storage.migrate(settings, school_id, School.name)
        env = storage.school_env(settings, school_id)
        with opened(School(school_id, env=env, clock=clock)) as school:
            if school.repository.cache is not None:
                raise SystemExit(
                    "the library's aggregate cache is configured: cold loads would not be"
                )
            built = build_journal(school, clock, students_count, random.Random(seed))
            newest = newest_snapshot(school, built.journal_id)
            rows = [
                # The first load after a start (or after the cache let the journal go): the
                # newest snapshot and the events after it, straight from the database.
                Row(
                    backend,
                    "load, cold, with snapshots",
                    timed(repeat, lambda: school.repository.get(built.journal_id)),
                ),
                # What a command pays once the journal is in the school's aggregate cache:
                # asking the log for newer events, and a copy of its own to change.
                Row(
                    backend,
                    "load for a command (warm)",
                    timed(repeat, lambda: school.journal(built.journal_id)),
                ),
            ]
            plain_env = {**env, "IS_SNAPSHOTTING_ENABLED": "n"}
            with opened(UnsnapshottedSchool(school_id, env=plain_env, clock=clock)) as plain:
                if plain.snapshots is not None:
                    raise SystemExit("the school without snapshots has a snapshot store")
                rows.append(
                    Row(
                        backend,
                        "load, without snapshots",
                        timed(repeat, lambda: plain.repository.get(built.journal_id)),
                    )
                )
            rows.append(
                Row(backend, "record_mark command", time_record_mark(school, clock, built, repeat))
            )
            note = (
                f"newest snapshot at version {newest} of {built.events}"
                if newest
                else "no snapshot"
            )
    return built, rows, note


def time_record_mark(school: School, clock: MovableClock, built: Built, repeat: int) -> list[float]:
    """One oral mark on the year's last lesson, on its day (within School 77's 19:00 deadline)."""
    last_day = school.journal(built.journal_id).lesson(built.last_lesson).on
    at(clock, last_day, 15)
    students_cycle = iter(built.students * (repeat // len(built.students) + 2))

    def record() -> None:
        marks.record_mark(
            school,
            built.teacher,
            marks.RecordMark(
                journal_id=built.journal_id,
                lesson_id=built.last_lesson,
                student_id=next(students_cycle),
                value="4",
            ),
        )

    return timed(repeat, record, warmup=2)


def newest_snapshot(school: School, aggregate_id: UUID) -> int | None:
    if school.snapshots is None:
        return None
    found = list(school.snapshots.get(aggregate_id, desc=True, limit=1))
    return found[0].originator_version if found else None


@contextmanager
def opened(school: School) -> Iterator[School]:
    try:
        yield school
    finally:
        school.close()


@contextmanager
def school_storage(settings: Settings, school_id: str) -> Iterator[None]:
    """A throwaway school: its SQLite file or PostgreSQL schema is dropped afterwards."""
    try:
        yield
    finally:
        storage.drop_school(settings, school_id)


def machine() -> str:
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            model = next(
                line.split(":", 1)[1].strip() for line in info if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs ({model}); "
        f"Python {platform.python_version()},"
        f" eventsourcing {importlib.metadata.version('eventsourcing')}, "
        f"SQLite {sqlite3.sqlite_version}"
    )


def postgres_version(url: str) -> str:
    location = storage.parse_database_url(url)
    assert isinstance(location, storage.PostgresLocation)
    with location.connect() as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return f"PostgreSQL {row[0] if row else '?'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument(
        "--repeat", type=int, default=100, help="timed loads (and record_mark commands) per row"
    )
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)

    print("ejournal benchmark: loading a full-year class journal for a command")
    print("command:", "uv run python bench/journal_load.py", shlex.join(sys.argv[1:]))
    print("machine:", machine())
    rows: list[Row] = []
    backends = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    for backend in backends:
        with tempfile.TemporaryDirectory() as directory:
            if backend == "sqlite":
                url = f"sqlite:///{directory}"
            else:
                url = os.environ.get("EJOURNAL_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
                print("postgres:", postgres_version(url), "at", url)
            built, measured, note = measure(
                backend, Settings(database_url=url), args.repeat, args.students, args.seed
            )
        rows += measured
        print(
            f"{backend}: built 5А mathematics through the commands in {built.build_seconds:.1f} s:"
            f" {len(built.students)} students, {built.events} events in the journal ({note})"
        )
    print()
    print(f"{'backend':<9} {'what':<30} {'median ms':>10} {'p95 ms':>9} {'n':>5}")
    for row in rows:
        figures = f"{row.median_ms:>10.2f} {row.p95_ms:>9.2f} {len(row.samples):>5}"
        print(f"{row.backend:<9} {row.what:<30} {figures}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
