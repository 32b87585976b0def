"""When an entry is due: the deadline a school's regulation sets for a lesson's topic, homework,
attendance and marks, and for period marks.

Pure functions over the profile, the school's working-day calendar and server time. Every moment is
timezone-aware and computed in the school's own zone (``profile.timezone``), because a regulation's
"by 19:00" or "the day of the lesson" means the school's wall clock, not the server's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo

from ejournal.errors import Clause, DeadlinePassedError, RuleViolationError
from ejournal.marks import WorkKind
from ejournal.policy.calendar import SchoolCalendar
from ejournal.policy.profile import (
    AfterClassDay,
    EntryDeadline,
    MarkDeadline,
    NotRegulated,
    PeriodMarkWindow,
    RegulationProfile,
    SameDay,
    WithinDays,
)


class EntryKind(StrEnum):
    """The parts of a lesson's record that a regulation times."""

    TOPIC = "topic"
    HOMEWORK = "homework"
    ATTENDANCE = "attendance"
    MARK = "mark"


@dataclass(frozen=True)
class Deadline:
    """The window in which an entry is accepted, and the rule and clause that set it."""

    closes_at: datetime
    """The last moment an entry is accepted (inclusive); aware, in the school's zone."""
    rule: str
    """A stable rule id ("deadline.mark.control", "deadline.topic", "deadline.period_mark")."""
    clause: Clause
    description: str
    """An English sentence naming the rule, for error messages."""
    opens_at: datetime | None = None
    """The first moment an entry is accepted, for rules that open a window (Lyceum 68 §3.6.5)."""


_ENTRY_NOUNS: dict[EntryKind, str] = {
    EntryKind.TOPIC: "the lesson topic",
    EntryKind.HOMEWORK: "homework",
    EntryKind.ATTENDANCE: "attendance",
}

_MARK_NOUNS: dict[WorkKind, str] = {
    WorkKind.ORAL: "oral-answer marks",
    WorkKind.CLASSWORK: "classwork marks",
    WorkKind.HOMEWORK: "homework marks",
    WorkKind.WRITTEN: "written-work marks",
    WorkKind.INDEPENDENT: "independent-work marks",
    WorkKind.TEST: "test marks",
    WorkKind.CONTROL: "control-work marks",
    WorkKind.DICTATION: "dictation marks",
    WorkKind.ESSAY: "essay marks",
    WorkKind.LABORATORY: "laboratory-work marks",
    WorkKind.PRACTICAL: "practical-work marks",
    WorkKind.PROJECT: "project marks",
    WorkKind.EXTERNAL_DIAGNOSTIC: "external diagnostic marks",
    WorkKind.EXAM: "exam marks",
    WorkKind.STATE_EXAM: "state exam (GIA) marks",
}


def entry_deadline(
    profile: RegulationProfile,
    calendar: SchoolCalendar,
    *,
    entry: EntryKind,
    lesson_date: date,
    class_code: str,
    subject: str,
    work_kind: WorkKind | None = None,
    lesson_end: time | None = None,
    class_day_end: time | None = None,
    results_date: date | None = None,
) -> Deadline | None:
    """The deadline for one entry about a lesson, or None when the regulation sets none.

    ``work_kind`` is required for marks. ``results_date`` is the day external results (a state
    exam, a diagnostic) were announced, for rules counted from it. ``class_day_end`` is the end of
    the class's last lesson that day and ``lesson_end`` the end of this lesson, for rules counted
    from the end of the school day (the former wins when both are given).
    """
    if entry is EntryKind.MARK:
        if work_kind is None:
            raise ValueError("a mark's deadline depends on its work kind: give work_kind")
        rule = mark_rule(profile, work_kind, subject)
        rule_id = f"deadline.mark.{work_kind.value}"
        noun = f"{_MARK_NOUNS[work_kind]} in {_subject_label(subject)}"
    else:
        rule = _lesson_rule(profile, entry)
        rule_id = f"deadline.{entry.value}"
        noun = _ENTRY_NOUNS[entry]
    if isinstance(rule, NotRegulated):
        return None
    zone = ZoneInfo(profile.timezone)
    closes_at, due = _closing(
        rule,
        zone,
        calendar,
        lesson_date=lesson_date,
        class_code=class_code,
        end_of_lessons=class_day_end if class_day_end is not None else lesson_end,
        results_date=results_date,
    )
    return Deadline(
        closes_at=closes_at,
        rule=rule_id,
        clause=rule.clause,
        description=f"{noun} must be entered {due}",
    )


def period_mark_deadline(
    profile: RegulationProfile,
    calendar: SchoolCalendar,
    *,
    period_start: date,
    period_end: date,
    class_code: str,
    order_date: date | None = None,
) -> Deadline | None:
    """The window for a period's (quarter's, trimester's, year's) marks, or None when the school
    order that sets it has not been recorded."""
    rule = profile.period_marks
    zone = ZoneInfo(profile.timezone)
    match rule.window:
        case PeriodMarkWindow.LAST_WEEK:
            first_day = max(period_start, period_end - timedelta(days=6))
            return Deadline(
                opens_at=_start_of(first_day, zone),
                closes_at=_end_of(period_end, zone),
                rule="deadline.period_mark",
                clause=rule.clause,
                description=(
                    "period marks must be entered in the last week of the period"
                    f" ({first_day.isoformat()} to {period_end.isoformat()})"
                ),
            )
        case PeriodMarkWindow.DAYS_BEFORE_END:
            # Calendar days: "не позднее одного дня / 2-х дней до окончания учебного периода".
            last_day = period_end - timedelta(days=rule.days_before_end)
            return Deadline(
                closes_at=_end_of(last_day, zone),
                rule="deadline.period_mark",
                clause=rule.clause,
                description=(
                    f"period marks must be entered at least {_days(rule.days_before_end)}"
                    f" before the period ends on {period_end.isoformat()}"
                ),
            )
        case PeriodMarkWindow.BY_ORDER:
            if order_date is None:
                return None
            return Deadline(
                closes_at=_end_of(order_date, zone),
                rule="deadline.period_mark",
                clause=rule.clause,
                description=(
                    f"period marks must be entered by {order_date.isoformat()},"
                    " the date the school order sets"
                ),
            )


