"""Months, the school calendar and the timetable: the lessons a class is given."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from ejournal.database import Cursor
from ejournal.policy.calendar import Closure, SchoolCalendar
from ejournal.projections.reporting.queries import PeriodFacts, YearFacts
from ejournal.projections.reporting.schema import parse_instant

_ONE_DAY = timedelta(days=1)


def months_of(start: date, end: date) -> list[date]:
    """The first day of every month from ``start``'s to ``end``'s."""
    months = []
    month = start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def month_end(month: date) -> date:
    """The last day of the month that begins on ``month``."""
    return (month + timedelta(days=32)).replace(day=1) - _ONE_DAY


# --- the calendar and the timetable -------------------------------------------------------------

TimetableEntry = tuple[int, int, str]
"""(weekday, 1 = Monday; slot; journal id)."""


@dataclass(frozen=True)
class Timetable:
    """A class's timetable versions, each with the day it came into force."""

    versions: tuple[tuple[date, tuple[TimetableEntry, ...]], ...]
    """(in force from, entries), in the order set."""

    def on(self, day: date) -> tuple[TimetableEntry, ...]:
        """The timetable in force on a day: the last one set by then; before the first was set,
        the first (it describes the days before it too)."""
        if not self.versions:
            return ()
        chosen = self.versions[0][1]
        for since, entries in self.versions:
            if since <= day:
                chosen = entries
        return chosen

    def weekly_hours(self, journal_id: str, day: date) -> int:
        """Lessons a week a journal has in the timetable in force on a day."""
        return sum(1 for _, _, jid in self.on(day) if jid == journal_id)


def timetables(cursor: Cursor, year: YearFacts) -> dict[str, Timetable]:
    """Every class's timetable versions; a version is in force from the school's local day it
    was set on."""
    zone = ZoneInfo(year.timezone)
    cursor.execute(
        """SELECT class_code, set_position, set_at, weekday, slot, journal_id FROM rpt_timetables
        WHERE year_id = %(year_id)s""",
        {"year_id": year.year_id},
    )
    sets: dict[str, dict[int, tuple[date, list[TimetableEntry]]]] = {}
    for r in cursor.fetchall():
        since = parse_instant(r["set_at"]).astimezone(zone).date()
        versions = sets.setdefault(r["class_code"], {})
        _, entries = versions.setdefault(int(r["set_position"]), (since, []))
        entries.append((int(r["weekday"]), int(r["slot"]), r["journal_id"]))
    return {
        code: Timetable(
            versions=tuple(
                (since, tuple(sorted(entries))) for _, (since, entries) in sorted(versions.items())
            )
        )
        for code, versions in sets.items()
    }


def school_calendar(cursor: Cursor, year: YearFacts) -> SchoolCalendar:
    """The year's working-day calendar: the school week, the state's days off and transfers,
    and the closures in force (holidays, quarantines: Gymnasium 2 §6.6)."""
    cursor.execute(
        "SELECT * FROM rpt_closures WHERE year_id = %(year_id)s AND lifted = FALSE",
        {"year_id": year.year_id},
    )
    closures = [
        Closure(
            start=date.fromisoformat(r["start_date"]),
            end=date.fromisoformat(r["end_date"]),
            kind="other",
            classes=frozenset(r["classes"].split()) if r["classes"] else None,
        )
        for r in cursor.fetchall()
    ]
    return SchoolCalendar(week_length=5 if year.week_length == 5 else 6, closures=closures)


def scheduled_lessons(
    calendar: SchoolCalendar,
    terms: Sequence[PeriodFacts],
    timetable: Timetable,
    class_code: str,
    start: date,
    end: date,
) -> dict[str, int]:
    """Per journal, the lessons the timetable gives a class from ``start`` to ``end``: on each
    day that lies in a reporting period and is a working day of the class (no weekend, public
    holiday, school holidays or quarantine), the timetable in force that day."""
    counts: dict[str, int] = {}
    day = start
    while day <= end:
        in_term = any(p.start <= day <= p.end for p in terms)
        if in_term and calendar.is_working_day(day, class_code):
            weekday = day.isoweekday()
            for entry_day, _slot, journal_id in timetable.on(day):
                if entry_day == weekday:
                    counts[journal_id] = counts.get(journal_id, 0) + 1
        day += _ONE_DAY
    return counts
