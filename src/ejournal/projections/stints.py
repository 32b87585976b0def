"""Who belongs where on which days: the class and subgroup stints of students.

SchoolYear records them as events; a read model that needs to know who is on a journal's page
or in a class keeps its own copy of these tables (named with its prefix), so it can still be
rebuilt on its own. The rules for keeping them live here once, mirroring SchoolYear's: leaving a
class ends the student's subgroups in it the same day; joining a subgroup ends the previous
subgroup of that subject the day before. Dates are ISO text; ``until`` NULL means "still".
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ejournal.aggregates.school_year import SchoolYear
from ejournal.projections.conventions import table_prefix
from ejournal.projections.read_model import Handlers
from ejournal.projections.writes import Statement, Writes

_ONE_DAY = timedelta(days=1)


def ddl(prefix: str, *, subgroups: bool = True) -> tuple[str, ...]:
    """The stint tables of one read model."""
    prefix = table_prefix(prefix)
    tables = [
        f"""CREATE TABLE IF NOT EXISTS {prefix}_class_stints (
            year_id TEXT NOT NULL,
            student_id TEXT NOT NULL,
            class_code TEXT NOT NULL,
            since_date TEXT NOT NULL,
            until_date TEXT,
            PRIMARY KEY (year_id, student_id, class_code, since_date)
        )"""
    ]
    if subgroups:
        tables.append(
            f"""CREATE TABLE IF NOT EXISTS {prefix}_subgroup_stints (
                year_id TEXT NOT NULL,
                student_id TEXT NOT NULL,
                class_code TEXT NOT NULL,
                subject TEXT NOT NULL,
                subgroup TEXT NOT NULL,
                since_date TEXT NOT NULL,
                until_date TEXT,
                PRIMARY KEY (year_id, student_id, class_code, subject, subgroup, since_date)
            )"""
        )
    return tuple(tables)


def enrolled(prefix: str, e: SchoolYear.StudentEnrolled) -> list[Statement]:
    prefix = table_prefix(prefix)
    return [
        (
            # The prefix is checked (table_prefix); values go in as parameters.
            f"""INSERT INTO {prefix}_class_stints
                (year_id, student_id, class_code, since_date, until_date)
            VALUES (%(year_id)s, %(student_id)s, %(class_code)s, %(since)s, NULL)
            ON CONFLICT (year_id, student_id, class_code, since_date)
            DO UPDATE SET until_date = NULL""",
            {
                "year_id": str(e.originator_id),
                "student_id": str(e.student_id),
                "class_code": e.class_code,
                "since": e.since.isoformat(),
            },
        )
    ]


def left_class(
    prefix: str, e: SchoolYear.StudentLeftClass, *, subgroups: bool = True
) -> list[Statement]:
    prefix = table_prefix(prefix)
    params = {
        "year_id": str(e.originator_id),
        "student_id": str(e.student_id),
        "class_code": e.class_code,
        "until": e.until.isoformat(),
    }
    ends = [f"{prefix}_class_stints", *([f"{prefix}_subgroup_stints"] if subgroups else [])]
    return [
        (
            # The prefix is checked (table_prefix); values go in as parameters.
            f"""UPDATE {table} SET until_date = %(until)s
            WHERE year_id = %(year_id)s AND student_id = %(student_id)s
                AND class_code = %(class_code)s AND until_date IS NULL""",
            params,
        )
        for table in ends
    ]


def subgroup_assigned(prefix: str, e: SchoolYear.SubgroupAssigned) -> list[Statement]:
    prefix = table_prefix(prefix)
    params = {
        "year_id": str(e.originator_id),
        "student_id": str(e.student_id),
        "class_code": e.class_code,
        "subject": e.subject,
        "subgroup": e.subgroup,
        "since": e.since.isoformat(),
        "day_before": (e.since - _ONE_DAY).isoformat(),
    }
    return [
        (
            # The prefix is checked (table_prefix); values go in as parameters.
            f"""UPDATE {prefix}_subgroup_stints SET until_date = %(day_before)s
            WHERE year_id = %(year_id)s AND student_id = %(student_id)s
                AND class_code = %(class_code)s AND subject = %(subject)s
                AND until_date IS NULL""",
            params,
        ),
        (
            # The prefix is checked (table_prefix); values go in as parameters.
            f"""INSERT INTO {prefix}_subgroup_stints
                (year_id, student_id, class_code, subject, subgroup, since_date, until_date)
            VALUES (%(year_id)s, %(student_id)s, %(class_code)s, %(subject)s, %(subgroup)s,
                %(since)s, NULL)
            ON CONFLICT (year_id, student_id, class_code, subject, subgroup, since_date)
            DO UPDATE SET until_date = NULL""",
            params,
        ),
    ]


def handlers(prefix: str, *, subgroups: bool = True) -> Handlers[Writes]:
    """The handlers keeping one read model's stint tables: merged into the model's own."""
    on: Handlers[Writes] = Handlers()

    @on.on(SchoolYear.StudentEnrolled)
    def _enrolled(e: SchoolYear.StudentEnrolled, _position: int, w: Writes) -> None:
        w.extend(enrolled(prefix, e))

    @on.on(SchoolYear.StudentLeftClass)
    def _left_class(e: SchoolYear.StudentLeftClass, _position: int, w: Writes) -> None:
        w.extend(left_class(prefix, e, subgroups=subgroups))

    if subgroups:

        @on.on(SchoolYear.SubgroupAssigned)
        def _subgroup_assigned(e: SchoolYear.SubgroupAssigned, _position: int, w: Writes) -> None:
            w.extend(subgroup_assigned(prefix, e))

    return on


def page_spans(
    stint: dict[str, Any], journal: dict[str, Any], subgroup_stints: list[dict[str, Any]]
) -> list[tuple[str, str | None]]:
    """The days of a class stint a student is on a journal's page: the whole stint for a
    journal of the whole class; for a subgroup's, its overlaps with the student's stints in
    that subgroup (``subgroup_stints``: the student's, in the stint's class and year)."""
    if journal["subgroup"] is None:
        return [(stint["since_date"], stint["until_date"])]
    return [
        span
        for sub in subgroup_stints
        if (sub["subject"], sub["subgroup"]) == (journal["subject"], journal["subgroup"])
        and (span := overlap(stint, sub)) is not None
    ]


def overlap(a: dict[str, Any], b: dict[str, Any]) -> tuple[str, str | None] | None:
    """The days two stints share (``until`` None = open-ended), or None if they share none."""
    since = max(a["since_date"], b["since_date"])
    ends = [u for u in (a["until_date"], b["until_date"]) if u is not None]
    until = min(ends) if ends else None
    if until is not None and until < since:
        return None
    return since, until
