"""The facts as the reports read them: the year, its periods, classes, journals, who was in which
class when, names."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict

from ejournal.aggregates.identity import school_year_id
from ejournal.database import Cursor, Row
from ejournal.errors import NotFoundError
from ejournal.projections.conventions import alphabetical

# --- reading: what every report needs -----------------------------------------------------------


class ReportModel(BaseModel):
    """A frozen part of a report."""

    model_config = ConfigDict(frozen=True)


class ReportNotProjectedError(NotFoundError):
    """The reports hold no such year, class, period or journal (unknown, or not projected
    yet)."""


def percent(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in per cent, rounded to a tenth (as the summary sheets round);
    None of nothing."""
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class YearFacts:
    """A school year as the reports need it."""

    year_id: str
    label: str
    starts_on: date
    ends_on: date
    timezone: str
    week_length: int
    first_grade_no_marks: bool
    """School 77 §3.7, School 117 §5.5: grade 1 gets no marks, where the profile says so."""
    first_grade_no_homework: bool
    """School 77 §3.7: grade 1 gets no homework, where the profile says so."""

    def marks_expected(self, grade: int) -> bool:
        return not (grade == 1 and self.first_grade_no_marks)

    def homework_expected(self, grade: int) -> bool:
        return not (grade == 1 and self.first_grade_no_homework)


@dataclass(frozen=True)
class PeriodFacts:
    period_id: str
    name: str
    start: date
    end: date
    grades: frozenset[int] | None = None
    """The grades of the period's scheme; None for every grade."""

    def applies_to(self, grade: int) -> bool:
        return self.grades is None or grade in self.grades


@dataclass(frozen=True)
class JournalFacts:
    journal_id: str
    class_code: str
    grade: int
    subject: str
    subject_name: str
    subgroup: str | None
    ktp_hours: int | None


Span = tuple[date, date | None]
"""Days someone is somewhere: since and until, both inclusive; until None while still there."""


def covers(spans: Iterable[Span], day: date) -> bool:
    """Whether any of the spans holds the day."""
    return any(since <= day and (until is None or day <= until) for since, until in spans)


def overlaps(spans: Iterable[Span], start: date, end: date) -> bool:
    """Whether any of the spans shares a day with [start, end]."""
    return any(since <= end and (until is None or start <= until) for since, until in spans)


def school_timezone(cursor: Cursor) -> str | None:
    """The school's time zone: its latest year's, fixed when that year was set up (None before
    any year is)."""
    cursor.execute("SELECT timezone FROM rpt_years ORDER BY starts_on DESC LIMIT 1")
    row = cursor.fetchone()
    return None if row is None else str(row["timezone"])


def year_facts(cursor: Cursor, label: str) -> YearFacts:
    """A school year by its label ("2026/2027"); not found if the reports hold none."""
    year_id = str(school_year_id(label))
    cursor.execute("SELECT * FROM rpt_years WHERE year_id = %(year_id)s", {"year_id": year_id})
    row = cursor.fetchone()
    if row is None:
        raise ReportNotProjectedError(f"no school year {label} in the reports")
    return YearFacts(
        year_id=year_id,
        label=row["label"],
        starts_on=date.fromisoformat(row["starts_on"]),
        ends_on=date.fromisoformat(row["ends_on"]),
        timezone=row["timezone"],
        week_length=int(row["week_length"]),
        first_grade_no_marks=bool(row["first_grade_no_marks"]),
        first_grade_no_homework=bool(row["first_grade_no_homework"]),
    )


def periods(cursor: Cursor, year: YearFacts, grade: int | None = None) -> list[PeriodFacts]:
    """The year's reporting periods in order; with a grade, those of its scheme."""
    cursor.execute(
        "SELECT * FROM rpt_periods WHERE year_id = %(year_id)s ORDER BY start_date, period_id",
        {"year_id": year.year_id},
    )
    found = [
        PeriodFacts(
            period_id=r["period_id"],
            name=r["name"],
            start=date.fromisoformat(r["start_date"]),
            end=date.fromisoformat(r["end_date"]),
            grades=(
                frozenset(int(g) for g in r["grades"].strip(",").split(","))
                if r["grades"]
                else None
            ),
        )
        for r in cursor.fetchall()
    ]
    return [p for p in found if grade is None or p.applies_to(grade)]


def period(
    cursor: Cursor, year: YearFacts, period_id: str, grade: int | None = None
) -> PeriodFacts:
    """A period by id; with a grade, one of that grade's scheme."""
    found = next((p for p in periods(cursor, year, grade) if p.period_id == period_id), None)
    if found is None:
        where = f" for grade {grade}" if grade is not None else ""
        raise ReportNotProjectedError(f"no period {period_id} in school year {year.label}{where}")
    return found


