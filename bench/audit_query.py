"""Benchmark: audit-trail queries on a school year of one class.

    uv run python bench/audit_query.py --backend both --subjects 5 --repeat 30

A year of 5А is kept through the real commands: a journal per subject, each with its own teacher
and a lesson every school day (attendance, marks), a few marks corrected or voided the same
evening, a lesson now and then entered a day late under the deputy's permission, absence reasons
set by the class teacher, and the quarter marks. The audit trail is rebuilt from zero over that
log (timed: events/s), then each query is timed as the auditor (every row), as a teacher, as the
class teacher and as a parent (their scopes), and the whole trail is exported as CSV.

This is a benchmark, not a test: it asserts nothing about time and is never run by pytest.
"""

from __future__ import annotations

import argparse
import os
import random
import shlex
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from bench.journal_load import (
    CLASS,
    DEFAULT_POSTGRES_URL,
    PERIOD_MARKS_DAYS_BEFORE_END,
    YEAR,
    ZONE,
    admit,
    machine,
    postgres_version,
    record_period_marks,
    set_up_staff,
    set_up_year,
)
from ejournal import storage
from ejournal.access import AuditScope, audit_scope
from ejournal.aggregates.student import PersonName
from ejournal.application import School
from ejournal.clock import MovableClock
from ejournal.commands import (
    accounts,
    attendance,
    journals,
    lessons,
    marks,
    students,
    substitutions,
    year,
)
from ejournal.commands.marking import MarkEntry
from ejournal.database import Cursor, SchoolDatabase, open_database
from ejournal.generator.year_calendar import PERIODS
from ejournal.marks import AbsenceReason, Attendance, PeriodKind, WorkKind
from ejournal.projections.audit_trail.csv_export import csv_lines
from ejournal.projections.audit_trail.kinds import AuditKind
from ejournal.projections.audit_trail.projection import AuditTrail
from ejournal.projections.audit_trail.queries import AuditFilter, AuditPage, audit_page, every_entry
from ejournal.projections.projector import Projector
from ejournal.roles import Actor, Role
from ejournal.schools import open_school
from ejournal.settings import Settings

SUBJECTS = ("mathematics", "russian_language", "literature", "history", "biology", "geography")
MARKS_PER_LESSON = 8
CORRECTED_SHARE = 0.01
VOIDED_SHARE = 0.003
LATE_EVERY = 23
"""Every 23rd lesson of a journal is entered the next day, under the deputy's permission."""


@dataclass
class SchoolYearLog:
    """What the benchmark built: who, which journals, how many events."""

    admin: Actor
    deputy: Actor
    class_teacher: Actor
    teachers: dict[UUID, Actor]
    students: list[UUID]
    parent: Actor
    events: int = 0
    seconds: float = 0.0
    first_day: date = date(2026, 9, 1)
    counts: dict[str, int] = field(default_factory=dict)


def at(clock: MovableClock, day: date, hour: int, minute: int = 0) -> None:
    clock.set(datetime.combine(day, clock_time(hour, minute), tzinfo=ZONE))


def person(school: School, admin: Actor, login: str, name: str, *grants: dict[str, Any]) -> Actor:
    account_id = accounts.register_account(
        school, admin, accounts.RegisterAccount(login=login, full_name=name)
    ).ids["account_id"]
    for grant in grants:
        if grant["role"] is Role.PARENT:
            # The parent role goes to a recorded guardian only (Gymnasium 2 §3.7).
            students.add_guardian(
                school,
                admin,
                students.AddGuardian(
                    student_id=grant["student_id"],
                    name=PersonName(last=name.split(maxsplit=1)[0], first=name.split()[1]),
                    relation="mother",
                    account_id=account_id,
                ),
            )
        accounts.grant_role(school, admin, accounts.GrantRole(account_id=account_id, **grant))
    return Actor(account_id=account_id, role=grants[0]["role"])


