"""Applies a school's timing rules to an entry: on time, late under a permission, or refused.

Deadlines are evaluated against the server's time in the school's time zone on its working-day
calendar (DESIGN.md §4). An entry past its deadline is refused with the rule's clause unless a
deputy's late-entry permission covers the journal, the date and the teacher; it is then accepted
and flagged late, and the flag travels with the event into every read model.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ejournal import clock
from ejournal.aggregates.class_journal import ClassJournal, LateEntry
from ejournal.aggregates.school_year import Period, SchoolYear
from ejournal.errors import DeadlinePassedError, InvariantError, RuleViolationError
from ejournal.marks import WorkKind
from ejournal.policy.deadlines import (
    Deadline,
    EntryKind,
    check_in_time,
    entry_deadline,
    period_mark_deadline,
)
from ejournal.policy.profile import CorrectionWindow, RecordKind
from ejournal.roles import Actor


class LessonNotHeldYetError(InvariantError):
    """A lesson is recorded only once it has been held (no entries for future dates)."""

    slug = "lesson-in-future"
    title = "The lesson has not been held yet"


class NoLessonsThatDayError(InvariantError):
    """No lessons are held on a weekend, a public holiday, or in a closure."""

    slug = "no-lessons-that-day"
    title = "No lessons are held on that day"


def local_today(year: SchoolYear, now: datetime | None = None) -> date:
    return (now or clock.now()).astimezone(ZoneInfo(year.timezone)).date()


def check_lesson_day(year: SchoolYear, class_code: str, on: date) -> None:
    """A lesson must lie in the year, on a school day of the class, and not in the future."""
    if not year.starts_on <= on <= year.ends_on:
        raise NoLessonsThatDayError(f"{on} is outside school year {year.label}")
    if on > local_today(year):
        raise LessonNotHeldYetError(f"the lesson on {on} has not been held yet")
    if year.period_of_class(on, class_code) is None:
        raise NoLessonsThatDayError(f"{on} falls between reporting periods (school holidays)")
    calendar = year.calendar()
    if not calendar.is_working_day(on, class_code):
        closure = calendar.closure_on(on, class_code)
        why = f"{closure.kind}: {closure.reason}".rstrip(": ") if closure else "a day off"
        raise NoLessonsThatDayError(f"class {class_code} has no lessons on {on} ({why})")


def is_school_day(year: SchoolYear, class_code: str, on: date) -> bool:
    """Whether a class has lessons on a day: in the year, in one of its grade's periods, and a
    working day of its calendar (not a weekend, a public holiday or a closure)."""
    return (
        year.starts_on <= on <= year.ends_on
        and year.period_of_class(on, class_code) is not None
        and year.calendar().is_working_day(on, class_code)
    )


def lateness(
    year: SchoolYear,
    journal: ClassJournal,
    *,
    entry: EntryKind,
    on: date,
    slot: int,
    actor: Actor,
    work_kind: WorkKind | None = None,
    results_date: date | None = None,
) -> LateEntry | None:
    """None for an entry in time; a LateEntry under a permission; otherwise refused."""
    deadline = lesson_deadline(
        year,
        journal.class_code,
        journal.subject,
        entry=entry,
        on=on,
        slot=slot,
        work_kind=work_kind,
        results_date=results_date,
    )
    return _judge(year, RecordKind(entry.value), deadline, journal, on, actor)


def lesson_deadline(
    year: SchoolYear,
    class_code: str,
    subject: str,
    *,
    entry: EntryKind,
    on: date,
    slot: int,
    work_kind: WorkKind | None = None,
    results_date: date | None = None,
) -> Deadline | None:
    """The deadline the year's regulation profile sets for one entry about a lesson of a class
    (in the school's zone, on its working-day calendar, from the bells and the timetable): the
    one rule commands judge entries by and a teacher's day shows."""
    return entry_deadline(
        year.profile,
        year.calendar(),
        entry=entry,
        lesson_date=on,
        class_code=class_code,
        subject=subject,
        work_kind=work_kind,
        lesson_end=year.lesson_end(slot),
        class_day_end=year.class_day_end(class_code, on),
        results_date=results_date,
    )


def period_mark_lateness(
    year: SchoolYear, journal: ClassJournal, period: Period, actor: Actor
) -> LateEntry | None:
    """Period marks are timed by the profile (last week, N days before the end, or by order)."""
    deadline = period_mark_deadline(
        year.profile,
        year.calendar(),
        period_start=period.start,
        period_end=period.end,
        class_code=journal.class_code,
        order_date=period.marks_due,
    )
    return _judge(year, RecordKind.PERIOD_MARK, deadline, journal, period.end, actor)


def deadline_lateness(
    year: SchoolYear, deadline: Deadline | None, journal: ClassJournal, on: date, actor: Actor
) -> LateEntry | None:
    """None in time; a LateEntry under a late-entry permission for ``on``; otherwise refused
    (for deadlines other rules compute: a final mark's term after the exam mark). The year's
    results are period marks to the late-entry rule (Lyceum 68 §3.6.8: never late)."""
    return _judge(year, RecordKind.PERIOD_MARK, deadline, journal, on, actor)


def _judge(
    year: SchoolYear,
    kind: RecordKind,
    deadline: Deadline | None,
    journal: ClassJournal,
    on: date,
    actor: Actor,
) -> LateEntry | None:
    if deadline is None:
        return None
    now = clock.now()
    if deadline.opens_at is not None and now < deadline.opens_at:
        check_in_time(deadline, now)  # too early: no permission makes an entry early
    if now <= deadline.closes_at:
        return None
    permission = journal.late_permission_for(on, actor.account_id, now)
    if permission is None:
        check_in_time(deadline, now)
        raise AssertionError("check_in_time refuses an entry past its deadline")
    rule = year.profile.late_entries
    if kind not in rule.permitted:
        # Lyceum 68 §3.6.8: marks are never entered «задним числом», permission or not.
        raise RuleViolationError(
            f"{deadline.description}; the deadline was {deadline.closes_at:%Y-%m-%d %H:%M},"
            f" and no late-entry permission lets {kind.value.replace('_', ' ')}s in late"
            " in this school",
            rule="late_entries.permitted",
            clause=rule.clause or deadline.clause,
            closes_at=deadline.closes_at.isoformat(),
        )
    return LateEntry(permission_id=permission.id, deadline=deadline.closes_at, rule=deadline.rule)


def check_correction_window(
    year: SchoolYear, window: CorrectionWindow | None, lesson_day: date, *, record: str
) -> None:
    """Refuse a correction of a lesson's ``record`` (attendance, topic, homework) after the
    window the profile gives it (Gymnasium 2 §8.6: "не позднее семи дней")."""
    if window is None:
        return
    zone = ZoneInfo(year.timezone)
    last_day = lesson_day + timedelta(days=window.days)
    closes_at = datetime.combine(last_day, time.max, tzinfo=zone)
    if clock.now() > closes_at:
        raise DeadlinePassedError(
            f"{record} of a lesson may be corrected within {window.days} days of the lesson"
            f" ({lesson_day.isoformat()}); the last day was {last_day.isoformat()}",
            rule=f"corrections.{record}_window",
            clause=window.clause,
            closes_at=closes_at.isoformat(),
        )


def first_grade_check(
    year: SchoolYear, journal: ClassJournal, *, marks: bool, homework: bool
) -> None:
    """Grade 1 gets no marks (School 117 §5.5, School 77 §3.7) and, where the profile says so,
    no homework (School 77 §3.7)."""
    if journal.grade != 1:
        return
    rule = year.profile.first_grade
    if rule.clause is None:
        return
    if marks and rule.no_marks:
        raise RuleViolationError(
            "marks are not given in grade 1", rule="first_grade.no_marks", clause=rule.clause
        )
    if homework and rule.no_homework:
        raise RuleViolationError(
            "homework is not set in grade 1", rule="first_grade.no_homework", clause=rule.clause
        )