def classes(cursor: Cursor, year: YearFacts) -> dict[str, int]:
    """The year's classes and their grades, in the order a school lists them (1А, 1Б, 5А…)."""
    cursor.execute(
        "SELECT class_code, grade FROM rpt_classes WHERE year_id = %(year_id)s",
        {"year_id": year.year_id},
    )
    grades = {r["class_code"]: int(r["grade"]) for r in cursor.fetchall()}
    return {code: grades[code] for code in sorted(grades, key=lambda c: (grades[c], c))}


def journals(cursor: Cursor, year: YearFacts, class_code: str | None = None) -> list[JournalFacts]:
    """The year's journals (of one class, if given), by class, subject and subgroup."""
    params = {"year_id": year.year_id, "class_code": class_code}
    cursor.execute(
        """SELECT * FROM rpt_journals WHERE year_id = %(year_id)s
            AND (CAST(%(class_code)s AS TEXT) IS NULL OR class_code = %(class_code)s)""",
        params,
    )
    found = [
        JournalFacts(
            journal_id=r["journal_id"],
            class_code=r["class_code"],
            grade=int(r["grade"]),
            subject=r["subject"],
            subject_name=r["subject_name"],
            subgroup=r["subgroup"],
            ktp_hours=int(r["ktp_hours"]) if r["ktp_hours"] is not None else None,
        )
        for r in cursor.fetchall()
    ]
    return sorted(
        found,
        key=lambda j: (j.grade, j.class_code, alphabetical(j.subject_name), j.subgroup or ""),
    )


@dataclass(frozen=True)
class Roster:
    """Who is in which class and subgroup on which days of a year."""

    classes: dict[str, dict[str, list[Span]]]
    """class code -> student id -> days in the class."""
    subgroups: dict[tuple[str, str, str], dict[str, list[Span]]]
    """(class code, subject, subgroup) -> student id -> days in the subgroup."""

    def page(self, journal: JournalFacts) -> dict[str, list[Span]]:
        """The students on a journal's page and their days on it (DESIGN.md §3: a subgroup's
        journal holds the days a student is both in the class and in the subgroup)."""
        in_class = self.classes.get(journal.class_code, {})
        if journal.subgroup is None:
            return in_class
        in_group = self.subgroups.get((journal.class_code, journal.subject, journal.subgroup), {})
        page: dict[str, list[Span]] = {}
        for student_id, group_spans in in_group.items():
            shared = [
                found
                for a in in_class.get(student_id, ())
                for b in group_spans
                if (found := _shared(a, b)) is not None
            ]
            if shared:
                page[student_id] = shared
        return page


def _shared(a: Span, b: Span) -> Span | None:
    since = max(a[0], b[0])
    ends = [u for u in (a[1], b[1]) if u is not None]
    until = min(ends) if ends else None
    if until is not None and until < since:
        return None
    return since, until


def roster(cursor: Cursor, year: YearFacts, class_code: str | None = None) -> Roster:
    """The year's class and subgroup stints (of one class, if given)."""
    params = {"year_id": year.year_id, "class_code": class_code}
    where = """WHERE year_id = %(year_id)s
        AND (CAST(%(class_code)s AS TEXT) IS NULL OR class_code = %(class_code)s)"""
    cursor.execute(f"SELECT * FROM rpt_class_stints {where}", params)  # noqa: S608
    in_classes: dict[str, dict[str, list[Span]]] = {}
    for r in cursor.fetchall():
        in_classes.setdefault(r["class_code"], {}).setdefault(r["student_id"], []).append(_span(r))
    cursor.execute(f"SELECT * FROM rpt_subgroup_stints {where}", params)  # noqa: S608
    in_groups: dict[tuple[str, str, str], dict[str, list[Span]]] = {}
    for r in cursor.fetchall():
        key = (r["class_code"], r["subject"], r["subgroup"])
        in_groups.setdefault(key, {}).setdefault(r["student_id"], []).append(_span(r))
    return Roster(classes=in_classes, subgroups=in_groups)


def _span(row: Row) -> Span:
    until = row["until_date"]
    return date.fromisoformat(row["since_date"]), date.fromisoformat(until) if until else None


def student_names(cursor: Cursor) -> dict[str, str]:
    """Every student's full name, by id."""
    cursor.execute("SELECT student_id, full_name FROM rpt_students")
    return {r["student_id"]: r["full_name"] for r in cursor.fetchall()}


def account_names(cursor: Cursor) -> dict[str, str]:
    """Every account's full name, by id."""
    cursor.execute("SELECT account_id, full_name FROM rpt_accounts")
    return {r["account_id"]: r["full_name"] for r in cursor.fetchall()}