def build(school: School, clock: MovableClock, subjects: int, rng: random.Random) -> SchoolYearLog:
    """Set 5А up in late August and keep all its journals through the year."""
    started = time.perf_counter()
    at(clock, date(2026, 8, 24), 9)
    admin, _ = set_up_staff(school)
    set_up_year(school, admin)
    deputy = person(school, admin, "deputy", "Смирнова Ольга Ивановна", {"role": Role.DEPUTY})
    class_teacher = person(
        school,
        admin,
        "klass5a",
        "Васильева Елена Павловна",
        {"role": Role.CLASS_TEACHER, "class_code": CLASS, "year": YEAR},
    )
    year.assign_class_teacher(
        school,
        admin,
        year.AssignClassTeacher(year=YEAR, class_code=CLASS, account_id=class_teacher.account_id),
    )
    teachers: dict[UUID, Actor] = {}
    for index, subject in enumerate(SUBJECTS[:subjects]):
        teacher = person(
            school, admin, f"teacher{index}", f"Учитель {index + 1}", {"role": Role.TEACHER}
        )
        journal_id = journals.open_journal(
            school,
            admin,
            journals.OpenJournal(
                year=YEAR, class_code=CLASS, subject=subject, teachers=(teacher.account_id,)
            ),
        ).ids["journal_id"]
        teachers[journal_id] = teacher
    year.set_timetable(
        school,
        deputy,
        year.SetTimetable(
            year=YEAR,
            class_code=CLASS,
            entries=tuple(
                year.TimetableSpec(weekday=day, slot=slot + 1, journal_id=journal_id)
                for day in range(1, 6)
                for slot, journal_id in enumerate(teachers)
            ),
        ),
    )
    roster = admit(school, admin, 30, rng)
    parent = person(
        school,
        admin,
        "parent",
        "Родитель Первого Ученика",
        {"role": Role.PARENT, "student_id": roster[0]},
    )
    log = SchoolYearLog(admin, deputy, class_teacher, teachers, roster, parent)
    live_through_year(school, clock, log, rng)
    log.events = school.position()
    log.seconds = time.perf_counter() - started
    return log


def live_through_year(
    school: School, clock: MovableClock, log: SchoolYearLog, rng: random.Random
) -> None:
    calendar = school.year(YEAR).calendar()
    given: dict[UUID, dict[UUID, list[int]]] = {
        j: {s: [] for s in log.students} for j in log.teachers
    }
    number = 0
    for period in PERIODS[PeriodKind.QUARTERS]:
        marks_day = period.end - timedelta(days=PERIOD_MARKS_DAYS_BEFORE_END)
        while not calendar.is_working_day(marks_day, CLASS):
            marks_day -= timedelta(days=1)
        for day in calendar.working_days(period.start, period.end, CLASS):
            number += 1
            absent = {s for s in log.students if rng.random() < 0.06}
            late = [j for i, j in enumerate(log.teachers) if (number + i) % LATE_EVERY == 0]
            at(clock, day, 15, rng.randint(0, 50))
            for slot, journal_id in enumerate(log.teachers, start=1):
                if journal_id not in late:
                    keep_lesson(school, log, journal_id, day, slot, absent, given, rng)
            at(clock, day, 17)
            for student in absent:
                if rng.random() < 0.5:
                    attendance.set_absence_reason(
                        school,
                        Actor(account_id=log.class_teacher.account_id, role=Role.CLASS_TEACHER),
                        attendance.SetAbsenceReason(
                            year=YEAR,
                            class_code=CLASS,
                            student_id=student,
                            start=day,
                            end=day,
                            absence_reason=rng.choice(list(AbsenceReason)),
                        ),
                    )
            if late:
                next_day = day + timedelta(days=1)
                at(clock, next_day, 8)
                for journal_id in late:
                    substitutions.permit_late_entry(
                        school,
                        log.deputy,
                        substitutions.PermitLateEntry(
                            journal_id=journal_id,
                            from_date=day,
                            to_date=day,
                            teacher_id=log.teachers[journal_id].account_id,
                            reason="учитель не успел заполнить журнал",
                        ),
                    )
                    slot = list(log.teachers).index(journal_id) + 1
                    keep_lesson(school, log, journal_id, day, slot, absent, given, rng)
            if day == marks_day:
                at(clock, day, 18)
                for journal_id, teacher in log.teachers.items():
                    record_period_marks(school, journal_id, teacher, period.id, given[journal_id])