def check_in_time(deadline: Deadline | None, now: datetime) -> None:
    """Refuse an entry made outside its deadline's window; ``now`` is the server time."""
    if now.tzinfo is None:
        raise ValueError("the time of an entry must be timezone-aware (server time)")
    if deadline is None:
        return
    if deadline.opens_at is not None and now < deadline.opens_at:
        raise RuleViolationError(
            f"{deadline.description}; entries open at {_local(deadline.opens_at)}",
            rule=f"{deadline.rule}.not_yet_open",
            clause=deadline.clause,
            opens_at=deadline.opens_at.isoformat(),
        )
    if now > deadline.closes_at:
        raise DeadlinePassedError(
            f"{deadline.description}; the deadline was {_local(deadline.closes_at)}",
            rule=deadline.rule,
            clause=deadline.clause,
            closes_at=deadline.closes_at.isoformat(),
        )


def _lesson_rule(profile: RegulationProfile, entry: EntryKind) -> EntryDeadline:
    """The rule for a lesson's topic, homework or attendance."""
    match entry:
        case EntryKind.TOPIC:
            return profile.deadlines.topic
        case EntryKind.HOMEWORK:
            return profile.deadlines.homework
        case EntryKind.ATTENDANCE:
            return profile.deadlines.attendance
    raise ValueError(f"{entry} has no lesson-level rule; marks are looked up by work kind")


def mark_rule(profile: RegulationProfile, kind: WorkKind, subject: str) -> EntryDeadline:
    """The rule for a mark of this kind in this subject: a rule naming the subject beats a
    general one for the same kind, whatever their order in the profile."""
    matching = [
        rule
        for rule in profile.deadlines.marks
        if kind in rule.work_kinds and (rule.subjects is None or subject in rule.subjects)
    ]
    if not matching:
        return profile.deadlines.default_mark
    return min(matching, key=_is_general).deadline


def _is_general(rule: MarkDeadline) -> bool:
    return rule.subjects is None


def _closing(
    rule: SameDay | WithinDays | AfterClassDay,
    zone: ZoneInfo,
    calendar: SchoolCalendar,
    *,
    lesson_date: date,
    class_code: str,
    end_of_lessons: time | None,
    results_date: date | None,
) -> tuple[datetime, str]:
    """The last accepted moment under a rule, and how the rule reads ("within 3 days of ...")."""
    match rule:
        case SameDay(until=None):
            return _end_of(lesson_date, zone), "on the day of the lesson"
        case SameDay(until=time() as until):
            return (
                datetime.combine(lesson_date, until, tzinfo=zone),
                f"on the day of the lesson, by {until:%H:%M}",
            )
        case WithinDays():
            start, origin = _counting_start(rule, lesson_date, results_date)
            if rule.working_days:
                last_day = calendar.add_working_days(start, rule.days, class_code)
                unit = "working day" if rule.days == 1 else "working days"
            else:
                last_day = start + timedelta(days=rule.days)
                unit = "day" if rule.days == 1 else "days"
            return _end_of(last_day, zone), f"within {rule.days} {unit} of {origin}"
        case AfterClassDay():
            if end_of_lessons is None:
                raise ValueError(
                    "this school's deadline runs from the end of the class's lessons:"
                    " give class_day_end or lesson_end"
                )
            return (
                _after(datetime.combine(lesson_date, end_of_lessons, tzinfo=zone), rule.hours),
                f"within {_hours(rule.hours)} after the class's last lesson of the day",
            )
    raise AssertionError(f"unhandled deadline rule {rule!r}")  # pragma: no cover


def _counting_start(
    rule: WithinDays, lesson_date: date, results_date: date | None
) -> tuple[date, str]:
    if rule.counted_from == "lesson":
        return lesson_date, "the lesson"
    if results_date is None:
        raise ValueError(
            "this deadline runs from the day results were announced: give results_date"
        )
    return results_date, "the results being announced"


def _start_of(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def _end_of(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time.max, tzinfo=zone)


def _after(moment: datetime, hours: float) -> datetime:
    # Add real elapsed time (via UTC), not wall-clock time, should a zone ever change its offset.
    return (moment.astimezone(UTC) + timedelta(hours=hours)).astimezone(moment.tzinfo)


def _local(moment: datetime) -> str:
    """A moment as the school reads it: "2026-10-14 23:59 (Europe/Moscow)"."""
    zone = moment.tzinfo
    name = zone.key if isinstance(zone, ZoneInfo) else str(zone)
    return f"{moment:%Y-%m-%d %H:%M} ({name})"


def _subject_label(code: str) -> str:
    return code.replace("_", " ").capitalize()


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def _hours(hours: float) -> str:
    return "1 hour" if hours == 1 else f"{hours:g} hours"
