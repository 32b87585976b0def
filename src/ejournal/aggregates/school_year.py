"""SchoolYear: the organisation of one school year.

Its periods, calendar (holidays, quarantine and other schedule changes, Gymnasium 2 §6.6), bell
schedule and timetable, its classes and their class teachers, which students are in which class
and subgroup on which dates, the registry of its class journals, and the regulation profile in
force. Handlers read it to evaluate deadlines and rosters; it changes rarely.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from typing import Literal
from uuid import UUID

from eventsourcing.domain import event

from ejournal.aggregates.base import Aggregate, AggregateSnapshot, SnapshotState, Value
from ejournal.aggregates.identity import school_year_id
from ejournal.errors import InvariantError, NotFoundError
from ejournal.marks import PeriodKind
from ejournal.policy.calendar import Closure, SchoolCalendar
from ejournal.policy.profile import RegulationProfile
from ejournal.roles import Actor
from ejournal.transcoding import SortedFrozenSet

_ONE_DAY = timedelta(days=1)

FIRST_LABEL_YEAR = 2000
LAST_LABEL_YEAR = 2100
_LABEL = re.compile(r"([0-9]{4})/([0-9]{4})")
LABEL_PATTERN = (
    r"^\s*(?:"
    + "|".join(f"{y}[/-]{y + 1}" for y in range(FIRST_LABEL_YEAR, LAST_LABEL_YEAR + 1))
    + r")\s*$"
)
r"""Every label ``check_label`` takes, as a JSON Schema pattern (in a body, "2026-2027" as in URLs
and surrounding whitespace are taken too): two consecutive years is more than ``[0-9]{4}/[0-9]{4}``
says, and the OpenAPI document must not offer "1999/2005" as valid."""


def check_label(label: str) -> str:
    """A school year's label ("2026/2027"): two consecutive calendar years, from 2000/2001 to
    2100/2101; ValueError otherwise. A year outside that span is a typing error, not a year a
    school keeps a journal for."""
    found = _LABEL.fullmatch(label)
    if (
        found is None
        or not FIRST_LABEL_YEAR <= int(found[1]) <= LAST_LABEL_YEAR
        or int(found[2]) != int(found[1]) + 1
    ):
        raise ValueError(
            f"{label!r} is not a school year: two consecutive years from {FIRST_LABEL_YEAR}/"
            f"{FIRST_LABEL_YEAR + 1} to {LAST_LABEL_YEAR}/{LAST_LABEL_YEAR + 1}, such as 2026/2027"
        )
    return label


class SchoolYearError(InvariantError):
    """A change to the year's organisation contradicts what it holds."""

    slug = "school-year-invariant"


class OutsideSchoolYearError(InvariantError):
    """A date a command is about lies outside the school year it is recorded in."""

    slug = "outside-school-year"
    title = "The date lies outside the school year"


class Period(Value):
    """A reporting period: a quarter, trimester or half-year."""

    id: str
    """"Q1".."Q4", "T1".."T3", "H1".."H2"."""
    name: str
    """Russian name printed in documents: "1 четверть"."""
    start: date
    end: date
    marks_due: date | None = None
    """The date a school order sets for period marks (profiles that time them "by order")."""
    marks_due_order: str | None = None
    grades: SortedFrozenSet[int] | None = None
    """The grades whose scheme the period belongs to (half-years for grades 10–11 beside
    quarters for the rest: School 117, School 77, Belogorsk, Gymnasium 2); None, as in every
    log before schemes existed, for every grade."""

    def applies_to(self, grade: int | None) -> bool:
        return self.grades is None or grade is None or grade in self.grades


class ClosureRecord(Value):
    """Days without lessons for the whole school or some classes."""

    id: UUID
    start: date
    end: date
    kind: Literal["holidays", "quarantine", "other"]
    classes: SortedFrozenSet[str] | None = None
    """The classes it keeps home; None for the whole school (empty only in old logs: see below)."""
    reason: str = ""
    lifted: bool = False

    def in_calendar(self) -> Closure | None:
        """The days off this closure gives the working-day calendar, or None when it gives none.

        A closure declared for an empty list of classes closes no class. Such closures were once
        accepted and may stand in an old log, which is never rewritten: read as "the whole
        school" they would close it, and handed to the calendar as they are they would make
        every command that consults it fail.
        """
        if self.classes is not None and not self.classes:
            return None
        return Closure(
            start=self.start,
            end=self.end,
            kind=self.kind,
            classes=self.classes,
            reason=self.reason,
        )