def keep_lesson(
    school: School,
    log: SchoolYearLog,
    journal_id: UUID,
    day: date,
    slot: int,
    absent: set[UUID],
    given: dict[UUID, dict[UUID, list[int]]],
    rng: random.Random,
) -> None:
    teacher = log.teachers[journal_id]
    present = [s for s in log.students if s not in absent]
    entries = []
    for student in rng.sample(present, min(MARKS_PER_LESSON, len(present))):
        value = min(5, max(2, round(rng.gauss(3.9, 0.8))))
        given[journal_id][student].append(value)
        entries.append(MarkEntry(student_id=student, value=str(value), work_kind=WorkKind.ORAL))
    recorded = lessons.record_whole_lesson(
        school,
        teacher,
        lessons.RecordWholeLesson(
            journal_id=journal_id,
            on=day,
            slot=slot,
            topic=f"Урок от {day:%d.%m}",
            homework="§ 1, упр. 2",
            attendance=dict.fromkeys(absent, Attendance.ABSENT),
            marks=tuple(entries),
        ),
    ).ids
    for index, entry in enumerate(entries):
        mark_id = recorded[f"mark_{index}"]
        chance = rng.random()
        if chance < CORRECTED_SHARE:
            marks.correct_mark(
                school,
                teacher,
                marks.CorrectMark(
                    journal_id=journal_id,
                    mark_id=mark_id,
                    value="5" if entry.value != "5" else "4",
                    reason="ошибка ввода",
                ),
            )
        elif chance < CORRECTED_SHARE + VOIDED_SHARE:
            marks.void_mark(
                school,
                teacher,
                marks.VoidMark(journal_id=journal_id, mark_id=mark_id, reason="не тому ученику"),
            )


@dataclass
class Query:
    name: str
    scope: AuditScope
    query: AuditFilter
    deep: int = 0
    """Pages to walk before the timed one (a cursor deep into the trail)."""


def queries(school: School, log: SchoolYearLog) -> list[Query]:
    everything = AuditScope(everything=True)
    journal_id, teacher = next(iter(log.teachers.items()))
    student = log.students[3]
    october = (date(2026, 10, 1), date(2026, 10, 31))
    week = (
        datetime(2026, 11, 9, tzinfo=ZONE),
        datetime(2026, 11, 16, tzinfo=ZONE),
    )
    scope_of = {
        who: audit_scope(school.account(actor.account_id))
        for who, actor in (
            ("teacher", teacher),
            ("class teacher", log.class_teacher),
            ("parent", log.parent),
        )
    }
    return [
        Query("newest page", everything, AuditFilter()),
        Query("page 20 deep (cursor)", everything, AuditFilter(), deep=19),
        Query("by actor (a teacher)", everything, AuditFilter(actor_id=teacher.account_id)),
        Query("by role (deputy)", everything, AuditFilter(role=Role.DEPUTY)),
        Query("by student", everything, AuditFilter(student_id=student)),
        Query("by class", everything, AuditFilter(class_code=CLASS)),
        Query("by subject", everything, AuditFilter(subject="literature")),
        Query("by journal", everything, AuditFilter(journal_id=journal_id)),
        Query(
            "by kind (mark corrected)",
            everything,
            AuditFilter(kinds=frozenset({AuditKind.MARK_CORRECTED})),
        ),
        Query(
            "recorded in one week",
            everything,
            AuditFilter(recorded_from=week[0], recorded_until=week[1]),
        ),
        Query(
            "lesson dates in October",
            everything,
            AuditFilter(lesson_from=october[0], lesson_until=october[1]),
        ),
        Query("late entries only", everything, AuditFilter(late_only=True)),
        Query("revised values only", everything, AuditFilter(revised_only=True)),
        Query(
            "journal+student+kinds+dates",
            everything,
            AuditFilter(
                journal_id=journal_id,
                student_id=student,
                kinds=frozenset({AuditKind.MARK_RECORDED, AuditKind.MARK_CORRECTED}),
                lesson_from=october[0],
                lesson_until=october[1],
            ),
        ),
        Query(
            "rare: revised by a deputy in 1 week",
            everything,
            AuditFilter(
                revised_only=True, role=Role.DEPUTY, recorded_from=week[0], recorded_until=week[1]
            ),
        ),
        Query("teacher's scope, newest page", scope_of["teacher"], AuditFilter()),
        Query(
            "class teacher's scope, by student",
            scope_of["class teacher"],
            AuditFilter(student_id=student),
        ),
        Query("parent's scope, newest page", scope_of["parent"], AuditFilter()),
    ]


