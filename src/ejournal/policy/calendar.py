"""The school's working-day calendar: which days lessons are held, class by class.

DESIGN.md §4 says every timing rule is evaluated on the school's **working-day calendar**: Russian
public holidays and weekend transfers, the school's 5- or 6-day week, and its own holidays and
quarantine days. So when a regulation gives a teacher "10 working days" to enter marks (Lyceum 68
§5.4), we count the days the *school* works: school holidays (каникулы), a quarantine of the class
and the other schedule changes a director's order makes (Gymnasium 2 §6.6) do not count, and
neither do the state's days off. A Saturday the state turns into a working day (a weekend transfer)
counts even for a 5-day school, because the whole country — the school included — works then.

Russian public holidays and transfers come only from the maintained ``holidays`` package (each
year's government decree lands there), never from a list typed here. Regional days off (a
republic's own holidays) are not in that package: a school adds them as ``extra_days_off``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

from holidays import country_holidays

ClosureKind = Literal["holidays", "quarantine", "other"]

_SATURDAY = 5
_SUNDAY = 6


@dataclass(frozen=True)
class Closure:
    """A span of days with no lessons: school holidays, a quarantine, another schedule change
    (Gymnasium 2 §6.6), for the whole school or for some classes only."""

    start: date
    end: date
    """The last day of the closure (inclusive)."""
    kind: ClosureKind
    classes: frozenset[str] | None
    """Class codes ("5А") the closure is for; None means the whole school."""
    reason: str = ""

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"a closure cannot end ({self.end}) before it starts ({self.start})")
        if self.classes is not None and not self.classes:
            raise ValueError("a closure for no class at all: give None for the whole school")

    def covers(self, day: date, class_code: str | None) -> bool:
        """Whether the closure keeps this class (or, with None, the whole school) home that day."""
        if not self.start <= day <= self.end:
            return False
        return self.classes is None or (class_code is not None and class_code in self.classes)


@lru_cache(maxsize=64)
def _state_days_off(year: int) -> frozenset[date]:
    """Russia's public holidays and substituted days off in a year (weekday or not)."""
    return frozenset(country_holidays("RU", years=year))


@lru_cache(maxsize=64)
def _state_working_weekends(year: int) -> frozenset[date]:
    """Weekend days that a government decree makes working days in a year."""
    return frozenset(country_holidays("RU", years=year).weekend_workdays)


class SchoolCalendar:
    """Which days a school (or one of its classes) holds lessons, and counting of working days.

    Built once per school year from the school's week length and the closures the deputy records;
    the answers for the state calendar are cached per year, since every command asks.
    """

    def __init__(
        self,
        *,
        week_length: Literal[5, 6],
        closures: Iterable[Closure] = (),
        extra_working_days: Iterable[date] = (),
        extra_days_off: Iterable[date] = (),
    ) -> None:
        if week_length not in (5, 6):
            raise ValueError(f"a school week has 5 or 6 days, not {week_length}")
        self._weekend = frozenset({_SATURDAY, _SUNDAY} if week_length == 5 else {_SUNDAY})
        self._closures = tuple(sorted(closures, key=lambda c: (c.start, c.end)))
        self._closures_by_day = _index_by_day(self._closures)
        self._extra_working_days = frozenset(extra_working_days)
        self._extra_days_off = frozenset(extra_days_off)

    @property
    def closures(self) -> tuple[Closure, ...]:
        """The closures this calendar knows, by start date."""
        return self._closures

    def closure_on(self, day: date, class_code: str | None = None) -> Closure | None:
        """The closure that keeps the class (or the whole school) home that day, if any."""
        for closure in self._closures_by_day.get(day, ()):
            if closure.covers(day, class_code):
                return closure
        return None

    def is_working_day(self, day: date, class_code: str | None = None) -> bool:
        """Whether lessons are held that day for the class (or, with None, for the whole school)."""
        # A closure or a school's own day off beats everything, even a school-ordered working day:
        # a quarantined class does not come in on a Saturday the school made a working day.
        if self.closure_on(day, class_code) is not None or day in self._extra_days_off:
            return False
        if day in self._extra_working_days:
            return True
        if day in _state_days_off(day.year):
            return False
        if day in _state_working_weekends(day.year):
            return True
        return day.weekday() not in self._weekend

    def add_working_days(self, start: date, n: int, class_code: str | None = None) -> date:
        """The n-th working day after ``start`` (``start`` itself for n=0; it need not be a
        working day)."""
        if n < 0:
            raise ValueError(f"cannot count {n} working days forward")
        day = start
        remaining = n
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day, class_code):
                remaining -= 1
        return day

    def working_days(self, start: date, end: date, class_code: str | None = None) -> Iterator[date]:
        """The working days from ``start`` to ``end``, both inclusive, in order."""
        day = start
        while day <= end:
            if self.is_working_day(day, class_code):
                yield day
            day += timedelta(days=1)


def _index_by_day(closures: Iterable[Closure]) -> dict[date, tuple[Closure, ...]]:
    """Closures by each day they span, so a lookup does not scan every closure of the year."""
    index: dict[date, list[Closure]] = {}
    for closure in closures:
        day = closure.start
        while day <= closure.end:
            index.setdefault(day, []).append(closure)
            day += timedelta(days=1)
    return {day: tuple(found) for day, found in index.items()}
