"""The facts of the school year: periods, calendar, classes, timetable, who is where."""

from __future__ import annotations

from ejournal.aggregates.school_year import SchoolYear
from ejournal.policy.profile import RegulationProfile
from ejournal.projections import periods, stints
from ejournal.projections.read_model import Handlers
from ejournal.projections.reporting.schema import instant
from ejournal.projections.writes import Writes

HANDLERS: Handlers[Writes] = Handlers(stints.handlers("rpt"))
_on = HANDLERS.on


def _first_grade(profile: RegulationProfile) -> dict[str, bool]:
    # As the commands apply it (timing.first_grade_check): a rule without its clause binds
    # nobody.
    rule = profile.first_grade
    return {
        "no_marks": rule.no_marks and rule.clause is not None,
        "no_homework": rule.no_homework and rule.clause is not None,
    }


# --- the school year: periods, calendar, classes, timetable, who is where ----------------------


@_on(SchoolYear.Started)
def _year_started(e: SchoolYear.Started, _position: int, w: Writes) -> None:
    year_id = str(e.originator_id)
    w.add(
        """INSERT INTO rpt_years (year_id, label, starts_on, ends_on, timezone, week_length,
            first_grade_no_marks, first_grade_no_homework)
        VALUES (%(year_id)s, %(label)s, %(starts_on)s, %(ends_on)s, %(timezone)s,
            %(week_length)s, %(no_marks)s, %(no_homework)s)
        ON CONFLICT (year_id) DO UPDATE SET label = excluded.label,
            starts_on = excluded.starts_on, ends_on = excluded.ends_on,
            timezone = excluded.timezone, week_length = excluded.week_length,
            first_grade_no_marks = excluded.first_grade_no_marks,
            first_grade_no_homework = excluded.first_grade_no_homework""",
        year_id=year_id,
        label=e.label,
        starts_on=e.starts_on.isoformat(),
        ends_on=e.ends_on.isoformat(),
        timezone=e.timezone,
        week_length=e.week_length,
        **_first_grade(e.profile),
    )
    w.extend(periods.started("rpt", e))


@_on(SchoolYear.ProfileAdopted)
def _profile_adopted(e: SchoolYear.ProfileAdopted, _position: int, w: Writes) -> None:
    w.add(
        """UPDATE rpt_years SET first_grade_no_marks = %(no_marks)s,
            first_grade_no_homework = %(no_homework)s
        WHERE year_id = %(year_id)s""",
        year_id=str(e.originator_id),
        **_first_grade(e.profile),
    )


@_on(SchoolYear.ClosureDeclared)
def _closure_declared(e: SchoolYear.ClosureDeclared, _position: int, w: Writes) -> None:
    closure = e.closure
    if closure.in_calendar() is None:
        return  # an old closure of no class: stored as "", it would read back as the school
    w.add(
        """INSERT INTO rpt_closures (closure_id, year_id, start_date, end_date, classes, lifted)
        VALUES (%(closure_id)s, %(year_id)s, %(start_date)s, %(end_date)s, %(classes)s, FALSE)
        ON CONFLICT (closure_id) DO UPDATE SET year_id = excluded.year_id,
            start_date = excluded.start_date, end_date = excluded.end_date,
            classes = excluded.classes, lifted = FALSE""",
        closure_id=str(closure.id),
        year_id=str(e.originator_id),
        start_date=closure.start.isoformat(),
        end_date=closure.end.isoformat(),
        # Class codes hold no spaces ("5А"): one space-separated list, None for the school.
        classes=" ".join(sorted(closure.classes)) if closure.classes is not None else None,
    )


@_on(SchoolYear.ClosureLifted)
def _closure_lifted(e: SchoolYear.ClosureLifted, _position: int, w: Writes) -> None:
    w.add(
        "UPDATE rpt_closures SET lifted = TRUE WHERE closure_id = %(closure_id)s",
        closure_id=str(e.closure_id),
    )


@_on(SchoolYear.ClassFormed)
def _class_formed(e: SchoolYear.ClassFormed, _position: int, w: Writes) -> None:
    w.add(
        """INSERT INTO rpt_classes (year_id, class_code, grade)
        VALUES (%(year_id)s, %(class_code)s, %(grade)s)
        ON CONFLICT (year_id, class_code) DO UPDATE SET grade = excluded.grade""",
        year_id=str(e.originator_id),
        class_code=e.school_class.code,
        grade=e.school_class.grade,
    )


@_on(SchoolYear.TimetableSet)
def _timetable_set(e: SchoolYear.TimetableSet, position: int, w: Writes) -> None:
    # Every version is kept with the time it was set: a report lays over each day the
    # timetable in force then.
    for entry in e.entries:
        w.add(
            """INSERT INTO rpt_timetables (year_id, class_code, set_position, set_at, weekday,
                slot, journal_id)
            VALUES (%(year_id)s, %(class_code)s, %(position)s, %(set_at)s, %(weekday)s,
                %(slot)s, %(journal_id)s)
            ON CONFLICT (set_position, weekday, slot, journal_id) DO NOTHING""",
            year_id=str(e.originator_id),
            class_code=e.class_code,
            position=position,
            set_at=instant(e.timestamp),
            weekday=entry.weekday,
            slot=entry.slot,
            journal_id=str(entry.journal_id),
        )