class BellSlot(Value):
    """One lesson slot of the day: "2nd lesson, 09:00–09:45"."""

    slot: int
    start: time
    end: time


class TimetableEntry(Value):
    """One weekly lesson of a class: weekday (1 = Monday), slot, the journal it belongs to."""

    weekday: int
    slot: int
    journal_id: UUID


class SchoolClass(Value):
    """A class of the year: "5А"."""

    code: str
    grade: int
    letter: str
    class_teacher_id: UUID | None = None


class JournalRef(Value):
    """Where a class journal belongs."""

    class_code: str
    subject: str
    subgroup: str | None


class Stint(Value):
    """A span of days a student belongs somewhere (a class, a subgroup); ``until`` inclusive."""

    place: str
    since: date
    until: date | None = None

    def covers(self, day: date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)


def _subgroup_place(class_code: str, subject: str, subgroup: str) -> str:
    return f"{class_code}/{subject}/{subgroup}"


class SchoolYear(Aggregate):
    """One school year of one school."""

    class State(SnapshotState):
        label: str
        starts_on: date
        ends_on: date
        timezone: str
        week_length: int
        period_kind: PeriodKind
        periods: dict[str, Period]
        profile: RegulationProfile
        closures: dict[UUID, ClosureRecord]
        bells: dict[int, BellSlot]
        timetable: dict[str, tuple[TimetableEntry, ...]]
        classes: dict[str, SchoolClass]
        journals: dict[UUID, JournalRef]
        class_stints: dict[UUID, list[Stint]]
        subgroup_stints: dict[UUID, list[Stint]]
        closed: bool

    class Snapshot(AggregateSnapshot):
        state: SchoolYear.State

    class Started(Aggregate.Created):
        """The administrator set up a school year and adopted a regulation profile."""

        label: str
        starts_on: date
        ends_on: date
        timezone: str
        week_length: int
        period_kind: PeriodKind
        periods: tuple[Period, ...]
        profile: RegulationProfile
        actor: Actor

    class ProfileAdopted(Aggregate.Event):
        """The school adopted another regulation profile (a new or amended regulation)."""

        profile: RegulationProfile
        reason: str
        actor: Actor

    class PeriodMarksDueSet(Aggregate.Event):
        """A school order set the date period marks are due for a period."""

        period_id: str
        due: date
        order: str
        actor: Actor

    class ClosureDeclared(Aggregate.Event):
        """Holidays, a quarantine or another schedule change (Gymnasium 2 §6.6)."""

        closure: ClosureRecord
        actor: Actor

    class ClosureLifted(Aggregate.Event):
        """A declared closure was cancelled."""

        closure_id: UUID
        reason: str
        actor: Actor

    class BellScheduleSet(Aggregate.Event):
        """The times of the lesson slots; a replacement carries its reason."""

        slots: tuple[BellSlot, ...]
        reason: str | None = None
        actor: Actor

    class ClassFormed(Aggregate.Event):
        """A class exists this year."""

        school_class: SchoolClass
        actor: Actor

    class ClassTeacherAssigned(Aggregate.Event):
        """A class teacher (классный руководитель) was assigned to a class; replacing one names
        the previous class teacher and the reason."""

        class_code: str
        account_id: UUID
        previous: UUID | None = None
        reason: str | None = None
        actor: Actor

    class TimetableSet(Aggregate.Event):
        """The weekly timetable of a class (DESIGN.md §1: the deputy forms it); a replacement
        carries its reason."""

        class_code: str
        entries: tuple[TimetableEntry, ...]
        reason: str | None = None
        actor: Actor

    class JournalRegistered(Aggregate.Event):
        """A class journal was opened for a subject of a class (or a subgroup of it)."""

        journal_id: UUID
        journal: JournalRef
        actor: Actor

    class StudentEnrolled(Aggregate.Event):
        """A student joined a class from a date (admission, transfer, promotion)."""

        student_id: UUID
        class_code: str
        since: date
        actor: Actor

    class StudentLeftClass(Aggregate.Event):
        """A student's last day in a class (transfer, withdrawal)."""

        student_id: UUID
        class_code: str
        until: date
        actor: Actor

    class SubgroupAssigned(Aggregate.Event):
        """A student belongs to a subgroup of a subject from a date."""

        student_id: UUID
        class_code: str
        subject: str
        subgroup: str
        since: date
        actor: Actor

    class Closed(Aggregate.Event):
        """The year was closed; nothing more is recorded in it."""

        actor: Actor

    # --- creation -------------------------------------------------------------------------

    @staticmethod
    def create_id(label: str, **_: object) -> UUID:
        return school_year_id(label)

    @classmethod
    def start(
        cls,
        *,
        label: str,
        starts_on: date,
        ends_on: date,
        periods: tuple[Period, ...],
        profile: RegulationProfile,
        actor: Actor,
        timezone: str | None = None,
        week_length: int | None = None,
    ) -> SchoolYear:
        """Set up a year: it starts in the first year of its label and ends in the second; its
        periods must lie inside it, in order, without overlap."""
        try:
            check_label(label)
        except ValueError as error:
            raise SchoolYearError(str(error), invariant="year.label_invalid") from None
        if ends_on <= starts_on:
            raise SchoolYearError(
                f"the year must end after it starts ({starts_on}–{ends_on})",
                invariant="year.ends_before_start",
            )
        if (starts_on.year, ends_on.year) != (int(label[:4]), int(label[5:])):
            raise SchoolYearError(
                f"school year {label} starts in {label[:4]} and ends in {label[5:]},"
                f" not {starts_on}–{ends_on}",
                invariant="year.dates_not_in_label",
            )
        if not periods:
            raise SchoolYearError(
                "a school year needs at least one reporting period", invariant="year.no_periods"
            )
        _check_schemes(periods, starts_on, ends_on)
        return cls(
            label=label,
            starts_on=starts_on,
            ends_on=ends_on,
            timezone=timezone or profile.timezone,
            week_length=week_length or profile.week_length,
            period_kind=profile.period_kind,
            periods=periods,
            profile=profile,
            actor=actor,
        )

    @event(Started)
    def __init__(
        self,
        *,
        label: str,
        starts_on: date,
        ends_on: date,
        timezone: str,
        week_length: int,
        period_kind: PeriodKind,
        periods: tuple[Period, ...],
        profile: RegulationProfile,
        actor: Actor,
    ) -> None:
        self.label = label
        self.starts_on = starts_on
        self.ends_on = ends_on
        self.timezone = timezone
        self.week_length = week_length
        self.period_kind = period_kind
        self.periods: dict[str, Period] = {p.id: p for p in periods}
        self.profile = profile
        self.closures: dict[UUID, ClosureRecord] = {}
        self.bells: dict[int, BellSlot] = {}
        self.timetable: dict[str, tuple[TimetableEntry, ...]] = {}
        self.classes: dict[str, SchoolClass] = {}
        self.journals: dict[UUID, JournalRef] = {}
        self.class_stints: dict[UUID, list[Stint]] = {}
        self.subgroup_stints: dict[UUID, list[Stint]] = {}
        self.closed = False

    # --- queries --------------------------------------------------------------------------

    def calendar(self) -> SchoolCalendar:
        """The working-day calendar of this year (rebuilt only when closures change)."""
        key = (self.version, self.week_length)
        cached: tuple[tuple[int, int], SchoolCalendar] | None = self.__dict__.get("_calendar")
        if cached is not None and cached[0] == key:
            return cached[1]
        in_force = (c.in_calendar() for c in self.closures.values() if not c.lifted)
        calendar = SchoolCalendar(
            week_length=5 if self.week_length == 5 else 6,
            closures=[c for c in in_force if c is not None],
        )
        # Not part of the state: dropped from snapshots by the leading underscore.
        self.__dict__["_calendar"] = (key, calendar)
        return calendar

    def check_within(self, day: date, what: str) -> None:
        """Refuse a date outside this year: every date a command records is about some year."""
        if not self.starts_on <= day <= self.ends_on:
            raise OutsideSchoolYearError(
                f"{what} ({day}) must fall in school year {self.label}"
                f" ({self.starts_on}–{self.ends_on})"
            )

    def periods_for(self, grade: int | None) -> list[Period]:
        """The periods of a grade's scheme, in order (every period with None)."""
        return sorted(
            (p for p in self.periods.values() if p.applies_to(grade)), key=lambda p: p.start
        )

    def grade_of(self, class_code: str) -> int | None:
        school_class = self.classes.get(class_code)
        return school_class.grade if school_class else None

    def period_of(self, day: date, grade: int | None = None) -> Period | None:
        """The reporting period a day falls in for a grade (None in holidays between periods).
        Without a grade: some period of some scheme, which tells only that lessons run."""
        for period in self.periods_for(grade):
            if period.start <= day <= period.end:
                return period
        return None

    def period_of_class(self, day: date, class_code: str) -> Period | None:
        """The period a day falls in for a class: its grade's scheme."""
        return self.period_of(day, self.grade_of(class_code))

    def period(self, period_id: str, grade: int | None = None) -> Period:
        """A period by id; with a grade, it must be one of that grade's scheme."""
        try:
            period = self.periods[period_id]
        except KeyError:
            raise NotFoundError(f"no period {period_id!r} in school year {self.label}") from None
        if not period.applies_to(grade):
            raise NotFoundError(
                f"period {period_id} is not a period of grade {grade} in school year"
                f" {self.label}: its scheme is for grades {sorted(period.grades or ())}"
            )
        return period

    def school_class(self, class_code: str) -> SchoolClass:
        try:
            return self.classes[class_code]
        except KeyError:
            raise NotFoundError(f"no class {class_code!r} in school year {self.label}") from None

    def class_of(self, student_id: UUID, day: date) -> str | None:
        """The class a student belonged to on a day."""
        for stint in self.class_stints.get(student_id, ()):
            if stint.covers(day):
                return stint.place
        return None

    def subgroup_of(self, student_id: UUID, class_code: str, subject: str, day: date) -> str | None:
        """The subgroup of a subject a student belonged to on a day."""
        prefix = f"{class_code}/{subject}/"
        for stint in self.subgroup_stints.get(student_id, ()):
            if stint.place.startswith(prefix) and stint.covers(day):
                return stint.place.removeprefix(prefix)
        return None

    def is_on_roster(self, student_id: UUID, journal: JournalRef, day: date) -> bool:
        """Whether a student belongs on a journal's page on a day."""
        if self.class_of(student_id, day) != journal.class_code:
            return False
        if journal.subgroup is None:
            return True
        return self.subgroup_of(student_id, journal.class_code, journal.subject, day) == (
            journal.subgroup
        )

    def roster(self, journal: JournalRef, day: date) -> frozenset[UUID]:
        """The students on a journal's page on a day."""
        return frozenset(s for s in self.class_stints if self.is_on_roster(s, journal, day))

    def class_roster(self, class_code: str, day: date) -> frozenset[UUID]:
        return frozenset(s for s in self.class_stints if self.class_of(s, day) == class_code)

    def journals_of(self, class_code: str) -> dict[UUID, JournalRef]:
        return {jid: ref for jid, ref in self.journals.items() if ref.class_code == class_code}

    def class_day_end(self, class_code: str, day: date) -> time | None:
        """When the class's last lesson of a day ends, from the timetable and the bells."""
        slots = [
            e.slot for e in self.timetable.get(class_code, ()) if e.weekday == day.isoweekday()
        ]
        if not slots:
            return None
        bell = self.bells.get(max(slots))
        return bell.end if bell else None

    def lesson_end(self, slot: int) -> time | None:
        bell = self.bells.get(slot)
        return bell.end if bell else None

    def check_open(self) -> None:
        if self.closed:
            raise SchoolYearError(f"school year {self.label} is closed", invariant="year.closed")

    # --- commands -------------------------------------------------------------------------

    def adopt_profile(self, profile: RegulationProfile, reason: str, actor: Actor) -> None:
        self.check_open()
        if not reason.strip():
            raise SchoolYearError(
                "adopting another regulation profile needs a reason",
                invariant="year.profile_reason_missing",
            )
        self._profile_adopted(profile=profile, reason=reason, actor=actor)

    @event(ProfileAdopted)
    def _profile_adopted(self, profile: RegulationProfile, reason: str, actor: Actor) -> None:
        self.profile = profile

    def set_period_marks_due(self, period_id: str, due: date, order: str, actor: Actor) -> None:
        self.check_open()
        period = self.period(period_id)
        if not period.start <= due <= self.ends_on:
            raise SchoolYearError(
                f"period marks for {period_id} cannot be due on {due}",
                invariant="year.period_marks_due",
            )
        self._period_marks_due_set(period_id=period_id, due=due, order=order, actor=actor)

    @event(PeriodMarksDueSet)
    def _period_marks_due_set(self, period_id: str, due: date, order: str, actor: Actor) -> None:
        self.periods[period_id] = self.periods[period_id].model_copy(
            update={"marks_due": due, "marks_due_order": order}
        )

    def declare_closure(self, closure: ClosureRecord, actor: Actor) -> None:
        self.check_open()
        if closure.end < closure.start:
            raise SchoolYearError(
                "a closure ends before it starts", invariant="closure.dates_reversed"
            )
        self.check_within(closure.start, "a closure's first day")
        self.check_within(closure.end, "a closure's last day")
        if closure.id in self.closures:
            raise SchoolYearError(
                "this closure is already declared", invariant="closure.already_declared"
            )
        if closure.classes is not None and not closure.classes:
            raise SchoolYearError(
                "a closure names at least one class, or none for the school",
                invariant="closure.classes",
            )
        if not closure.reason.strip():
            raise SchoolYearError(
                "declaring a closure needs a reason", invariant="closure.reason_missing"
            )
        for code in closure.classes or ():
            self.school_class(code)
        self._closure_declared(closure=closure, actor=actor)

    @event(ClosureDeclared)
    def _closure_declared(self, closure: ClosureRecord, actor: Actor) -> None:
        self.closures[closure.id] = closure

    def lift_closure(self, closure_id: UUID, reason: str, actor: Actor) -> None:
        self.check_open()
        closure = self.closures.get(closure_id)
        if closure is None or closure.lifted:
            raise NotFoundError("no such closure in force")
        if not reason.strip():
            raise SchoolYearError(
                "lifting a closure needs a reason", invariant="closure.lift_reason_missing"
            )
        self._closure_lifted(closure_id=closure_id, reason=reason, actor=actor)

    @event(ClosureLifted)
    def _closure_lifted(self, closure_id: UUID, reason: str, actor: Actor) -> None:
        self.closures[closure_id] = self.closures[closure_id].model_copy(update={"lifted": True})

    def set_bells(
        self, slots: tuple[BellSlot, ...], actor: Actor, reason: str | None = None
    ) -> None:
        self.check_open()
        _require_reason_to_replace(bool(self.bells), reason, "the bell schedule")
        if len({s.slot for s in slots}) != len(slots):
            raise SchoolYearError("each lesson slot is given once", invariant="bells.slot_repeated")
        if any(s.end <= s.start for s in slots):
            raise SchoolYearError(
                "a lesson slot must end after it starts", invariant="bells.slot_ends_before_start"
            )
        self._bell_schedule_set(slots=slots, reason=reason, actor=actor)

    @event(BellScheduleSet)
    def _bell_schedule_set(
        self, slots: tuple[BellSlot, ...], reason: str | None, actor: Actor
    ) -> None:
        self.bells = {s.slot: s for s in slots}

    def form_class(self, school_class: SchoolClass, actor: Actor) -> None:
        self.check_open()
        if school_class.code in self.classes:
            raise SchoolYearError(
                f"class {school_class.code} already exists", invariant="year.class_exists"
            )
        if not 1 <= school_class.grade <= 11:
            raise SchoolYearError("grades run from 1 to 11", invariant="year.grade_range")
        self._class_formed(school_class=school_class, actor=actor)

    @event(ClassFormed)
    def _class_formed(self, school_class: SchoolClass, actor: Actor) -> None:
        self.classes[school_class.code] = school_class

    def assign_class_teacher(
        self, class_code: str, account_id: UUID, actor: Actor, reason: str | None = None
    ) -> None:
        self.check_open()
        previous = self.school_class(class_code).class_teacher_id
        if previous == account_id:
            raise SchoolYearError(
                f"this is already the class teacher of {class_code}",
                invariant="year.class_teacher_already",
            )
        _require_reason_to_replace(previous is not None, reason, "the class teacher")
        self._class_teacher_assigned(
            class_code=class_code,
            account_id=account_id,
            previous=previous,
            reason=reason,
            actor=actor,
        )

    @event(ClassTeacherAssigned)
    def _class_teacher_assigned(
        self,
        class_code: str,
        account_id: UUID,
        previous: UUID | None,
        reason: str | None,
        actor: Actor,
    ) -> None:
        self.classes[class_code] = self.classes[class_code].model_copy(
            update={"class_teacher_id": account_id}
        )

    def set_timetable(
        self,
        class_code: str,
        entries: tuple[TimetableEntry, ...],
        actor: Actor,
        reason: str | None = None,
    ) -> None:
        self.check_open()
        self.school_class(class_code)
        _require_reason_to_replace(class_code in self.timetable, reason, "a class's timetable")
        for entry in entries:
            if not 1 <= entry.weekday <= self.week_length:
                raise SchoolYearError(
                    f"weekday {entry.weekday} is not a school day",
                    invariant="timetable.not_a_school_day",
                )
            ref = self.journals.get(entry.journal_id)
            if ref is None or ref.class_code != class_code:
                raise SchoolYearError(
                    "a timetable entry names a journal of another class",
                    invariant="timetable.other_class_journal",
                )
        self._timetable_set(class_code=class_code, entries=entries, reason=reason, actor=actor)

    @event(TimetableSet)
    def _timetable_set(
        self,
        class_code: str,
        entries: tuple[TimetableEntry, ...],
        reason: str | None,
        actor: Actor,
    ) -> None:
        self.timetable[class_code] = entries

    def register_journal(self, journal_id: UUID, journal: JournalRef, actor: Actor) -> None:
        self.check_open()
        self.school_class(journal.class_code)
        if journal_id in self.journals:
            raise SchoolYearError(
                "this journal is already open", invariant="year.journal_already_open"
            )
        self._journal_registered(journal_id=journal_id, journal=journal, actor=actor)

    @event(JournalRegistered)
    def _journal_registered(self, journal_id: UUID, journal: JournalRef, actor: Actor) -> None:
        self.journals[journal_id] = journal

    def enroll(self, student_id: UUID, class_code: str, since: date, actor: Actor) -> None:
        self.check_open()
        self.school_class(class_code)
        current = self._open_stint(self.class_stints, student_id)
        if current is not None:
            raise SchoolYearError(
                f"the student is already in class {current.place}",
                invariant="year.student_already_in_class",
            )
        self._student_enrolled(
            student_id=student_id, class_code=class_code, since=since, actor=actor
        )

    @event(StudentEnrolled)
    def _student_enrolled(
        self, student_id: UUID, class_code: str, since: date, actor: Actor
    ) -> None:
        self.class_stints.setdefault(student_id, []).append(Stint(place=class_code, since=since))

    def leave_class(self, student_id: UUID, until: date, actor: Actor) -> str:
        """End a student's stint in their class (and their subgroups); returns the class."""
        self.check_open()
        current = self._open_stint(self.class_stints, student_id)
        if current is None:
            raise NotFoundError("the student is in no class of this year")
        if until < current.since - _ONE_DAY:
            raise SchoolYearError(
                "a student cannot leave a class before joining it",
                invariant="year.leave_before_join",
            )
        self._student_left_class(
            student_id=student_id, class_code=current.place, until=until, actor=actor
        )
        return current.place

    @event(StudentLeftClass)
    def _student_left_class(
        self, student_id: UUID, class_code: str, until: date, actor: Actor
    ) -> None:
        self._close_stint(self.class_stints, student_id, until)
        for stint in list(self.subgroup_stints.get(student_id, ())):
            if stint.until is None and stint.place.startswith(f"{class_code}/"):
                self._close_stint(self.subgroup_stints, student_id, until, place=stint.place)

    def assign_subgroup(
        self,
        student_id: UUID,
        subject: str,
        subgroup: str,
        since: date,
        actor: Actor,
    ) -> str | None:
        """Put a student in a subgroup of a subject from a date; returns the previous subgroup."""
        self.check_open()
        class_code = self.class_of(student_id, since)
        if class_code is None:
            raise NotFoundError("the student is in no class on that date")
        if not any(
            r.class_code == class_code and r.subject == subject and r.subgroup == subgroup
            for r in self.journals.values()
        ):
            raise NotFoundError(f"class {class_code} has no subgroup {subgroup!r} in {subject}")
        previous = self.subgroup_of(student_id, class_code, subject, since)
        if previous == subgroup:
            raise SchoolYearError(
                f"the student is already in subgroup {subgroup}",
                invariant="year.student_already_in_subgroup",
            )
        self._subgroup_assigned(
            student_id=student_id,
            class_code=class_code,
            subject=subject,
            subgroup=subgroup,
            since=since,
            actor=actor,
        )
        return previous

    @event(SubgroupAssigned)
    def _subgroup_assigned(
        self,
        student_id: UUID,
        class_code: str,
        subject: str,
        subgroup: str,
        since: date,
        actor: Actor,
    ) -> None:
        prefix = f"{class_code}/{subject}/"
        for stint in list(self.subgroup_stints.get(student_id, ())):
            if stint.until is None and stint.place.startswith(prefix):
                self._close_stint(self.subgroup_stints, student_id, since - _ONE_DAY, stint.place)
        self.subgroup_stints.setdefault(student_id, []).append(
            Stint(place=_subgroup_place(class_code, subject, subgroup), since=since)
        )

    def close(self, actor: Actor) -> None:
        self.check_open()
        self._closed(actor=actor)

    @event(Closed)
    def _closed(self, actor: Actor) -> None:
        self.closed = True

    # --- internals ------------------------------------------------------------------------

    @staticmethod
    def _open_stint(stints: dict[UUID, list[Stint]], student_id: UUID) -> Stint | None:
        for stint in stints.get(student_id, ()):
            if stint.until is None:
                return stint
        return None

    @staticmethod
    def _close_stint(
        stints: dict[UUID, list[Stint]],
        student_id: UUID,
        until: date,
        place: str | None = None,
    ) -> None:
        history = stints[student_id]
        for i, stint in enumerate(history):
            if stint.until is None and (place is None or stint.place == place):
                history[i] = stint.model_copy(update={"until": until})
                return