def timed(database: SchoolDatabase, q: Query, repeat: int) -> tuple[list[float], int]:
    after: str | None = None
    with database.transaction(write=False) as cursor:
        for _ in range(q.deep):
            page = audit_page(cursor, q.scope, q.query, after=after)
            after = page.next_cursor
    taken = []
    rows = 0
    for _ in range(repeat):
        with database.transaction(write=False) as cursor:
            started = time.perf_counter()
            rows = len(audit_page(cursor, q.scope, q.query, after=after).rows)
            taken.append(time.perf_counter() - started)
    return taken, rows


def export_rate(database: SchoolDatabase) -> tuple[int, float]:
    def read(page: Callable[[Cursor], AuditPage]) -> AuditPage:
        with database.transaction(write=False) as cursor:
            return page(cursor)

    started = time.perf_counter()
    size = 0
    lines = 0
    for line in csv_lines(
        every_entry(read, AuditScope(everything=True), AuditFilter()), ZoneInfo("Europe/Moscow")
    ):
        size += len(line.encode())
        lines += 1
    return lines - 1, time.perf_counter() - started


def measure(backend: str, url: str, subjects: int, repeat: int, seed: int) -> None:
    settings = Settings(database_url=url)
    school_id = f"benchaudit_{uuid.uuid4().hex[:8]}"
    clock = MovableClock(datetime(2026, 8, 24, 9, tzinfo=ZONE))
    school = open_school(settings, school_id, clock=clock)
    database = open_database(settings, school_id)
    try:
        log = build(school, clock, subjects, random.Random(seed))
        model = AuditTrail()
        projector = Projector(school, database, [model])
        projector.set_up()
        best = float("inf")
        for _ in range(2):
            started = time.perf_counter()
            applied = projector.rebuild(model.name)
            best = min(best, time.perf_counter() - started)
        with database.transaction(write=False) as cursor:
            cursor.execute("SELECT COUNT(*) AS n FROM audit_rows")
            row = cursor.fetchone()
        print(
            f"\n{backend}: a year of {CLASS} ({subjects} journals, {len(log.students)} students)"
            f" built through the commands in {log.seconds:.0f} s: {log.events} events,"
            f" {row['n'] if row else '?'} rows in the trail"
        )
        print(f"audit trail rebuilt from zero: {applied / best:,.0f} events/s ({best:.2f} s)")
        print(f"{'query':<38} {'median ms':>9} {'p95 ms':>9} {'rows':>5}")
        for q in queries(school, log):
            taken, rows = timed(database, q, repeat)
            ms = sorted(t * 1000 for t in taken)
            p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
            print(f"{q.name:<38} {statistics.median(ms):>9.2f} {p95:>9.2f} {rows:>5}")
        lines, seconds = export_rate(database)
        print(
            f"CSV export of the whole trail: {lines:,} rows in {seconds:.2f} s"
            f" ({lines / seconds:,.0f} rows/s)"
        )
    finally:
        database.close()
        school.close()
        storage.drop_school(settings, school_id)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--subjects", type=int, default=5, choices=range(1, len(SUBJECTS) + 1))
    parser.add_argument("--repeat", type=int, default=30, help="timed runs of each query")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    print("ejournal benchmark: audit-trail queries on a school year of one class")
    print("command: uv run python bench/audit_query.py", shlex.join(sys.argv[1:]))
    print("machine:", machine())
    for backend in ("sqlite", "postgres") if args.backend == "both" else (args.backend,):
        with tempfile.TemporaryDirectory() as directory:
            if backend == "sqlite":
                url = f"sqlite:///{directory}"
            else:
                url = os.environ.get("EJOURNAL_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
                print("postgres:", postgres_version(url), "at", url)
            measure(backend, url, args.subjects, args.repeat, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