def _check_schemes(periods: tuple[Period, ...], starts_on: date, ends_on: date) -> None:
    """Periods form schemes, one per set of grades (``Period.grades``); a scheme's periods lie
    inside the year, in order, without overlap; two schemes share no grade. Periods of
    different schemes may overlap: half-years of grades 10–11 beside quarters of the rest."""
    if len({p.id for p in periods}) != len(periods):
        raise SchoolYearError("period ids must be unique", invariant="year.period_ids_repeated")
    schemes: dict[frozenset[int] | None, list[Period]] = {}
    for period in periods:
        if period.end < period.start:
            raise SchoolYearError(
                f"period {period.id} ends before it starts",
                invariant="year.period_ends_before_start",
            )
        if period.start < starts_on or period.end > ends_on:
            raise SchoolYearError(
                f"period {period.id} lies outside the school year",
                invariant="year.period_outside_year",
            )
        if period.grades is not None and (
            not period.grades or not all(1 <= g <= 11 for g in period.grades)
        ):
            raise SchoolYearError(
                f"period {period.id}: a scheme names grades from 1 to 11",
                invariant="year.scheme_grades_range",
            )
        schemes.setdefault(period.grades, []).append(period)
    if None in schemes and len(schemes) > 1:
        raise SchoolYearError(
            "periods for every grade cannot stand beside periods for some grades:"
            " give each scheme its grades",
            invariant="year.periods_and_schemes",
        )
    seen: set[int] = set()
    for grades, scheme in schemes.items():
        if grades is not None:
            shared = seen & grades
            if shared:
                raise SchoolYearError(
                    f"grade {min(shared)} is in two period schemes: a grade has one scheme",
                    invariant="year.grade_in_two_schemes",
                )
            seen |= grades
        previous_end: date | None = None
        for period in scheme:
            if previous_end is not None and period.start <= previous_end:
                raise SchoolYearError(
                    f"period {period.id} overlaps the period before it",
                    invariant="year.periods_overlap",
                )
            previous_end = period.end


def _require_reason_to_replace(replacing: bool, reason: str | None, what: str) -> None:
    if replacing and not (reason and reason.strip()):
        raise SchoolYearError(
            f"replacing {what} needs a reason", invariant="year.replacement_reason_missing"
        )
